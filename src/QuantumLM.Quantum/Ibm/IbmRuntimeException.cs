using QuantumLM.Abstractions;

namespace QuantumLM.Quantum.Ibm;

/// <summary>
/// Thrown when the IBM Quantum Runtime service (or its IAM token service) answers with an error, cannot be reached, or
/// sends a payload that cannot be read. <see cref="QuantumLmException.ErrorCode"/> is one of <see cref="QuantumLmErrorCodes"/>
/// (<c>unauthorized</c>, <c>not_found</c>, <c>conflict</c>, <c>service_error</c>, …); <see cref="ServiceErrorCode"/> and
/// <see cref="ServiceMessage"/> carry the service's own error code and message when it sent one.
/// </summary>
public sealed class IbmRuntimeException : QuantumLmException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="errorCode">One of <see cref="QuantumLmErrorCodes"/>.</param>
    /// <param name="message">What failed and where.</param>
    /// <param name="isTransient">Whether retrying the same operation later may succeed.</param>
    /// <param name="statusCode">The HTTP status code, or <see langword="null"/> when no response arrived.</param>
    /// <param name="serviceErrorCode">The service's error code (for example <c>1291</c> or <c>BXNIM0415E</c>).</param>
    /// <param name="serviceMessage">The service's error message.</param>
    /// <param name="requestTrace">The service's trace (request) id, for support.</param>
    /// <param name="innerException">The cause.</param>
    public IbmRuntimeException(
        string errorCode,
        string message,
        bool isTransient = false,
        int? statusCode = null,
        string? serviceErrorCode = null,
        string? serviceMessage = null,
        string? requestTrace = null,
        Exception? innerException = null)
        : base(errorCode, message, isTransient, innerException)
    {
        StatusCode = statusCode;
        ServiceErrorCode = serviceErrorCode;
        ServiceMessage = serviceMessage;
        RequestTrace = requestTrace;
    }

    /// <summary>Gets the HTTP status code, or <see langword="null"/> when no response arrived (connection failure, timeout).</summary>
    public int? StatusCode { get; }

    /// <summary>Gets the service's own error code, when the response carried one.</summary>
    public string? ServiceErrorCode { get; }

    /// <summary>Gets the service's own error message, when the response carried one.</summary>
    public string? ServiceMessage { get; }

    /// <summary>Gets the service's trace id of the failed request, when it sent one.</summary>
    public string? RequestTrace { get; }
}

/// <summary>
/// Thrown when an IBM Runtime job ends without a result: it failed on the service
/// (<see cref="QuantumLmErrorCodes.JobFailed"/>, which includes a job cancelled for running longer than its maximum
/// execution time, reason code 1305) or it was cancelled (<see cref="QuantumLmErrorCodes.JobCancelled"/>).
/// </summary>
public sealed class IbmJobException : QuantumLmException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="errorCode"><see cref="QuantumLmErrorCodes.JobFailed"/> or <see cref="QuantumLmErrorCodes.JobCancelled"/>.</param>
    /// <param name="message">What happened to which job.</param>
    /// <param name="jobId">The job id.</param>
    /// <param name="serviceStatus">The status string the service reported (for example <c>Cancelled - Ran too long</c>).</param>
    /// <param name="reasonCode">The service's reason code, for example 1305.</param>
    /// <param name="reason">The service's reason text.</param>
    public IbmJobException(string errorCode, string message, string jobId, string serviceStatus, int? reasonCode, string? reason)
        : base(errorCode, message)
    {
        JobId = jobId;
        ServiceStatus = serviceStatus;
        ReasonCode = reasonCode;
        Reason = reason;
    }

    /// <summary>Gets the job id.</summary>
    public string JobId { get; }

    /// <summary>Gets the status string the service reported.</summary>
    public string ServiceStatus { get; }

    /// <summary>Gets the service's reason code, when reported.</summary>
    public int? ReasonCode { get; }

    /// <summary>Gets the service's reason text, when reported.</summary>
    public string? Reason { get; }
}
