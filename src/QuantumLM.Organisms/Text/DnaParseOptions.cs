namespace QuantumLM.Organisms;

/// <summary>Limits that keep parsing of untrusted text bounded in time and memory.</summary>
public sealed record DnaParseOptions
{
    /// <summary>Gets the default limits.</summary>
    public static DnaParseOptions Default { get; } = new();

    /// <summary>Gets the largest accepted input, in characters (string input) or bytes (UTF-8 input).</summary>
    /// <value>The default is 16 MiB (16,777,216).</value>
    public int MaxInputLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Gets the deepest accepted nesting of braces and brackets (the organism's own braces count as 1).</summary>
    /// <value>The default is 64; at most 1,000 (the parser recurses once per level).</value>
    public int MaxDepth { get; init; } = 64;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInputLength, 1, nameof(MaxInputLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 4, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDepth, 1000, nameof(MaxDepth));
    }
}
