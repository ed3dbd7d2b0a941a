namespace QuantumLM.Organisms;

/// <summary>
/// A value in a genome: a <see cref="NumberTrait"/>, <see cref="BooleanTrait"/>, <see cref="TextTrait"/>,
/// <see cref="ListTrait"/> or <see cref="MapTrait"/>. Values are immutable and compare by content.
/// </summary>
public abstract record TraitValue
{
    private protected TraitValue()
    {
    }
}

/// <summary>
/// A finite number, flagged as integer when it was written without a fraction or exponent (<c>5</c>, not <c>5.0</c>),
/// with optional inclusive bounds written <c>0.92 in [0, 1]</c> (<c>*</c> for an open end).
/// </summary>
public sealed record NumberTrait : TraitValue
{
    /// <summary>The largest magnitude an integer trait may have (2^53, so that it is exact as a double).</summary>
    public const double MaxSafeInteger = 9007199254740992.0;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="value">The value; finite. A negative zero is stored as zero.</param>
    /// <param name="isInteger">Whether the value is an integer (then it must be integral and at most 2^53 in magnitude).</param>
    /// <param name="min">The inclusive lower bound, or <see langword="null"/>.</param>
    /// <param name="max">The inclusive upper bound, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value or a bound is not finite, an integer value is fractional or too large, or <paramref name="min"/> &gt; <paramref name="max"/>.</exception>
    public NumberTrait(double value, bool isInteger = false, double? min = null, double? max = null)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A number trait must be finite.");
        }

        if (isInteger && (Math.Floor(value) != value || Math.Abs(value) > MaxSafeInteger))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "An integer trait must be integral and at most 2^53 in magnitude.");
        }

        if (min is double lo && !double.IsFinite(lo))
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, "A bound must be finite.");
        }

        if (max is double hi && !double.IsFinite(hi))
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "A bound must be finite.");
        }

        if (min is double a && max is double b && a > b)
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, $"The lower bound {a} exceeds the upper bound {b}.");
        }

        Value = value == 0 ? 0.0 : value;
        IsInteger = isInteger;
        Min = min is double m && m == 0 ? 0.0 : min;
        Max = max is double x && x == 0 ? 0.0 : max;
    }

    /// <summary>Gets the value.</summary>
    public double Value { get; }

    /// <summary>Gets a value indicating whether the number is an integer.</summary>
    public bool IsInteger { get; }

    /// <summary>Gets the inclusive lower bound, or <see langword="null"/>.</summary>
    public double? Min { get; }

    /// <summary>Gets the inclusive upper bound, or <see langword="null"/>.</summary>
    public double? Max { get; }

    /// <summary>Gets a value indicating whether either bound is declared.</summary>
    public bool HasBounds => Min is not null || Max is not null;

    /// <summary>Gets a value indicating whether the value lies within the declared bounds.</summary>
    public bool IsInRange => (Min is not double lo || Value >= lo) && (Max is not double hi || Value <= hi);

    /// <summary>Returns the same trait (integer flag and bounds) with another value.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The new trait.</returns>
    public NumberTrait WithValue(double value) => new(value, IsInteger, Min, Max);

    /// <summary>Returns the same value with other bounds.</summary>
    /// <param name="min">The inclusive lower bound, or <see langword="null"/>.</param>
    /// <param name="max">The inclusive upper bound, or <see langword="null"/>.</param>
    /// <returns>The new trait.</returns>
    public NumberTrait WithBounds(double? min, double? max) => new(Value, IsInteger, min, max);
}

/// <summary>A boolean (<c>true</c> or <c>false</c>).</summary>
/// <param name="Value">The value.</param>
public sealed record BooleanTrait(bool Value) : TraitValue;

/// <summary>A quoted string.</summary>
public sealed record TextTrait : TraitValue
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="value">The text (any characters; they are escaped when serialized).</param>
    public TextTrait(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>Gets the text.</summary>
    public string Value { get; }
}

/// <summary>A list of values (<c>["a", 1, true]</c>).</summary>
public sealed record ListTrait : TraitValue
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="items">The items in order.</param>
    public ListTrait(IEnumerable<TraitValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = ValueList<TraitValue>.From(items);
        foreach (var item in Items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            if (HasComments(item))
            {
                throw new ArgumentException("A map inside a list cannot carry comments (lists are written on one line).", nameof(items));
            }
        }
    }

    private static bool HasComments(TraitValue value) => value switch
    {
        MapTrait m => m.Map.ClosingComments.Count > 0 || m.Map.Any(static e => !e.Trivia.IsEmpty || HasComments(e.Value)),
        ListTrait l => l.Items.Any(HasComments),
        _ => false,
    };

    /// <summary>Gets the items in order.</summary>
    public IReadOnlyList<TraitValue> Items { get; }
}

/// <summary>A nested map (<c>circuits: { name: { qubits: 7 } }</c>).</summary>
public sealed record MapTrait : TraitValue
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="map">The entries.</param>
    public MapTrait(PropertyMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
    }

    /// <summary>Gets the entries.</summary>
    public PropertyMap Map { get; }
}
