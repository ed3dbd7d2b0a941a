using System.Numerics;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.Simulation;

internal enum SimGateKind
{
    Identity,
    Controlled2x2,
    ControlledX,
    ControlledSwap,
    PhaseOnMask,
    Diagonal,
    Dense,
}

/// <summary>A gate lowered to one kernel call.</summary>
internal sealed class SimGate(SimGateKind kind, int[] controls, int[] targets, Complex[] matrix, Complex phase = default)
{
    public SimGateKind Kind { get; } = kind;

    public int[] Controls { get; } = controls;

    public int[] Targets { get; } = targets;

    public Complex[] Matrix { get; } = matrix;

    public Complex Phase { get; } = phase;

    /// <summary>Gets the highest qubit the gate touches.</summary>
    public int MaxQubit { get; } = Math.Max(controls.Length == 0 ? -1 : controls.Max(), targets.Length == 0 ? -1 : targets.Max());

    public static SimGate FromOperation(GateOperation op)
    {
        int[] q = [.. op.Qubits];
        double[] a = [.. op.Parameters];
        switch (op.Name)
        {
            case "id" or "u0":
                return new SimGate(SimGateKind.Identity, [], q, []);
            case "x":
                return new SimGate(SimGateKind.ControlledX, [], q, []);
            case "cx" or "ccx" or "c3x" or "c4x":
                return new SimGate(SimGateKind.ControlledX, q[..^1], [q[^1]], []);
            case "swap":
                return new SimGate(SimGateKind.ControlledSwap, [], q, []);
            case "cswap":
                return new SimGate(SimGateKind.ControlledSwap, [q[0]], q[1..], []);
            case "z":
                return new SimGate(SimGateKind.PhaseOnMask, [], q, [], -1);
            case "s":
                return new SimGate(SimGateKind.PhaseOnMask, [], q, [], Complex.ImaginaryOne);
            case "sdg":
                return new SimGate(SimGateKind.PhaseOnMask, [], q, [], -Complex.ImaginaryOne);
            case "t":
                return new SimGate(SimGateKind.PhaseOnMask, [], q, [], Complex.FromPolarCoordinates(1, Math.PI / 4));
            case "tdg":
                return new SimGate(SimGateKind.PhaseOnMask, [], q, [], Complex.FromPolarCoordinates(1, -Math.PI / 4));
            case "p" or "u1":
                return new SimGate(SimGateKind.PhaseOnMask, [], q, [], Complex.FromPolarCoordinates(1, a[0]));
            case "cz":
                return new SimGate(SimGateKind.PhaseOnMask, [], q, [], -1);
            case "cp" or "cu1":
                return new SimGate(SimGateKind.PhaseOnMask, [], q, [], Complex.FromPolarCoordinates(1, a[0]));
            default:
                break;
        }

        Complex[] m = op.Definition.GetMatrix(a);
        int k = q.Length;
        if (op.Definition.IsDiagonal)
        {
            int dim = 1 << k;
            var d = new Complex[dim];
            for (int i = 0; i < dim; i++)
            {
                d[i] = m[(i * dim) + i];
            }

            return new SimGate(SimGateKind.Diagonal, [], q, d);
        }

        if (k == 1)
        {
            return new SimGate(SimGateKind.Controlled2x2, [], q, m);
        }

        int controls = op.Name switch
        {
            "cy" or "ch" or "csx" or "crx" or "cry" or "cu3" or "cu" => 1,
            "c3sqrtx" => 3,
            _ => 0,
        };
        if (controls > 0)
        {
            int dim = 1 << k, c = (1 << controls) - 1, t1 = c | (1 << controls);
            Complex[] u = [m[(c * dim) + c], m[(c * dim) + t1], m[(t1 * dim) + c], m[(t1 * dim) + t1]];
            return new SimGate(SimGateKind.Controlled2x2, q[..controls], [q[controls]], u);
        }

        return new SimGate(SimGateKind.Dense, [], q, m);
    }

    public void Apply(Kernels kernels)
    {
        switch (Kind)
        {
            case SimGateKind.Identity:
                break;
            case SimGateKind.Controlled2x2:
                kernels.Controlled2x2(Controls, Targets[0], Matrix);
                break;
            case SimGateKind.ControlledX:
                kernels.ControlledX(Controls, Targets[0]);
                break;
            case SimGateKind.ControlledSwap:
                kernels.ControlledSwap(Controls, Targets[0], Targets[1]);
                break;
            case SimGateKind.PhaseOnMask:
                kernels.PhaseOnMask(Targets, Phase);
                break;
            case SimGateKind.Diagonal:
                kernels.Diagonal(Targets, Matrix);
                break;
            default:
                kernels.Dense(Targets, Matrix);
                break;
        }
    }
}
