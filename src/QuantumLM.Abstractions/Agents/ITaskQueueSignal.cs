namespace QuantumLM.Abstractions.Agents;

/// <summary>A wake-up hint for idle workers: LISTEN/NOTIFY on task inserts, with polling as the fallback.</summary>
public interface ITaskQueueSignal
{
    /// <summary>
    /// Waits until a task may be available (a notification arrived since the last wait) or <paramref name="timeout"/>
    /// passes. A hint only: the caller claims afterwards either way, and a lost notification costs at most one poll interval.
    /// </summary>
    /// <param name="timeout">The longest wait (the polling interval).</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns><see langword="true"/> when woken by a notification, <see langword="false"/> on timeout.</returns>
    Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
