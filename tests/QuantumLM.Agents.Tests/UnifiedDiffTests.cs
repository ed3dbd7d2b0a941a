using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace QuantumLM.Agents.Tests;

public sealed class UnifiedDiffTests
{
    [Fact]
    public void NewFile_IsAllAdditionsFromDevNull()
    {
        FileDiff d = UnifiedDiff.Create("a.py", null, "x = 1\ny = 2\n");
        Assert.Equal("--- /dev/null\n+++ b/a.py\n@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\n", d.Text);
        Assert.Equal((2, 0), (d.Additions, d.Deletions));
    }

    [Fact]
    public void OneChangedLine_HasContextAndCounts()
    {
        FileDiff d = UnifiedDiff.Create("f.txt", "a\nb\nc\n", "a\nB\nc\n");
        Assert.Equal("--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", d.Text);
        Assert.Equal((1, 1), (d.Additions, d.Deletions));
    }

    [Fact]
    public void Identical_HasNoHunks()
    {
        FileDiff d = UnifiedDiff.Create("f.txt", "same\n", "same\n");
        Assert.Equal("--- a/f.txt\n+++ b/f.txt\n", d.Text);
        Assert.Equal((0, 0), (d.Additions, d.Deletions));
    }

    // Reference: a plain patch applier. Applying the diff to the old text must give the new text.
    [Property(MaxTest = 300)]
    public Property Apply_DiffToOld_GivesNew()
    {
        var line = Gen.Elements("a", "b", "c", "d", "");
        var text = Gen.ListOf(line).Select(ls => ls.Count == 0 ? "" : string.Join("\n", ls) + "\n");
        return Prop.ForAll(Gen.Zip(text, text).ToArbitrary(), t =>
        {
            var (oldText, newText) = t;
            FileDiff d = UnifiedDiff.Create("p", oldText, newText);
            return Apply(oldText, d.Text) == newText
                && d.Additions == d.Text.Split('\n').Count(l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal));
        });
    }

    private static string Apply(string oldText, string diff)
    {
        // Every line of the generated texts ends with "\n": drop exactly the final one before splitting.
        var oldLines = oldText.Length == 0 ? new List<string>() : oldText[..^1].Split('\n').ToList();

        var result = new List<string>();
        int pos = 0;
        foreach (string h in diff.Split("\n@@ ").Skip(1))
        {
            string[] hl = h.Split('\n');
            string header = hl[0];
            int oldStart = int.Parse(header.Split(' ')[0].TrimStart('-').Split(',')[0]);
            int oldCount = int.Parse(header.Split(' ')[0].Split(',')[1]);
            int startIndex = oldCount == 0 ? oldStart : oldStart - 1;
            while (pos < startIndex)
            {
                result.Add(oldLines[pos++]);
            }

            foreach (string l in hl.Skip(1))
            {
                if (l.Length == 0)
                {
                    continue;
                }

                switch (l[0])
                {
                    case ' ': result.Add(oldLines[pos++]); break;
                    case '-': pos++; break;
                    case '+': result.Add(l[1..]); break;
                }
            }
        }

        while (pos < oldLines.Count)
        {
            result.Add(oldLines[pos++]);
        }

        return result.Count == 0 ? "" : string.Join("\n", result) + "\n";
    }
}
