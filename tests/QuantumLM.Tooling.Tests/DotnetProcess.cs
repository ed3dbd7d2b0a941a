using System.Diagnostics;
using System.Text;

namespace QuantumLM.Tooling.Tests;

/// <summary>Runs the .NET CLI (or a program it installed) as a child process with a clean, quiet environment.</summary>
internal static class DotnetProcess
{
    /// <summary>How long one child process may run before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Gets the <c>dotnet</c> executable that runs these tests.</summary>
    public static string DotnetPath { get; } = FindDotnet();

    /// <summary>Runs <paramref name="fileName"/> and returns its exit code and output.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host inherits MSBuild's and the test platform's variables from `dotnet test`; a child build must
        // not see them. No build servers linger after the child exits.
        foreach (string key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(DotnetPath)!;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} ran longer than {Timeout}; output so far:\n{await stdout}\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr, $"{Path.GetFileName(fileName)} {string.Join(' ', start.ArgumentList)}");
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>, failing the test with the whole output unless it exits 0.</summary>
    public static async Task<ProcessResult> RunDotnetCheckedAsync(string workingDirectory, params string[] arguments)
    {
        ProcessResult result = await RunAsync(DotnetPath, arguments, workingDirectory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{result.Command}` exited with {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        }

        return result;
    }

    private static string FindDotnet()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate))
            {
                // Resolve a symbolic link (/usr/bin/dotnet → /usr/share/dotnet/dotnet) so that DOTNET_ROOT is right.
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }

        throw new InvalidOperationException("the dotnet executable was found neither in DOTNET_HOST_PATH nor on PATH");
    }
}

/// <summary>What a child process did.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, string Command);
