using System.Text;

namespace QuantumLM.Agents;

/// <summary>The prompts of the coder and architect agents: a system prompt with a role marker, and a user message of labelled fields.</summary>
internal static class AgentPrompts
{
    public const string CoderMarker = "[quantumlm:coder]";
    public const string ArchitectMarker = "[quantumlm:architect]";

    public const string CoderSystem = CoderMarker + " You are a careful software engineer. Answer with the complete code in one fenced code block " +
        "(```<language> … ```), then at most three lines of explanation.";

    public const string ArchitectSystem = ArchitectMarker + " You are a software architect. Answer with a short title line, then a numbered list of concrete steps.";

    public static string Fields(params (string Name, string? Value)[] fields)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            if (value is null)
            {
                continue;
            }

            if (value.Contains('\n', StringComparison.Ordinal))
            {
                sb.Append(name).Append(":\n<<<\n").Append(value.ReplaceLineEndings("\n")).Append("\n>>>\n");
            }
            else
            {
                sb.Append(name).Append(": ").Append(value).Append('\n');
            }
        }

        return sb.ToString();
    }

    public static Dictionary<string, string> ReadFields(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] lines = text.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string name = lines[i][..colon];
            string rest = lines[i][(colon + 1)..];
            if (rest.Length == 0 && i + 1 < lines.Length && lines[i + 1] == "<<<")
            {
                int end = Array.IndexOf(lines, ">>>", i + 2);
                if (end < 0)
                {
                    end = lines.Length;
                }

                result[name] = string.Join("\n", lines[(i + 2)..end]);
                i = end;
            }
            else
            {
                result[name] = rest.TrimStart();
            }
        }

        return result;
    }
}
