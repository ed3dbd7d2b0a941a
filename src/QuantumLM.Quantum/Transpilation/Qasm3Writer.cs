using System.Globalization;
using System.Text;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.Transpilation;

/// <summary>Writes a physical-qubit circuit as OpenQASM 3 (<c>$k</c> qubits, <c>bit[n]</c> registers), the form IBM Runtime accepts.</summary>
internal static class Qasm3Writer
{
    public static string Write(Circuit circuit)
    {
        var sb = new StringBuilder(64 + (circuit.Operations.Length * 16));
        sb.Append("OPENQASM 3.0;\ninclude \"stdgates.inc\";\n");
        foreach (ClbitRegister r in circuit.ClbitRegisters)
        {
            sb.Append("bit[").Append(r.Size.ToString(CultureInfo.InvariantCulture)).Append("] ").Append(r.Name).Append(";\n");
        }

        foreach (CircuitOperation op in circuit.Operations)
        {
            WriteOp(sb, circuit, op, string.Empty);
        }

        return sb.ToString();
    }

    private static void WriteOp(StringBuilder sb, Circuit circuit, CircuitOperation op, string indent)
    {
        sb.Append(indent);
        switch (op)
        {
            case GateOperation g:
                sb.Append(g.Name);
                if (g.Parameters.Length > 0)
                {
                    sb.Append('(').AppendJoin(", ", g.Parameters.Select(static p => p.ToString("R", CultureInfo.InvariantCulture))).Append(')');
                }

                sb.Append(' ').AppendJoin(", ", g.Qubits.Select(Q)).Append(";\n");
                break;
            case MeasureOperation m:
                sb.Append(Clbit(circuit, m.Clbit)).Append(" = measure ").Append(Q(m.Qubit)).Append(";\n");
                break;
            case ResetOperation r:
                sb.Append("reset ").Append(Q(r.Qubit)).Append(";\n");
                break;
            case BarrierOperation b:
                sb.Append("barrier ").AppendJoin(", ", b.Qubits.Select(Q)).Append(";\n");
                break;
            case DelayOperation d:
                sb.Append("delay[").Append(d.Duration.ToString("R", CultureInfo.InvariantCulture)).Append(d.Unit).Append("] ")
                    .AppendJoin(", ", d.Qubits.Select(Q)).Append(";\n");
                break;
            case ConditionalOperation c:
                sb.Append("if (").Append(Condition(circuit, c.Condition)).Append(") {\n");
                foreach (CircuitOperation inner in c.Then)
                {
                    WriteOp(sb, circuit, inner, indent + "  ");
                }

                sb.Append(indent).Append('}');
                if (!c.Else.IsDefaultOrEmpty)
                {
                    sb.Append(" else {\n");
                    foreach (CircuitOperation inner in c.Else)
                    {
                        WriteOp(sb, circuit, inner, indent + "  ");
                    }

                    sb.Append(indent).Append('}');
                }

                sb.Append('\n');
                break;
            default:
                throw new NotSupportedException($"cannot write {op.GetType().Name} as OpenQASM 3");
        }
    }

    private static string Q(int q) => "$" + q.ToString(CultureInfo.InvariantCulture);

    private static string Clbit(Circuit circuit, int clbit)
    {
        foreach (ClbitRegister r in circuit.ClbitRegisters)
        {
            if (clbit >= r.Offset && clbit < r.Offset + r.Size)
            {
                return r.Name + "[" + (clbit - r.Offset).ToString(CultureInfo.InvariantCulture) + "]";
            }
        }

        throw new InvalidOperationException($"clbit {clbit} belongs to no register");
    }

    private static string Condition(Circuit circuit, ClassicalCondition condition)
    {
        string value = condition.Value.ToString(CultureInfo.InvariantCulture);
        if (condition.Clbits.Length == 1)
        {
            return Clbit(circuit, condition.Clbits[0]) + " == " + value;
        }

        foreach (ClbitRegister r in circuit.ClbitRegisters)
        {
            if (r.Size == condition.Clbits.Length && condition.Clbits.Select((c, i) => c == r.Offset + i).All(static x => x))
            {
                return r.Name + " == " + value;
            }
        }

        throw new NotSupportedException("a condition on bits that are not one whole register cannot be written as OpenQASM 3 here");
    }
}
