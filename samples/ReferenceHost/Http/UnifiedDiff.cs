using System.Globalization;
using System.Text.RegularExpressions;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>
/// Checks that text is a well-formed unified diff: file headers (<c>--- a</c> then <c>+++ b</c>), hunks
/// <c>@@ -l,s +l,s @@</c> whose bodies have exactly the line counts their headers state, and at least one file.
/// Lines before a file header (<c>diff --git</c>, <c>index</c>, mode lines) are allowed.
/// </summary>
internal static partial class UnifiedDiff
{
    /// <summary>Validates; returns <see langword="null"/> or <c>line:col message</c>.</summary>
    public static string? Validate(string diff)
    {
        string normalized = diff.Replace("\r\n", "\n", StringComparison.Ordinal);
        string[] lines = (normalized.EndsWith('\n') ? normalized[..^1] : normalized).Split('\n');
        int files = 0;
        int oldLeft = 0, newLeft = 0;
        bool inFile = false;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int n = i + 1;
            if (oldLeft > 0 || newLeft > 0)
            {
                if (line.StartsWith('\\'))
                {
                    continue; // "\ No newline at end of file"
                }

                char c = line.Length == 0 ? ' ' : line[0];
                switch (c)
                {
                    case ' ':
                        oldLeft--;
                        newLeft--;
                        break;
                    case '-':
                        oldLeft--;
                        break;
                    case '+':
                        newLeft--;
                        break;
                    default:
                        return At(n, 1, $"hunk body line must start with ' ', '-' or '+' ({oldLeft} old and {newLeft} new lines still expected)");
                }

                if (oldLeft < 0 || newLeft < 0)
                {
                    return At(n, 1, "hunk has more lines than its header states");
                }

                continue;
            }

            if (line.StartsWith("--- ", StringComparison.Ordinal))
            {
                if (i + 1 >= lines.Length || !lines[i + 1].StartsWith("+++ ", StringComparison.Ordinal))
                {
                    return At(n + 1, 1, "expected \"+++ <path>\" after \"--- <path>\"");
                }

                files++;
                inFile = true;
                i++;
                continue;
            }

            if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                if (!inFile)
                {
                    return At(n, 1, "hunk before any file header (\"--- <path>\" / \"+++ <path>\")");
                }

                Match m = HunkHeader().Match(line);
                if (!m.Success)
                {
                    return At(n, 1, "malformed hunk header, expected \"@@ -<line>[,<count>] +<line>[,<count>] @@\"");
                }

                oldLeft = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 1;
                newLeft = m.Groups[4].Success ? int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : 1;
                if (oldLeft == 0 && newLeft == 0)
                {
                    return At(n, 1, "empty hunk");
                }

                continue;
            }

            if (line.Length > 0 && inFile && line[0] is '+' or '-' or ' ')
            {
                return At(n, 1, "diff line outside a hunk");
            }
        }

        if (oldLeft > 0 || newLeft > 0)
        {
            return At(lines.Length + 1, 1, $"diff ends inside a hunk ({oldLeft} old and {newLeft} new lines missing)");
        }

        return files == 0 ? At(1, 1, "no file header (\"--- <path>\" followed by \"+++ <path>\")") : null;
    }

    private static string At(int line, int col, string message) => string.Create(CultureInfo.InvariantCulture, $"{line}:{col} {message}");

    [GeneratedRegex(@"^@@ -(\d{1,9})(?:,(\d{1,9}))? \+(\d{1,9})(?:,(\d{1,9}))? @@", RegexOptions.CultureInvariant)]
    private static partial Regex HunkHeader();
}
