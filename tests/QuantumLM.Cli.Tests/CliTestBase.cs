namespace QuantumLM.Cli.Tests;

/// <summary>
/// What every CLI test needs: a private temporary folder for input files, and the tool run in-process with its
/// standard output and error captured.
/// </summary>
public abstract class CliTestBase : IDisposable
{
    protected CliTestBase() => Dir = Directory.CreateTempSubdirectory("qlm-cli-").FullName;

    /// <summary>Gets the test's temporary folder.</summary>
    protected string Dir { get; }

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes a file in the temporary folder and returns its path.</summary>
    protected string Write(string name, string text)
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs <c>quantumlm</c> with the arguments and returns its exit code, standard output and standard error.</summary>
    protected static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
