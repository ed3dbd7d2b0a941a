using System.Globalization;
using System.Text.Json;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Ibm.Internal;

/// <summary>Wire DTO → public model conversions.</summary>
internal static class IbmMapping
{
    /// <summary>The reason code of a job cancelled because it ran longer than its maximum execution time.</summary>
    public const int RanTooLongReasonCode = 1305;

    /// <summary>Maps the service's status (ibm-runtime.md §3.3): Cancelled with reason code 1305 is a failure.</summary>
    public static QuantumJobStatus MapStatus(string? stateStatus, string? topStatus, int? reasonCode)
    {
        string raw = (stateStatus ?? topStatus ?? "UNKNOWN").Trim();
        string upper = raw.ToUpperInvariant();
        bool ranTooLong = reasonCode == RanTooLongReasonCode
            || (topStatus?.Contains("ran too long", StringComparison.OrdinalIgnoreCase) ?? false);
        return upper switch
        {
            "QUEUED" => QuantumJobStatus.Queued,
            "RUNNING" => QuantumJobStatus.Running,
            "COMPLETED" or "DONE" => QuantumJobStatus.Completed,
            "FAILED" or "ERROR" => QuantumJobStatus.Failed,
            _ when upper.StartsWith("CANCELLED", StringComparison.Ordinal) => ranTooLong ? QuantumJobStatus.Failed : QuantumJobStatus.Cancelled,
            _ => new QuantumJobStatus(upper),
        };
    }

    public static IbmJob ToJob(JobDto dto, string? fallbackId = null)
    {
        int? reasonCode = ReadInt(dto.State?.ReasonCode) ?? ReadInt(dto.State?.ReasonCodeCamel);
        string serviceStatus = dto.Status ?? dto.State?.Status ?? "Unknown";
        return new IbmJob
        {
            Id = dto.Id ?? fallbackId ?? throw new IbmRuntimeException(QuantumLM.Abstractions.QuantumLmErrorCodes.ServiceError, "IBM Runtime returned a job without an id"),
            Backend = dto.Backend,
            Status = MapStatus(dto.State?.Status, dto.Status, reasonCode),
            ServiceStatus = serviceStatus,
            ReasonCode = reasonCode,
            Reason = dto.State?.Reason,
            ProgramId = dto.Program?.Id,
            Created = Date(dto.Created),
            Tags = dto.Tags ?? [],
            SessionId = dto.SessionId,
            UsageSeconds = dto.Usage?.Seconds,
            EstimatedRunningTimeSeconds = dto.EstimatedRunningTimeSeconds,
            IsPrivate = dto.Private ?? false,
        };
    }

    public static IbmBackend ToBackend(JsonElement device)
    {
        if (device.ValueKind == JsonValueKind.String)
        {
            // Legacy BackendsResponse (API version < 2025-01-01): names only.
            return new IbmBackend { Name = device.GetString()!, StatusName = "unknown" };
        }

        JsonElement status = Prop(device, "status");
        JsonElement processor = Prop(device, "processor_type");
        return new IbmBackend
        {
            Name = Str(device, "name") ?? throw new IbmRuntimeException(QuantumLM.Abstractions.QuantumLmErrorCodes.ServiceError, "IBM Runtime listed a backend without a name"),
            StatusName = Str(status, "name") ?? (status.ValueKind == JsonValueKind.String ? status.GetString()! : "unknown"),
            StatusReason = Str(status, "reason"),
            IsSimulator = Bool(device, "is_simulator") ?? false,
            QubitCount = Int(device, "qubits") ?? Int(device, "n_qubits"),
            QueueLength = Int(device, "queue_length"),
            ProcessorFamily = Str(processor, "family"),
            ProcessorRevision = Str(processor, "revision"),
            Clops = Dbl(Prop(device, "clops"), "value"),
        };
    }

    public static IbmBackendConfiguration ToConfiguration(string name, JsonElement c)
    {
        var coupling = new List<IbmQubitPair>();
        if (Prop(c, "coupling_map") is { ValueKind: JsonValueKind.Array } map)
        {
            foreach (JsonElement pair in map.EnumerateArray())
            {
                if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 && pair[0].TryGetInt32(out int a) && pair[1].TryGetInt32(out int b))
                {
                    coupling.Add(new IbmQubitPair(a, b));
                }
            }
        }

        JsonElement processor = Prop(c, "processor_type");
        return new IbmBackendConfiguration
        {
            Name = Str(c, "backend_name") ?? name,
            Version = Str(c, "backend_version"),
            QubitCount = Int(c, "n_qubits") ?? throw new IbmRuntimeException(QuantumLM.Abstractions.QuantumLmErrorCodes.ServiceError, $"IBM Runtime configuration of '{name}' has no n_qubits"),
            BasisGates = Strings(c, "basis_gates"),
            SupportedInstructions = Strings(c, "supported_instructions"),
            CouplingMap = coupling,
            MaxShots = Int(c, "max_shots"),
            MaxExperiments = Int(c, "max_experiments"),
            IsSimulator = Bool(c, "simulator") ?? false,
            ProcessorFamily = Str(processor, "family"),
            ProcessorRevision = Str(processor, "revision"),
        };
    }

    public static IbmBackendProperties ToProperties(string name, JsonElement p)
    {
        var qubits = new List<IbmQubitProperties>();
        if (Prop(p, "qubits") is { ValueKind: JsonValueKind.Array } qs)
        {
            int index = 0;
            foreach (JsonElement q in qs.EnumerateArray())
            {
                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                if (q.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement nd in q.EnumerateArray())
                    {
                        if (Str(nd, "name") is { } n && Dbl(nd, "value") is double v)
                        {
                            values[n] = ToMicroseconds(v, Str(nd, "unit"), n);
                        }
                    }
                }

                qubits.Add(new IbmQubitProperties
                {
                    Qubit = index++,
                    T1Microseconds = Get(values, "T1"),
                    T2Microseconds = Get(values, "T2"),
                    ReadoutError = Get(values, "readout_error"),
                    ProbMeas0Prep1 = Get(values, "prob_meas0_prep1"),
                    ProbMeas1Prep0 = Get(values, "prob_meas1_prep0"),
                    ReadoutLengthMicroseconds = Get(values, "readout_length"),
                });
            }
        }

        var gates = new List<IbmGateProperties>();
        if (Prop(p, "gates") is { ValueKind: JsonValueKind.Array } gs)
        {
            foreach (JsonElement g in gs.EnumerateArray())
            {
                double? error = null, length = null;
                if (Prop(g, "parameters") is { ValueKind: JsonValueKind.Array } ps)
                {
                    foreach (JsonElement par in ps.EnumerateArray())
                    {
                        string? n = Str(par, "name");
                        if (n == "gate_error")
                        {
                            error = Dbl(par, "value");
                        }
                        else if (n == "gate_length" && Dbl(par, "value") is double l)
                        {
                            length = ToMicroseconds(l, Str(par, "unit"), n);
                        }
                    }
                }

                var gq = new List<int>();
                if (Prop(g, "qubits") is { ValueKind: JsonValueKind.Array } qa)
                {
                    foreach (JsonElement x in qa.EnumerateArray())
                    {
                        if (x.TryGetInt32(out int i))
                        {
                            gq.Add(i);
                        }
                    }
                }

                gates.Add(new IbmGateProperties { Gate = Str(g, "gate") ?? "?", Name = Str(g, "name"), Qubits = gq, Error = error, LengthMicroseconds = length });
            }
        }

        return new IbmBackendProperties { Name = name, Version = Str(p, "backend_version"), LastUpdate = Date(Str(p, "last_update_date")), Qubits = qubits, Gates = gates };
    }

    public static IbmInstanceUsage ToUsage(UsageDto u)
    {
        double consumed = u.UsageConsumedSeconds ?? 0;
        double? cap = u.UsageLimitSeconds ?? u.UsageAllocationSeconds;
        return new IbmInstanceUsage
        {
            InstanceId = u.InstanceId,
            PlanId = u.PlanId,
            ConsumedSeconds = consumed,
            AllocationSeconds = u.UsageAllocationSeconds,
            LimitSeconds = u.UsageLimitSeconds,
            RemainingSeconds = cap is double c ? Math.Max(c - consumed, 0) : u.UsageRemainingSeconds,
            LimitReached = u.UsageLimitReached ?? false,
            PeriodStart = Date(u.UsagePeriod?.StartTime),
            PeriodEnd = Date(u.UsagePeriod?.EndTime),
        };
    }

    public static IbmJobMetrics ToMetrics(JobMetricsDto m) => new()
    {
        Created = Date(m.Timestamps?.Created),
        Running = Date(m.Timestamps?.Running),
        Finished = Date(m.Timestamps?.Finished),
        UsageSeconds = m.Usage?.Seconds,
        QuantumSeconds = m.Usage?.QuantumSeconds,
        QpuChargeTimeSeconds = m.Usage?.QpuChargeTimeSeconds,
        UsageStatus = m.Usage?.Status,
        BssSeconds = m.Bss?.Seconds,
        QiskitVersion = m.QiskitVersion,
        EstimatedStartTime = Date(m.EstimatedStartTime),
        EstimatedCompletionTime = Date(m.EstimatedCompletionTime),
        PositionInQueue = m.PositionInQueue,
        PositionInProvider = m.PositionInProvider,
    };

    public static IbmSession ToSession(SessionDto s, string? fallbackId = null) => new()
    {
        Id = s.Id ?? fallbackId ?? throw new IbmRuntimeException(QuantumLM.Abstractions.QuantumLmErrorCodes.ServiceError, "IBM Runtime returned a session without an id"),
        BackendName = s.BackendName,
        State = s.State,
        StateReason = s.StateReason,
        AcceptingJobs = s.AcceptingJobs,
        Mode = s.Mode,
        MaxTtl = s.MaxTtl is int m ? TimeSpan.FromSeconds(m) : null,
        InteractiveTtl = s.InteractiveTtl is int i ? TimeSpan.FromSeconds(i) : null,
        ActiveTtl = s.ActiveTtl is int a ? TimeSpan.FromSeconds(a) : null,
        StartedAt = Date(s.StartedAt),
        ActivatedAt = Date(s.ActivatedAt),
        ClosedAt = Date(s.ClosedAt),
    };

    public static DateTimeOffset? Date(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset d) ? d : null;

    public static string Iso(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static double ToMicroseconds(double value, string? unit, string name) => name is "T1" or "T2" or "readout_length" or "gate_length"
        ? unit switch
        {
            "ns" => value / 1000,
            "ms" => value * 1000,
            "s" => value * 1_000_000,
            _ => value, // "us" / "µs"
        }
        : value;

    private static double? Get(Dictionary<string, double> d, string key) => d.TryGetValue(key, out double v) ? v : null;

    private static int? ReadInt(JsonElement? e) => e switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out int i) => i,
        { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) => i,
        _ => null,
    };

    private static JsonElement Prop(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) ? v : default;

    private static string? Str(JsonElement e, string name) => Prop(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) => Prop(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out int i) ? i : null;

    private static double? Dbl(JsonElement e, string name) => Prop(e, name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null;

    private static bool? Bool(JsonElement e, string name) => Prop(e, name).ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static List<string> Strings(JsonElement e, string name)
    {
        var list = new List<string>();
        if (Prop(e, name) is { ValueKind: JsonValueKind.Array } a)
        {
            foreach (JsonElement x in a.EnumerateArray())
            {
                if (x.ValueKind == JsonValueKind.String)
                {
                    list.Add(x.GetString()!);
                }
            }
        }

        return list;
    }
}
