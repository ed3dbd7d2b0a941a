namespace QuantumLM.Abstractions.Quantum;

/// <summary>The state of a backend job (an extensible enumeration: backends may report other values).</summary>
public readonly struct QuantumJobStatus : IEquatable<QuantumJobStatus>
{
    private readonly string? _value;

    /// <summary>Initializes a status from its wire value.</summary>
    /// <param name="value">The value, for example <c>QUEUED</c>.</param>
    public QuantumJobStatus(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.ToUpperInvariant();
    }

    /// <summary>Gets the job waiting in the backend's queue.</summary>
    public static QuantumJobStatus Queued { get; } = new("QUEUED");

    /// <summary>Gets the job executing.</summary>
    public static QuantumJobStatus Running { get; } = new("RUNNING");

    /// <summary>Gets the job finished with results.</summary>
    public static QuantumJobStatus Completed { get; } = new("COMPLETED");

    /// <summary>Gets the job failed.</summary>
    public static QuantumJobStatus Failed { get; } = new("FAILED");

    /// <summary>Gets the job cancelled.</summary>
    public static QuantumJobStatus Cancelled { get; } = new("CANCELLED");

    /// <summary>Gets a value indicating whether the job can no longer change state.</summary>
    public bool IsTerminal => Equals(Completed) || Equals(Failed) || Equals(Cancelled);

    /// <summary>Compares two statuses.</summary>
    /// <param name="left">The first status.</param>
    /// <param name="right">The second status.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(QuantumJobStatus left, QuantumJobStatus right) => left.Equals(right);

    /// <summary>Compares two statuses.</summary>
    /// <param name="left">The first status.</param>
    /// <param name="right">The second status.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(QuantumJobStatus left, QuantumJobStatus right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(QuantumJobStatus other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is QuantumJobStatus other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;
}
