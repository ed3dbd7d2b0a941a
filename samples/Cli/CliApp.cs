using System.CommandLine;

namespace QuantumLM.Cli;

/// <summary>The <c>quantumlm</c> command tree. Exit codes: 0 success, 2 invalid input, 1 runtime failure.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var io = new CliIO(stdout, stderr);
        var root = new RootCommand("quantumlm: ΛΦ tensor metrics, circuit runs and DNALang organisms from the command line.\n" +
            "Output is JSON on stdout; errors are one line on stderr (error: <code>: <message>).\n" +
            "Exit codes: 0 success, 2 invalid input, 1 runtime failure.");

        // Each command lives in Commands/<Name>Command.cs and is added here, one line each.
        root.Add(Commands.MetricsCommand.Create(io));
        root.Add(BackendsCommand.Create(io));
        root.Add(OrganismCommand.Create(io));
        root.Add(RunCommand.Create(io));

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"error: usage: {parse.Errors[0].Message}");
            return CliExitCodes.InvalidInput;
        }

        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return await parse.InvokeAsync(config, cancellationToken);
    }
}
