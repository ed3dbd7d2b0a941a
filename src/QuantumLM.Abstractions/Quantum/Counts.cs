using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// Validated measurement counts: canonical binary keys of exactly <see cref="Width"/> bits (Qiskit little-endian, the
/// last character is bit 0) mapped to positive shot counts, in ascending key order. Zero counts are dropped; keys that
/// collide after canonicalization are merged by summing. Build one with <see cref="Create(IEnumerable{KeyValuePair{string, long}}, int?)"/>.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Counts is the domain term (Qiskit get_counts).")]
public sealed class Counts : IReadOnlyDictionary<string, long>
{
    private readonly KeyValuePair<string, long>[] _entries;
    private Dictionary<string, long>? _lookup;

    private Counts(int width, KeyValuePair<string, long>[] entries, long shots)
    {
        Width = width;
        _entries = entries;
        Shots = shots;
    }

    /// <summary>Gets the number of classical bits of every key.</summary>
    public int Width { get; }

    /// <summary>Gets the total number of shots N (the sum of all counts).</summary>
    public long Shots { get; }

    /// <summary>Gets a value indicating whether there are no shots (every metric is then null with reason <c>empty_counts</c>).</summary>
    public bool IsEmpty => Shots == 0;

    /// <summary>Gets the entries in ascending key order (which is ascending integer order of the outcomes).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Entries => _entries;

    /// <summary>Gets the number of distinct outcomes with a positive count.</summary>
    public int Count => _entries.Length;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _entries.Select(static e => e.Key);

    /// <inheritdoc />
    public IEnumerable<long> Values => _entries.Select(static e => e.Value);

    /// <summary>Gets the count of a canonical key; keys that were never observed count 0.</summary>
    /// <param name="key">A canonical key of <see cref="Width"/> bits.</param>
    public long this[string key] => Lookup.TryGetValue(key, out long v) ? v : 0;

    /// <summary>Creates empty counts of the given width.</summary>
    /// <param name="width">The width in bits, from 1 to <see cref="BitKey.MaxWidth"/>.</param>
    /// <returns>Counts with no shots.</returns>
    public static Counts Empty(int width)
    {
        ValidateWidth(width);
        return new Counts(width, [], 0);
    }

    /// <summary>Canonicalizes and validates raw counts (metrics specification §5.0).</summary>
    /// <param name="counts">Raw keys (binary, space-separated registers, or <c>0x</c> hexadecimal) and their counts.</param>
    /// <param name="width">The declared classical width, or <see langword="null"/> to use the longest canonical key (zero-count keys included).</param>
    /// <returns>The validated counts.</returns>
    /// <exception cref="CountsValidationException">A key, count or the width breaks the rules; the error code says which.</exception>
    public static Counts Create(IEnumerable<KeyValuePair<string, long>> counts, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return Build(counts.Select(static kv => (kv.Key, (double)kv.Value, kv.Value)), width, exactIntegers: true);
    }

    /// <summary>
    /// Canonicalizes and validates raw counts given as floating-point numbers (as JSON numbers arrive). An integral value
    /// such as <c>5.0</c> is accepted; a fractional, infinite or NaN value is <c>invalid_count</c>.
    /// </summary>
    /// <param name="counts">Raw keys and their counts.</param>
    /// <param name="width">The declared classical width, or <see langword="null"/>.</param>
    /// <returns>The validated counts.</returns>
    /// <exception cref="CountsValidationException">A key, count or the width breaks the rules.</exception>
    public static Counts CreateFromNumbers(IEnumerable<KeyValuePair<string, double>> counts, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return Build(counts.Select(static kv => (kv.Key, kv.Value, 0L)), width, exactIntegers: false);
    }

    /// <summary>
    /// Creates counts from canonical keys that are already distinct and in ascending order (as decoders and histogram
    /// kernels produce them): no merging, no sorting, and the key look-up map is built only when first needed.
    /// </summary>
    /// <param name="width">The width in bits.</param>
    /// <param name="sorted">Canonical keys of exactly <paramref name="width"/> binary characters, strictly ascending, with non-negative counts (zeros are dropped).</param>
    /// <returns>The counts.</returns>
    /// <exception cref="CountsValidationException">A key is not canonical for <paramref name="width"/> or a count is negative.</exception>
    /// <exception cref="ArgumentException">The keys are not strictly ascending.</exception>
    public static Counts FromSortedCanonical(int width, IReadOnlyList<KeyValuePair<string, long>> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ValidateWidth(width);
        var entries = new List<KeyValuePair<string, long>>(sorted.Count);
        long shots = 0;
        string? previous = null;
        foreach (var (key, value) in sorted)
        {
            if (key is null || key.Length != width || key.AsSpan().ContainsAnyExcept('0', '1'))
            {
                throw new CountsValidationException(QuantumLmErrorCodes.InvalidKey, $"key \"{BitKey.Shorten(key ?? string.Empty)}\" is not a canonical {width}-bit key", key is null ? null : BitKey.Shorten(key));
            }

            if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
            {
                throw new ArgumentException($"keys must be distinct and in ascending order: \"{BitKey.Shorten(key)}\" follows \"{BitKey.Shorten(previous)}\"", nameof(sorted));
            }

            if (value < 0)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.NegativeCount, $"count {value} for key \"{BitKey.Shorten(key)}\" is negative", BitKey.Shorten(key));
            }

            previous = key;
            if (value > 0)
            {
                shots += value;
                if (shots < 0)
                {
                    throw new CountsValidationException(QuantumLmErrorCodes.InvalidCounts, "the total number of shots overflows a 64-bit integer");
                }

                entries.Add(new KeyValuePair<string, long>(key, value));
            }
        }

        return new Counts(width, [.. entries], shots);
    }

    /// <summary>Creates counts from keys that are already canonical, skipping canonicalization (used by kernels that produce keys themselves).</summary>
    /// <param name="width">The width in bits.</param>
    /// <param name="canonical">Canonical keys of exactly <paramref name="width"/> binary characters with positive counts; duplicates are summed.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="CountsValidationException">A key is not canonical for <paramref name="width"/> or a count is not positive.</exception>
    public static Counts FromCanonical(int width, IEnumerable<KeyValuePair<string, long>> canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        ValidateWidth(width);
        var merged = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in canonical)
        {
            if (key is null || key.Length != width || key.AsSpan().ContainsAnyExcept('0', '1'))
            {
                throw new CountsValidationException(QuantumLmErrorCodes.InvalidKey, $"key \"{BitKey.Shorten(key ?? string.Empty)}\" is not a canonical {width}-bit key", key is null ? null : BitKey.Shorten(key));
            }

            if (value < 0)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.NegativeCount, $"count {value} for key \"{BitKey.Shorten(key)}\" is negative", BitKey.Shorten(key));
            }

            if (value > 0)
            {
                merged[key] = checked(merged.GetValueOrDefault(key) + value);
            }
        }

        return Finish(width, merged);
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => Lookup.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out long value) => Lookup.TryGetValue(key, out value);

    /// <summary>The key → count map, built on the first look-up (many callers only enumerate the sorted entries).</summary>
    private Dictionary<string, long> Lookup =>
        Volatile.Read(ref _lookup) ?? Interlocked.CompareExchange(ref _lookup, new Dictionary<string, long>(_entries, StringComparer.Ordinal), null) ?? _lookup!;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, long>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, long>>)_entries).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns the empirical distribution p̂(x) = C(x)/N.</summary>
    /// <returns>The normalized distribution, with <see cref="ProbabilityDistribution.ReferenceShots"/> set to N.</returns>
    /// <exception cref="CountsValidationException">The counts are empty (<c>ideal_empty</c>).</exception>
    public ProbabilityDistribution ToDistribution() => ProbabilityDistribution.FromCounts(this);

    internal static void ValidateWidth(int width)
    {
        if (width < 1 || width > BitKey.MaxWidth)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.InvalidWidth, $"width {width} is outside 1..{BitKey.MaxWidth}");
        }
    }

    private static Counts Build(IEnumerable<(string Key, double Value, long Exact)> raw, int? width, bool exactIntegers)
    {
        if (width is int w)
        {
            ValidateWidth(w);
        }

        var canonical = new List<(string Key, long Count)>();
        int longest = 0;
        foreach (var (rawKey, value, exact) in raw)
        {
            if (rawKey is null)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.InvalidKey, "key is null");
            }

            string key = BitKey.Canonicalize(rawKey, QuantumLmErrorCodes.InvalidKey, out _);
            long count = exactIntegers ? exact : ToCount(value, rawKey);
            if (count < 0)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.NegativeCount, $"count {count} for key \"{BitKey.Shorten(rawKey)}\" is negative", BitKey.Shorten(rawKey));
            }

            longest = Math.Max(longest, key.Length);
            canonical.Add((key, count));
        }

        int n = width ?? Math.Max(longest, 1);
        var merged = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in canonical)
        {
            string fitted = BitKey.Fit(key, n, QuantumLmErrorCodes.KeyTooLong);
            if (count > 0)
            {
                long sum = merged.GetValueOrDefault(fitted) + count;
                if (sum < 0)
                {
                    throw new CountsValidationException(QuantumLmErrorCodes.InvalidCounts, "the total number of shots overflows a 64-bit integer");
                }

                merged[fitted] = sum;
            }
        }

        return Finish(n, merged);
    }

    private static Counts Finish(int width, Dictionary<string, long> merged)
    {
        var entries = merged.ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        long shots = 0;
        foreach (var e in entries)
        {
            shots += e.Value;
            if (shots < 0)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.InvalidCounts, "the total number of shots overflows a 64-bit integer");
            }
        }

        return new Counts(width, entries, shots);
    }

    private static long ToCount(double value, string rawKey)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new CountsValidationException(QuantumLmErrorCodes.InvalidCount, $"count for key \"{BitKey.Shorten(rawKey)}\" is not a finite number", BitKey.Shorten(rawKey));
        }

        if (value < 0)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.NegativeCount, $"count {value} for key \"{BitKey.Shorten(rawKey)}\" is negative", BitKey.Shorten(rawKey));
        }

        if (Math.Floor(value) != value || value >= 9.2e18)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.InvalidCount, $"count {value} for key \"{BitKey.Shorten(rawKey)}\" is not an integer", BitKey.Shorten(rawKey));
        }

        return (long)value;
    }
}
