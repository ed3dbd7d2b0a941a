using System.Collections;

namespace QuantumLM.Organisms;

/// <summary>An immutable list with structural equality, so that records holding lists compare by content.</summary>
internal sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    private ValueList(T[] items) => _items = items;

    public static ValueList<T> Empty { get; } = new([]);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public static ValueList<T> From(IEnumerable<T>? items)
    {
        if (items is null)
        {
            return Empty;
        }

        if (items is ValueList<T> v)
        {
            return v;
        }

        var array = items.ToArray();
        return array.Length == 0 ? Empty : new ValueList<T>(array);
    }

    internal static ValueList<T> Wrap(T[] items) => items.Length == 0 ? Empty : new ValueList<T>(items);

    public bool Equals(ValueList<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._items.Length != _items.Length)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < _items.Length; i++)
        {
            if (!comparer.Equals(_items[i], other._items[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(_items.Length);
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
