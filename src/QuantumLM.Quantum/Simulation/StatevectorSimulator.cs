using System.Globalization;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.Simulation;

/// <summary>
/// An exact complex128 statevector simulator for <see cref="Circuit"/>s of up to 30 qubits. When every measurement is
/// terminal the final state is computed once and shots are drawn from it (O(2^n + shots)); mid-circuit measurement,
/// reset and classical <c>if</c> run as seeded per-shot trajectories, chosen automatically. Thread-safe.
/// </summary>
public sealed class StatevectorSimulator
{
    private const int MaxExactLeaves = 4096;

    /// <summary>Outcomes below this probability are rounding noise (|amp| ≈ 1e-16 gives 1e-32) and are left out of the ideal.</summary>
    private const double NegligibleProbability = 1e-24;
    private readonly LocalSimulatorOptions _options;

    /// <summary>Initializes a simulator with the default options.</summary>
    public StatevectorSimulator()
        : this(new LocalSimulatorOptions())
    {
    }

    /// <summary>Initializes a simulator.</summary>
    /// <param name="options">The options.</param>
    public StatevectorSimulator(LocalSimulatorOptions options)
        : this(options, null)
    {
    }

    internal StatevectorSimulator(LocalSimulatorOptions options, KernelSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        int threads = options.MaxThreads > 0 ? options.MaxThreads : Environment.ProcessorCount;
        Settings = settings ?? new KernelSettings(KernelSettings.DetectSimd(), threads, options.ParallelThresholdQubits);
    }

    internal KernelSettings Settings { get; }

    /// <summary>Runs <paramref name="shots"/> shots and counts the classical outcomes.</summary>
    /// <param name="circuit">The circuit; it needs at least one classical bit.</param>
    /// <param name="shots">The number of shots, from 1 to <see cref="LocalSimulatorOptions.MaxShots"/>.</param>
    /// <param name="seed">The seed of the portable generator; the same seed gives the same counts.</param>
    /// <param name="cancellationToken">Cancels the simulation between gates and shots.</param>
    /// <returns>The counts, combined and per register.</returns>
    /// <exception cref="QuantumLmException">The circuit is too large (<c>circuit_too_large</c>) or has no classical bits (<c>qasm</c>).</exception>
    public SimulationResult Run(Circuit circuit, int shots, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        if (shots < 1 || shots > _options.MaxShots)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, string.Create(CultureInfo.InvariantCulture, $"shots must be between 1 and {_options.MaxShots}, got {shots}"));
        }

        CheckRunnable(circuit);
        var rng = new SeededRandom(seed);
        Dictionary<string, long> keyed;
        SimulationMethod method;
        if (TryTerminalPlan(circuit, out List<GateOperation>? gates, out int[]? clbitQubit))
        {
            method = SimulationMethod.FinalStateSampling;
            using var state = new StateVector(circuit.QubitCount, _options.MaxQubits);
            var kernels = new Kernels(state, Settings);
            ApplyGates(Compile(gates, circuit.QubitCount), kernels, cancellationToken);
            Dictionary<long, long> byIndex = Sampler.Sample(state, kernels, shots, rng);
            keyed = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (index, count) in byIndex)
            {
                string key = KeyFromIndex(index, clbitQubit, circuit.ClbitCount);
                keyed[key] = keyed.GetValueOrDefault(key) + count;
            }
        }
        else if (TryExact(circuit, Math.Min(MaxBranchesForSampling, shots), cancellationToken) is { } exact)
        {
            method = SimulationMethod.BranchSampling;
            keyed = SampleDistribution(exact, shots, rng);
        }
        else
        {
            method = SimulationMethod.Trajectories;
            keyed = RunTrajectories(circuit, shots, rng, cancellationToken);
        }

        return BuildResult(circuit, keyed, shots, seed, method);
    }

    /// <summary>
    /// Computes the exact (noiseless) probability of every classical outcome, as used for the metrics' ideal. Mid-circuit
    /// measurements are enumerated branch by branch (up to 4096 branches).
    /// </summary>
    /// <param name="circuit">The circuit; it needs at least one classical bit.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>The distribution over combined Qiskit keys (width = number of clbits).</returns>
    /// <exception cref="QuantumLmException">The circuit is too large or needs too many branches (<c>circuit_too_large</c>).</exception>
    public ProbabilityDistribution GetIdealDistribution(Circuit circuit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        CheckRunnable(circuit);
        var acc = new Dictionary<string, double>(StringComparer.Ordinal);
        if (TryTerminalPlan(circuit, out List<GateOperation>? gates, out int[]? clbitQubit))
        {
            using var state = new StateVector(circuit.QubitCount, _options.MaxQubits);
            var kernels = new Kernels(state, Settings);
            ApplyGates(Compile(gates, circuit.QubitCount), kernels, cancellationToken);
            Accumulate(state, new bool[circuit.ClbitCount], clbitQubit, 1.0, acc);
        }
        else
        {
            new ExactExplorer(this, circuit, acc, MaxExactLeaves, cancellationToken).Run();
        }

        return ProbabilityDistribution.Create(acc, circuit.ClbitCount);
    }

    /// <summary>Gets or sets the most branches for which mid-circuit circuits are sampled from their exact distribution (0 forces trajectories).</summary>
    internal int MaxBranchesForSampling { get; set; } = 1024;

    private Dictionary<string, double>? TryExact(Circuit circuit, int maxLeaves, CancellationToken cancellationToken)
    {
        if (maxLeaves < 1)
        {
            return null;
        }

        var acc = new Dictionary<string, double>(StringComparer.Ordinal);
        var explorer = new ExactExplorer(this, circuit, acc, maxLeaves, cancellationToken);
        return explorer.TryRun() ? acc : null;
    }

    /// <summary>Draws shots from an exact outcome distribution (sorted uniforms over the cumulative sum, keys in ordinal order).</summary>
    private static Dictionary<string, long> SampleDistribution(Dictionary<string, double> distribution, int shots, SeededRandom rng)
    {
        var keys = distribution.Keys.Order(StringComparer.Ordinal).ToArray();
        double total = 0;
        foreach (string k in keys)
        {
            total += distribution[k];
        }

        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        double acc = 0;
        var u = new double[shots];
        for (int i = 0; i < shots; i++)
        {
            acc += -Math.Log(1.0 - rng.NextDouble());
            u[i] = acc;
        }

        acc += -Math.Log(1.0 - rng.NextDouble());
        double scale = total / acc;
        int next = 0;
        double cum = 0;
        for (int k = 0; k < keys.Length && next < shots; k++)
        {
            cum += distribution[keys[k]];
            int n = 0;
            while (next < shots && (u[next] * scale < cum || k == keys.Length - 1))
            {
                next++;
                n++;
            }

            if (n > 0)
            {
                result[keys[k]] = n;
            }
        }

        return result;
    }

    /// <summary>Runs the unitary part of a circuit (measurements, barriers and delays ignored) and returns the amplitudes.</summary>
    internal System.Numerics.Complex[] GetStatevector(Circuit circuit, bool? fusion = null)
    {
        var gates = new List<GateOperation>();
        foreach (CircuitOperation op in circuit.Operations)
        {
            switch (op)
            {
                case GateOperation g:
                    gates.Add(g);
                    break;
                case MeasureOperation or BarrierOperation or DelayOperation:
                    break;
                default:
                    throw new InvalidOperationException("only unitary circuits have a statevector");
            }
        }

        using var state = new StateVector(circuit.QubitCount, _options.MaxQubits);
        var kernels = new Kernels(state, Settings);
        ApplyGates(Compile(gates, circuit.QubitCount, fusion), kernels, CancellationToken.None);
        return state.Amplitudes.ToArray();
    }

    internal List<SimGate> Compile(IReadOnlyList<GateOperation> gates, int qubitCount, bool? fusion = null)
    {
        bool fuse = (fusion ?? _options.EnableFusion) && gates.Count > 1;
        List<SimGate> compiled = fuse ? GateFusion.Fuse(gates, qubitCount, _options.MaxFusedQubits) : [.. gates.Select(SimGate.FromOperation)];
        return fuse && qubitCount > Kernels.CacheBlockQubits + 1 ? GateFusion.ScheduleLowQubitsFirst(compiled, Kernels.CacheBlockQubits) : compiled;
    }

    internal static void ApplyGates(List<SimGate> gates, Kernels kernels, CancellationToken cancellationToken) => kernels.ApplyAll(gates, cancellationToken);

    private void CheckRunnable(Circuit circuit)
    {
        if (circuit.ClbitCount == 0)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidCircuit, "the circuit has no classical bits, so there is nothing to count; add a creg and measurements (for example 'measure q -> c;')");
        }

        if (circuit.ClbitCount > BitKey.MaxWidth)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.CircuitTooLarge, $"the circuit has {circuit.ClbitCount} classical bits; counts allow at most {BitKey.MaxWidth}");
        }

        StateVector.EnsureFits(circuit.QubitCount, _options.MaxQubits);
    }

    /// <summary>True when every measured qubit is untouched afterwards and there is no classical control or effective reset.</summary>
    internal static bool TryTerminalPlan(Circuit circuit, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out List<GateOperation>? gates, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out int[]? clbitQubit)
    {
        gates = [];
        clbitQubit = new int[circuit.ClbitCount];
        Array.Fill(clbitQubit, -1);
        var touched = new bool[circuit.QubitCount];
        var measured = new bool[circuit.QubitCount];
        foreach (CircuitOperation op in circuit.Operations)
        {
            switch (op)
            {
                case GateOperation g:
                    foreach (int q in g.Qubits)
                    {
                        if (measured[q])
                        {
                            return false;
                        }

                        touched[q] = true;
                    }

                    gates.Add(g);
                    break;
                case MeasureOperation m:
                    measured[m.Qubit] = true;
                    clbitQubit[m.Clbit] = m.Qubit;
                    break;
                case ResetOperation r:
                    if (touched[r.Qubit] || measured[r.Qubit])
                    {
                        return false;
                    }

                    break;
                case BarrierOperation or DelayOperation:
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    internal static string KeyFromIndex(long index, int[] clbitQubit, int width)
    {
        return string.Create(width, (index, clbitQubit), static (span, st) =>
        {
            for (int c = 0; c < span.Length; c++)
            {
                int q = st.clbitQubit[c];
                span[span.Length - 1 - c] = q >= 0 && ((st.index >> q) & 1) == 1 ? '1' : '0';
            }
        });
    }

    internal static string KeyFromMemory(ReadOnlySpan<bool> memory)
    {
        Span<char> chars = memory.Length <= 1024 ? stackalloc char[memory.Length] : new char[memory.Length];
        for (int c = 0; c < memory.Length; c++)
        {
            chars[memory.Length - 1 - c] = memory[c] ? '1' : '0';
        }

        return new string(chars);
    }

    /// <summary>Adds prob·|amp|² of every basis state to the key given by memory overridden by deferred measurements.</summary>
    internal static unsafe void Accumulate(StateVector state, bool[] memory, int[] clbitQubit, double weight, Dictionary<string, double> acc)
    {
        int width = memory.Length;
        bool small = width <= 63;
        ulong baseValue = 0;
        ulong deferredMask = 0;
        if (small)
        {
            for (int c = 0; c < width; c++)
            {
                if (clbitQubit[c] >= 0)
                {
                    deferredMask |= 1UL << c;
                }
                else if (memory[c])
                {
                    baseValue |= 1UL << c;
                }
            }
        }

        var byValue = new Dictionary<ulong, double>();
        double* p = state.Data;
        for (long i = 0; i < state.Length; i++)
        {
            double pr = (p[2 * i] * p[2 * i]) + (p[(2 * i) + 1] * p[(2 * i) + 1]);
            if (pr <= NegligibleProbability)
            {
                continue;
            }

            if (small)
            {
                ulong v = baseValue;
                for (int c = 0; c < width; c++)
                {
                    int q = clbitQubit[c];
                    if (q >= 0 && ((i >> q) & 1) == 1)
                    {
                        v |= 1UL << c;
                    }
                }

                byValue[v] = byValue.GetValueOrDefault(v) + (pr * weight);
            }
            else
            {
                var mem = (bool[])memory.Clone();
                for (int c = 0; c < width; c++)
                {
                    int q = clbitQubit[c];
                    if (q >= 0)
                    {
                        mem[c] = ((i >> q) & 1) == 1;
                    }
                }

                string key = KeyFromMemory(mem);
                acc[key] = acc.GetValueOrDefault(key) + (pr * weight);
            }
        }

        foreach (var (v, pr) in byValue)
        {
            string key = string.Create(width, v, static (span, val) =>
            {
                for (int c = 0; c < span.Length; c++)
                {
                    span[span.Length - 1 - c] = ((val >> c) & 1) == 1 ? '1' : '0';
                }
            });
            acc[key] = acc.GetValueOrDefault(key) + pr;
        }
    }

    internal static SimulationResult BuildResult(Circuit circuit, Dictionary<string, long> keyed, int shots, ulong seed, SimulationMethod method)
    {
        int width = circuit.ClbitCount;
        var registers = new Dictionary<string, Counts>(StringComparer.Ordinal);
        foreach (ClbitRegister reg in circuit.ClbitRegisters)
        {
            int start = width - reg.Offset - reg.Size;
            var sub = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (key, count) in keyed)
            {
                string part = key.Substring(start, reg.Size);
                sub[part] = sub.GetValueOrDefault(part) + count;
            }

            registers[reg.Name] = Counts.FromCanonical(reg.Size, sub);
        }

        return new SimulationResult
        {
            Counts = Counts.FromCanonical(width, keyed),
            RegisterCounts = registers,
            Shots = shots,
            Seed = seed,
            Method = method,
        };
    }

    private Dictionary<string, long> RunTrajectories(Circuit circuit, int shots, SeededRandom rng, CancellationToken cancellationToken)
    {
        var program = new TrajectoryProgram(this, circuit);
        using var baseState = new StateVector(circuit.QubitCount, _options.MaxQubits);
        var baseKernels = new Kernels(baseState, Settings);
        int first = program.ApplyUnitaryPrefix(baseKernels, cancellationToken);
        using var state = new StateVector(circuit.QubitCount, _options.MaxQubits);
        var kernels = new Kernels(state, Settings);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var memory = new bool[circuit.ClbitCount];
        for (int shot = 0; shot < shots; shot++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            state.CopyFrom(baseState);
            Array.Clear(memory);
            program.RunFrom(first, kernels, memory, rng, cancellationToken);
            string key = KeyFromMemory(memory);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    /// <summary>A circuit compiled into steps for trajectories: fused gate runs, measure, reset and conditionals.</summary>
    internal sealed class TrajectoryProgram
    {
        private readonly List<Step> _steps;

        public TrajectoryProgram(StatevectorSimulator sim, Circuit circuit)
        {
            _steps = CompileSteps(sim, circuit.Operations, circuit.QubitCount);
        }

        internal abstract record Step;

        internal sealed record GatesStep(List<SimGate> Gates) : Step;

        internal sealed record MeasureStep(int Qubit, int Clbit) : Step;

        internal sealed record ResetStep(int Qubit) : Step;

        internal sealed record IfStep(ClassicalCondition Condition, List<Step> Then, List<Step> Else) : Step;

        public int ApplyUnitaryPrefix(Kernels kernels, CancellationToken cancellationToken)
        {
            if (_steps.Count > 0 && _steps[0] is GatesStep g)
            {
                ApplyGates(g.Gates, kernels, cancellationToken);
                return 1;
            }

            return 0;
        }

        public void RunFrom(int first, Kernels kernels, bool[] memory, SeededRandom rng, CancellationToken cancellationToken)
        {
            for (int i = first; i < _steps.Count; i++)
            {
                Execute(_steps[i], kernels, memory, rng, cancellationToken);
            }
        }

        private static void Execute(Step step, Kernels kernels, bool[] memory, SeededRandom rng, CancellationToken cancellationToken)
        {
            switch (step)
            {
                case GatesStep g:
                    ApplyGates(g.Gates, kernels, cancellationToken);
                    break;
                case MeasureStep m:
                    memory[m.Clbit] = MeasureQubit(kernels, m.Qubit, rng);
                    break;
                case ResetStep r:
                    if (MeasureQubit(kernels, r.Qubit, rng))
                    {
                        kernels.ControlledX([], r.Qubit);
                    }

                    break;
                case IfStep c:
                    foreach (Step s in c.Condition.Evaluate(memory) ? c.Then : c.Else)
                    {
                        Execute(s, kernels, memory, rng, cancellationToken);
                    }

                    break;
                default:
                    throw new InvalidOperationException();
            }
        }

        private static bool MeasureQubit(Kernels kernels, int qubit, SeededRandom rng)
        {
            // The state stays normalised (every collapse renormalises), so P(0) = 1 − P(1) without another pass.
            double p1 = Math.Clamp(kernels.ProbabilityOfOne(qubit), 0, 1);
            bool one = rng.NextDouble() < p1;
            double p = one ? p1 : 1 - p1;
            if (p < 1 - 1e-15)
            {
                kernels.Collapse(qubit, one, Math.Max(p, double.Epsilon));
            }

            return one;
        }

        private static List<Step> CompileSteps(StatevectorSimulator sim, IReadOnlyList<CircuitOperation> ops, int qubitCount)
        {
            var steps = new List<Step>();
            var run = new List<GateOperation>();
            void Flush()
            {
                if (run.Count > 0)
                {
                    steps.Add(new GatesStep(sim.Compile(run, qubitCount)));
                    run = [];
                }
            }

            foreach (CircuitOperation op in ops)
            {
                switch (op)
                {
                    case GateOperation g:
                        run.Add(g);
                        break;
                    case BarrierOperation or DelayOperation:
                        break;
                    case MeasureOperation m:
                        Flush();
                        steps.Add(new MeasureStep(m.Qubit, m.Clbit));
                        break;
                    case ResetOperation r:
                        Flush();
                        steps.Add(new ResetStep(r.Qubit));
                        break;
                    case ConditionalOperation c:
                        Flush();
                        steps.Add(new IfStep(c.Condition, CompileSteps(sim, c.Then, qubitCount), CompileSteps(sim, c.Else.IsDefault ? [] : c.Else, qubitCount)));
                        break;
                    default:
                        throw new InvalidOperationException(op.GetType().Name);
                }
            }

            Flush();
            return steps;
        }
    }

    /// <summary>Enumerates mid-circuit measurement branches depth-first to get exact outcome probabilities.</summary>
    private sealed class ExactExplorer(StatevectorSimulator sim, Circuit circuit, Dictionary<string, double> acc, int maxLeaves, CancellationToken cancellationToken)
    {
        private const double Negligible = 1e-14;

        /// <summary>The most memory the open branch copies may hold (depth-first: one copy per open level).</summary>
        private const long MaxBranchBytes = 2L << 30;
        private int _leaves;
        private int _depth;

        public bool TryRun()
        {
            try
            {
                Run();
                return true;
            }
            catch (TooManyBranchesException)
            {
                return false;
            }
        }

        public void Run()
        {
            using var state = new StateVector(circuit.QubitCount, sim._options.MaxQubits);
            var memory = new bool[circuit.ClbitCount];
            var deferred = new int[circuit.ClbitCount];
            Array.Fill(deferred, -1);
            Explore([.. circuit.Operations], 0, state, memory, deferred, 1.0);
        }

        private void Explore(List<CircuitOperation> ops, int from, StateVector state, bool[] memory, int[] deferred, double weight)
        {
            var kernels = new Kernels(state, sim.Settings);
            for (int i = from; i < ops.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                CircuitOperation op = ops[i];
                switch (op)
                {
                    case GateOperation g:
                        foreach (int q in g.Qubits)
                        {
                            Undefer(q, state, memory, deferred, ops, i, weight, out bool split);
                            if (split)
                            {
                                return;
                            }
                        }

                        SimGate.FromOperation(g).Apply(kernels);
                        break;
                    case BarrierOperation or DelayOperation:
                        break;
                    case MeasureOperation m:
                        // Defer: record that clbit ← qubit; resolved by branching only if something later needs it.
                        Undefer(m.Qubit, state, memory, deferred, ops, i, weight, out bool split2);
                        if (split2)
                        {
                            return;
                        }

                        deferred[m.Clbit] = m.Qubit;
                        break;
                    case ResetOperation r:
                        if (Branch(r.Qubit, state, memory, deferred, ops, i, weight, reset: true))
                        {
                            return;
                        }

                        break;
                    case ConditionalOperation c:
                        foreach (int cb in c.Condition.Clbits)
                        {
                            if (deferred[cb] >= 0)
                            {
                                if (Branch(deferred[cb], state, memory, deferred, ops, i, weight, reset: false))
                                {
                                    return;
                                }
                            }
                        }

                        var rest = new List<CircuitOperation>(c.Condition.Evaluate(memory) ? c.Then : (c.Else.IsDefault ? [] : c.Else));
                        rest.AddRange(ops.Skip(i + 1));
                        Explore(rest, 0, state, memory, deferred, weight);
                        return;
                    default:
                        throw new InvalidOperationException(op.GetType().Name);
                }
            }

            if (++_leaves > maxLeaves)
            {
                throw new TooManyBranchesException(maxLeaves);
            }

            Accumulate(state, memory, deferred, weight, acc);
        }

        private sealed class TooManyBranchesException(int limit)
            : QuantumLmException(QuantumLmErrorCodes.CircuitTooLarge, $"the exact distribution needs more than {limit} mid-circuit measurement branches")
        {
        }

        /// <summary>If qubit q has a pending (deferred) measurement, resolve it by branching now.</summary>
        private void Undefer(int q, StateVector state, bool[] memory, int[] deferred, List<CircuitOperation> ops, int at, double weight, out bool split)
        {
            split = false;
            if (Array.IndexOf(deferred, q) < 0)
            {
                return;
            }

            split = Branch(q, state, memory, deferred, ops, at, weight, reset: false);
        }

        /// <summary>Splits on the value of qubit q: fixes every clbit deferred on q, or resets q. Returns true when it recursed (the caller stops).</summary>
        private bool Branch(int q, StateVector state, bool[] memory, int[] deferred, List<CircuitOperation> ops, int at, double weight, bool reset)
        {
            var kernels = new Kernels(state, sim.Settings);
            double norm = kernels.NormSquared();
            double p1 = kernels.ProbabilityOfOne(q) / norm;
            double p0 = 1 - p1;
            if (p0 < Negligible || p1 < Negligible)
            {
                // Deterministic outcome (e.g. a reset of a qubit already in |0⟩): no split, no copy, go on in place.
                bool only = p0 < Negligible;
                kernels.Collapse(q, only, (only ? p1 : p0) * norm);
                Fix(q, only, memory, deferred);
                if (reset && only)
                {
                    kernels.ControlledX([], q);
                }

                return false;
            }

            if ((long)(_depth + 2) * StateVector.BytesFor(state.QubitCount) > MaxBranchBytes)
            {
                throw new TooManyBranchesException(maxLeaves);
            }

            foreach (bool outcome in (bool[])[false, true])
            {
                double p = outcome ? p1 : p0;
                using var copy = new StateVector(state.QubitCount, sim._options.MaxQubits);
                copy.CopyFrom(state);
                var ck = new Kernels(copy, sim.Settings);
                ck.Collapse(q, outcome, p * norm);
                var mem = (bool[])memory.Clone();
                var def = (int[])deferred.Clone();
                Fix(q, outcome, mem, def);
                int next = at;
                if (reset)
                {
                    if (outcome)
                    {
                        ck.ControlledX([], q);
                    }

                    next = at + 1;
                }

                _depth++;
                try
                {
                    Explore(ops, next, copy, mem, def, weight * p);
                }
                finally
                {
                    _depth--;
                }
            }

            return true;
        }

        private static void Fix(int q, bool outcome, bool[] memory, int[] deferred)
        {
            for (int c = 0; c < deferred.Length; c++)
            {
                if (deferred[c] == q)
                {
                    memory[c] = outcome;
                    deferred[c] = -1;
                }
            }
        }
    }
}
