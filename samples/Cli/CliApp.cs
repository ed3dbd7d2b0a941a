using System.CommandLine;

namespace QuantumLM.Cli;

/// <summary>The <c>quantumlm</c> command tree. Exit codes: 0 success, 2 invalid input, 1 runtime failure.</summary>
internal static class CliApp
{
    /// <summary>The root help text: what the tool does, its conventions, and one example per command.</summary>
    internal const string RootDescription =
        "quantumlm: ΛΦ tensor metrics, circuit runs and DNALang organisms from the command line.\n" +
        "Output is JSON on stdout; errors are one line on stderr (error: <code>: <message>); progress of long runs goes\n" +
        "to stderr when it is a terminal or with --progress.\n" +
        "Exit codes: 0 success, 2 invalid input, 1 runtime failure.\n" +
        "\n" +
        "Commands and examples (quantumlm <command> --help for every option):\n" +
        "  metrics    quantumlm metrics --counts counts.json --ideal ideal.json --bootstrap 2000 --seed 1\n" +
        "  run        quantumlm run ghz.qasm --shots 4096 --seed 7 --metrics\n" +
        "  backends   quantumlm backends\n" +
        "  organism   quantumlm organism parse genome.dna\n" +
        "             quantumlm organism heal broken.dna\n" +
        "             quantumlm organism evolve genome.dna --rate 0.2 --seed 42\n" +
        "             quantumlm organism crossover a.dna --partner b.dna --mode onepoint --seed 3\n" +
        "             quantumlm organism enhance genome.dna --backend local --qubits 3 --shots 1024 --seed 5";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        bool errorIsTerminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        var io = new CliIO(stdout, stderr, errorIsTerminal);
        var root = new RootCommand(RootDescription);
        root.Options.Add(io.ProgressOption);

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
