using System.Text;

namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// The one implementation of the key rules of the metrics specification (§5.0, §5.0.7): spaces between registers
/// are removed, <c>0x</c> keys are read as hexadecimal, keys must be binary, and keys are left-padded to the width
/// (surplus leading characters must be '0'). Canonical keys are Qiskit little-endian: the last character is bit 0.
/// </summary>
public static class BitKey
{
    /// <summary>The widest key accepted, in bits. IBM's largest processors have 156 qubits; this leaves ample room.</summary>
    public const int MaxWidth = 4096;

    /// <summary>The longest raw key accepted, in characters, before canonicalization.</summary>
    public const int MaxRawLength = 4 * MaxWidth;

    /// <summary>
    /// Canonicalizes a raw key without fixing its width: removes spaces, converts hexadecimal to binary (without leading
    /// zeros, as Qiskit's <c>_hex_to_bin</c>) and checks that the result is binary.
    /// </summary>
    /// <param name="rawKey">The key as sent.</param>
    /// <param name="errorCode">The code to report on failure (<see cref="QuantumLmErrorCodes.InvalidKey"/> for counts, <see cref="QuantumLmErrorCodes.InvalidIdeal"/> for an ideal).</param>
    /// <param name="isHex">Set to whether the key was hexadecimal.</param>
    /// <returns>The binary key, not yet padded.</returns>
    /// <exception cref="CountsValidationException">The key is empty, too long, contains other whitespace or non-binary characters.</exception>
    public static string Canonicalize(string rawKey, string errorCode, out bool isHex)
    {
        ArgumentNullException.ThrowIfNull(rawKey);
        if (rawKey.Length > MaxRawLength)
        {
            throw new CountsValidationException(errorCode, $"key of {rawKey.Length} characters exceeds the limit of {MaxRawLength}", Shorten(rawKey));
        }

        string key = rawKey.Contains(' ', StringComparison.Ordinal) ? rawKey.Replace(" ", string.Empty, StringComparison.Ordinal) : rawKey;
        isHex = key.Length >= 2 && key[0] == '0' && (key[1] == 'x' || key[1] == 'X');
        if (isHex)
        {
            return HexToBinary(rawKey, key.AsSpan(2), errorCode);
        }

        if (key.Length == 0)
        {
            throw new CountsValidationException(errorCode, "key is empty (a key needs at least one bit)", Shorten(rawKey));
        }

        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (c != '0' && c != '1')
            {
                string what = char.IsWhiteSpace(c) ? "whitespace other than a space" : $"character '{Printable(c)}'";
                throw new CountsValidationException(errorCode, $"key \"{Shorten(rawKey)}\" has {what} at position {i}; keys are binary or 0x-hexadecimal", Shorten(rawKey));
            }
        }

        if (key.Length > MaxWidth)
        {
            throw new CountsValidationException(errorCode, $"key of {key.Length} bits exceeds the maximum width of {MaxWidth}", Shorten(rawKey));
        }

        return key;
    }

    /// <summary>Pads a canonical binary key to <paramref name="width"/> bits, or removes surplus leading zeros.</summary>
    /// <param name="binaryKey">A key returned by <see cref="Canonicalize"/>.</param>
    /// <param name="width">The target width in bits.</param>
    /// <param name="errorCode">The code to report when surplus bits are not zero.</param>
    /// <returns>A key of exactly <paramref name="width"/> characters.</returns>
    /// <exception cref="CountsValidationException">The key has a 1 above bit <paramref name="width"/> − 1.</exception>
    public static string Fit(string binaryKey, int width, string errorCode)
    {
        ArgumentNullException.ThrowIfNull(binaryKey);
        if (binaryKey.Length == width)
        {
            return binaryKey;
        }

        if (binaryKey.Length < width)
        {
            return binaryKey.PadLeft(width, '0');
        }

        int surplus = binaryKey.Length - width;
        int firstOne = binaryKey.AsSpan(0, surplus).IndexOf('1');
        if (firstOne >= 0)
        {
            throw new CountsValidationException(
                errorCode,
                $"key \"{Shorten(binaryKey)}\" has {binaryKey.Length} bits but the width is {width}, and its surplus leading bits are not all '0'",
                Shorten(binaryKey));
        }

        return binaryKey[surplus..];
    }

    /// <summary>Reads bit <paramref name="bit"/> (0 = least significant, the last character) of a canonical key.</summary>
    /// <param name="key">A canonical key.</param>
    /// <param name="bit">The bit index.</param>
    /// <returns><see langword="true"/> when the bit is 1.</returns>
    public static bool GetBit(string key, int bit)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(bit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bit, key.Length);
        return key[key.Length - 1 - bit] == '1';
    }

    internal static string Shorten(string key) => key.Length <= 64 ? key : string.Concat(key.AsSpan(0, 61), "...");

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString();

    private static string HexToBinary(string rawKey, ReadOnlySpan<char> digits, string errorCode)
    {
        if (digits.IsEmpty)
        {
            throw new CountsValidationException(errorCode, $"hexadecimal key \"{Shorten(rawKey)}\" has no digits", Shorten(rawKey));
        }

        var sb = new StringBuilder(digits.Length * 4);
        for (int i = 0; i < digits.Length; i++)
        {
            int v = HexValue(digits[i]);
            if (v < 0)
            {
                throw new CountsValidationException(errorCode, $"hexadecimal key \"{Shorten(rawKey)}\" has invalid character '{Printable(digits[i])}' at position {i + 2}", Shorten(rawKey));
            }

            for (int b = 3; b >= 0; b--)
            {
                sb.Append(((v >> b) & 1) == 1 ? '1' : '0');
            }
        }

        string bin = sb.ToString();
        int first = bin.IndexOf('1', StringComparison.Ordinal);
        string result = first < 0 ? "0" : bin[first..];
        if (result.Length > MaxWidth)
        {
            throw new CountsValidationException(errorCode, $"key of {result.Length} bits exceeds the maximum width of {MaxWidth}", Shorten(rawKey));
        }

        return result;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
