using QuantumLM.Quantum.Transpilation;

namespace QuantumLM.Quantum.Tests.Transpilation;

/// <summary>Coupling maps of real and textbook devices for the transpiler tests.</summary>
internal static class Devices
{
    public static readonly string[] HeronBasis = ["cz", "id", "rz", "sx", "x"];

    /// <summary>
    /// ibm_fez (IBM Heron r2, 156 qubits): eight rows of 16 qubits (20r … 20r+15) joined in a line, and between rows r
    /// and r+1 four bridge qubits 20r+16 … 20r+19 that join columns 3, 7, 11, 15 (even r) or 1, 5, 9, 13 (odd r).
    /// This is the coupling map of conf_fez.json in Qiskit/qiskit-ibm-runtime (fake_provider/backends/fez, backend
    /// version 1.2.7), 176 undirected pairs; <see cref="IbmFezSpotChecks"/> holds pairs copied from that file.
    /// </summary>
    public static IReadOnlyList<(int, int)> IbmFezCouplingMap()
    {
        var edges = new List<(int, int)>();
        for (int r = 0; r < 8; r++)
        {
            for (int c = 0; c < 15; c++)
            {
                edges.Add(((20 * r) + c, (20 * r) + c + 1));
            }

            if (r < 7)
            {
                int[] columns = r % 2 == 0 ? [3, 7, 11, 15] : [1, 5, 9, 13];
                for (int k = 0; k < 4; k++)
                {
                    int bridge = (20 * r) + 16 + k;
                    edges.Add(((20 * r) + columns[k], bridge));
                    edges.Add((bridge, (20 * (r + 1)) + columns[k]));
                }
            }
        }

        return edges;
    }

    /// <summary>Pairs as they appear in conf_fez.json's coupling_map, and pairs that are absent from it.</summary>
    public static readonly (int A, int B, bool Coupled)[] IbmFezSpotChecks =
    [
        (0, 1, true), (3, 16, true), (16, 23, true), (7, 17, true), (17, 27, true), (15, 19, true), (19, 35, true),
        (21, 36, true), (36, 41, true), (33, 39, true), (39, 53, true), (59, 75, true), (79, 93, true), (99, 115, true),
        (119, 133, true), (138, 151, true), (139, 155, true), (154, 155, true), (140, 141, true),
        (15, 20, false), (16, 17, false), (35, 40, false), (0, 16, false), (140, 155, false),
    ];

    public static IsaTarget IbmFez() => new("ibm_fez", 156, IbmFezCouplingMap(), HeronBasis);

    /// <summary>A small heavy-hex device (two 7-qubit rows joined through 2 bridges, then a third row).</summary>
    public static IsaTarget SmallHeavyHex()
    {
        var edges = new List<(int, int)>();
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 6; c++)
            {
                edges.Add(((9 * r) + c, (9 * r) + c + 1));
            }
        }

        // bridges 7, 8 between rows 0 and 1; 16, 17 between rows 1 and 2
        edges.AddRange([(1, 7), (7, 10), (5, 8), (8, 14), (12, 16), (16, 21), (9 + 6, 17), (17, 18 + 6)]);
        return new IsaTarget("heavy_hex_25", 25, edges, HeronBasis);
    }

    public static IsaTarget Line(int n) => new($"line_{n}", n, Enumerable.Range(0, n - 1).Select(static i => (i, i + 1)), HeronBasis);

    public static IsaTarget AllToAll(int n) =>
        new($"all_{n}", n, from a in Enumerable.Range(0, n) from b in Enumerable.Range(0, n) where a < b select (a, b), HeronBasis);
}
