namespace QuantumLM.Quantum.OpenQasm;

/// <summary>Limits that protect the OpenQASM parser from oversized or hostile programs.</summary>
public sealed record OpenQasmParserOptions
{
    /// <summary>Gets the default limits.</summary>
    public static OpenQasmParserOptions Default { get; } = new();

    /// <summary>Gets the longest source accepted, in characters.</summary>
    /// <value>The default is 16 Mi characters.</value>
    public int MaxSourceLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Gets the deepest nesting of parentheses, blocks and <c>if</c> bodies.</summary>
    /// <value>The default is 64.</value>
    public int MaxNestingDepth { get; init; } = 64;

    /// <summary>Gets the largest register, and the largest total of qubits or of clbits.</summary>
    /// <value>The default is 65,536.</value>
    public int MaxRegisterSize { get; init; } = 65_536;

    /// <summary>Gets the most operations the program may expand to (after gate definitions and broadcasts are unrolled).</summary>
    /// <value>The default is 4,000,000.</value>
    public int MaxOperations { get; init; } = 4_000_000;

    /// <summary>Gets the deepest chain of user gate definitions calling each other.</summary>
    /// <value>The default is 64.</value>
    public int MaxGateDepth { get; init; } = 64;
}
