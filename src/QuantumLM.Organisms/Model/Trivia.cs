namespace QuantumLM.Organisms;

/// <summary>
/// The comments attached to one item of a genome: the comment lines just above it and the comment at the end of its
/// (last) line. Comments are kept so that parsing and serializing never lose them.
/// </summary>
public sealed record Trivia
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="leadingComments">Comment lines above the item, without the <c>#</c> and one following space.</param>
    /// <param name="trailingComment">The comment at the end of the item's last line, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A comment contains a line break.</exception>
    public Trivia(IEnumerable<string>? leadingComments = null, string? trailingComment = null)
    {
        LeadingComments = DnaNames.RequireComments(leadingComments, nameof(leadingComments));
        TrailingComment = DnaNames.RequireComment(trailingComment, nameof(trailingComment));
    }

    internal static Trivia Of(List<string>? leading, string? trailing) =>
        (leading is null || leading.Count == 0) && trailing is null ? None : new Trivia(leading, trailing);

    /// <summary>Gets the trivia with no comments.</summary>
    public static Trivia None { get; } = new();

    /// <summary>Gets the comment lines above the item.</summary>
    public IReadOnlyList<string> LeadingComments { get; }

    /// <summary>Gets the comment at the end of the item's last line, or <see langword="null"/>.</summary>
    public string? TrailingComment { get; }

    /// <summary>Gets a value indicating whether there are no comments.</summary>
    public bool IsEmpty => LeadingComments.Count == 0 && TrailingComment is null;
}
