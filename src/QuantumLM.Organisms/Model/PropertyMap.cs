using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace QuantumLM.Organisms;

/// <summary>One <c>key: value</c> entry of a <see cref="PropertyMap"/>, with its comments.</summary>
public sealed record PropertyEntry
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="key">The key, a DNALang identifier.</param>
    /// <param name="value">The value.</param>
    /// <param name="trivia">The comments, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not an identifier.</exception>
    public PropertyEntry(string key, TraitValue value, Trivia? trivia = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        Key = DnaNames.RequireIdentifier(key, nameof(key));
        Value = value;
        Trivia = trivia ?? Trivia.None;
    }

    /// <summary>Initializes an entry whose key is known to be an identifier (the parser's output).</summary>
    internal PropertyEntry(string key, TraitValue value, Trivia trivia, bool trusted)
    {
        _ = trusted;
        Key = key;
        Value = value;
        Trivia = trivia;
    }

    /// <summary>Gets the key.</summary>
    public string Key { get; }

    /// <summary>Gets the value.</summary>
    public TraitValue Value { get; }

    /// <summary>Gets the comments.</summary>
    public Trivia Trivia { get; }

    /// <summary>Returns this entry with another value, keeping key and comments.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The new entry.</returns>
    public PropertyEntry WithValue(TraitValue value) => new(Key, value, Trivia);
}

/// <summary>
/// An ordered map of unique keys to <see cref="TraitValue"/>s (a section body, a TRAITS block, a nested map), plus the
/// comment lines before its closing brace. Immutable; compares by content and order.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A map is the domain term.")]
public sealed class PropertyMap : IReadOnlyList<PropertyEntry>, IEquatable<PropertyMap>
{
    private const int IndexThreshold = 8;
    private readonly ValueList<PropertyEntry> _entries;
    private readonly Dictionary<string, int>? _index;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="entries">The entries in order; keys must be unique.</param>
    /// <param name="closingComments">Comment lines before the closing brace.</param>
    /// <exception cref="ArgumentException">Two entries have the same key.</exception>
    public PropertyMap(IEnumerable<PropertyEntry> entries, IEnumerable<string>? closingComments = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = ValueList<PropertyEntry>.From(entries);
        var seen = new HashSet<string>(_entries.Count, StringComparer.Ordinal);
        foreach (var e in _entries)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(entries));
            if (!seen.Add(e.Key))
            {
                throw new ArgumentException($"Duplicate key '{e.Key}'.", nameof(entries));
            }
        }

        _index = BuildIndex(_entries);
        ClosingComments = DnaNames.RequireComments(closingComments, nameof(closingComments));
    }

    private PropertyMap(ValueList<PropertyEntry> entries, IReadOnlyList<string> closingComments)
    {
        _entries = entries;
        _index = BuildIndex(entries);
        ClosingComments = closingComments;
    }

    /// <summary>Creates a map from entries whose keys are known to be unique and comments known to be valid (the parser's output).</summary>
    internal static PropertyMap CreateTrusted(PropertyEntry[] entries, List<string> closingComments) =>
        entries.Length == 0 && closingComments.Count == 0 ? Empty : new(ValueList<PropertyEntry>.Wrap(entries), closingComments.Count == 0 ? ValueList<string>.Empty : ValueList<string>.From(closingComments));

    private static Dictionary<string, int>? BuildIndex(ValueList<PropertyEntry> entries)
    {
        if (entries.Count <= IndexThreshold)
        {
            return null;
        }

        var index = new Dictionary<string, int>(entries.Count, StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            index[entries[i].Key] = i;
        }

        return index;
    }

    private int IndexOf(string key)
    {
        if (_index is not null)
        {
            return _index.GetValueOrDefault(key, -1);
        }

        for (int i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Gets the empty map.</summary>
    public static PropertyMap Empty { get; } = new([]);

    /// <summary>Gets the comment lines before the closing brace.</summary>
    public IReadOnlyList<string> ClosingComments { get; }

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <summary>Gets the keys in order.</summary>
    public IEnumerable<string> Keys => _entries.Select(static e => e.Key);

    /// <inheritdoc />
    public PropertyEntry this[int index] => _entries[index];

    /// <summary>Gets the value of a key.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="KeyNotFoundException">The key is absent.</exception>
    public TraitValue this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"No key '{key}'.");

    /// <summary>Creates a map from keys and values, with no comments.</summary>
    /// <param name="entries">The keys and values in order.</param>
    /// <returns>The map.</returns>
    public static PropertyMap Create(params IEnumerable<(string Key, TraitValue Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new PropertyMap(entries.Select(static e => new PropertyEntry(e.Key, e.Value)));
    }

    /// <summary>Returns whether the key is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <summary>Gets the value of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetValue(string key, [NotNullWhen(true)] out TraitValue? value)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            value = _entries[i].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Gets the entry of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetEntry(string key, [NotNullWhen(true)] out PropertyEntry? entry)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            entry = _entries[i];
            return true;
        }

        entry = null;
        return false;
    }

    /// <summary>Returns a map where <paramref name="key"/> has <paramref name="value"/>: replaced in place (comments kept) or appended.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new map.</returns>
    public PropertyMap With(string key, TraitValue value)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            var copy = _entries.ToArray();
            copy[i] = copy[i].WithValue(value);
            return new PropertyMap(copy, ClosingComments);
        }

        return new PropertyMap(_entries.Append(new PropertyEntry(key, value)), ClosingComments);
    }

    /// <summary>Returns a map with the entry replaced in place (by key) or appended.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The new map.</returns>
    public PropertyMap With(PropertyEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        int i = IndexOf(entry.Key);
        if (i >= 0)
        {
            var copy = _entries.ToArray();
            copy[i] = entry;
            return new PropertyMap(copy, ClosingComments);
        }

        return new PropertyMap(_entries.Append(entry), ClosingComments);
    }

    /// <summary>Returns a map without <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The new map, or this one when the key is absent.</returns>
    public PropertyMap Without(string key) =>
        ContainsKey(key) ? new PropertyMap(_entries.Where(e => e.Key != key), ClosingComments) : this;

    /// <inheritdoc />
    public bool Equals(PropertyMap? other) =>
        ReferenceEquals(this, other) || (other is not null && _entries.Equals(other._entries) && ClosingComments.Equals(other.ClosingComments));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PropertyMap other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_entries, ClosingComments);

    /// <summary>Compares two maps by content.</summary>
    /// <param name="left">The first map.</param>
    /// <param name="right">The second map.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(PropertyMap? left, PropertyMap? right) => Equals(left, right);

    /// <summary>Compares two maps by content.</summary>
    /// <param name="left">The first map.</param>
    /// <param name="right">The second map.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(PropertyMap? left, PropertyMap? right) => !Equals(left, right);

    /// <inheritdoc />
    public IEnumerator<PropertyEntry> GetEnumerator() => _entries.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
