using System.Globalization;
using System.Text;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Organisms;

/// <summary>
/// The circuit an organism declares in its QUANTUM section, made runnable, and the distribution it declares as ideal.
/// </summary>
/// <remarks>
/// DNALang declares circuits as a gate vocabulary, not a program: <c>circuits: { name: { qubits: 5  gates: ["h", "ry",
/// "cx", "measure"]  ideal: { outcomes: ["00000", "11111"]  probabilities: [0.5, 0.5] } } }</c>. QuantumLM turns that into one layer, in the declared
/// order: a fixed one-qubit gate (h, x, y, z, s, sdg, t, tdg, sx, id) on every qubit; a rotation (rx, ry, rz, p, u1) on
/// every qubit, its angle π·v taken from the organism's numeric traits (every gene, in document order, cycled); a
/// two-qubit gate (cx, cz, cy, ch, swap) along the chain q[i], q[i+1]; ccx along q[i], q[i+1], q[i+2]; <c>measure</c>
/// (anywhere) measures every qubit at the end. So evolving the traits moves the circuit's output, and Λ against the
/// declared ideal is a fitness the population loop can climb. Without an <c>ideal</c> the circuit's ideal is GHZₙ.
/// </remarks>
/// <param name="Name">The circuit's name in the QUANTUM section (<c>default</c> when none is declared).</param>
/// <param name="Circuit">The runnable circuit (OpenQASM 2).</param>
/// <param name="Ideal">The declared ideal distribution (or GHZₙ).</param>
/// <param name="IdealDeclared">Whether the organism declared the ideal (false: GHZₙ was used).</param>
public sealed record OrganismCircuit(string Name, QuantumCircuit Circuit, ProbabilityDistribution Ideal, bool IdealDeclared)
{
    private static readonly HashSet<string> s_fixed = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "id"];
    private static readonly HashSet<string> s_rotations = ["rx", "ry", "rz", "p", "u1"];
    private static readonly HashSet<string> s_pairs = ["cx", "cz", "cy", "ch", "swap"];

    /// <summary>Builds the circuit an organism declares.</summary>
    /// <param name="organism">The organism.</param>
    /// <param name="circuitName">The circuit to use, or <see langword="null"/> for the first one declared.</param>
    /// <param name="maxQubits">The most qubits allowed (1 to 24).</param>
    /// <returns>The circuit and its ideal.</returns>
    /// <exception cref="QuantumLmException"><c>invalid_payload</c>: the declaration cannot be run; the message names the key.</exception>
    public static OrganismCircuit FromOrganism(Organism organism, string? circuitName = null, int maxQubits = 12)
    {
        ArgumentNullException.ThrowIfNull(organism);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQubits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxQubits, 24);
        PropertyMap quantum = organism.Quantum?.Body ?? PropertyMap.Empty;
        string name = "default";
        PropertyMap declaration = PropertyMap.Empty;
        if (quantum.TryGetValue("circuits", out TraitValue? circuits))
        {
            if (circuits is not MapTrait { Map: var map })
            {
                throw Invalid("QUANTUM.circuits must be a map of named circuits");
            }

            PropertyEntry? chosen = circuitName is null ? (map.Count > 0 ? map[0] : null) : map.FirstOrDefault(e => e.Key == circuitName);
            if (chosen is null)
            {
                throw Invalid(circuitName is null ? "QUANTUM.circuits declares no circuit" : $"QUANTUM.circuits has no circuit named '{circuitName}'");
            }

            if (chosen.Value is not MapTrait { Map: var body })
            {
                throw Invalid($"QUANTUM.circuits.{chosen.Key} must be a map with qubits and gates");
            }

            name = chosen.Key;
            declaration = body;
        }
        else if (circuitName is not null)
        {
            throw Invalid($"QUANTUM.circuits has no circuit named '{circuitName}'");
        }

        string at = name == "default" ? "QUANTUM" : $"QUANTUM.circuits.{name}";
        int qubits = ReadQubits(declaration, at, maxQubits);
        IReadOnlyList<string> gates = ReadGates(declaration, at);
        double[] angles = [.. organism.Genes.SelectMany(static g => g.Traits).Select(static e => e.Value).OfType<NumberTrait>().Select(static n => Math.PI * n.Value)];
        string qasm = BuildQasm(qubits, gates, angles);
        var circuit = new QuantumCircuit(qasm, CircuitLanguage.OpenQasm2, qubits, [new ClassicalRegister("c", qubits)]) { Name = $"{organism.Name}.{name}" };

        TraitValue? ideal = declaration.TryGetValue("ideal", out TraitValue? own) ? own : quantum.TryGetValue("ideal", out TraitValue? shared) ? shared : null;
        return ideal is null
            ? new OrganismCircuit(name, circuit, QuantumEnhancer.CreateGhzIdeal(Math.Max(2, qubits)).AlignTo(qubits), IdealDeclared: false)
            : new OrganismCircuit(name, circuit, ReadIdeal(ideal, qubits, declaration.ContainsKey("ideal") ? $"{at}.ideal" : "QUANTUM.ideal"), IdealDeclared: true);
    }

    private static int ReadQubits(PropertyMap declaration, string at, int maxQubits)
    {
        if (!declaration.TryGetValue("qubits", out TraitValue? q))
        {
            return 3;
        }

        return q is NumberTrait { IsInteger: true, Value: var v } && v >= 1 && v <= maxQubits
            ? (int)v
            : throw Invalid($"{at}.qubits must be an integer from 1 to {maxQubits}");
    }

    private static List<string> ReadGates(PropertyMap declaration, string at)
    {
        if (!declaration.TryGetValue("gates", out TraitValue? g))
        {
            return ["h", "cx", "measure"];
        }

        if (g is not ListTrait { Items: var items } || items.Any(static i => i is not TextTrait))
        {
            throw Invalid($"{at}.gates must be a list of gate names");
        }

        var names = items.Cast<TextTrait>().Select(static t => t.Value.Trim().ToLowerInvariant()).ToList();
        foreach (string n in names)
        {
            if (n != "measure" && n != "ccx" && !s_fixed.Contains(n) && !s_rotations.Contains(n) && !s_pairs.Contains(n))
            {
                throw Invalid($"{at}.gates: gate '{n}' is not supported (use h, x, y, z, s, sdg, t, tdg, sx, id, rx, ry, rz, p, u1, cx, cz, cy, ch, swap, ccx, measure)");
            }
        }

        return names;
    }

    private static string BuildQasm(int n, IReadOnlyList<string> gates, double[] angles)
    {
        var sb = new StringBuilder("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
        sb.Append(CultureInfo.InvariantCulture, $"qreg q[{n}];\ncreg c[{n}];\n");
        int next = 0;
        foreach (string g in gates)
        {
            if (s_fixed.Contains(g))
            {
                for (int q = 0; q < n; q++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"{g} q[{q}];\n");
                }
            }
            else if (s_rotations.Contains(g))
            {
                for (int q = 0; q < n; q++)
                {
                    double angle = angles.Length == 0 ? 0 : angles[next++ % angles.Length];
                    sb.Append(CultureInfo.InvariantCulture, $"{g}({angle.ToString("R", CultureInfo.InvariantCulture)}) q[{q}];\n");
                }
            }
            else if (s_pairs.Contains(g))
            {
                for (int q = 0; q + 1 < n; q++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"{g} q[{q}],q[{q + 1}];\n");
                }
            }
            else if (g == "ccx")
            {
                for (int q = 0; q + 2 < n; q++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"ccx q[{q}],q[{q + 1}],q[{q + 2}];\n");
                }
            }
        }

        return sb.Append("measure q -> c;\n").ToString();
    }

    private static ProbabilityDistribution ReadIdeal(TraitValue value, int qubits, string at)
    {
        if (value is not MapTrait { Map: var map }
            || !map.TryGetValue("outcomes", out TraitValue? o) || o is not ListTrait { Items: var outcomes }
            || !map.TryGetValue("probabilities", out TraitValue? p) || p is not ListTrait { Items: var probabilities })
        {
            throw Invalid($"{at} must be a map {{ outcomes: [\"bitstring\", …]  probabilities: [number, …] }}");
        }

        if (outcomes.Count != probabilities.Count || outcomes.Count == 0)
        {
            throw Invalid($"{at} has {outcomes.Count} outcomes and {probabilities.Count} probabilities; it needs the same positive number of each");
        }

        var entries = new List<KeyValuePair<string, double>>(outcomes.Count);
        for (int i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i] is not TextTrait { Value: var key })
            {
                throw Invalid($"{at}.outcomes[{i}] must be a bitstring in quotes");
            }

            if (probabilities[i] is not NumberTrait { Value: var prob })
            {
                throw Invalid($"{at}.probabilities[{i}] must be a number");
            }

            entries.Add(new(key, prob));
        }

        try
        {
            return ProbabilityDistribution.Create(entries, qubits);
        }
        catch (QuantumLmException ex)
        {
            throw Invalid($"{at}: {ex.Message}");
        }
    }

    private static QuantumLmException Invalid(string message) => new(QuantumLmErrorCodes.InvalidPayload, message);
}
