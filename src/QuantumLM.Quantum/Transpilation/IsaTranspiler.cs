using System.Collections.Immutable;
using System.Diagnostics;
using QuantumLM.Abstractions;
using QuantumLM.Quantum.Circuits;
using S = QuantumLM.Quantum.Transpilation.OneQubitSynthesis;

namespace QuantumLM.Quantum.Transpilation;

/// <summary>
/// Maps a circuit onto a device so that real hardware accepts it (an "ISA circuit"): lowers every gate to single-qubit
/// unitaries and CX, chooses a low-error connected layout, routes with SABRE-style SWAP insertion, translates to the
/// basis {rz, sx, x, cz} (plus measure, reset, delay, barrier and single-qubit if/else), and simplifies
/// (single-qubit runs merged, adjacent CZ pairs cancelled, identities dropped). Deterministic for a given seed.
/// The result is exact: the output distribution over the caller's classical bits is unchanged (tested by simulation).
/// </summary>
public static class IsaTranspiler
{
    private static readonly string[] s_requiredBasis = ["rz", "sx", "x", "cz"];

    /// <summary>Transpiles <paramref name="circuit"/> for <paramref name="target"/>.</summary>
    /// <param name="circuit">The circuit (virtual qubits, any standard gates).</param>
    /// <param name="target">The device.</param>
    /// <param name="options">The options, or <see langword="null"/> for <see cref="TranspileOptions.Default"/>.</param>
    /// <returns>The ISA circuit and its layouts.</returns>
    /// <exception cref="QuantumLmException">
    /// <see cref="QuantumLmErrorCodes.InvalidCircuit"/>: the circuit needs more connected qubits than the device has, the
    /// device's basis lacks one of rz, sx, x, cz, or the circuit uses a construct the transpiler does not route
    /// (two-qubit gates inside if/else).
    /// </exception>
    public static TranspileResult Transpile(Circuit circuit, IsaTarget target, TranspileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(target);
        options ??= TranspileOptions.Default;
        using Activity? activity = QuantumTelemetry.ActivitySource.StartActivity("quantum.transpile");
        activity?.SetTag("quantumlm.backend", target.Name);
        activity?.SetTag("quantumlm.circuit.qubits", circuit.QubitCount);

        string[] missing = [.. s_requiredBasis.Where(g => !target.BasisGates.Contains(g))];
        if (missing.Length > 0)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidCircuit,
                $"backend {target.Name} lacks the basis gate{(missing.Length == 1 ? string.Empty : "s")} {string.Join(", ", missing)}; the transpiler targets {{rz, sx, x, cz}}");
        }

        if (circuit.QubitCount > target.QubitCount)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidCircuit,
                $"the circuit has {circuit.QubitCount} qubits but backend {target.Name} has {target.QubitCount}");
        }

        try
        {
            return Run(circuit, target, options);
        }
        catch (NotSupportedException ex)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidCircuit, $"cannot transpile for {target.Name}: {ex.Message}", innerException: ex);
        }
    }

    private static TranspileResult Run(Circuit circuit, IsaTarget target, TranspileOptions options)
    {
        List<TOp> lowered = Decomposer.Lower(circuit);
        var graph = new CouplingGraph(target);
        int n = Math.Max(1, circuit.QubitCount);
        int[] layout = circuit.QubitCount == 0 ? [] : InitialLayout.Choose(target, graph, n, lowered);
        var router = new SabreRouter(target, graph, options);
        if (circuit.QubitCount > 0)
        {
            List<TOp> reversed = [.. Enumerable.Reverse(lowered)];
            for (int pass = 0; pass < options.LayoutRefinementPasses; pass++)
            {
                int[] end = router.Route(lowered, layout, circuit.ClbitCount, emit: false).FinalLayout;
                layout = router.Route(reversed, end, circuit.ClbitCount, emit: false).FinalLayout;
            }
        }

        (List<TOp> routed, int[] finalLayout, int swaps) = (lowered, [], 0);
        if (circuit.QubitCount > 0)
        {
            swaps = int.MaxValue;
            for (int trial = 0; trial < Math.Max(1, options.RoutingTrials); trial++)
            {
                var trialRouter = trial == 0 ? router : new SabreRouter(target, graph, options with { Seed = options.Seed + trial });
                var attempt = trialRouter.Route(lowered, layout, circuit.ClbitCount, emit: true);
                if (attempt.Swaps < swaps)
                {
                    (routed, finalLayout, swaps) = attempt;
                }
            }
        }
        List<TOp> czBasis = ToCzBasis(routed);
        if (options.Optimize)
        {
            czBasis = Peephole.Run(czBasis, target.QubitCount);
        }

        var operations = new List<CircuitOperation>(czBasis.Count * 2);
        foreach (TOp op in czBasis)
        {
            Emit(op, operations);
        }

        var isa = new Circuit([new QubitRegister("$", target.QubitCount, 0)], circuit.ClbitRegisters, operations, circuit.GlobalPhase, usesPhysicalQubits: true);
        return new TranspileResult(isa, [.. layout], [.. finalLayout], swaps, target.Name);
    }

    private static List<TOp> ToCzBasis(List<TOp> ops)
    {
        var result = new List<TOp>(ops.Count * 2);
        foreach (TOp op in ops)
        {
            switch (op.Kind)
            {
                case TOpKind.Cx:
                    AddCx(op.Qubits[0], op.Qubits[1], result);
                    break;
                case TOpKind.Swap:
                    AddCx(op.Qubits[0], op.Qubits[1], result);
                    AddCx(op.Qubits[1], op.Qubits[0], result);
                    AddCx(op.Qubits[0], op.Qubits[1], result);
                    break;
                default:
                    result.Add(op);
                    break;
            }
        }

        return result;
    }

    private static void AddCx(int c, int t, List<TOp> ops)
    {
        ops.Add(TOp.One(S.H, t));
        ops.Add(TOp.Cz(c, t));
        ops.Add(TOp.One(S.H, t));
    }

    private static void Emit(TOp op, List<CircuitOperation> sink)
    {
        switch (op.Kind)
        {
            case TOpKind.OneQubit:
                foreach ((string name, double angle) in S.ToRzSx(op.Matrix!))
                {
                    sink.Add(new GateOperation(name, name == "rz" ? [angle] : [], [op.Qubits[0]]));
                }

                break;
            case TOpKind.Cz:
                sink.Add(new GateOperation("cz", [], [op.Qubits[0], op.Qubits[1]]));
                break;
            case TOpKind.Measure:
                sink.Add(new MeasureOperation(op.Qubits[0], op.Clbit));
                break;
            case TOpKind.Reset:
                sink.Add(new ResetOperation(op.Qubits[0]));
                break;
            case TOpKind.Barrier:
                sink.Add(new BarrierOperation([.. op.Qubits]));
                break;
            case TOpKind.Delay:
                sink.Add(op.Delay! with { Qubits = [.. op.Qubits] });
                break;
            case TOpKind.Conditional:
                var then = new List<CircuitOperation>();
                var @else = new List<CircuitOperation>();
                foreach (TOp inner in op.Then!)
                {
                    Emit(inner, then);
                }

                foreach (TOp inner in op.Else!)
                {
                    Emit(inner, @else);
                }

                sink.Add(new ConditionalOperation(op.Condition!, [.. then], [.. @else]));
                break;
            default:
                throw new InvalidOperationException($"unexpected {op.Kind} after basis translation");
        }
    }
}
