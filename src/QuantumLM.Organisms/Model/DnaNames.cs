namespace QuantumLM.Organisms;

/// <summary>The reserved words of DNALang.</summary>
public static class DnaKeywords
{
    /// <summary>The organism header keyword.</summary>
    public const string Organism = "ORGANISM";

    /// <summary>The section holding identity data (name, version, …).</summary>
    public const string Dna = "DNA";

    /// <summary>The section holding the ordered genes.</summary>
    public const string Genome = "GENOME";

    /// <summary>The keyword opening a gene inside <see cref="Genome"/>.</summary>
    public const string Gene = "GENE";

    /// <summary>The block of a gene's traits.</summary>
    public const string Traits = "TRAITS";

    /// <summary>The block of a gene's named mutation rules.</summary>
    public const string Mutations = "MUTATIONS";

    /// <summary>The section holding quantum settings and circuit descriptions.</summary>
    public const string Quantum = "QUANTUM";

    /// <summary>The section describing the organism's outward expression (dashboards, …).</summary>
    public const string Phenome = "PHENOME";

    /// <summary>The section holding consciousness targets.</summary>
    public const string Consciousness = "CONSCIOUSNESS";

    /// <summary>The word that introduces a number's bounds (<c>0.5 in [0, 1]</c>).</summary>
    public const string In = "in";
}

/// <summary>Validation of names and comment text shared by the model types.</summary>
internal static class DnaNames
{
    internal static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    internal static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    internal static bool IsIdentifier(string? s)
    {
        if (string.IsNullOrEmpty(s) || !IsIdentifierStart(s[0]))
        {
            return false;
        }

        for (int i = 1; i < s.Length; i++)
        {
            if (!IsIdentifierPart(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static string RequireIdentifier(string? s, string paramName)
    {
        ArgumentNullException.ThrowIfNull(s, paramName);
        if (!IsIdentifier(s))
        {
            throw new ArgumentException($"'{s}' is not a DNALang identifier ([A-Za-z_][A-Za-z0-9_.-]*).", paramName);
        }

        return s;
    }

    internal static ValueList<string> RequireComments(IEnumerable<string>? comments, string paramName)
    {
        var list = ValueList<string>.From(comments);
        foreach (var c in list)
        {
            RequireComment(c, paramName);
        }

        return list;
    }

    internal static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }

    internal static string? RequireComment(string? comment, string paramName)
    {
        if (comment is not null && comment.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A comment cannot contain a line break.", paramName);
        }

        if (comment is not null && HasLoneSurrogate(comment))
        {
            throw new ArgumentException("A comment cannot contain an unpaired surrogate (it would not be valid UTF-8).", paramName);
        }

        return comment;
    }
}
