using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Ibm;

/// <summary>The encoding in which the service returned a SamplerV2 result.</summary>
public enum IbmResultEncoding
{
    /// <summary>Plain JSON: hexadecimal samples per register (<c>support_qiskit</c> false, the REST default).</summary>
    PlainJson = 1,

    /// <summary>Qiskit's typed JSON: <c>PrimitiveResult</c>/<c>DataBin</c>/<c>BitArray</c> with zlib-compressed <c>.npy</c> arrays.</summary>
    Qiskit = 2,
}

/// <summary>The decoded result of a SamplerV2 job: one entry per PUB, in submission order.</summary>
/// <param name="PubResults">The results per PUB.</param>
/// <param name="Encoding">The encoding the service used.</param>
public sealed record IbmSamplerResult(IReadOnlyList<IbmSamplerPubResult> PubResults, IbmResultEncoding Encoding);

/// <summary>The counts of one PUB.</summary>
public sealed record IbmSamplerPubResult
{
    /// <summary>Gets the classical register names in circuit order.</summary>
    public required IReadOnlyList<string> RegisterNames { get; init; }

    /// <summary>Gets the counts per classical register (keys: that register's bits, highest bit leftmost).</summary>
    public required IReadOnlyDictionary<string, Counts> RegisterCounts { get; init; }

    /// <summary>Gets the counts of all registers combined, Qiskit style: the registers' keys concatenated with the last register leftmost.</summary>
    public required Counts Counts { get; init; }

    /// <summary>Gets the number of shots (over every parameter binding of the PUB).</summary>
    public required int Shots { get; init; }
}
