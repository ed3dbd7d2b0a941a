using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>
/// Agent events on PostgreSQL. An insert NOTIFYs the session's channel (a trigger); a stream LISTENs first, reads the
/// stored backlog after the last id it delivered, then waits for notifications (or the poll interval) and reads again.
/// Ids of one session commit in increasing order, so reading "after the last id" never skips an event, also across
/// a reconnect after the server restarted. Runs under the package's service identity: authorise the caller for the
/// session (for example by reading it under the user's identity) before streaming it to them.
/// </summary>
internal sealed class PostgresAgentEvents : IAgentEventSink, IAgentEventStream
{
    private readonly IDbSessionFactory _sessions;
    private readonly PostgresDataSources _sources;
    private readonly EventStreamOptions _options;
    private readonly DbIdentity _service;
    private readonly ILogger _logger;

    public PostgresAgentEvents(IDbSessionFactory sessions, PostgresDataSources sources, IOptions<QuantumLmPostgresOptions> options, ILogger<PostgresAgentEvents>? logger = null)
    {
        _sessions = sessions;
        _sources = sources;
        _options = options.Value.Events;
        _service = DbIdentity.ForService(options.Value.ServiceName + ":events");
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Task<AgentEvent> PublishAsync(NewAgentEvent agentEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agentEvent);
        return InTransactionAsync(_sessions, _service, false, (s, ct) => InsertEventAsync(s, agentEvent, ct), cancellationToken);
    }

    public Task<IReadOnlyList<AgentEvent>> GetEventsAsync(SessionId sessionId, long? afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 10_000);
        return InTransactionAsync(_sessions, _service, true, async (s, ct) => (IReadOnlyList<AgentEvent>)await QueryAsync(s,
            $"SELECT {EventColumns} FROM agent_events WHERE session_id = $1 AND event_id > $2 ORDER BY event_id LIMIT $3",
            MapEvent, ct, P(sessionId.Value), P(afterId ?? 0L), P(limit)).ConfigureAwait(false), cancellationToken);
    }

    public async IAsyncEnumerable<AgentEvent> StreamAsync(SessionId sessionId, long? afterId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long last = afterId ?? 0;
        TimeSpan delay = _options.ReconnectDelay;
        string channel = "qlm_ev_" + sessionId.Value.ToString("N");
        while (!cancellationToken.IsCancellationRequested)
        {
            NpgsqlConnection? listener = null;
            var signal = new SemaphoreSlim(0, int.MaxValue);
            Exception? failure = null;
            try
            {
                try
                {
                    listener = await _sources.Primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    listener.Notification += (_, _) => signal.Release();
                    var cmd = new NpgsqlCommand("LISTEN " + channel, listener);
                    await using (cmd.ConfigureAwait(false))
                    {
                        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
                {
                    failure = ex;
                }

                if (failure is null)
                {
                    delay = _options.ReconnectDelay;
                    Task<bool>? wait = null;
                    while (!cancellationToken.IsCancellationRequested && failure is null)
                    {
                        IReadOnlyList<AgentEvent> page;
                        try
                        {
                            page = await GetEventsAsync(sessionId, last, _options.PageSize, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
                        {
                            failure = ex;
                            break;
                        }

                        foreach (AgentEvent e in page)
                        {
                            last = e.Id;
                            yield return e;
                        }

                        if (page.Count == _options.PageSize)
                        {
                            continue;
                        }

                        // Wait for a notification (or the poll interval); the listener connection reads them.
                        wait ??= listener!.WaitAsync(_options.PollInterval, cancellationToken);
                        try
                        {
                            Task sig = signal.WaitAsync(_options.PollInterval, cancellationToken);
                            await Task.WhenAny(sig, wait).ConfigureAwait(false);
                            if (wait.IsCompleted)
                            {
                                await wait.ConfigureAwait(false); // surfaces a broken connection
                                wait = null;
                            }

                            while (signal.CurrentCount > 0)
                            {
                                await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                            }
                        }
                        catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
                        {
                            failure = ex;
                        }
                    }
                }
            }
            finally
            {
                if (listener is not null)
                {
                    await listener.DisposeAsync().ConfigureAwait(false);
                }

                signal.Dispose();
            }

            if (failure is not null && !cancellationToken.IsCancellationRequested)
            {
                Log.EventStreamReconnect(_logger, failure, sessionId.Value, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 30_000));
            }
        }
    }

    private static bool IsConnectionFailure(Exception ex, CancellationToken ct) =>
        !ct.IsCancellationRequested && ex is NpgsqlException or System.IO.IOException or TimeoutException or ObjectDisposedException
            or QuantumLmException { ErrorCode: QuantumLmErrorCodes.ServiceError };
}
