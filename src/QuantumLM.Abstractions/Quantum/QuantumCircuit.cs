namespace QuantumLM.Abstractions.Quantum;

/// <summary>The language of a circuit's source text.</summary>
public enum CircuitLanguage
{
    /// <summary>OpenQASM 2.0 (<c>OPENQASM 2.0;</c>).</summary>
    OpenQasm2 = 2,

    /// <summary>OpenQASM 3 (<c>OPENQASM 3.0;</c>).</summary>
    OpenQasm3 = 3,
}

/// <summary>A classical register: its name and width, in declaration order.</summary>
/// <param name="Name">The register name.</param>
/// <param name="Width">The number of bits.</param>
public sealed record ClassicalRegister(string Name, int Width);

/// <summary>
/// A circuit as exchanged between packages: its source text plus the declared widths. Parsing and checking the text is
/// the job of <c>QuantumLM.Quantum</c>; this type only carries it.
/// </summary>
public sealed record QuantumCircuit
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="source">The program text.</param>
    /// <param name="language">The language of <paramref name="source"/>.</param>
    /// <param name="qubitCount">The number of qubits declared.</param>
    /// <param name="classicalRegisters">The classical registers, in declaration order.</param>
    public QuantumCircuit(string source, CircuitLanguage language, int qubitCount, IReadOnlyList<ClassicalRegister> classicalRegisters)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(classicalRegisters);
        ArgumentOutOfRangeException.ThrowIfNegative(qubitCount);
        Source = source;
        Language = language;
        QubitCount = qubitCount;
        ClassicalRegisters = classicalRegisters;
        ClbitCount = classicalRegisters.Sum(static r => r.Width);
    }

    /// <summary>Gets the program text.</summary>
    public string Source { get; }

    /// <summary>Gets the language of <see cref="Source"/>.</summary>
    public CircuitLanguage Language { get; }

    /// <summary>Gets the number of qubits declared.</summary>
    public int QubitCount { get; }

    /// <summary>Gets the total number of classical bits declared.</summary>
    public int ClbitCount { get; }

    /// <summary>Gets the classical registers in declaration order.</summary>
    public IReadOnlyList<ClassicalRegister> ClassicalRegisters { get; }

    /// <summary>Gets an optional display name.</summary>
    public string? Name { get; init; }
}
