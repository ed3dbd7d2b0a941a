using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QuantumLM.Agents;

/// <summary>Options of the <see cref="AgentWorker"/>.</summary>
public sealed class AgentWorkerOptions
{
    /// <summary>Gets or sets the worker id recorded on claimed tasks.</summary>
    /// <value>The default is <c>&lt;machine&gt;:&lt;process id&gt;:&lt;random suffix&gt;</c>.</value>
    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Gets or sets how many tasks run at once.</summary>
    /// <value>The default is 4.</value>
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 4;

    /// <summary>Gets or sets the most tasks claimed in one round trip.</summary>
    /// <value>The default is 16.</value>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 16;

    /// <summary>Gets or sets the lease length: a task whose worker sends no heartbeat for this long can be claimed again.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the heartbeat interval; must be shorter than <see cref="LeaseDuration"/>.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long an idle worker waits before asking the queue again (when no wake-up hint arrives earlier).</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest one task may run before it is stopped and retried as a transient failure.</summary>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long shutdown waits for in-flight tasks before cancelling and releasing them.</summary>
    /// <value>The default is 20 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>Validates <see cref="AgentWorkerOptions"/> at start-up: the annotations plus the cross-field rules.</summary>
[OptionsValidator]
internal sealed partial class AgentWorkerOptionsValidator : IValidateOptions<AgentWorkerOptions>
{
}

/// <summary>Cross-field rules of <see cref="AgentWorkerOptions"/>.</summary>
internal sealed class AgentWorkerOptionsCrossValidator : IValidateOptions<AgentWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentWorkerOptions options)
    {
        var failures = new List<string>();
        Check(failures, nameof(options.LeaseDuration), options.LeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Check(failures, nameof(options.HeartbeatInterval), options.HeartbeatInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(30));
        Check(failures, nameof(options.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        Check(failures, nameof(options.TaskTimeout), options.TaskTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        Check(failures, nameof(options.ShutdownTimeout), options.ShutdownTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        if (options.HeartbeatInterval >= options.LeaseDuration)
        {
            failures.Add($"AgentWorkerOptions.HeartbeatInterval ({options.HeartbeatInterval}) must be shorter than LeaseDuration ({options.LeaseDuration}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"AgentWorkerOptions.{name} ({value}) must be between {min} and {max}.");
        }
    }
}
