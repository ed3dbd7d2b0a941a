using System.Numerics;

namespace QuantumLM.Quantum.Circuits;

/// <summary>Small dense complex matrices (row-major, little-endian qubit order) for gate definitions and fusion.</summary>
internal static class DenseMatrix
{
    public static Complex[] Identity(int k)
    {
        int dim = 1 << k;
        var m = new Complex[dim * dim];
        for (int j = 0; j < dim; j++)
        {
            m[(j * dim) + j] = Complex.One;
        }

        return m;
    }

    public static Complex[] Scale(Complex[] m, Complex s)
    {
        var r = new Complex[m.Length];
        for (int j = 0; j < m.Length; j++)
        {
            r[j] = m[j] * s;
        }

        return r;
    }

    /// <summary>Controlled-U with <paramref name="controls"/> control qubits as the low bits and U on the high bits.</summary>
    public static Complex[] Controlled(Complex[] u, int controls)
    {
        int ud = (int)Math.Sqrt(u.Length);
        int dim = ud << controls;
        int cmask = (1 << controls) - 1;
        var m = new Complex[dim * dim];
        for (int row = 0; row < dim; row++)
        {
            if ((row & cmask) != cmask)
            {
                m[(row * dim) + row] = Complex.One;
                continue;
            }

            for (int col = 0; col < dim; col++)
            {
                if ((col & cmask) == cmask)
                {
                    m[(row * dim) + col] = u[((row >> controls) * ud) + (col >> controls)];
                }
            }
        }

        return m;
    }

    /// <summary>C = A·B for square matrices of dimension dim.</summary>
    public static Complex[] Multiply(Complex[] a, Complex[] b, int dim)
    {
        var c = new Complex[dim * dim];
        for (int r = 0; r < dim; r++)
        {
            for (int k = 0; k < dim; k++)
            {
                Complex ark = a[(r * dim) + k];
                if (ark == Complex.Zero)
                {
                    continue;
                }

                for (int col = 0; col < dim; col++)
                {
                    c[(r * dim) + col] += ark * b[(k * dim) + col];
                }
            }
        }

        return c;
    }

    /// <summary>Embeds a gate acting on <paramref name="positions"/> (bit positions within k) into a 2^k matrix.</summary>
    public static Complex[] Embed(Complex[] gate, ReadOnlySpan<int> positions, int k)
    {
        int dim = 1 << k;
        int gd = 1 << positions.Length;
        int gmask = 0;
        foreach (int p in positions)
        {
            gmask |= 1 << p;
        }

        var m = new Complex[dim * dim];
        for (int row = 0; row < dim; row++)
        {
            int gr = Extract(row, positions);
            int rest = row & ~gmask;
            for (int gc = 0; gc < gd; gc++)
            {
                int col = rest | Deposit(gc, positions);
                m[(row * dim) + col] = gate[(gr * gd) + gc];
            }
        }

        return m;
    }

    /// <summary>The product G_last ⋯ G_first of gates applied in order.</summary>
    public static Complex[] Compose(int k, (Complex[] Gate, int[] Positions)[] gates)
    {
        int dim = 1 << k;
        Complex[] m = Identity(k);
        foreach (var (g, pos) in gates)
        {
            m = Multiply(Embed(g, pos, k), m, dim);
        }

        return m;
    }

    public static int Extract(int index, ReadOnlySpan<int> positions)
    {
        int r = 0;
        for (int j = 0; j < positions.Length; j++)
        {
            r |= ((index >> positions[j]) & 1) << j;
        }

        return r;
    }

    public static int Deposit(int value, ReadOnlySpan<int> positions)
    {
        int r = 0;
        for (int j = 0; j < positions.Length; j++)
        {
            r |= ((value >> j) & 1) << positions[j];
        }

        return r;
    }
}
