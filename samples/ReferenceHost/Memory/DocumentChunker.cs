namespace QuantumLM.ReferenceHost.Memory;

/// <summary>Splits a document into chunks at line boundaries (a single over-long line is cut).</summary>
internal static class DocumentChunker
{
    public static IReadOnlyList<string> Chunk(string content, int maxChars)
    {
        var chunks = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (string rawLine in content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            string line = rawLine;
            while (line.Length > maxChars)
            {
                Flush(chunks, current);
                chunks.Add(line[..maxChars]);
                line = line[maxChars..];
            }

            if (current.Length + line.Length + 1 > maxChars)
            {
                Flush(chunks, current);
            }

            current.Append(line).Append('\n');
        }

        Flush(chunks, current);
        return chunks;
    }

    private static void Flush(List<string> chunks, System.Text.StringBuilder current)
    {
        if (current.ToString().Trim().Length > 0)
        {
            chunks.Add(current.ToString().TrimEnd('\n'));
        }

        current.Clear();
    }
}
