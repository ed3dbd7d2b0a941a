using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantumLM.Quantum.Ibm.Internal;

// Wire shapes of the IBM Quantum Runtime REST API (ibm-runtime.md §2–§4, §6). Internal: the public surface uses the
// models in QuantumLM.Quantum.Ibm. Every field is optional on read so that a field the service drops is not an error.

internal sealed class VersionsDto
{
    public List<string>? Versions { get; set; }
}

internal sealed class BackendsDto
{
    public List<JsonElement>? Devices { get; set; }
}

internal sealed class BackendStatusDto
{
    public bool? State { get; set; }

    public string? Status { get; set; }

    public string? Message { get; set; }

    public int? LengthQueue { get; set; }

    public string? BackendVersion { get; set; }
}

internal sealed class UsagePeriodDto
{
    public string? StartTime { get; set; }

    public string? EndTime { get; set; }
}

internal sealed class UsageDto
{
    public string? InstanceId { get; set; }

    public string? PlanId { get; set; }

    public double? UsageConsumedSeconds { get; set; }

    public double? UsageAllocationSeconds { get; set; }

    public double? UsageLimitSeconds { get; set; }

    public double? UsageRemainingSeconds { get; set; }

    public bool? UsageLimitReached { get; set; }

    public UsagePeriodDto? UsagePeriod { get; set; }
}

internal sealed class EmptyDto
{
}

[JsonConverter(typeof(PubDtoConverter))]
internal sealed class PubDto
{
    public required string Circuit { get; init; }

    public IReadOnlyList<double>? Values { get; init; }

    public IReadOnlyDictionary<string, double>? NamedValues { get; init; }

    public int? Shots { get; init; }
}

/// <summary>Writes a PUB as the JSON array <c>[circuit, parameter_values|null, shots|null]</c>.</summary>
internal sealed class PubDtoConverter : JsonConverter<PubDto>
{
    public override PubDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("PUBs are only written.");

    public override void Write(Utf8JsonWriter writer, PubDto value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(value.Circuit);
        if (value.Values is { } list)
        {
            writer.WriteStartArray();
            foreach (double d in list)
            {
                writer.WriteNumberValue(d);
            }

            writer.WriteEndArray();
        }
        else if (value.NamedValues is { } named)
        {
            writer.WriteStartObject();
            foreach (var (k, v) in named)
            {
                writer.WriteNumber(k, v);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        if (value.Shots is int s)
        {
            writer.WriteNumberValue(s);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndArray();
    }
}

internal sealed class SamplerParamsDto
{
    public required List<PubDto> Pubs { get; init; }

    public int Version { get; init; } = 2;

    public bool SupportQiskit { get; init; }

    public int? Shots { get; init; }

    public EmptyDto Options { get; init; } = new();
}

internal sealed class CreateJobRequestDto
{
    public required string ProgramId { get; init; }

    public required string Backend { get; init; }

    public required SamplerParamsDto Params { get; init; }

    public List<string>? Tags { get; init; }

    public string? SessionId { get; init; }

    public int? Cost { get; init; }

    public bool? Private { get; init; }
}

internal sealed class CreateJobResponseDto
{
    public string? Id { get; set; }

    public string? Backend { get; set; }

    public string? SessionId { get; set; }
}

internal sealed class JobStateDto
{
    public string? Status { get; set; }

    public string? Reason { get; set; }

    public JsonElement? ReasonCode { get; set; }

    [JsonPropertyName("reasonCode")]
    public JsonElement? ReasonCodeCamel { get; set; }
}

internal sealed class ProgramDto
{
    public string? Id { get; set; }
}

internal sealed class JobUsageDto
{
    public double? Seconds { get; set; }

    public double? QuantumSeconds { get; set; }

    public double? QpuChargeTimeSeconds { get; set; }

    public string? Status { get; set; }
}

internal sealed class JobDto
{
    public string? Id { get; set; }

    public string? Backend { get; set; }

    public JobStateDto? State { get; set; }

    public string? Status { get; set; }

    public ProgramDto? Program { get; set; }

    public string? Created { get; set; }

    public int? Cost { get; set; }

    public List<string>? Tags { get; set; }

    public string? SessionId { get; set; }

    public JobUsageDto? Usage { get; set; }

    public double? EstimatedRunningTimeSeconds { get; set; }

    public bool? Private { get; set; }
}

internal sealed class JobListDto
{
    public List<JobDto>? Jobs { get; set; }

    public int? Count { get; set; }

    public int? Limit { get; set; }

    public int? Offset { get; set; }
}

internal sealed class JobTimestampsDto
{
    public string? Created { get; set; }

    public string? Running { get; set; }

    public string? Finished { get; set; }
}

internal sealed class BssDto
{
    public double? Seconds { get; set; }
}

internal sealed class JobMetricsDto
{
    public JobTimestampsDto? Timestamps { get; set; }

    public JobUsageDto? Usage { get; set; }

    public BssDto? Bss { get; set; }

    public string? QiskitVersion { get; set; }

    public string? EstimatedStartTime { get; set; }

    public string? EstimatedCompletionTime { get; set; }

    public int? PositionInQueue { get; set; }

    public int? PositionInProvider { get; set; }
}

internal sealed class TagsDto
{
    public required List<string> Tags { get; init; }
}

internal sealed class CreateSessionDto
{
    public required string Mode { get; init; }

    public string? Backend { get; init; }

    public string? Instance { get; init; }

    public int? MaxTtl { get; init; }
}

internal sealed class SessionPatchDto
{
    public bool AcceptingJobs { get; init; }
}

internal sealed class SessionDto
{
    public string? Id { get; set; }

    public string? BackendName { get; set; }

    public string? State { get; set; }

    public string? StateReason { get; set; }

    public bool? AcceptingJobs { get; set; }

    public string? Mode { get; set; }

    public int? MaxTtl { get; set; }

    public int? InteractiveTtl { get; set; }

    public int? ActiveTtl { get; set; }

    public string? StartedAt { get; set; }

    public string? ActivatedAt { get; set; }

    public string? ClosedAt { get; set; }

    public double? ElapsedTime { get; set; }
}

internal sealed class IamTokenDto
{
    public string? AccessToken { get; set; }

    public string? TokenType { get; set; }

    public long? ExpiresIn { get; set; }

    public long? Expiration { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(VersionsDto))]
[JsonSerializable(typeof(BackendsDto))]
[JsonSerializable(typeof(BackendStatusDto))]
[JsonSerializable(typeof(UsageDto))]
[JsonSerializable(typeof(CreateJobRequestDto))]
[JsonSerializable(typeof(CreateJobResponseDto))]
[JsonSerializable(typeof(JobDto))]
[JsonSerializable(typeof(JobListDto))]
[JsonSerializable(typeof(JobMetricsDto))]
[JsonSerializable(typeof(TagsDto))]
[JsonSerializable(typeof(CreateSessionDto))]
[JsonSerializable(typeof(SessionPatchDto))]
[JsonSerializable(typeof(SessionDto))]
[JsonSerializable(typeof(IamTokenDto))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
internal sealed partial class IbmJsonContext : JsonSerializerContext
{
}
