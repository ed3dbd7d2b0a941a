using System.Text;

namespace QuantumLM.Agents;

/// <summary>A unified diff of one file, with its line statistics.</summary>
/// <param name="Path">The file path.</param>
/// <param name="Text">The unified diff text (<c>---</c>/<c>+++</c> headers and <c>@@</c> hunks).</param>
/// <param name="Additions">Lines added.</param>
/// <param name="Deletions">Lines removed.</param>
internal sealed record FileDiff(string Path, string Text, int Additions, int Deletions);

/// <summary>
/// Line-based unified diffs (LCS over lines, three lines of context). Inputs above <see cref="MaxCells"/> LCS cells fall
/// back to one hunk that replaces the whole file, which is still a correct diff.
/// </summary>
internal static class UnifiedDiff
{
    public const long MaxCells = 16_000_000;
    private const int Context = 3;

    public static FileDiff Create(string path, string? oldText, string newText)
    {
        string[] a = SplitLines(oldText);
        string[] b = SplitLines(newText);
        List<(char Op, string Line)> script = (long)a.Length * b.Length <= MaxCells ? Lcs(a, b) : ReplaceAll(a, b);
        int additions = script.Count(static s => s.Op == '+');
        int deletions = script.Count(static s => s.Op == '-');
        var sb = new StringBuilder();
        sb.Append("--- ").Append(oldText is null ? "/dev/null" : "a/" + path).Append('\n');
        sb.Append("+++ b/").Append(path).Append('\n');
        AppendHunks(sb, script);
        return new FileDiff(path, sb.ToString(), additions, deletions);
    }

    private static string[] SplitLines(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        string normalized = text.ReplaceLineEndings("\n");
        if (normalized.EndsWith('\n'))
        {
            normalized = normalized[..^1];
        }

        return normalized.Split('\n');
    }

    private static List<(char, string)> ReplaceAll(string[] a, string[] b)
    {
        var script = new List<(char, string)>(a.Length + b.Length);
        script.AddRange(a.Select(static l => ('-', l)));
        script.AddRange(b.Select(static l => ('+', l)));
        return script;
    }

    private static List<(char, string)> Lcs(string[] a, string[] b)
    {
        int n = a.Length, m = b.Length;
        var len = new int[n + 1, m + 1];
        for (int i = n - 1; i >= 0; i--)
        {
            for (int j = m - 1; j >= 0; j--)
            {
                len[i, j] = string.Equals(a[i], b[j], StringComparison.Ordinal) ? len[i + 1, j + 1] + 1 : Math.Max(len[i + 1, j], len[i, j + 1]);
            }
        }

        var script = new List<(char, string)>(n + m);
        int x = 0, y = 0;
        while (x < n && y < m)
        {
            if (string.Equals(a[x], b[y], StringComparison.Ordinal))
            {
                script.Add((' ', a[x]));
                x++;
                y++;
            }
            else if (len[x + 1, y] >= len[x, y + 1])
            {
                script.Add(('-', a[x++]));
            }
            else
            {
                script.Add(('+', b[y++]));
            }
        }

        while (x < n)
        {
            script.Add(('-', a[x++]));
        }

        while (y < m)
        {
            script.Add(('+', b[y++]));
        }

        return script;
    }

    private static void AppendHunks(StringBuilder sb, List<(char Op, string Line)> script)
    {
        int i = 0;
        while (i < script.Count)
        {
            int change = script.FindIndex(i, static s => s.Op != ' ');
            if (change < 0)
            {
                return;
            }

            int start = Math.Max(i, change - Context);
            int end = change;
            int lastChange = change;
            while (end < script.Count)
            {
                if (script[end].Op != ' ')
                {
                    lastChange = end;
                }
                else if (end - lastChange > 2 * Context)
                {
                    break;
                }

                end++;
            }

            end = Math.Min(script.Count, lastChange + Context + 1);
            int oldStart = 1 + script.Take(start).Count(static s => s.Op != '+');
            int newStart = 1 + script.Take(start).Count(static s => s.Op != '-');
            int oldCount = script.Skip(start).Take(end - start).Count(static s => s.Op != '+');
            int newCount = script.Skip(start).Take(end - start).Count(static s => s.Op != '-');
            sb.Append("@@ -").Append(oldCount == 0 ? oldStart - 1 : oldStart).Append(',').Append(oldCount)
              .Append(" +").Append(newCount == 0 ? newStart - 1 : newStart).Append(',').Append(newCount).Append(" @@\n");
            for (int k = start; k < end; k++)
            {
                sb.Append(script[k].Op).Append(script[k].Line).Append('\n');
            }

            i = end;
        }
    }
}
