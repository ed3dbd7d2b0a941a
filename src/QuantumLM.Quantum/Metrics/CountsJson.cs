using System.Text;
using System.Text.Json;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Reads counts files <c>{"&lt;key&gt;": &lt;count&gt;, …}</c> and ideal files <c>{"&lt;key&gt;": &lt;probability&gt;, …}</c>
/// strictly: the document must be one flat JSON object whose values are numbers; booleans, strings, nulls, arrays and
/// nested objects are rejected with the key and the line:column where they stand. Counts must be integral (an
/// integral float such as <c>5.0</c> is accepted); a key that appears twice is merged by summing, as after
/// canonicalization. Errors are <see cref="CountsValidationException"/>s with the codes of the metrics specification
/// §5.0.7 (<c>invalid_counts</c>, <c>invalid_count</c>, <c>negative_count</c>, <c>invalid_key</c>, <c>key_too_long</c>,
/// <c>invalid_width</c>, <c>invalid_ideal</c>, <c>ideal_negative</c>, <c>ideal_not_normalized</c>, <c>ideal_empty</c>).
/// </summary>
public static class CountsJson
{
    /// <summary>The largest document accepted, in bytes (64 MiB).</summary>
    public const int MaxDocumentBytes = 64 * 1024 * 1024;

    /// <summary>The most entries accepted in one document.</summary>
    public const int MaxEntries = 1 << 24;

    /// <summary>Reads and validates measured counts.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <param name="width">The declared width, or <see langword="null"/> for the longest key.</param>
    /// <param name="sourceName">A name for messages (a file name), or <see langword="null"/>.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="CountsValidationException">The document or an entry is invalid.</exception>
    public static Counts ReadCounts(ReadOnlySpan<byte> utf8Json, int? width = null, string? sourceName = null)
    {
        var entries = ReadEntries(utf8Json, sourceName, isIdeal: false);
        return Prefixed(sourceName, () => Counts.Create(entries.Select(static e => new KeyValuePair<string, long>(e.Key, e.Count)), width));
    }


    /// <summary>Reads and validates an ideal probability distribution (width: its longest binary key).</summary>
    /// <param name="utf8Json">The document.</param>
    /// <param name="sourceName">A name for messages, or <see langword="null"/>.</param>
    /// <returns>The renormalized distribution; align it to the counts with <see cref="ProbabilityDistribution.AlignTo"/>.</returns>
    /// <exception cref="CountsValidationException">The document or an entry is invalid.</exception>
    public static ProbabilityDistribution ReadIdealDistribution(ReadOnlySpan<byte> utf8Json, string? sourceName = null)
    {
        var entries = ReadEntries(utf8Json, sourceName, isIdeal: true);
        return Prefixed(sourceName, () => ProbabilityDistribution.Create(entries.Select(static e => new KeyValuePair<string, double>(e.Key, e.Probability))));
    }


    /// <summary>Reads reference counts (M shots) as an ideal q(y) = C'(y)/M.</summary>
    /// <param name="utf8Json">The document.</param>
    /// <param name="sourceName">A name for messages, or <see langword="null"/>.</param>
    /// <returns>The distribution, with <see cref="ProbabilityDistribution.ReferenceShots"/> = M.</returns>
    /// <exception cref="CountsValidationException">The document or an entry is invalid, or M = 0 (<c>ideal_empty</c>).</exception>
    public static ProbabilityDistribution ReadReferenceCounts(ReadOnlySpan<byte> utf8Json, string? sourceName = null)
    {
        Counts reference = ReadCounts(utf8Json, width: null, sourceName);
        return Prefixed(sourceName, () => ProbabilityDistribution.FromCounts(reference));
    }



    private static List<Entry> ReadEntries(ReadOnlySpan<byte> utf8, string? sourceName, bool isIdeal)
    {
        if (utf8.Length > MaxDocumentBytes)
        {
            throw Error(isIdeal, sourceName, null, $"document of {utf8.Length} bytes exceeds the limit of {MaxDocumentBytes} bytes");
        }

        string what = isIdeal ? "ideal" : "counts";
        string valueCode = isIdeal ? QuantumLmErrorCodes.InvalidIdeal : QuantumLmErrorCodes.InvalidCount;
        var entries = new List<Entry>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 4 });
        try
        {
            if (utf8.IndexOfAnyExcept(" \t\r\n"u8) < 0 || !reader.Read())
            {
                throw Error(isIdeal, sourceName, null, $"the {what} document is empty; expected a JSON object {{\"<bitstring>\": <number>, ...}}");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(isIdeal, sourceName, Where(utf8, reader.TokenStartIndex), $"the {what} document is a JSON {Describe(reader.TokenType)}, not an object of bitstring keys");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                long keyAt = reader.TokenStartIndex;
                if (reader.ValueSpan.Length > BitKey.MaxRawLength * 6)
                {
                    throw Error(isIdeal, sourceName, Where(utf8, keyAt), $"key of {reader.ValueSpan.Length} bytes exceeds the limit of {BitKey.MaxRawLength} characters");
                }

                string key = reader.GetString()!;
                if (entries.Count >= MaxEntries)
                {
                    throw Error(isIdeal, sourceName, Where(utf8, keyAt), $"the {what} document has more than {MaxEntries} entries");
                }

                reader.Read();
                long valueAt = reader.TokenStartIndex;
                if (reader.TokenType != JsonTokenType.Number)
                {
                    string found = Describe(reader.TokenType);
                    throw new CountsValidationException(
                        valueCode,
                        Message(sourceName, Where(utf8, valueAt), isIdeal
                            ? $"probability for key \"{Short(key)}\" is a {found}; probabilities must be numbers"
                            : $"count for key \"{Short(key)}\" is a {found}; counts must be integers"),
                        Short(key));
                }

                if (isIdeal)
                {
                    if (!reader.TryGetDouble(out double p) || !double.IsFinite(p))
                    {
                        throw new CountsValidationException(valueCode, Message(sourceName, Where(utf8, valueAt), $"probability for key \"{Short(key)}\" is not a finite number"), Short(key));
                    }

                    entries.Add(new Entry(key, 0, p));
                    continue;
                }

                entries.Add(new Entry(key, ReadCount(ref reader, key, sourceName, Where(utf8, valueAt)), 0));
            }

            if (reader.Read())
            {
                throw Error(isIdeal, sourceName, Where(utf8, reader.TokenStartIndex), "unexpected content after the object");
            }
        }
        catch (JsonException ex)
        {
            string at = ex.LineNumber is long line && ex.BytePositionInLine is long column ? $"{line + 1}:{column + 1}" : "?";
            throw Error(isIdeal, sourceName, at, $"malformed JSON: {FirstSentence(ex.Message)}");
        }

        return entries;
    }

    private static long ReadCount(ref Utf8JsonReader reader, string key, string? sourceName, string at)
    {
        if (reader.TryGetInt64(out long exact))
        {
            if (exact < 0)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.NegativeCount, Message(sourceName, at, $"count {exact} for key \"{Short(key)}\" is negative"), Short(key));
            }

            return exact;
        }

        if (!reader.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw new CountsValidationException(QuantumLmErrorCodes.InvalidCount, Message(sourceName, at, $"count for key \"{Short(key)}\" is not a finite number"), Short(key));
        }

        if (value < 0)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.NegativeCount, Message(sourceName, at, $"count {value:R} for key \"{Short(key)}\" is negative"), Short(key));
        }

        if (!double.IsInteger(value) || value >= 9.2e18)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.InvalidCount, Message(sourceName, at, $"count {value:R} for key \"{Short(key)}\" is not an integer (or exceeds a 64-bit count)"), Short(key));
        }

        return (long)value;
    }

    private static T Prefixed<T>(string? sourceName, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (CountsValidationException ex) when (sourceName is not null)
        {
            throw new CountsValidationException(ex.ErrorCode, $"{sourceName}: {ex.Message}", ex.Key);
        }
    }

    private static CountsValidationException Error(bool isIdeal, string? sourceName, string? at, string message) =>
        new(isIdeal ? QuantumLmErrorCodes.InvalidIdeal : QuantumLmErrorCodes.InvalidCounts, Message(sourceName, at, message));

    private static string Message(string? sourceName, string? at, string message) =>
        (sourceName, at) switch
        {
            (null, null) => message,
            (null, _) => $"{at}: {message}",
            (_, null) => $"{sourceName}: {message}",
            _ => $"{sourceName}:{at}: {message}",
        };

    /// <summary>The 1-based line:column of a byte offset.</summary>
    private static string Where(ReadOnlySpan<byte> utf8, long offset)
    {
        ReadOnlySpan<byte> before = utf8[..(int)Math.Min(offset, utf8.Length)];
        int line = before.Count((byte)'\n') + 1;
        int lastNewline = before.LastIndexOf((byte)'\n');
        int column = before.Length - (lastNewline + 1) + 1;
        return $"{line}:{column}";
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.String => "string",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "nested object",
        JsonTokenType.Number => "number",
        _ => token.ToString().ToLowerInvariant(),
    };

    private static string Short(string key) => key.Length <= 64 ? key : string.Concat(key.AsSpan(0, 61), "...");

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    private readonly record struct Entry(string Key, long Count, double Probability);
}
