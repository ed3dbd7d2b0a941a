using System.Globalization;
using System.Text;

namespace QuantumLM.Organisms;

/// <summary>
/// Writes the canonical DNALang text of an organism: two-space indentation, one entry per line, <c>\n</c> line ends,
/// a blank line around every block item (section, gene, TRAITS, MUTATIONS, nested map), comments as <c># text</c>,
/// numbers in shortest round-trip form (integers without a fraction, other numbers with a <c>.</c> or an exponent).
/// </summary>
internal static class DnaSerializer
{
    public static string Serialize(Organism organism)
    {
        var sb = new StringBuilder(4096);
        foreach (var c in organism.Trivia.LeadingComments)
        {
            WriteComment(sb, 0, c);
        }

        sb.Append(DnaKeywords.Organism).Append(' ').Append(organism.Name).Append(" {");
        if (organism.Sections.Count == 0 && organism.ClosingComments.Count == 0)
        {
            sb.Append("}\n");
        }
        else
        {
            sb.Append('\n');
            bool first = true;
            foreach (var section in organism.Sections)
            {
                if (!first)
                {
                    sb.Append('\n');
                }

                first = false;
                WriteLeading(sb, 1, section.Trivia);
                Indent(sb, 1).Append(section.Keyword).Append(" {");
                switch (section)
                {
                    case GenomeSection genome:
                        WriteGenomeBody(sb, 2, genome);
                        break;
                    case MapSection map:
                        WriteMapBody(sb, 2, map.Body, blockForm: false);
                        break;
                }

                WriteTrailing(sb, section.Trivia);
            }

            WriteComments(sb, 1, organism.ClosingComments);
            sb.Append("}\n");
        }

        foreach (var c in organism.TrailingComments)
        {
            WriteComment(sb, 0, c);
        }

        return sb.ToString();
    }

    private static StringBuilder Indent(StringBuilder sb, int level) => sb.Append(' ', level * 2);

    private static void WriteComment(StringBuilder sb, int level, string text)
    {
        Indent(sb, level).Append('#');
        if (text.Length > 0)
        {
            sb.Append(' ').Append(text);
        }

        sb.Append('\n');
    }

    private static void WriteComments(StringBuilder sb, int level, IReadOnlyList<string> comments)
    {
        foreach (var c in comments)
        {
            WriteComment(sb, level, c);
        }
    }

    private static void WriteLeading(StringBuilder sb, int level, Trivia trivia) => WriteComments(sb, level, trivia.LeadingComments);

    private static void WriteTrailing(StringBuilder sb, Trivia trivia)
    {
        if (trivia.TrailingComment is string t)
        {
            sb.Append(" #");
            if (t.Length > 0)
            {
                sb.Append(' ').Append(t);
            }
        }

        sb.Append('\n');
    }

    /// <summary>Writes " {…}" content after an opening brace already written, through the closing brace (no newline).</summary>
    private static void WriteGenomeBody(StringBuilder sb, int level, GenomeSection genome)
    {
        if (genome.Genes.Count == 0 && genome.ClosingComments.Count == 0)
        {
            sb.Append('}');
            return;
        }

        sb.Append('\n');
        for (int i = 0; i < genome.Genes.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('\n');
            }

            WriteGene(sb, level, genome.Genes[i]);
        }

        WriteComments(sb, level, genome.ClosingComments);
        Indent(sb, level - 1).Append('}');
    }

    private static void WriteGene(StringBuilder sb, int level, Gene gene)
    {
        WriteLeading(sb, level, gene.Trivia);
        Indent(sb, level).Append(DnaKeywords.Gene).Append(' ').Append(gene.Name).Append(" {");
        bool hasTraits = gene.Traits.Count > 0 || gene.Traits.ClosingComments.Count > 0 || !gene.TraitsTrivia.IsEmpty;
        bool hasMutations = gene.Mutations.Count > 0 || gene.Mutations.ClosingComments.Count > 0 || !gene.MutationsTrivia.IsEmpty;
        if (gene.Properties.Count == 0 && gene.Properties.ClosingComments.Count == 0 && !hasTraits && !hasMutations)
        {
            sb.Append('}');
            WriteTrailing(sb, gene.Trivia);
            return;
        }

        sb.Append('\n');
        bool? previousIsBlock = WriteEntries(sb, level + 1, gene.Properties, blockForm: false, previousIsBlock: null);
        if (hasTraits)
        {
            previousIsBlock = WriteBlock(sb, level + 1, DnaKeywords.Traits, gene.TraitsTrivia, gene.Traits, blockForm: false, previousIsBlock);
        }

        if (hasMutations)
        {
            WriteBlock(sb, level + 1, DnaKeywords.Mutations, gene.MutationsTrivia, gene.Mutations, blockForm: true, previousIsBlock);
        }

        WriteComments(sb, level + 1, gene.Properties.ClosingComments);
        Indent(sb, level).Append('}');
        WriteTrailing(sb, gene.Trivia);
    }

    private static bool WriteBlock(StringBuilder sb, int level, string keyword, Trivia trivia, PropertyMap body, bool blockForm, bool? previousIsBlock)
    {
        if (previousIsBlock is not null)
        {
            sb.Append('\n');
        }

        WriteLeading(sb, level, trivia);
        Indent(sb, level).Append(keyword).Append(" {");
        WriteMapBody(sb, level + 1, body, blockForm);
        WriteTrailing(sb, trivia);
        return true;
    }

    /// <summary>Writes the content after an opening brace through the closing brace (no newline).</summary>
    private static void WriteMapBody(StringBuilder sb, int level, PropertyMap map, bool blockForm)
    {
        if (map.Count == 0 && map.ClosingComments.Count == 0)
        {
            sb.Append('}');
            return;
        }

        sb.Append('\n');
        WriteEntries(sb, level, map, blockForm, previousIsBlock: null);
        WriteComments(sb, level, map.ClosingComments);
        Indent(sb, level - 1).Append('}');
    }

    /// <returns>Whether the last entry written was a block (null when none was written and none came before).</returns>
    private static bool? WriteEntries(StringBuilder sb, int level, PropertyMap map, bool blockForm, bool? previousIsBlock)
    {
        foreach (var entry in map)
        {
            bool isBlock = entry.Value is MapTrait;
            if (previousIsBlock is bool prev && (prev || isBlock))
            {
                sb.Append('\n');
            }

            WriteLeading(sb, level, entry.Trivia);
            Indent(sb, level).Append(entry.Key);
            if (entry.Value is MapTrait m)
            {
                sb.Append(blockForm ? " {" : ": {");
                WriteMapBody(sb, level + 1, m.Map, blockForm: false);
            }
            else
            {
                sb.Append(": ");
                WriteInline(sb, entry.Value);
            }

            WriteTrailing(sb, entry.Trivia);
            previousIsBlock = isBlock;
        }

        return previousIsBlock;
    }

    private static void WriteInline(StringBuilder sb, TraitValue value)
    {
        switch (value)
        {
            case NumberTrait n:
                sb.Append(FormatNumber(n.Value, n.IsInteger));
                if (n.HasBounds)
                {
                    sb.Append(" in [").Append(FormatBound(n.Min)).Append(", ").Append(FormatBound(n.Max)).Append(']');
                }

                break;
            case BooleanTrait b:
                sb.Append(b.Value ? "true" : "false");
                break;
            case TextTrait t:
                WriteString(sb, t.Value);
                break;
            case ListTrait l:
                sb.Append('[');
                for (int i = 0; i < l.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    WriteInline(sb, l.Items[i]);
                }

                sb.Append(']');
                break;
            case MapTrait m:
                // Inside a list (where comments are not allowed): written on one line.
                sb.Append('{');
                for (int i = 0; i < m.Map.Count; i++)
                {
                    sb.Append(i == 0 ? string.Empty : ", ").Append(m.Map[i].Key).Append(": ");
                    WriteInline(sb, m.Map[i].Value);
                }

                sb.Append('}');
                break;
        }
    }

    internal static string FormatNumber(double value, bool isInteger)
    {
        if (isInteger)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        string s = value.ToString("R", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            int exponent = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return string.Concat(s.AsSpan(0, e), "e", exponent.ToString(CultureInfo.InvariantCulture));
        }

        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }

    private static string FormatBound(double? bound)
    {
        if (bound is not double b)
        {
            return "*";
        }

        return Math.Floor(b) == b && Math.Abs(b) <= NumberTrait.MaxSafeInteger ? FormatNumber(b, isInteger: true) : FormatNumber(b, isInteger: false);
    }

    internal static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                    {
                        AppendEscape(sb, c);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        sb.Append(c).Append(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        AppendEscape(sb, c);
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static void AppendEscape(StringBuilder sb, char c) =>
        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
}
