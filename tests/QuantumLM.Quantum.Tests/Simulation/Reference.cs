using System.Numerics;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.Tests.Simulation;

/// <summary>
/// An independent, naive reference: gate matrices written out by hand from their textbook definitions, and each gate
/// applied as a full 2^n × 2^n matrix built element by element.
/// </summary>
internal static class Reference
{
    private static readonly Complex I = Complex.ImaginaryOne;

    public static Complex[,] Gate(string name, double[] a)
    {
        double h = 1 / Math.Sqrt(2);
        Complex E(double phi) => Complex.Exp(I * phi);
        Complex[,] One(Complex a00, Complex a01, Complex a10, Complex a11) => new[,] { { a00, a01 }, { a10, a11 } };
        Complex[,] Ctrl(Complex[,] u)
        {
            // qubit 0 = control (low bit), qubit 1 = target (high bit): basis index = c + 2t
            var m = new Complex[4, 4];
            m[0, 0] = 1;
            m[2, 2] = 1;
            m[1, 1] = u[0, 0];
            m[1, 3] = u[0, 1];
            m[3, 1] = u[1, 0];
            m[3, 3] = u[1, 1];
            return m;
        }

        return name switch
        {
            "x" => One(0, 1, 1, 0),
            "y" => One(0, -I, I, 0),
            "z" => One(1, 0, 0, -1),
            "h" => One(h, h, h, -h),
            "s" => One(1, 0, 0, I),
            "sdg" => One(1, 0, 0, -I),
            "t" => One(1, 0, 0, E(Math.PI / 4)),
            "tdg" => One(1, 0, 0, E(-Math.PI / 4)),
            "sx" => One(new Complex(0.5, 0.5), new Complex(0.5, -0.5), new Complex(0.5, -0.5), new Complex(0.5, 0.5)),
            "rx" => One(Math.Cos(a[0] / 2), -I * Math.Sin(a[0] / 2), -I * Math.Sin(a[0] / 2), Math.Cos(a[0] / 2)),
            "ry" => One(Math.Cos(a[0] / 2), -Math.Sin(a[0] / 2), Math.Sin(a[0] / 2), Math.Cos(a[0] / 2)),
            "rz" => One(E(-a[0] / 2), 0, 0, E(a[0] / 2)),
            "p" => One(1, 0, 0, E(a[0])),
            "u" => One(Math.Cos(a[0] / 2), -E(a[2]) * Math.Sin(a[0] / 2), E(a[1]) * Math.Sin(a[0] / 2), E(a[1] + a[2]) * Math.Cos(a[0] / 2)),
            "cx" => Ctrl(One(0, 1, 1, 0)),
            "cy" => Ctrl(One(0, -I, I, 0)),
            "cz" => Ctrl(One(1, 0, 0, -1)),
            "ch" => Ctrl(One(h, h, h, -h)),
            "cp" => Ctrl(One(1, 0, 0, E(a[0]))),
            "crx" => Ctrl(One(Math.Cos(a[0] / 2), -I * Math.Sin(a[0] / 2), -I * Math.Sin(a[0] / 2), Math.Cos(a[0] / 2))),
            "cry" => Ctrl(One(Math.Cos(a[0] / 2), -Math.Sin(a[0] / 2), Math.Sin(a[0] / 2), Math.Cos(a[0] / 2))),
            "crz" => Ctrl(One(E(-a[0] / 2), 0, 0, E(a[0] / 2))),
            "swap" => new Complex[,] { { 1, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, 1 } },
            "rzz" => new Complex[,] { { E(-a[0] / 2), 0, 0, 0 }, { 0, E(a[0] / 2), 0, 0 }, { 0, 0, E(a[0] / 2), 0 }, { 0, 0, 0, E(-a[0] / 2) } },
            "rxx" => new Complex[,]
            {
                { Math.Cos(a[0] / 2), 0, 0, -I * Math.Sin(a[0] / 2) },
                { 0, Math.Cos(a[0] / 2), -I * Math.Sin(a[0] / 2), 0 },
                { 0, -I * Math.Sin(a[0] / 2), Math.Cos(a[0] / 2), 0 },
                { -I * Math.Sin(a[0] / 2), 0, 0, Math.Cos(a[0] / 2) },
            },
            "ccx" => Permutation(8, i => (i & 3) == 3 ? i ^ 4 : i),
            "cswap" => Permutation(8, i => (i & 1) == 1 && ((i >> 1) & 1) != ((i >> 2) & 1) ? i ^ 6 : i),
            "c3x" => Permutation(16, i => (i & 7) == 7 ? i ^ 8 : i),
            "c4x" => Permutation(32, i => (i & 15) == 15 ? i ^ 16 : i),
            _ => throw new ArgumentException(name),
        };
    }

    public static readonly string[] Gates1 = ["x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "p", "u"];
    public static readonly string[] Gates2 = ["cx", "cy", "cz", "ch", "cp", "crx", "cry", "crz", "swap", "rzz", "rxx"];
    public static readonly string[] Gates3 = ["ccx", "cswap"];

    public static int ParamCount(string name) => name switch
    {
        "rx" or "ry" or "rz" or "p" or "cp" or "crx" or "cry" or "crz" or "rzz" or "rxx" => 1,
        "u" => 3,
        _ => 0,
    };

    private static Complex[,] Permutation(int dim, Func<int, int> f)
    {
        var m = new Complex[dim, dim];
        for (int i = 0; i < dim; i++)
        {
            m[f(i), i] = 1;
        }

        return m;
    }

    /// <summary>Applies a gate to qubits (bit j of the gate index = qubits[j]) by building the full matrix.</summary>
    public static Complex[] Apply(Complex[] state, int n, Complex[,] gate, int[] qubits)
    {
        int dim = 1 << n;
        var full = new Complex[dim, dim];
        for (int r = 0; r < dim; r++)
        {
            for (int c = 0; c < dim; c++)
            {
                bool agree = true;
                int gr = 0, gc = 0;
                for (int b = 0; b < n; b++)
                {
                    int j = Array.IndexOf(qubits, b);
                    if (j < 0)
                    {
                        agree &= ((r >> b) & 1) == ((c >> b) & 1);
                    }
                    else
                    {
                        gr |= ((r >> b) & 1) << j;
                        gc |= ((c >> b) & 1) << j;
                    }
                }

                full[r, c] = agree ? gate[gr, gc] : Complex.Zero;
            }
        }

        var result = new Complex[dim];
        for (int r = 0; r < dim; r++)
        {
            Complex acc = 0;
            for (int c = 0; c < dim; c++)
            {
                acc += full[r, c] * state[c];
            }

            result[r] = acc;
        }

        return result;
    }

    public static Complex[] Run(Circuit circuit)
    {
        int n = circuit.QubitCount;
        var state = new Complex[1 << n];
        state[0] = 1;
        foreach (CircuitOperation op in circuit.Operations)
        {
            if (op is GateOperation g)
            {
                state = Apply(state, n, Gate(g.Name, [.. g.Parameters]), [.. g.Qubits]);
            }
        }

        return state;
    }

    /// <summary>A random circuit of the hand-written gates, as OpenQASM 2 text.</summary>
    public static string RandomQasm(int n, int gates, ulong seed)
    {
        var rng = new QuantumLM.Abstractions.SeededRandom(seed);
        var sb = new System.Text.StringBuilder();
        sb.Append("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n").Append($"qreg q[{n}];\ncreg c[{n}];\n");
        for (int i = 0; i < gates; i++)
        {
            int arity = n >= 3 ? rng.NextInt32(1, 4) : rng.NextInt32(1, n + 1);
            string[] pool = arity == 1 ? Gates1 : arity == 2 ? Gates2 : Gates3;
            string name = pool[rng.NextInt32(0, pool.Length)];
            var qs = Enumerable.Range(0, n).OrderBy(_ => rng.NextUInt64()).Take(arity).ToArray();
            int pc = ParamCount(name);
            string ps = pc == 0 ? string.Empty : "(" + string.Join(",", Enumerable.Range(0, pc).Select(_ => ((rng.NextDouble() * 8) - 4).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + ")";
            sb.Append(name).Append(ps).Append(' ').Append(string.Join(",", qs.Select(q => $"q[{q}]"))).Append(";\n");
        }

        sb.Append("measure q -> c;\n");
        return sb.ToString();
    }

    public static double MaxDiff(Complex[] a, Complex[] b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++)
        {
            m = Math.Max(m, (a[i] - b[i]).Magnitude);
        }

        return m;
    }
}
