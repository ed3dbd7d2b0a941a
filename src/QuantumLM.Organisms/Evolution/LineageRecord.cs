using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Organisms;

/// <summary>The random generator behind an operator: its algorithm and seed.</summary>
/// <param name="Algorithm">The algorithm name.</param>
/// <param name="Seed">The seed.</param>
public sealed record RngInfo(string Algorithm, ulong Seed)
{
    /// <summary>The name of <see cref="SeededRandom"/>'s algorithm.</summary>
    public const string Xoshiro256StarStar = "xoshiro256**";

    /// <summary>Returns the generator description of a <see cref="SeededRandom"/> seed.</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The description.</returns>
    public static RngInfo ForSeed(ulong seed) => new(Xoshiro256StarStar, seed);
}

/// <summary>
/// Where an organism came from (organisms specification §6.1): id, generation, parents, operator, parameters, seed,
/// fitness (null = not measured), metrics and the DnaSha256 of its canonical text. Generation and fitness live here,
/// beside the genome, never in the .dna text.
/// </summary>
public sealed record LineageRecord
{
    private LineageRecord(OrganismId id, int generation, IReadOnlyList<OrganismId> parents, string @operator, IReadOnlyList<KeyValuePair<string, string>> parameters, RngInfo? rng, double? fitness, TensorMetrics? metrics, string dnaSha256)
    {
        Id = id;
        Generation = generation;
        Parents = parents;
        Operator = @operator;
        Parameters = parameters;
        Rng = rng;
        Fitness = fitness is double f && double.IsFinite(f) ? f : null;
        Metrics = metrics;
        DnaSha256 = dnaSha256;
    }

    /// <summary>Gets the organism id (derived deterministically from the genome hash, parents, operator and seed).</summary>
    public OrganismId Id { get; }

    /// <summary>Gets the generation: 0 for a seed, parent + 1, or the larger of two parents + 1.</summary>
    public int Generation { get; }

    /// <summary>Gets the parents (none, one or two).</summary>
    public IReadOnlyList<OrganismId> Parents { get; }

    /// <summary>Gets the operator (<see cref="OperatorNames"/>).</summary>
    public string Operator { get; }

    /// <summary>Gets the operator's parameters, sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    /// <summary>Gets the generator, or <see langword="null"/> for a seed organism.</summary>
    public RngInfo? Rng { get; }

    /// <summary>Gets the fitness, or <see langword="null"/> when not measured (a non-finite fitness is stored as null).</summary>
    public double? Fitness { get; }

    /// <summary>Gets the metrics behind the fitness or the operator, when any.</summary>
    public TensorMetrics? Metrics { get; }

    /// <summary>Gets the SHA-256 of the organism's canonical text.</summary>
    public string DnaSha256 { get; }

    /// <summary>Creates the record of an initial organism (operator <c>seed</c>, generation 0, no parents).</summary>
    /// <param name="organism">The organism.</param>
    /// <returns>The record.</returns>
    public static LineageRecord ForSeed(Organism organism)
    {
        ArgumentNullException.ThrowIfNull(organism);
        string sha = DnaText.ComputeSha256(organism);
        return new LineageRecord(DeriveId(sha, OperatorNames.Seed, [], null), 0, ValueList<OrganismId>.Empty, OperatorNames.Seed, ValueList<KeyValuePair<string, string>>.Empty, null, null, null, sha);
    }

    /// <summary>Creates the record of a child.</summary>
    /// <param name="child">The child organism.</param>
    /// <param name="operator">The operator name.</param>
    /// <param name="parents">The parents' records (one or two).</param>
    /// <param name="seed">The operator's seed.</param>
    /// <param name="parameters">The operator's parameters, or <see langword="null"/>.</param>
    /// <param name="fitness">The fitness, or <see langword="null"/> when not measured.</param>
    /// <param name="metrics">The metrics, when any.</param>
    /// <returns>The record, with generation = max(parents) + 1.</returns>
    public static LineageRecord ForChild(Organism child, string @operator, IReadOnlyList<LineageRecord> parents, ulong seed, IEnumerable<KeyValuePair<string, string>>? parameters = null, double? fitness = null, TensorMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentException.ThrowIfNullOrWhiteSpace(@operator);
        ArgumentNullException.ThrowIfNull(parents);
        if (parents.Count is < 1 or > 2)
        {
            throw new ArgumentException("A child has one or two parents.", nameof(parents));
        }

        string sha = DnaText.ComputeSha256(child);
        var parentIds = ValueList<OrganismId>.From(parents.Select(static p => p.Id));
        var sorted = ValueList<KeyValuePair<string, string>>.From((parameters ?? []).OrderBy(static p => p.Key, StringComparer.Ordinal));
        int generation = parents.Max(static p => p.Generation) + 1;
        return new LineageRecord(DeriveId(sha, @operator, parentIds, seed), generation, parentIds, @operator, sorted, RngInfo.ForSeed(seed), fitness, metrics, sha);
    }

    /// <summary>
    /// Creates the record of a quantum_enhance child: operator <c>quantum_enhance</c> (or <c>evolve</c> after an opt-in
    /// fallback), the run's metrics, and the backend, job id, μ, n, shots and fallback flag as parameters.
    /// </summary>
    /// <param name="child">The child organism.</param>
    /// <param name="parent">The parent's record.</param>
    /// <param name="report">The operator's report.</param>
    /// <returns>The record (fitness not measured).</returns>
    public static LineageRecord ForQuantumEnhance(Organism child, LineageRecord parent, QuantumEnhanceReport report)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(report);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("backend", report.Backend),
            new("mu", report.Mu.ToString("R", CultureInfo.InvariantCulture)),
            new("qubits", report.Qubits.ToString(CultureInfo.InvariantCulture)),
            new("shots", report.Shots.ToString(CultureInfo.InvariantCulture)),
            new("fallback", report.Fallback ? "true" : "false"),
        };
        if (report.JobId is not null)
        {
            parameters.Add(new("job_id", report.JobId));
        }

        if (report.FailureReason is not null)
        {
            parameters.Add(new("failure_reason", report.FailureReason));
        }

        return ForChild(child, report.Operator, [parent], report.Seed, parameters, fitness: null, report.Metrics);
    }

    /// <summary>Returns this record with a measured fitness and metrics.</summary>
    /// <param name="fitness">The fitness, or <see langword="null"/>.</param>
    /// <param name="metrics">The metrics, or <see langword="null"/>.</param>
    /// <returns>The new record.</returns>
    public LineageRecord WithFitness(double? fitness, TensorMetrics? metrics) =>
        new(Id, Generation, Parents, Operator, Parameters, Rng, fitness, metrics, DnaSha256);

    private static OrganismId DeriveId(string sha, string op, IReadOnlyList<OrganismId> parents, ulong? seed)
    {
        var sb = new StringBuilder(sha).Append('|').Append(op).Append('|');
        foreach (var p in parents)
        {
            sb.Append(p.ToString()).Append(',');
        }

        sb.Append('|').Append(seed?.ToString(CultureInfo.InvariantCulture) ?? "-");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new OrganismId(new Guid(hash[..16], bigEndian: true));
    }

    internal static ulong SeedFromSha(ulong runSeed, string sha) =>
        runSeed ^ BinaryPrimitives.ReadUInt64BigEndian(Convert.FromHexString(sha.AsSpan(0, 16)));
}
