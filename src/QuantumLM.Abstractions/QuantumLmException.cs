namespace QuantumLM.Abstractions;

/// <summary>
/// The root of every exception that QuantumLM packages throw on purpose. Catch it to handle any QuantumLM failure;
/// use <see cref="ErrorCode"/> (one of <see cref="QuantumLmErrorCodes"/>) to tell them apart and
/// <see cref="IsTransient"/> to decide whether a retry may succeed.
/// </summary>
public class QuantumLmException : Exception
{
    /// <summary>Initializes a new instance with the generic error code <see cref="QuantumLmErrorCodes.Unknown"/>.</summary>
    public QuantumLmException()
        : this(QuantumLmErrorCodes.Unknown, "A QuantumLM operation failed.")
    {
    }

    /// <summary>Initializes a new instance with the generic error code <see cref="QuantumLmErrorCodes.Unknown"/>.</summary>
    /// <param name="message">A message that says what failed and where.</param>
    public QuantumLmException(string message)
        : this(QuantumLmErrorCodes.Unknown, message)
    {
    }

    /// <summary>Initializes a new instance with the generic error code <see cref="QuantumLmErrorCodes.Unknown"/>.</summary>
    /// <param name="message">A message that says what failed and where.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public QuantumLmException(string message, Exception? innerException)
        : this(QuantumLmErrorCodes.Unknown, message, isTransient: false, innerException)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="errorCode">A stable, machine-readable code, normally one of <see cref="QuantumLmErrorCodes"/>.</param>
    /// <param name="message">A message that says what failed and where.</param>
    /// <param name="isTransient">Whether retrying the same operation may succeed.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public QuantumLmException(string errorCode, string message, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        ErrorCode = errorCode;
        IsTransient = isTransient;
    }

    /// <summary>Gets the stable, machine-readable error code.</summary>
    public string ErrorCode { get; }

    /// <summary>Gets a value indicating whether retrying the same operation may succeed.</summary>
    public virtual bool IsTransient { get; }
}
