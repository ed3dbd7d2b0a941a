using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QuantumLM.Persistence.Postgres;

/// <summary>Options of the PostgreSQL persistence package (configuration section <c>QuantumLM:Postgres</c>).</summary>
public sealed class QuantumLmPostgresOptions
{
    /// <summary>Gets or sets the service name recorded in rows written by the queue, the event sink and other services.</summary>
    /// <value>The default is <c>quantumlm</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:@-]{1,60}$")]
    public string ServiceName { get; set; } = "quantumlm";

    /// <summary>
    /// Gets or sets the application's login role. When set, migrations grant it membership of the three per-transaction
    /// roles (<c>quantumlm_anon</c>, <c>quantumlm_authenticated</c>, <c>quantumlm_service</c>).
    /// </summary>
    /// <value>The default is <see langword="null"/> (grant nothing; the database administrator grants the roles).</value>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string? ApplicationRole { get; set; }

    /// <summary>Gets or sets the task queue options.</summary>
    [ValidateObjectMembers]
    public TaskQueueOptions TaskQueue { get; set; } = new();

    /// <summary>Gets or sets the event stream options.</summary>
    [ValidateObjectMembers]
    public EventStreamOptions Events { get; set; } = new();
}

/// <summary>Options of the task queue.</summary>
public sealed class TaskQueueOptions
{
    /// <summary>Gets or sets the first retry delay; attempt <c>n</c> waits <c>BackoffBase · 2^(n−1)</c>, capped.</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the largest retry delay.</summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the jitter: the delay is multiplied by a uniform factor in <c>[1 − JitterRatio, 1]</c>.</summary>
    /// <value>The default is 0.2.</value>
    [Range(0.0, 1.0)]
    public double JitterRatio { get; set; } = 0.2;

    /// <summary>Gets or sets the seed of the jitter generator (every random choice takes an explicit seed).</summary>
    /// <value>The default is 1.</value>
    public ulong JitterSeed { get; set; } = 1;

    /// <summary>Gets or sets how often an idle worker polls when no notification arrives.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the debounce window of insert notifications: at most one NOTIFY per window per process.</summary>
    /// <value>The default is 2 milliseconds.</value>
    public TimeSpan NotifyDebounce { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Gets or sets how often claims also rescue tasks whose lease expired (per process; zero: before every claim).</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan RescueInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long completed tasks are kept.</summary>
    /// <value>The default is 1 day.</value>
    public TimeSpan CompletedRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets how long failed (dead-lettered) tasks are kept, with their error history.</summary>
    /// <value>The default is 7 days.</value>
    public TimeSpan FailedRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how long cancelled tasks are kept.</summary>
    /// <value>The default is 1 day.</value>
    public TimeSpan CancelledRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets how many rows one purge statement deletes at most.</summary>
    /// <value>The default is 10,000.</value>
    [Range(1, 1_000_000)]
    public int PurgeBatchSize { get; set; } = 10_000;

    /// <summary>Gets or sets the interval of the maintenance service (lease rescue and retention purge), when it is enabled.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Options of the agent event stream.</summary>
public sealed class EventStreamOptions
{
    /// <summary>Gets or sets how often a live stream re-reads when no notification arrives (the polling fallback).</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the first delay before reconnecting after a lost connection (doubled up to 30 s).</summary>
    /// <value>The default is 250 milliseconds.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets how many events one backlog read returns at most.</summary>
    /// <value>The default is 500.</value>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 500;
}

/// <summary>Validates <see cref="QuantumLmPostgresOptions"/> (source-generated from the annotations).</summary>
[OptionsValidator]
internal sealed partial class QuantumLmPostgresOptionsValidator : IValidateOptions<QuantumLmPostgresOptions>;

/// <summary>Validates the <see cref="TimeSpan"/> ranges and cross-field rules the annotations cannot express trim-safely.</summary>
internal sealed class QuantumLmPostgresOptionsRangeValidator : IValidateOptions<QuantumLmPostgresOptions>
{
    public ValidateOptionsResult Validate(string? name, QuantumLmPostgresOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        TaskQueueOptions q = options.TaskQueue;
        EventStreamOptions e = options.Events;
        Check(failures, "TaskQueue.BackoffBase", q.BackoffBase, TimeSpan.Zero, TimeSpan.FromDays(1));
        Check(failures, "TaskQueue.BackoffCap", q.BackoffCap, TimeSpan.Zero, TimeSpan.FromDays(7));
        Check(failures, "TaskQueue.PollInterval", q.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        Check(failures, "TaskQueue.NotifyDebounce", q.NotifyDebounce, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Check(failures, "TaskQueue.RescueInterval", q.RescueInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        Check(failures, "TaskQueue.CompletedRetention", q.CompletedRetention, TimeSpan.Zero, TimeSpan.FromDays(365));
        Check(failures, "TaskQueue.FailedRetention", q.FailedRetention, TimeSpan.Zero, TimeSpan.FromDays(365));
        Check(failures, "TaskQueue.CancelledRetention", q.CancelledRetention, TimeSpan.Zero, TimeSpan.FromDays(365));
        Check(failures, "TaskQueue.MaintenanceInterval", q.MaintenanceInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        Check(failures, "Events.PollInterval", e.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        Check(failures, "Events.ReconnectDelay", e.ReconnectDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        if (q.BackoffCap < q.BackoffBase)
        {
            failures.Add($"TaskQueue.BackoffCap ({q.BackoffCap}) must not be smaller than TaskQueue.BackoffBase ({q.BackoffBase}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} ({value}) must be between {min} and {max}.");
        }
    }
}
