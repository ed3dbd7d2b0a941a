using System.Collections.Immutable;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Circuits;

/// <summary>A named register of qubits; its qubits occupy consecutive global indices starting at <see cref="Offset"/>.</summary>
/// <param name="Name">The register name (for physical-qubit programs, <c>$</c>).</param>
/// <param name="Size">The number of qubits.</param>
/// <param name="Offset">The global index of the register's qubit 0.</param>
public sealed record QubitRegister(string Name, int Size, int Offset);

/// <summary>A named register of classical bits; its bits occupy consecutive global indices starting at <see cref="Offset"/>.</summary>
/// <param name="Name">The register name.</param>
/// <param name="Size">The number of bits.</param>
/// <param name="Offset">The global index of the register's bit 0.</param>
public sealed record ClbitRegister(string Name, int Size, int Offset);

/// <summary>
/// An immutable, fully resolved circuit: registers, and a flat list of operations on global qubit and clbit indices.
/// User-defined gates are already expanded into <see cref="StandardGates"/>, angles are evaluated to radians, and
/// register broadcasts are unrolled. Shared by the simulator, the transpiler and the IBM client.
/// </summary>
public sealed class Circuit
{
    /// <summary>Initializes a circuit.</summary>
    /// <param name="qubitRegisters">The qubit registers in declaration order (contiguous, offsets ascending).</param>
    /// <param name="clbitRegisters">The classical registers in declaration order (contiguous, offsets ascending).</param>
    /// <param name="operations">The operations in program order.</param>
    /// <param name="globalPhase">The global phase in radians (never affects counts).</param>
    /// <param name="usesPhysicalQubits">Whether the program addressed physical qubits (<c>$k</c>).</param>
    public Circuit(
        IEnumerable<QubitRegister> qubitRegisters,
        IEnumerable<ClbitRegister> clbitRegisters,
        IEnumerable<CircuitOperation> operations,
        double globalPhase = 0,
        bool usesPhysicalQubits = false)
    {
        ArgumentNullException.ThrowIfNull(qubitRegisters);
        ArgumentNullException.ThrowIfNull(clbitRegisters);
        ArgumentNullException.ThrowIfNull(operations);
        QubitRegisters = [.. qubitRegisters];
        ClbitRegisters = [.. clbitRegisters];
        Operations = [.. operations];
        QubitCount = QubitRegisters.Sum(static r => r.Size);
        ClbitCount = ClbitRegisters.Sum(static r => r.Size);
        GlobalPhase = globalPhase;
        UsesPhysicalQubits = usesPhysicalQubits;
        foreach (CircuitOperation op in Operations)
        {
            op.Validate(QubitCount, ClbitCount);
        }
    }

    /// <summary>Gets the total number of qubits.</summary>
    public int QubitCount { get; }

    /// <summary>Gets the total number of classical bits.</summary>
    public int ClbitCount { get; }

    /// <summary>Gets the qubit registers in declaration order.</summary>
    public ImmutableArray<QubitRegister> QubitRegisters { get; }

    /// <summary>Gets the classical registers in declaration order.</summary>
    public ImmutableArray<ClbitRegister> ClbitRegisters { get; }

    /// <summary>Gets the operations in program order.</summary>
    public ImmutableArray<CircuitOperation> Operations { get; }

    /// <summary>Gets the global phase in radians.</summary>
    public double GlobalPhase { get; }

    /// <summary>Gets a value indicating whether the program addressed physical qubits (<c>$k</c>, OpenQASM 3).</summary>
    public bool UsesPhysicalQubits { get; }

    /// <summary>Gets the classical registers as the exchange type of <c>QuantumLM.Abstractions</c>.</summary>
    /// <returns>The registers in declaration order.</returns>
    public IReadOnlyList<ClassicalRegister> ToClassicalRegisters() => [.. ClbitRegisters.Select(static r => new ClassicalRegister(r.Name, r.Size))];
}

/// <summary>One step of a <see cref="Circuit"/>.</summary>
public abstract record CircuitOperation
{
    private protected CircuitOperation()
    {
    }

    internal abstract void Validate(int qubitCount, int clbitCount);

    private protected static void CheckQubit(int q, int qubitCount)
    {
        if ((uint)q >= (uint)qubitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, $"qubit index {q} is outside 0..{qubitCount - 1}");
        }
    }

    private protected static void CheckClbit(int c, int clbitCount)
    {
        if ((uint)c >= (uint)clbitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(c), c, $"clbit index {c} is outside 0..{clbitCount - 1}");
        }
    }
}

/// <summary>A standard gate applied to qubits.</summary>
public sealed record GateOperation : CircuitOperation
{
    /// <summary>Initializes a gate application.</summary>
    /// <param name="name">A <see cref="StandardGates"/> name (lower case, e.g. <c>cx</c>).</param>
    /// <param name="parameters">The angles in radians.</param>
    /// <param name="qubits">The distinct qubits; for controlled gates the controls come first.</param>
    public GateOperation(string name, ImmutableArray<double> parameters, ImmutableArray<int> qubits)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!StandardGates.TryGet(name, out GateDefinition? def))
        {
            throw new ArgumentException($"'{name}' is not a standard gate", nameof(name));
        }

        if (parameters.IsDefault || parameters.Length != def.ParameterCount)
        {
            throw new ArgumentException($"gate '{name}' takes {def.ParameterCount} parameters", nameof(parameters));
        }

        if (qubits.IsDefault || qubits.Length != def.QubitCount)
        {
            throw new ArgumentException($"gate '{name}' acts on {def.QubitCount} qubits", nameof(qubits));
        }

        for (int i = 0; i < qubits.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (qubits[i] == qubits[j])
                {
                    throw new ArgumentException($"gate '{name}' is applied to qubit {qubits[i]} twice", nameof(qubits));
                }
            }
        }

        Definition = def;
        Parameters = parameters;
        Qubits = qubits;
    }

    /// <summary>Gets the gate's definition.</summary>
    public GateDefinition Definition { get; }

    /// <summary>Gets the gate name.</summary>
    public string Name => Definition.Name;

    /// <summary>Gets the angles in radians.</summary>
    public ImmutableArray<double> Parameters { get; }

    /// <summary>Gets the qubits (matrix bit j acts on <c>Qubits[j]</c>).</summary>
    public ImmutableArray<int> Qubits { get; }

    /// <inheritdoc />
    public override string ToString() =>
        Parameters.Length == 0 ? $"{Name} {string.Join(',', Qubits)}" : $"{Name}({string.Join(',', Parameters)}) {string.Join(',', Qubits)}";

    internal override void Validate(int qubitCount, int clbitCount)
    {
        foreach (int q in Qubits)
        {
            CheckQubit(q, qubitCount);
        }
    }
}

/// <summary>Measures a qubit in the computational basis into a classical bit.</summary>
/// <param name="Qubit">The qubit.</param>
/// <param name="Clbit">The global classical bit index.</param>
public sealed record MeasureOperation(int Qubit, int Clbit) : CircuitOperation
{
    internal override void Validate(int qubitCount, int clbitCount)
    {
        CheckQubit(Qubit, qubitCount);
        CheckClbit(Clbit, clbitCount);
    }
}

/// <summary>Resets a qubit to |0⟩.</summary>
/// <param name="Qubit">The qubit.</param>
public sealed record ResetOperation(int Qubit) : CircuitOperation
{
    internal override void Validate(int qubitCount, int clbitCount) => CheckQubit(Qubit, qubitCount);
}

/// <summary>A scheduling barrier (no effect on the state).</summary>
/// <param name="Qubits">The qubits it spans.</param>
public sealed record BarrierOperation(ImmutableArray<int> Qubits) : CircuitOperation
{
    internal override void Validate(int qubitCount, int clbitCount)
    {
        foreach (int q in Qubits)
        {
            CheckQubit(q, qubitCount);
        }
    }
}

/// <summary>An idle period (ignored in ideal simulation).</summary>
/// <param name="Qubits">The qubits that idle.</param>
/// <param name="Duration">The duration in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit as written: <c>dt</c>, <c>ns</c>, <c>us</c>, <c>ms</c> or <c>s</c>.</param>
public sealed record DelayOperation(ImmutableArray<int> Qubits, double Duration, string Unit) : CircuitOperation
{
    internal override void Validate(int qubitCount, int clbitCount)
    {
        foreach (int q in Qubits)
        {
            CheckQubit(q, qubitCount);
        }
    }
}

/// <summary>
/// A classical condition: the integer read from <see cref="Clbits"/> (element 0 is the least significant bit)
/// equals <see cref="Value"/>.
/// </summary>
/// <param name="Clbits">The global clbit indices, least significant first.</param>
/// <param name="Value">The value compared with.</param>
public sealed record ClassicalCondition(ImmutableArray<int> Clbits, ulong Value)
{
    /// <summary>Evaluates the condition against a classical memory (bit i of the memory = clbit i).</summary>
    /// <param name="memory">The classical bits.</param>
    /// <returns><see langword="true"/> when the register equals <see cref="Value"/>.</returns>
    public bool Evaluate(ReadOnlySpan<bool> memory)
    {
        for (int i = 0; i < Clbits.Length; i++)
        {
            bool want = i < 64 && ((Value >> i) & 1UL) == 1UL;
            if (memory[Clbits[i]] != want)
            {
                return false;
            }
        }

        return Clbits.Length >= 64 || (Value >> Clbits.Length) == 0;
    }
}

/// <summary>Operations run only when a classical condition holds (<c>if</c>), with an optional <c>else</c> branch.</summary>
/// <param name="Condition">The condition.</param>
/// <param name="Then">The operations run when it holds.</param>
/// <param name="Else">The operations run otherwise (often empty).</param>
public sealed record ConditionalOperation(ClassicalCondition Condition, ImmutableArray<CircuitOperation> Then, ImmutableArray<CircuitOperation> Else) : CircuitOperation
{
    internal override void Validate(int qubitCount, int clbitCount)
    {
        ArgumentNullException.ThrowIfNull(Condition);
        foreach (int c in Condition.Clbits)
        {
            CheckClbit(c, clbitCount);
        }

        foreach (CircuitOperation op in Then)
        {
            op.Validate(qubitCount, clbitCount);
        }

        foreach (CircuitOperation op in Else.IsDefault ? [] : Else)
        {
            op.Validate(qubitCount, clbitCount);
        }
    }
}
