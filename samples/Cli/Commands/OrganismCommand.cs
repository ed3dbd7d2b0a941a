using System.CommandLine;
using System.Text.Json.Nodes;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Organisms;

using QuantumLM.Quantum.Metrics;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Cli;

/// <summary>
/// <c>quantumlm organism parse|heal|evolve|crossover|enhance genome.dna [--partner other.dna] [--seed S] [--rate R]
/// [--backend local|…]</c>: runs one DNALang operator. Output: <c>{"genome": canonical text, "dna_sha256": …, "report": {…}}</c>.
/// An invalid genome is exit 2 with <c>error: dna: &lt;line&gt;:&lt;col&gt; &lt;message&gt;</c>; <c>heal</c> accepts broken text.
/// </summary>
internal static class OrganismCommand
{
    /// <summary>The largest genome file accepted (16 MiB, the parser's default limit).</summary>
    public const long MaxGenomeBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Resolves a backend name to a backend and a metrics calculator for <c>enhance</c>. Tests set it for their own
    /// async flow; when unset, <see cref="ResolveDefault"/> is used.
    /// </summary>
    internal static readonly AsyncLocal<Func<string, (IQuantumBackend Backend, ITensorMetricsCalculator Metrics)>?> EnhanceServicesOverride = new();

    public static Command Create(CliIO io)
    {
        var command = new Command("organism", "Run a DNALang organism operator: parse, heal, evolve, crossover or enhance. Output: {genome, dna_sha256, report}.\n\n" +
            "Examples:\n" +
            "  quantumlm organism parse genome.dna\n" +
            "  quantumlm organism evolve genome.dna --rate 0.2 --seed 42\n" +
            "  quantumlm organism enhance genome.dna --backend local --qubits 3 --shots 1024 --seed 5 --progress");
        command.Subcommands.Add(Operator(io, "parse", "Parse a genome and print its canonical form (exit 2 with line:column when invalid).\n\nExample:\n  quantumlm organism parse genome.dna"));
        command.Subcommands.Add(Operator(io, "heal", "Repair a broken genome (braces, missing sections, duplicate or out-of-range traits) and list the repairs applied.\n\nExample:\n  quantumlm organism heal broken.dna"));
        command.Subcommands.Add(Operator(io, "evolve", "Mutate numeric traits of every gene with a seeded generator (--rate, --sigma, --mode, --seed).\n\nExample:\n  quantumlm organism evolve genome.dna --rate 0.2 --sigma 0.1 --mode gaussian --seed 42"));
        command.Subcommands.Add(Operator(io, "crossover", "Recombine the genome with --partner gene by gene (--mode uniform|onepoint, --point, --seed).\n\nExample:\n  quantumlm organism crossover a.dna --partner b.dna --mode onepoint --point 0.4 --seed 3"));
        command.Subcommands.Add(Operator(io, "enhance", "quantum_enhance: run GHZ_n on --backend, set the rate from Φ and evolve (--qubits, --shots, --seed, --fallback).\n\nExample:\n  quantumlm organism enhance genome.dna --backend local --qubits 4 --shots 2048 --seed 5 --fallback"));
        return command;
    }

    private static Command Operator(CliIO io, string name, string description)
    {
        var genome = new Argument<FileInfo>("genome.dna") { Description = "The DNALang genome file (UTF-8)." };
        var partner = new Option<FileInfo?>("--partner") { Description = "The second parent (crossover)." };
        var seed = new Option<ulong>("--seed") { Description = "The seed of the xoshiro256** generator.", DefaultValueFactory = _ => 0 };
        var rate = new Option<double?>("--rate") { Description = "The mutation rate μ in [0, 1] (evolve; default 0.1)." };
        var sigma = new Option<double?>("--sigma") { Description = "σ of evolve (default 0.2)." };
        var mode = new Option<string?>("--mode") { Description = "evolve: multiplicative|gaussian; crossover: uniform|onepoint." };
        var point = new Option<double?>("--point") { Description = "The one-point crossover point c in [0, 1] (default 0.5)." };
        var backend = new Option<string>("--backend") { Description = "The backend for enhance (local or an IBM backend name).", DefaultValueFactory = _ => "local" };
        var qubits = new Option<int?>("--qubits") { Description = "GHZ width n for enhance (default 3)." };
        var shots = new Option<int?>("--shots") { Description = "Shots for enhance (default 1024)." };
        var fallback = new Option<bool>("--fallback") { Description = "enhance: when the run fails, evolve at rate 0.1 instead of failing (marked fallback: true)." };
        var command = new Command(name, description) { genome };
        command.Options.Add(seed);
        switch (name)
        {
            case "evolve":
                command.Options.Add(rate);
                command.Options.Add(sigma);
                command.Options.Add(mode);
                break;
            case "crossover":
                command.Options.Add(partner);
                command.Options.Add(mode);
                command.Options.Add(point);
                break;
            case "enhance":
                command.Options.Add(backend);
                command.Options.Add(qubits);
                command.Options.Add(shots);
                command.Options.Add(sigma);
                command.Options.Add(fallback);
                break;
            default:
                break;
        }

        command.SetAction((parse, cancellationToken) => io.GuardAsync(async () =>
        {
            var path = parse.GetValue(genome)!;
            await using CliProgress progress = CliProgress.Start(io, parse, $"organism {name} {path.Name}");
            ulong s = parse.GetValue(seed);
            byte[] bytes = await ReadBytesAsync(path.FullName, cancellationToken);
            JsonObject report;
            Organism child;
            switch (name)
            {
                case "heal":
                    var healed = OrganismOperators.SelfHealUtf8(bytes);
                    child = healed.Child;
                    report = new JsonObject { ["operator"] = healed.Report.Operator, ["fixes"] = Strings(healed.Report.Fixes) };
                    break;
                case "parse":
                    child = DnaText.ParseUtf8(bytes);
                    report = new JsonObject
                    {
                        ["operator"] = "parse",
                        ["name"] = child.Name,
                        ["sections"] = Strings(child.Sections.Select(static x => x.Keyword)),
                        ["genes"] = Strings(child.Genes.Select(static g => g.Name)),
                    };
                    break;
                case "evolve":
                    var options = new EvolveOptions
                    {
                        Rate = parse.GetValue(rate) ?? 0.1,
                        Sigma = parse.GetValue(sigma) ?? 0.2,
                        Mode = ParseMode(parse.GetValue(mode), "multiplicative", EvolveMode.Multiplicative, "gaussian", EvolveMode.Gaussian),
                    };
                    ValidateOptions(options.Rate is >= 0 and <= 1, "--rate must be in [0, 1]");
                    ValidateOptions(options.Sigma >= 0 && double.IsFinite(options.Sigma), "--sigma must be finite and non-negative");
                    progress.Stage($"mutating with rate {options.Rate} and sigma {options.Sigma}");
                    var evolved = OrganismOperators.Evolve(DnaText.ParseUtf8(bytes), s, options);
                    child = evolved.Child;
                    report = EvolveJson(evolved.Report);
                    break;
                case "crossover":
                    var partnerFile = parse.GetValue(partner) ?? throw new QuantumLmException(CliErrorCodes.Usage, "crossover needs --partner other.dna");
                    var first = DnaText.ParseUtf8(bytes);
                    var second = ParsePartner(await ReadBytesAsync(partnerFile.FullName, cancellationToken), partnerFile.Name);
                    var crossOptions = new CrossoverOptions
                    {
                        Mode = ParseMode(parse.GetValue(mode), "uniform", CrossoverMode.Uniform, "onepoint", CrossoverMode.OnePoint),
                        Point = parse.GetValue(point) ?? 0.5,
                    };
                    ValidateOptions(crossOptions.Point is >= 0 and <= 1, "--point must be in [0, 1]");
                    var crossed = OrganismOperators.Crossover(first, second, s, crossOptions);
                    child = crossed.Child;
                    report = CrossoverJson(crossed.Report);
                    break;
                default:
                    var organism = DnaText.ParseUtf8(bytes);
                    var enhanceOptions = new QuantumEnhanceOptions
                    {
                        Qubits = parse.GetValue(qubits) ?? 3,
                        Shots = parse.GetValue(shots) ?? 1024,
                        OnFailure = parse.GetValue(fallback) ? QuantumFailurePolicy.Evolve : QuantumFailurePolicy.Error,
                        Evolve = new EvolveOptions { Sigma = parse.GetValue(sigma) ?? 0.2 },
                    };
                    ValidateOptions(enhanceOptions.Qubits is >= 2 and <= 24, "--qubits must be from 2 to 24");
                    ValidateOptions(enhanceOptions.Shots is >= 1 and <= 1_000_000, "--shots must be from 1 to 1000000");
                    progress.Stage($"running GHZ_{enhanceOptions.Qubits} ({enhanceOptions.Shots} shots) on {parse.GetValue(backend)}, then evolving");
                    var (b, metrics) = (EnhanceServicesOverride.Value ?? ResolveDefault)(parse.GetValue(backend)!);
                    var enhanced = await OrganismOperators.QuantumEnhanceAsync(organism, b, metrics, s, enhanceOptions, cancellationToken: cancellationToken);
                    child = enhanced.Child;
                    report = EnhanceJson(enhanced.Report);
                    break;
            }

            await io.WriteJsonAsync(new JsonObject
            {
                ["genome"] = DnaText.Serialize(child),
                ["dna_sha256"] = DnaText.ComputeSha256(child),
                ["report"] = report,
            });
        }));
        return command;
    }

    /// <summary>
    /// The backends this command runs GHZ_n on: the local statevector simulator (an enhance step is many short runs;
    /// hardware runs go through <c>quantumlm run --backend ibm_*</c>).
    /// </summary>
    private static (IQuantumBackend Backend, ITensorMetricsCalculator Metrics) ResolveDefault(string name) =>
        string.Equals(name, LocalSimulatorBackend.BackendName, StringComparison.Ordinal)
            ? (new LocalSimulatorBackend(Microsoft.Extensions.Options.Options.Create(new LocalSimulatorOptions())), new TensorMetricsCalculator())
            : throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound, $"no backend named '{name}' is available to 'organism enhance'; use '{LocalSimulatorBackend.BackendName}' (for IBM hardware use 'quantumlm run --backend ibm_*')");

    private static Organism ParsePartner(byte[] bytes, string name)
    {
        try
        {
            return DnaText.ParseUtf8(bytes);
        }
        catch (DnaSyntaxException ex)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidGenome, $"{ex.Line}:{ex.Column} {ex.Expected} (in --partner {name})");
        }
    }

    private static T ParseMode<T>(string? value, string a, T aValue, string b, T bValue) =>
        value is null || value == a ? aValue
        : value == b ? bValue
        : throw new QuantumLmException(CliErrorCodes.Usage, $"--mode must be {a} or {b}, not '{value}'");

    private static void ValidateOptions(bool ok, string message)
    {
        if (!ok)
        {
            throw new QuantumLmException(CliErrorCodes.Usage, message);
        }
    }

    private static async Task<byte[]> ReadBytesAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new QuantumLmException(CliErrorCodes.File, $"{path}: no such file");
        }

        if (info.Length > MaxGenomeBytes)
        {
            throw new QuantumLmException(CliErrorCodes.File, $"{path}: {info.Length} bytes exceeds the limit of {MaxGenomeBytes}");
        }

        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new QuantumLmException(CliErrorCodes.File, $"{path}: {ex.Message}");
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(static v => (JsonNode?)JsonValue.Create(v)).ToArray());

    internal static JsonNode? ToJson(TraitValue value) => value switch
    {
        NumberTrait { IsInteger: true } n => JsonValue.Create((long)n.Value),
        NumberTrait n => JsonValue.Create(n.Value),
        BooleanTrait b => JsonValue.Create(b.Value),
        TextTrait t => JsonValue.Create(t.Value),
        ListTrait l => new JsonArray(l.Items.Select(ToJson).ToArray()),
        MapTrait m => new JsonObject(m.Map.Select(static e => new KeyValuePair<string, JsonNode?>(e.Key, ToJson(e.Value)))),
        _ => null,
    };

    private static JsonObject EvolveJson(EvolveReport r) => new()
    {
        ["operator"] = r.Operator,
        ["seed"] = r.Seed,
        ["rng"] = RngInfo.Xoshiro256StarStar,
        ["rate"] = r.Options.Rate,
        ["sigma"] = r.Options.Sigma,
        ["mode"] = r.Options.Mode == EvolveMode.Gaussian ? "gaussian" : "multiplicative",
        ["changes"] = r.Changes,
        ["changed_traits"] = new JsonArray(r.ChangedTraits.Select(static c => (JsonNode?)new JsonObject
        {
            ["gene"] = c.Gene,
            ["trait"] = c.Trait,
            ["before"] = ToJson(c.Before),
            ["after"] = ToJson(c.After),
        }).ToArray()),
    };

    private static JsonObject CrossoverJson(CrossoverReport r) => new()
    {
        ["operator"] = r.Operator,
        ["seed"] = r.Seed,
        ["rng"] = RngInfo.Xoshiro256StarStar,
        ["mode"] = r.Options.Mode == CrossoverMode.OnePoint ? "onepoint" : "uniform",
        ["p_mix"] = r.Options.MixProbability,
        ["point"] = r.Options.Point,
        ["cut"] = r.Cut,
        ["genes_from_first"] = Strings(r.GenesFromFirst),
        ["genes_from_second"] = Strings(r.GenesFromSecond),
        ["genes_mixed"] = Strings(r.GenesMixed),
        ["shared_traits_from_first"] = r.SharedTraitsFromFirst,
        ["shared_traits_from_second"] = r.SharedTraitsFromSecond,
    };

    private static JsonObject EnhanceJson(QuantumEnhanceReport r) => new()
    {
        ["operator"] = r.Operator,
        ["status"] = r.Status,
        ["fallback"] = r.Fallback,
        ["failure_reason"] = r.FailureReason,
        ["backend"] = r.Backend,
        ["job_id"] = r.JobId,
        ["seed"] = r.Seed,
        ["qubits"] = r.Qubits,
        ["shots"] = r.Shots,
        ["mu"] = r.Mu,
        ["metrics"] = r.Metrics is null ? null : new JsonObject
        {
            ["metrics_version"] = r.Metrics.MetricsVersion,
            ["phi"] = r.Metrics.Phi,
            ["lambda"] = r.Metrics.Lambda,
            ["gamma"] = r.Metrics.Gamma,
            ["w2"] = r.Metrics.W2,
            ["shots"] = r.Metrics.Shots,
            ["width"] = r.Metrics.Width,
            ["ideal_source"] = r.Metrics.IdealSource,
        },
        ["circuit"] = r.Circuit,
        ["evolve"] = EvolveJson(r.Evolve),
    };
}
