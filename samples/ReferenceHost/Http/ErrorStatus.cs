using QuantumLM.Abstractions;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>Maps <see cref="QuantumLmException.ErrorCode"/> to an HTTP status.</summary>
internal static class ErrorStatus
{
    public static int For(QuantumLmException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        int status = exception.ErrorCode switch
        {
            QuantumLmErrorCodes.NotFound => StatusCodes.Status404NotFound,
            QuantumLmErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
            QuantumLmErrorCodes.Conflict or QuantumLmErrorCodes.JobCancelled => StatusCodes.Status409Conflict,
            QuantumLmErrorCodes.InvalidCounts or QuantumLmErrorCodes.InvalidCount or QuantumLmErrorCodes.NegativeCount
                or QuantumLmErrorCodes.InvalidKey or QuantumLmErrorCodes.KeyTooLong or QuantumLmErrorCodes.InvalidWidth
                or QuantumLmErrorCodes.WidthMismatch or QuantumLmErrorCodes.InvalidIdeal or QuantumLmErrorCodes.IdealNegative
                or QuantumLmErrorCodes.IdealNotNormalized or QuantumLmErrorCodes.IdealEmpty or QuantumLmErrorCodes.InvalidGenome
                or QuantumLmErrorCodes.InvalidCircuit or QuantumLmErrorCodes.CircuitTooLarge or QuantumLmErrorCodes.BackendNotFound
                or QuantumLmErrorCodes.UnknownTaskType or QuantumLmErrorCodes.InvalidPayload => StatusCodes.Status400BadRequest,
            QuantumLmErrorCodes.BackendOffline => StatusCodes.Status503ServiceUnavailable,
            QuantumLmErrorCodes.ServiceError or QuantumLmErrorCodes.Unauthorized or QuantumLmErrorCodes.JobFailed => StatusCodes.Status502BadGateway,
            _ => StatusCodes.Status500InternalServerError,
        };
        return status == StatusCodes.Status500InternalServerError && exception.IsTransient ? StatusCodes.Status503ServiceUnavailable : status;
    }
}
