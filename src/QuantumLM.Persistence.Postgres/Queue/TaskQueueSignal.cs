using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Persistence.Postgres;

/// <summary>
/// Listens on the task queue's NOTIFY channel over one dedicated connection (reconnecting after failures) and wakes
/// waiting workers. Started on the first wait.
/// </summary>
internal sealed class TaskQueueSignal : ITaskQueueSignal, IAsyncDisposable, IDisposable
{
    internal const string Channel = "qlm_task_queue";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;
    private Task? _loop;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskQueueSignal(PostgresDataSources sources, ILogger<TaskQueueSignal>? logger = null)
    {
        _dataSource = sources.Primary;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets a task that completes once the listener has subscribed (for tests).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD003", Justification = "A completion signal owned by this instance.")]
    internal Task Listening => _listening.Task;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD003", Justification = "The pulse task is owned by this instance.")]
    public async Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        if (Interlocked.Exchange(ref _pending, 0) == 1)
        {
            return true;
        }

        Task pulse;
        lock (_gate)
        {
            pulse = _pulse.Task;
        }

        try
        {
            await pulse.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _pending, 0);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    internal void EnsureStarted()
    {
        if (Volatile.Read(ref _loop) is not null)
        {
            return;
        }

        lock (_gate)
        {
            _loop ??= Task.Run(() => ListenLoopAsync(_stop.Token));
        }
    }

    private void Pulse()
    {
        Interlocked.Exchange(ref _pending, 1);
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _pulse;
            _pulse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
    }

    private async Task ListenLoopAsync(CancellationToken ct)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(100);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                NpgsqlConnection conn = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using ConfiguredAsyncDisposable connScope = conn.ConfigureAwait(false);
                conn.Notification += (_, _) => Pulse();
                var cmd = new NpgsqlCommand("LISTEN " + Channel, conn);
                await using (cmd.ConfigureAwait(false))
                {
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                _listening.TrySetResult();
                Pulse(); // anything queued while we were not listening is found by the next claim
                delay = TimeSpan.FromMilliseconds(100);
                while (!ct.IsCancellationRequested)
                {
                    await conn.WaitAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or InvalidOperationException or TimeoutException)
            {
                Log.ListenerFailed(_logger, ex, delay.TotalMilliseconds);
                Pulse();
                try
                {
                    await Task.Delay(delay, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    /// <summary>Stops the listener without waiting for it (synchronous container disposal).</summary>
    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD003", Justification = "The listener loop started by this instance.")]
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

    }
}
