using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// A validated probability distribution over canonical bitstrings of <see cref="Width"/> bits, normalized to sum to 1,
/// in ascending key order. Used as the ideal distribution q of the metrics, either given directly or derived from
/// reference counts (<see cref="FromCounts"/>).
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A distribution is the domain term.")]
public sealed class ProbabilityDistribution : IReadOnlyDictionary<string, double>
{
    /// <summary>The tolerance on the sum of the probabilities as sent: |Σ − 1| ≤ 1e-9.</summary>
    public const double NormalizationTolerance = 1e-9;

    private readonly KeyValuePair<string, double>[] _entries;
    private readonly Dictionary<string, double> _lookup;

    private ProbabilityDistribution(int width, KeyValuePair<string, double>[] entries, long? referenceShots)
    {
        Width = width;
        _entries = entries;
        ReferenceShots = referenceShots;
        _lookup = new Dictionary<string, double>(entries, StringComparer.Ordinal);
    }

    /// <summary>Gets the number of bits of every key.</summary>
    public int Width { get; }

    /// <summary>Gets the number of reference shots M when the distribution came from counts, otherwise <see langword="null"/>.</summary>
    public long? ReferenceShots { get; }

    /// <summary>Gets the entries with positive probability in ascending key order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Entries => _entries;

    /// <summary>Gets the size of the support.</summary>
    public int Count => _entries.Length;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _entries.Select(static e => e.Key);

    /// <inheritdoc />
    public IEnumerable<double> Values => _entries.Select(static e => e.Value);

    /// <summary>Gets the probability of a canonical key (0 outside the support).</summary>
    /// <param name="key">A canonical key of <see cref="Width"/> bits.</param>
    public double this[string key] => _lookup.TryGetValue(key, out double v) ? v : 0.0;

    /// <summary>Validates and normalizes an ideal distribution (metrics specification §5.0.5 and §5.0.7).</summary>
    /// <param name="probabilities">Raw keys and their probabilities, which must be finite, ≥ 0 and sum to 1 ± 1e-9.</param>
    /// <param name="width">The width, or <see langword="null"/> to use the longest binary key (hexadecimal keys excluded).</param>
    /// <returns>The renormalized distribution.</returns>
    /// <exception cref="CountsValidationException">Codes <c>invalid_ideal</c>, <c>ideal_negative</c>, <c>ideal_not_normalized</c>, <c>ideal_empty</c>, <c>invalid_width</c> or <c>key_too_long</c>.</exception>
    public static ProbabilityDistribution Create(IEnumerable<KeyValuePair<string, double>> probabilities, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (width is int w)
        {
            Counts.ValidateWidth(w);
        }

        var canonical = new List<(string Key, double P)>();
        int longestBinary = 0;
        int longestAny = 0;
        double sum = 0, compensation = 0;
        foreach (var (rawKey, p) in probabilities)
        {
            if (rawKey is null)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.InvalidIdeal, "ideal key is null");
            }

            string key = BitKey.Canonicalize(rawKey, QuantumLmErrorCodes.InvalidIdeal, out bool isHex);
            if (!double.IsFinite(p))
            {
                throw new CountsValidationException(QuantumLmErrorCodes.InvalidIdeal, $"ideal probability for key \"{BitKey.Shorten(rawKey)}\" is not a finite number", BitKey.Shorten(rawKey));
            }

            if (p < 0)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.IdealNegative, $"ideal probability {p} for key \"{BitKey.Shorten(rawKey)}\" is negative", BitKey.Shorten(rawKey));
            }

            NeumaierAdd(ref sum, ref compensation, p);
            longestAny = Math.Max(longestAny, key.Length);
            if (!isHex)
            {
                longestBinary = Math.Max(longestBinary, key.Length);
            }

            canonical.Add((key, p));
        }

        double total = sum + compensation;
        if (canonical.Count == 0 || total == 0)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.IdealEmpty, "the ideal distribution has no outcome with positive probability");
        }

        if (Math.Abs(total - 1.0) > NormalizationTolerance)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.IdealNotNormalized, $"ideal probabilities sum to {total:R}, not 1 within {NormalizationTolerance:R}");
        }

        int n = width ?? (longestBinary > 0 ? longestBinary : longestAny);
        var merged = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, p) in canonical)
        {
            string fitted = BitKey.Fit(key, n, QuantumLmErrorCodes.KeyTooLong);
            if (p > 0)
            {
                merged[fitted] = merged.GetValueOrDefault(fitted) + p;
            }
        }

        return Normalize(n, merged, total, referenceShots: null);
    }

    /// <summary>Turns reference counts (M shots) into a distribution q(y) = C'(y)/M.</summary>
    /// <param name="reference">The reference counts.</param>
    /// <returns>The distribution, with <see cref="ReferenceShots"/> = M.</returns>
    /// <exception cref="CountsValidationException">M = 0 (<c>ideal_empty</c>).</exception>
    public static ProbabilityDistribution FromCounts(Counts reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.IsEmpty)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.IdealEmpty, "reference counts have no shots (M = 0)");
        }

        var entries = new KeyValuePair<string, double>[reference.Count];
        double m = reference.Shots;
        for (int i = 0; i < entries.Length; i++)
        {
            var e = reference.Entries[i];
            entries[i] = new(e.Key, e.Value / m);
        }

        return new ProbabilityDistribution(reference.Width, entries, reference.Shots);
    }

    /// <summary>
    /// Returns this distribution at <paramref name="width"/> bits: the same one when the widths agree, or one with the
    /// surplus high bits removed when every key's surplus bits are 0.
    /// </summary>
    /// <param name="width">The counts' width n.</param>
    /// <returns>A distribution of width <paramref name="width"/>.</returns>
    /// <exception cref="CountsValidationException"><c>width_mismatch</c>: narrower than n, or a surplus bit is 1.</exception>
    public ProbabilityDistribution AlignTo(int width)
    {
        if (width == Width)
        {
            return this;
        }

        if (width > Width)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.WidthMismatch, $"the ideal has width {Width} but the counts have width {width}");
        }

        var merged = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, p) in _entries)
        {
            string fitted = BitKey.Fit(key, width, QuantumLmErrorCodes.WidthMismatch);
            merged[fitted] = merged.GetValueOrDefault(fitted) + p;
        }

        return Normalize(width, merged, 1.0, ReferenceShots);
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => _lookup.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value) => _lookup.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, double>>)_entries).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static ProbabilityDistribution Normalize(int width, Dictionary<string, double> merged, double total, long? referenceShots)
    {
        var entries = merged.Select(kv => new KeyValuePair<string, double>(kv.Key, kv.Value / total)).ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new ProbabilityDistribution(width, entries, referenceShots);
    }

    private static void NeumaierAdd(ref double sum, ref double compensation, double value)
    {
        double t = sum + value;
        compensation += Math.Abs(sum) >= Math.Abs(value) ? (sum - t) + value : (value - t) + sum;
        sum = t;
    }
}
