using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents;

/// <summary>
/// Runs queued tasks with the registered agents: claims batches with a lease, heartbeats while each task runs,
/// completes it or reports the failure (transient failures are retried by the queue, permanent ones dead-lettered),
/// and on shutdown stops claiming, lets in-flight tasks finish within <see cref="AgentWorkerOptions.ShutdownTimeout"/>,
/// then cancels and releases the rest. Usable in any generic host.
/// </summary>
public sealed class AgentWorker : BackgroundService
{
    private static readonly TimeSpan s_maxErrorBackoff = TimeSpan.FromSeconds(30);

    private readonly ITaskQueue _queue;
    private readonly AgentRegistry _registry;
    private readonly IAgentEventSink? _events;
    private readonly ITaskQueueSignal? _signal;
    private readonly AgentWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentWorker> _logger;
    private readonly ConcurrentDictionary<TaskId, Task> _inFlight = new();
    private readonly CancellationTokenSource _executionCts = new();
    private SemaphoreSlim? _slots;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="queue">The task queue.</param>
    /// <param name="registry">The agents.</param>
    /// <param name="options">The worker options.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="eventSinks">The event sink, when one is registered (progress events are published to the task's session).</param>
    /// <param name="signals">The queue's wake-up hint, when one is registered (idle workers then wake on new tasks instead of waiting a full poll interval).</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    public AgentWorker(
        ITaskQueue queue,
        AgentRegistry registry,
        IOptions<AgentWorkerOptions> options,
        ILogger<AgentWorker> logger,
        IEnumerable<IAgentEventSink> eventSinks,
        IEnumerable<ITaskQueueSignal> signals,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(eventSinks);
        ArgumentNullException.ThrowIfNull(signals);
        _queue = queue;
        _registry = registry;
        _options = options.Value;
        _logger = logger;
        _events = eventSinks.LastOrDefault();
        _signal = signals.LastOrDefault();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the number of tasks running now.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <inheritdoc />
    public override void Dispose()
    {
        _executionCts.Dispose();
        _slots?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<string> taskTypes = _registry.TaskTypes;
        _slots = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.WorkerStarted(_options.WorkerId, _options.Concurrency, string.Join(",", taskTypes));
        }
        if (taskTypes.Count == 0)
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return;
        }

        int errorStreak = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                int free = _slots.CurrentCount + 1;
                IReadOnlyList<ClaimedTask> claimed;
                try
                {
                    claimed = await _queue.ClaimAsync(_options.WorkerId, Math.Min(free, _options.BatchSize), _options.LeaseDuration, taskTypes, stoppingToken).ConfigureAwait(false);
                    errorStreak = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _slots.Release();
                    errorStreak++;
                    TimeSpan delay = TimeSpan.FromMilliseconds(Math.Min(s_maxErrorBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(errorStreak, 10))));
                    _logger.QueueError(ex, _options.WorkerId, delay.TotalMilliseconds);
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (claimed.Count == 0)
                {
                    _slots.Release();
                    await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                // One slot is already held; take one more per extra task (there are enough: claimed.Count <= free).
                for (int i = 1; i < claimed.Count; i++)
                {
                    await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                }

                WorkerInstruments.Claimed.Add(claimed.Count);
                foreach (ClaimedTask c in claimed)
                {
                    _inFlight[c.Task.Id] = RunTrackedAsync(c);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await DrainAsync().ConfigureAwait(false);
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        if (_signal is null)
        {
            await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _signal.WaitForWorkAsync(_options.PollInterval, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The hint is optional: fall back to polling.
            _logger.QueueError(ex, _options.WorkerId, _options.PollInterval.TotalMilliseconds);
            await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync()
    {
        _logger.WorkerStopping(_options.WorkerId, _inFlight.Count);
        Task all = Task.WhenAll(_inFlight.Values);
        try
        {
            await all.WaitAsync(_options.ShutdownTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _executionCts.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
        }

        _logger.WorkerStopped(_options.WorkerId);
    }

    private async Task RunTrackedAsync(ClaimedTask claimed)
    {
        await Task.Yield();
        try
        {
            await RunOneAsync(claimed).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The outcome could not be reported (the queue is unreachable): the lease will expire and the task will be
            // claimed again, so nothing is lost; at-least-once delivery is the queue's contract.
            _logger.QueueError(ex, _options.WorkerId, _options.LeaseDuration.TotalMilliseconds);
        }
        finally
        {
            _inFlight.TryRemove(claimed.Task.Id, out _);
            _slots!.Release();
        }
    }

    private async Task RunOneAsync(ClaimedTask claimed)
    {
        AgentTask task = claimed.Task;
        string taskType = task.TaskType.ToString();
        using Activity? activity = AgentsTelemetry.ActivitySource.StartActivity($"agent.task {taskType}", ActivityKind.Consumer);
        activity?.SetTag("quantumlm.task.id", task.Id.ToString());
        activity?.SetTag("quantumlm.task.type", taskType);
        activity?.SetTag("quantumlm.task.attempt", task.Attempts);
        long started = _time.GetTimestamp();
        WorkerInstruments.InFlight.Add(1);
        _logger.TaskClaimed(task.Id.Value, taskType, task.Attempts);

        using var taskCts = CancellationTokenSource.CreateLinkedTokenSource(_executionCts.Token);
        using var timeoutCts = new CancellationTokenSource(_options.TaskTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(taskCts.Token, timeoutCts.Token);
        var lease = new LeaseState();
        using var heartbeatStop = new CancellationTokenSource();
        Task heartbeat = HeartbeatLoopAsync(claimed, lease, taskCts, heartbeatStop.Token);
        try
        {
            if (!_registry.TryGetAgent(taskType, out IAgent? agent))
            {
                throw new QuantumLmException(QuantumLmErrorCodes.UnknownTaskType, $"no agent handles task type \"{taskType}\"");
            }

            await PublishAsync(task, "task_started", AgentEventLevel.Info, $"{taskType} started (attempt {task.Attempts})", null).ConfigureAwait(false);
            var context = new AgentContext { WorkerId = _options.WorkerId, Events = _events ?? NullEventSink.Instance, Attempt = task.Attempts };
            JsonElement result = await agent.ExecuteAsync(task, context, linked.Token).ConfigureAwait(false);
            await StopHeartbeatAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
            if (lease.Lost || !await CompleteAsync(claimed, result, context.Outputs).ConfigureAwait(false))
            {
                WorkerInstruments.LeasesLost.Add(1);
                _logger.LeaseLost(task.Id.Value, taskType);
                return;
            }

            WorkerInstruments.Completed.Add(1);
            double ms = _time.GetElapsedTime(started).TotalMilliseconds;
            WorkerInstruments.Duration.Record(ms, new KeyValuePair<string, object?>("task_type", taskType), new KeyValuePair<string, object?>("outcome", "completed"));
            _logger.TaskCompleted(task.Id.Value, taskType, ms);
            await PublishAsync(task, "task_completed", AgentEventLevel.Info, $"{taskType} completed", null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lease.Lost)
        {
            WorkerInstruments.LeasesLost.Add(1);
            _logger.LeaseLost(task.Id.Value, taskType);
        }
        catch (OperationCanceledException) when (_executionCts.IsCancellationRequested)
        {
            await StopHeartbeatAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
            await _queue.ReleaseAsync(task.Id, claimed.LeaseToken, CancellationToken.None).ConfigureAwait(false);
            WorkerInstruments.Released.Add(1);
            _logger.TaskReleased(task.Id.Value, taskType);
        }
        catch (Exception ex)
        {
            await StopHeartbeatAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
            bool timedOut = ex is OperationCanceledException && timeoutCts.IsCancellationRequested;
            bool transient = timedOut || IsTransient(ex);
            string error = timedOut ? $"timed out after {_options.TaskTimeout}" : Describe(ex);
            TaskFailureOutcome outcome = await _queue.FailAsync(task.Id, claimed.LeaseToken, new TaskFailure(error, transient), CancellationToken.None).ConfigureAwait(false);
            (outcome == TaskFailureOutcome.Retried ? WorkerInstruments.Retried : WorkerInstruments.Failed).Add(1);
            WorkerInstruments.Duration.Record(_time.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("task_type", taskType), new KeyValuePair<string, object?>("outcome", "failed"));
            activity?.SetStatus(ActivityStatusCode.Error, error);
            _logger.TaskFailed(task.Id.Value, taskType, transient ? "transient" : "permanent", outcome.ToString(), error);
            string eventType = outcome == TaskFailureOutcome.Retried ? "task_retrying" : "task_failed";
            await PublishAsync(task, eventType, outcome == TaskFailureOutcome.Retried ? AgentEventLevel.Warning : AgentEventLevel.Error, error, null).ConfigureAwait(false);
        }
        finally
        {
            await StopHeartbeatAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
            WorkerInstruments.InFlight.Add(-1);
        }
    }

    /// <summary>Completes the task; the agent's output rows are written in the same transaction when the queue supports it.</summary>
    private async Task<bool> CompleteAsync(ClaimedTask claimed, JsonElement result, AgentTaskOutputs outputs)
    {
        if (outputs.IsEmpty)
        {
            return await _queue.CompleteAsync(claimed.Task.Id, claimed.LeaseToken, result, CancellationToken.None).ConfigureAwait(false);
        }

        if (_queue is ITransactionalTaskCompletion transactional)
        {
            return await transactional.CompleteAsync(claimed.Task.Id, claimed.LeaseToken, result, outputs, CancellationToken.None).ConfigureAwait(false);
        }

        if (outputs.QuantumJobs.Count + outputs.Commits.Count + outputs.Organisms.Count + outputs.Generations.Count > 0)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.ServiceError, $"the task queue ({_queue.GetType().Name}) cannot store the task's result rows: register a queue that implements {nameof(ITransactionalTaskCompletion)}");
        }

        // Only events: complete, then publish them (not atomic with the completion on this queue).
        if (!await _queue.CompleteAsync(claimed.Task.Id, claimed.LeaseToken, result, CancellationToken.None).ConfigureAwait(false))
        {
            return false;
        }

        foreach (NewAgentEvent e in outputs.Events)
        {
            await PublishAsync(claimed.Task, e.EventType, e.Level, e.Message ?? e.EventType, e.Data).ConfigureAwait(false);
        }

        return true;
    }

    private async Task HeartbeatLoopAsync(ClaimedTask claimed, LeaseState lease, CancellationTokenSource taskCts, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.HeartbeatInterval, _time, stop).ConfigureAwait(false);
                bool held;
                try
                {
                    held = await _queue.HeartbeatAsync(claimed.Task.Id, claimed.LeaseToken, _options.LeaseDuration, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed heartbeat is not a lost lease; the next one may succeed before the lease expires.
                    continue;
                }

                if (!held)
                {
                    lease.Lost = true;
                    await taskCts.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task StopHeartbeatAsync(CancellationTokenSource stop, Task heartbeat)
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

#pragma warning disable VSTHRD003 // The heartbeat task was started by this worker for this task.
        await heartbeat.ConfigureAwait(false);
#pragma warning restore VSTHRD003
    }

    private async Task PublishAsync(AgentTask task, string eventType, AgentEventLevel level, string message, JsonElement? data)
    {
        if (_events is null || task.SessionId is not SessionId session)
        {
            return;
        }

        try
        {
            await _events.PublishAsync(
                new NewAgentEvent { SessionId = session, AgentType = task.TaskType.Agent, EventType = eventType, Level = level, TaskId = task.Id, Message = message, Data = data },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.EventPublishFailed(ex, task.Id.Value, eventType);
        }
    }

    internal static bool IsTransient(Exception ex) => ex switch
    {
        QuantumLmException q => q.IsTransient,
        TimeoutException => true,
        System.Data.Common.DbException d => d.IsTransient, // a dropped connection or a serialization failure
        _ => false,
    };

    internal static string Describe(Exception ex) => ex switch
    {
        QuantumLmException q => $"{q.ErrorCode}: {q.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private sealed class LeaseState
    {
        public volatile bool Lost;
    }

    private sealed class NullEventSink : IAgentEventSink
    {
        public static readonly NullEventSink Instance = new();

        public Task<AgentEvent> PublishAsync(NewAgentEvent agentEvent, CancellationToken cancellationToken = default) =>
            Task.FromResult(new AgentEvent
            {
                Id = 0,
                SessionId = agentEvent.SessionId,
                AgentType = agentEvent.AgentType,
                EventType = agentEvent.EventType,
                Level = agentEvent.Level,
                TaskId = agentEvent.TaskId,
                Message = agentEvent.Message,
                Data = agentEvent.Data,
            });
    }
}
