namespace QuantumLM.Cli.Tests;

public sealed class CliAppTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Help_DescribesTheToolAndExitCodes()
    {
        var (code, output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("quantumlm", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheAssemblyVersion()
    {
        var (code, output, _) = await RunAsync("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public async Task UnknownOption_IsInvalidInputWithOneLineError()
    {
        var (code, output, err) = await RunAsync("--no-such-option");
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: usage: ", err, StringComparison.Ordinal);
    }
}
