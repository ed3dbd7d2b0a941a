namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// Thrown when measurement counts or an ideal distribution break the canonicalization rules of the metrics
/// specification. <see cref="QuantumLmException.ErrorCode"/> is one of the count or ideal codes of
/// <see cref="QuantumLmErrorCodes"/>; <see cref="Key"/> names the offending key when there is one.
/// </summary>
public sealed class CountsValidationException : QuantumLmException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="errorCode">One of the count or ideal codes of <see cref="QuantumLmErrorCodes"/>.</param>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="key">The offending key, shortened for display, or <see langword="null"/>.</param>
    public CountsValidationException(string errorCode, string message, string? key = null)
        : base(errorCode, message)
    {
        Key = key;
    }

    /// <summary>Gets the offending key (shortened to at most 64 characters), or <see langword="null"/>.</summary>
    public string? Key { get; }
}
