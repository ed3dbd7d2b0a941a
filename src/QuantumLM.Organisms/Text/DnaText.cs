using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace QuantumLM.Organisms;

/// <summary>
/// Reads and writes DNALang genome text. <see cref="Parse(string, DnaParseOptions?)"/> and
/// <see cref="Serialize(Organism)"/> are inverse: <c>Parse(Serialize(m)) == m</c> for every model, and
/// <c>Serialize(Parse(t)) == t</c> for text already in canonical form.
/// </summary>
public static class DnaText
{
    /// <summary>Parses DNALang text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="options">Limits, or <see langword="null"/> for <see cref="DnaParseOptions.Default"/>.</param>
    /// <returns>The organism.</returns>
    /// <exception cref="DnaSyntaxException">The text is not valid DNALang or exceeds a limit (code <c>dna</c>, message <c>line:column expected …</c>).</exception>
    public static Organism Parse(string text, DnaParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= DnaParseOptions.Default;
        options.Validate();
        CheckLength(text.Length, options, "characters");
        return DnaParser.ParseStrict(text, options);
    }

    /// <summary>Parses DNALang text given as UTF-8 bytes (a leading byte-order mark is ignored).</summary>
    /// <param name="utf8">The bytes.</param>
    /// <param name="options">Limits, or <see langword="null"/> for the defaults.</param>
    /// <returns>The organism.</returns>
    /// <exception cref="DnaSyntaxException">The bytes are not valid UTF-8, the text is not valid DNALang, or a limit is exceeded.</exception>
    public static Organism ParseUtf8(ReadOnlySpan<byte> utf8, DnaParseOptions? options = null)
    {
        options ??= DnaParseOptions.Default;
        options.Validate();
        return DnaParser.ParseStrict(DecodeStrict(utf8, options), options);
    }

    /// <summary>Writes the canonical text of an organism.</summary>
    /// <param name="organism">The organism.</param>
    /// <returns>The canonical text (UTF-8 safe, <c>\n</c> line ends, ending with a newline).</returns>
    public static string Serialize(Organism organism)
    {
        ArgumentNullException.ThrowIfNull(organism);
        return DnaSerializer.Serialize(organism);
    }

    /// <summary>Computes the DnaSha256 of an organism: the SHA-256 of the UTF-8 bytes of its canonical text, as 64 lowercase hexadecimal digits.</summary>
    /// <param name="organism">The organism.</param>
    /// <returns>The hash.</returns>
    public static string ComputeSha256(Organism organism) => ComputeSha256(Serialize(organism));

    internal static string ComputeSha256(string canonicalText)
    {
        int max = Encoding.UTF8.GetMaxByteCount(canonicalText.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int n = Encoding.UTF8.GetBytes(canonicalText, buffer);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, n), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static void CheckLength(int length, DnaParseOptions options, string unit)
    {
        if (length > options.MaxInputLength)
        {
            throw new DnaSyntaxException(1, 1, $"input is {length} {unit}, more than the limit of {options.MaxInputLength}");
        }
    }

    internal static string DecodeStrict(ReadOnlySpan<byte> utf8, DnaParseOptions options)
    {
        CheckLength(utf8.Length, options, "bytes");
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        char[] chars = new char[utf8.Length];
        var status = Utf8.ToUtf16(utf8, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            int line = 1, col = 1;
            foreach (char c in chars.AsSpan(0, written))
            {
                if (c == '\n')
                {
                    line++;
                    col = 1;
                }
                else
                {
                    col++;
                }
            }

            throw new DnaSyntaxException(line, col, $"invalid UTF-8 (byte 0x{utf8[read]:X2} at offset {read}): expected UTF-8 text");
        }

        return new string(chars, 0, written);
    }

    internal static string DecodeTolerant(ReadOnlySpan<byte> utf8, DnaParseOptions options, out bool replaced)
    {
        CheckLength(utf8.Length, options, "bytes");
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        replaced = !Utf8.IsValid(utf8);
        return Encoding.UTF8.GetString(utf8);
    }
}
