using System.Numerics;
using FsCheck;
using FsCheck.Xunit;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.Transpilation;

namespace QuantumLM.Quantum.Tests.Transpilation;

public sealed class OneQubitSynthesisTests
{
    /// <summary>Reference: multiply the matrices of the standard gates (from their definitions, not the synthesis code).</summary>
    private static Complex[] Compose(IEnumerable<(string Name, double Angle)> gates)
    {
        Complex[] m = [1, 0, 0, 1];
        foreach ((string name, double angle) in gates)
        {
            StandardGates.TryGet(name, out GateDefinition? def);
            Complex[] g = def!.GetMatrix(name == "rz" ? [angle] : []);
            m = [(g[0] * m[0]) + (g[1] * m[2]), (g[0] * m[1]) + (g[1] * m[3]), (g[2] * m[0]) + (g[3] * m[2]), (g[2] * m[1]) + (g[3] * m[3])];
        }

        return m;
    }

    /// <summary>Distance up to a global phase: min over φ of ‖A − e^{iφ}B‖, via the phase of tr(B†A).</summary>
    internal static double PhaseDistance(Complex[] a, Complex[] b)
    {
        Complex tr = Complex.Zero;
        for (int i = 0; i < a.Length; i++)
        {
            tr += Complex.Conjugate(b[i]) * a[i];
        }

        Complex phase = tr.Magnitude < 1e-15 ? Complex.One : tr / tr.Magnitude;
        double d = 0;
        for (int i = 0; i < a.Length; i++)
        {
            d = Math.Max(d, (a[i] - (phase * b[i])).Magnitude);
        }

        return d;
    }

    private static Complex[] RandomUnitary(double t, double p, double l, double g) =>
        [.. StandardGates.U(t, p, l).Select(x => x * Complex.FromPolarCoordinates(1, g))];

    [Property(MaxTest = 300)]
    public bool Synthesis_ReproducesAnyUnitary_UpToPhase(NormalFloat t, NormalFloat p, NormalFloat l, NormalFloat g)
    {
        Complex[] u = RandomUnitary(t.Get % 7, p.Get % 7, l.Get % 7, g.Get % 7);
        var gates = OneQubitSynthesis.ToRzSx(u);
        return gates.All(static x => x.Name is "rz" or "sx" or "x") && gates.Count <= 5 && PhaseDistance(Compose(gates), u) < 1e-9;
    }

    [Theory]
    [InlineData("h", 3)]
    [InlineData("x", 1)]
    [InlineData("sx", 1)]
    [InlineData("s", 1)]
    [InlineData("t", 1)]
    [InlineData("id", 0)]
    [InlineData("z", 1)]
    public void KnownGates_UseTheShortForms(string gate, int expectedLength)
    {
        StandardGates.TryGet(gate, out GateDefinition? def);
        Complex[] u = def!.GetMatrix([]);
        var gates = OneQubitSynthesis.ToRzSx(u);
        Assert.Equal(expectedLength, gates.Count);
        Assert.True(PhaseDistance(Compose(gates), u) < 1e-9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(Math.PI / 2)]
    [InlineData(Math.PI)]
    [InlineData(1.234)]
    public void SpecialAngles_AreExact(double theta)
    {
        foreach (double phi in new[] { 0.0, 0.7, -2.1, Math.PI })
        {
            Complex[] u = StandardGates.U(theta, phi, 0.3);
            Assert.True(PhaseDistance(Compose(OneQubitSynthesis.ToRzSx(u)), u) < 1e-9, $"θ={theta} φ={phi}");
        }
    }

    [Property(MaxTest = 200)]
    public bool Sqrt_SquaresBack(NormalFloat t, NormalFloat p, NormalFloat l, NormalFloat g)
    {
        Complex[] u = RandomUnitary(t.Get % 7, p.Get % 7, l.Get % 7, g.Get % 7);
        Complex[] v = OneQubitSynthesis.Sqrt(u);
        Complex[] vv = OneQubitSynthesis.Multiply(v, v);
        return vv.Zip(u).Max(static z => (z.First - z.Second).Magnitude) < 1e-9;
    }

    [Fact]
    public void Sqrt_OfIdentityAndX_AreExact()
    {
        Complex[] x = [0, 1, 1, 0];
        Complex[] v = OneQubitSynthesis.Sqrt(x);
        Assert.True(OneQubitSynthesis.Multiply(v, v).Zip(x).Max(static z => (z.First - z.Second).Magnitude) < 1e-12);
        Complex[] i = [1, 0, 0, 1];
        Assert.True(OneQubitSynthesis.Multiply(OneQubitSynthesis.Sqrt(i), OneQubitSynthesis.Sqrt(i)).Zip(i).Max(static z => (z.First - z.Second).Magnitude) < 1e-12);
    }
}
