using QuantumLM.Abstractions;

namespace QuantumLM.Organisms;

/// <summary>
/// A DNALang text could not be parsed. The message is <c>&lt;line&gt;:&lt;column&gt; &lt;what was expected&gt;</c> and the
/// error code is <see cref="QuantumLmErrorCodes.InvalidGenome"/> (<c>dna</c>).
/// </summary>
public sealed class DnaSyntaxException : QuantumLmException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based column, in UTF-16 code units.</param>
    /// <param name="expected">What was expected or what is wrong.</param>
    public DnaSyntaxException(int line, int column, string expected)
        : base(QuantumLmErrorCodes.InvalidGenome, $"{line}:{column} {expected}")
    {
        Line = line;
        Column = column;
        Expected = expected;
    }

    /// <summary>Gets the 1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>Gets the 1-based column of the error, in UTF-16 code units.</summary>
    public int Column { get; }

    /// <summary>Gets the description of what was expected, without the position.</summary>
    public string Expected { get; }
}
