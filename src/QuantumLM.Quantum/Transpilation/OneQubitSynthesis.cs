using System.Numerics;

namespace QuantumLM.Quantum.Transpilation;

/// <summary>Single-qubit algebra: products, Euler angles, square roots, and synthesis into the IBM basis {rz, sx, x}.</summary>
internal static class OneQubitSynthesis
{
    private const double Tolerance = 1e-10;

    public static Complex[] Identity => [1, 0, 0, 1];

    /// <summary>Returns <c>a·b</c> (apply <paramref name="b"/> first).</summary>
    public static Complex[] Multiply(Complex[] a, Complex[] b) =>
    [
        (a[0] * b[0]) + (a[1] * b[2]), (a[0] * b[1]) + (a[1] * b[3]),
        (a[2] * b[0]) + (a[3] * b[2]), (a[2] * b[1]) + (a[3] * b[3]),
    ];

    public static Complex[] Adjoint(Complex[] m) => [Complex.Conjugate(m[0]), Complex.Conjugate(m[2]), Complex.Conjugate(m[1]), Complex.Conjugate(m[3])];

    public static Complex[] Rz(double t) => [Complex.FromPolarCoordinates(1, -t / 2), 0, 0, Complex.FromPolarCoordinates(1, t / 2)];

    public static Complex[] Ry(double t) => [Math.Cos(t / 2), -Math.Sin(t / 2), Math.Sin(t / 2), Math.Cos(t / 2)];

    public static Complex[] Phase(double l) => [1, 0, 0, Complex.FromPolarCoordinates(1, l)];

    public static Complex[] H
    {
        get
        {
            double r = 1 / Math.Sqrt(2);
            return [r, r, r, -r];
        }
    }

    public static Complex[] X => [0, 1, 1, 0];

    public static Complex[] Sx => [new(0.5, 0.5), new(0.5, -0.5), new(0.5, -0.5), new(0.5, 0.5)];

    /// <summary>Decomposes <c>U = e^{iα}·u(θ, φ, λ)</c> (OpenQASM's <c>U</c>), θ ∈ [0, π].</summary>
    public static (double Theta, double Phi, double Lambda, double Alpha) ToU(Complex[] u)
    {
        double a00 = u[0].Magnitude, a10 = u[2].Magnitude;
        double theta = 2 * Math.Atan2(a10, a00);
        if (a10 < Tolerance)
        {
            double alpha0 = u[0].Phase;
            return (0, 0, u[3].Phase - alpha0, alpha0);
        }

        if (a00 < Tolerance)
        {
            double alphaPi = (-u[1]).Phase;
            return (Math.PI, u[2].Phase - alphaPi, 0, alphaPi);
        }

        double alpha = u[0].Phase;
        return (theta, u[2].Phase - alpha, (-u[1]).Phase - alpha, alpha);
    }

    /// <summary>Gets the principal square root of a 2×2 unitary (V·V = U).</summary>
    public static Complex[] Sqrt(Complex[] u)
    {
        Complex tr = u[0] + u[3];
        Complex det = (u[0] * u[3]) - (u[1] * u[2]);
        Complex disc = Complex.Sqrt((tr * tr) - (4 * det));
        Complex l1 = (tr + disc) / 2, l2 = (tr - disc) / 2;
        if ((l1 - l2).Magnitude < 1e-9)
        {
            Complex s = Complex.Sqrt(l1);
            return [s, 0, 0, s];
        }

        // U = l1·P1 + l2·P2 with P1 = (U − l2·I)/(l1 − l2), P2 = (U − l1·I)/(l2 − l1).
        Complex s1 = Complex.Sqrt(l1), s2 = Complex.Sqrt(l2);
        Complex d = l1 - l2;
        Complex[] p1 = [(u[0] - l2) / d, u[1] / d, u[2] / d, (u[3] - l2) / d];
        Complex[] p2 = [(u[0] - l1) / -d, u[1] / -d, u[2] / -d, (u[3] - l1) / -d];
        return [(s1 * p1[0]) + (s2 * p2[0]), (s1 * p1[1]) + (s2 * p2[1]), (s1 * p1[2]) + (s2 * p2[2]), (s1 * p1[3]) + (s2 * p2[3])];
    }

    /// <summary>Whether <paramref name="u"/> is the identity up to a global phase.</summary>
    public static bool IsIdentity(Complex[] u) => u[1].Magnitude < Tolerance && u[2].Magnitude < Tolerance && (u[3] - u[0]).Magnitude < 1e-9;

    /// <summary>
    /// Synthesizes a single-qubit unitary (up to global phase) as the shortest sequence over {rz, sx, x} that this
    /// rule set knows: nothing, one rz, x+rz, rz·sx·rz, or rz·sx·rz·sx·rz. Returns the gates in time order.
    /// </summary>
    public static List<(string Name, double Angle)> ToRzSx(Complex[] u)
    {
        var gates = new List<(string, double)>(5);
        if (IsIdentity(u))
        {
            return gates;
        }

        (double theta, double phi, double lambda, _) = ToU(u);
        if (Math.Abs(theta) < 1e-10)
        {
            AddRz(gates, phi + lambda);
            return gates;
        }

        if (Math.Abs(theta - Math.PI) < 1e-10)
        {
            // u(π, φ, λ) ∝ rz(φ − λ − π)·x
            gates.Add(("x", 0));
            AddRz(gates, phi - lambda - Math.PI);
            return gates;
        }

        if (Math.Abs(theta - (Math.PI / 2)) < 1e-10)
        {
            // u(π/2, φ, λ) ∝ rz(φ + π/2)·sx·rz(λ − π/2)
            AddRz(gates, lambda - (Math.PI / 2));
            gates.Add(("sx", 0));
            AddRz(gates, phi + (Math.PI / 2));
            return gates;
        }

        // u(θ, φ, λ) ∝ rz(φ + π)·sx·rz(θ + π)·sx·rz(λ)
        AddRz(gates, lambda);
        gates.Add(("sx", 0));
        AddRz(gates, theta + Math.PI);
        gates.Add(("sx", 0));
        AddRz(gates, phi + Math.PI);
        return gates;
    }

    /// <summary>Wraps an angle into (−π, π].</summary>
    public static double Wrap(double angle)
    {
        double a = Math.IEEERemainder(angle, 2 * Math.PI);
        return a <= -Math.PI ? a + (2 * Math.PI) : a;
    }

    private static void AddRz(List<(string, double)> gates, double angle)
    {
        double a = Wrap(angle);
        if (Math.Abs(a) > 1e-12)
        {
            gates.Add(("rz", a));
        }
    }
}
