using System.Collections.Immutable;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.Transpilation;

/// <summary>The output of <see cref="IsaTranspiler.Transpile"/>.</summary>
public sealed class TranspileResult
{
    internal TranspileResult(Circuit circuit, ImmutableArray<int> initialLayout, ImmutableArray<int> finalLayout, int swapCount, string targetName)
    {
        Circuit = circuit;
        InitialLayout = initialLayout;
        FinalLayout = finalLayout;
        SwapCount = swapCount;
        TargetName = targetName;
    }

    /// <summary>
    /// Gets the ISA circuit: on the target's physical qubits (<see cref="Circuit.UsesPhysicalQubits"/>), in its basis
    /// gates, with the original classical registers; measurements write the caller's own clbits, so counts need no remapping.
    /// </summary>
    public Circuit Circuit { get; }

    /// <summary>Gets, for each qubit of the input circuit, the physical qubit it starts on.</summary>
    public ImmutableArray<int> InitialLayout { get; }

    /// <summary>Gets, for each qubit of the input circuit, the physical qubit holding it at the end (after routing's SWAPs).</summary>
    public ImmutableArray<int> FinalLayout { get; }

    /// <summary>Gets the number of SWAPs routing inserted (each costs three CZ before optimisation).</summary>
    public int SwapCount { get; }

    /// <summary>Gets the name of the target.</summary>
    public string TargetName { get; }

    /// <summary>Gets the number of two-qubit gates in <see cref="Circuit"/>.</summary>
    public int TwoQubitGateCount => Circuit.Operations.Count(static o => o is GateOperation { Qubits.Length: 2 });

    /// <summary>Gets the physical qubits the circuit touches, ascending.</summary>
    public ImmutableArray<int> ActiveQubits => [.. ActiveQubitsOf(Circuit.Operations).Distinct().Order()];

    /// <summary>Writes the ISA circuit as OpenQASM 3 with physical qubits (<c>$k</c>), as IBM Runtime expects.</summary>
    /// <returns>The program text.</returns>
    public string ToOpenQasm3() => Qasm3Writer.Write(Circuit);

    /// <summary>
    /// Returns the ISA circuit on only its active qubits, renumbered 0..k−1 in ascending physical order, for example to
    /// simulate it locally (a 156-qubit register cannot be simulated, the handful of qubits a circuit uses can).
    /// </summary>
    /// <returns>The compact circuit.</returns>
    public Circuit ToCompactCircuit()
    {
        ImmutableArray<int> active = ActiveQubits;
        var index = new Dictionary<int, int>(active.Length);
        for (int i = 0; i < active.Length; i++)
        {
            index[active[i]] = i;
        }

        return new Circuit(
            [new QubitRegister("q", active.Length, 0)],
            Circuit.ClbitRegisters,
            Circuit.Operations.Select(o => Remap(o, q => index[q])),
            Circuit.GlobalPhase);
    }

    private static IEnumerable<int> ActiveQubitsOf(IEnumerable<CircuitOperation> ops)
    {
        foreach (CircuitOperation op in ops)
        {
            IEnumerable<int> qs = op switch
            {
                GateOperation g => g.Qubits,
                MeasureOperation m => [m.Qubit],
                ResetOperation r => [r.Qubit],
                BarrierOperation b => b.Qubits,
                DelayOperation d => d.Qubits,
                ConditionalOperation c => ActiveQubitsOf(c.Then.Concat(c.Else.IsDefault ? [] : c.Else)),
                _ => [],
            };
            foreach (int q in qs)
            {
                yield return q;
            }
        }
    }

    internal static CircuitOperation Remap(CircuitOperation op, Func<int, int> map) => op switch
    {
        GateOperation g => new GateOperation(g.Name, g.Parameters, [.. g.Qubits.Select(map)]),
        MeasureOperation m => m with { Qubit = map(m.Qubit) },
        ResetOperation r => r with { Qubit = map(r.Qubit) },
        BarrierOperation b => b with { Qubits = [.. b.Qubits.Select(map)] },
        DelayOperation d => d with { Qubits = [.. d.Qubits.Select(map)] },
        ConditionalOperation c => c with
        {
            Then = [.. c.Then.Select(o => Remap(o, map))],
            Else = c.Else.IsDefault ? [] : [.. c.Else.Select(o => Remap(o, map))],
        },
        _ => throw new NotSupportedException(op.GetType().Name),
    };
}
