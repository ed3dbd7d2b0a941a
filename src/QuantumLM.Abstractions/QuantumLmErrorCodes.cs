namespace QuantumLM.Abstractions;

/// <summary>
/// Stable, machine-readable error codes carried by <see cref="QuantumLmException.ErrorCode"/>. The command line prints
/// them as <c>error: &lt;code&gt;: &lt;message&gt;</c> and the HTTP host puts them in problem details.
/// </summary>
public static class QuantumLmErrorCodes
{
    /// <summary>An error that has no more specific code.</summary>
    public const string Unknown = "unknown";

    /// <summary>The counts object as a whole is malformed (not a map of keys to counts, or too large).</summary>
    public const string InvalidCounts = "invalid_counts";

    /// <summary>A count is not a finite, non-negative integer.</summary>
    public const string InvalidCount = "invalid_count";

    /// <summary>A count is negative.</summary>
    public const string NegativeCount = "negative_count";

    /// <summary>A bitstring key is not binary, not <c>0x</c> hexadecimal, or contains whitespace other than spaces.</summary>
    public const string InvalidKey = "invalid_key";

    /// <summary>A key is longer than the declared width and its surplus leading bits are not all zero.</summary>
    public const string KeyTooLong = "key_too_long";

    /// <summary>A declared width is not an integer in the supported range.</summary>
    public const string InvalidWidth = "invalid_width";

    /// <summary>The ideal distribution's width does not match the counts' width.</summary>
    public const string WidthMismatch = "width_mismatch";

    /// <summary>The ideal distribution is malformed (not finite, bad key).</summary>
    public const string InvalidIdeal = "invalid_ideal";

    /// <summary>An ideal probability is negative.</summary>
    public const string IdealNegative = "ideal_negative";

    /// <summary>The ideal probabilities do not sum to 1 within 1e-9.</summary>
    public const string IdealNotNormalized = "ideal_not_normalized";

    /// <summary>The ideal distribution (or its reference counts) is empty.</summary>
    public const string IdealEmpty = "ideal_empty";

    /// <summary>A DNALang genome could not be parsed.</summary>
    public const string InvalidGenome = "dna";

    /// <summary>An OpenQASM program could not be parsed or is not supported.</summary>
    public const string InvalidCircuit = "qasm";

    /// <summary>The circuit needs more resources (qubits, memory) than the backend allows.</summary>
    public const string CircuitTooLarge = "circuit_too_large";

    /// <summary>No backend with the requested name is configured.</summary>
    public const string BackendNotFound = "backend_not_found";

    /// <summary>The backend exists but does not accept jobs now.</summary>
    public const string BackendOffline = "backend_offline";

    /// <summary>A backend job failed on the backend's side.</summary>
    public const string JobFailed = "job_failed";

    /// <summary>A backend job was cancelled.</summary>
    public const string JobCancelled = "job_cancelled";

    /// <summary>A remote service answered with an error or could not be reached.</summary>
    public const string ServiceError = "service_error";

    /// <summary>Authentication with a remote service failed.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>No registered agent handles the task type.</summary>
    public const string UnknownTaskType = "unknown_task_type";

    /// <summary>A task payload is missing fields or has invalid values.</summary>
    public const string InvalidPayload = "invalid_payload";

    /// <summary>The caller lacks the permission for the operation.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The requested resource does not exist or is not visible to the caller.</summary>
    public const string NotFound = "not_found";

    /// <summary>The operation conflicts with the current state (a lost lease, a duplicate).</summary>
    public const string Conflict = "conflict";
}
