using System.Threading.Channels;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.ReferenceHost.Events;

/// <summary>
/// Fans the live events of a session out to every SSE subscriber of this process through one database feed per
/// session (one LISTEN connection per watched session instead of one per subscriber). A subscriber replays from the
/// database, attaches, replays again, then reads the feed skipping what it already sent: no gaps, no duplicates.
/// </summary>
internal sealed partial class SessionEventHub(IAgentEventStream stream, IOptions<ApiOptions> options, ILogger<SessionEventHub> logger) : IAsyncDisposable
{
    private readonly Dictionary<SessionId, Feed> _feeds = [];
    private readonly Lock _gate = new();
    private readonly int _buffer = options.Value.SseSubscriberBuffer;

    /// <summary>Attaches to the session's feed; when none runs, starts one after <paramref name="afterId"/>.</summary>
    public Subscription Subscribe(SessionId sessionId, long afterId)
    {
        var channel = Channel.CreateBounded<AgentEvent>(new BoundedChannelOptions(_buffer) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        lock (_gate)
        {
            if (!_feeds.TryGetValue(sessionId, out Feed? feed))
            {
                feed = new Feed(sessionId);
                _feeds.Add(sessionId, feed);
                feed.Subscribers.Add(channel);
                feed.Pump = Task.Run(() => PumpAsync(feed, afterId));
            }
            else
            {
                feed.Subscribers.Add(channel);
            }

            return new Subscription(this, feed, channel);
        }
    }

    /// <summary>Gets the number of sessions with a running feed (for tests and diagnostics).</summary>
    public int ActiveFeeds
    {
        get
        {
            lock (_gate)
            {
                return _feeds.Count;
            }
        }
    }

    private void Unsubscribe(Feed feed, Channel<AgentEvent> channel)
    {
        lock (_gate)
        {
            feed.Subscribers.Remove(channel);
            if (feed.Subscribers.Count == 0 && _feeds.TryGetValue(feed.SessionId, out Feed? current) && ReferenceEquals(current, feed))
            {
                _feeds.Remove(feed.SessionId);
                feed.Stop.Cancel();
            }
        }
    }

    private async Task PumpAsync(Feed feed, long afterId)
    {
        Exception? failure = null;
        try
        {
            await foreach (AgentEvent e in stream.StreamAsync(feed.SessionId, afterId, feed.Stop.Token))
            {
                lock (_gate)
                {
                    for (int i = feed.Subscribers.Count - 1; i >= 0; i--)
                    {
                        Channel<AgentEvent> sub = feed.Subscribers[i];
                        if (!sub.Writer.TryWrite(e))
                        {
                            // Too slow: cut it off; the client resumes with Last-Event-ID and loses nothing.
                            sub.Writer.TryComplete(new SubscriberOverflowException());
                            feed.Subscribers.RemoveAt(i);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (feed.Stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !feed.Stop.IsCancellationRequested)
        {
            // Any failure ends the feed: its subscribers' streams end and their clients resume with Last-Event-ID.
            failure = ex;
            LogFeedFailed(logger, ex, feed.SessionId.Value);
        }

        lock (_gate)
        {
            if (_feeds.TryGetValue(feed.SessionId, out Feed? current) && ReferenceEquals(current, feed))
            {
                _feeds.Remove(feed.SessionId);
            }

            foreach (Channel<AgentEvent> sub in feed.Subscribers)
            {
                sub.Writer.TryComplete(failure);
            }

            feed.Subscribers.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Feed[] feeds;
        lock (_gate)
        {
            feeds = [.. _feeds.Values];
            _feeds.Clear();
        }

        foreach (Feed feed in feeds)
        {
            await feed.Stop.CancelAsync();
            if (feed.Pump is { } pump)
            {
                await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            feed.Stop.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live event feed of session {SessionId} failed; its subscribers were closed and will resume")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, Guid sessionId);

    internal sealed class Feed(SessionId sessionId)
    {
        public SessionId SessionId { get; } = sessionId;

        public List<Channel<AgentEvent>> Subscribers { get; } = [];

        public CancellationTokenSource Stop { get; } = new();

        public Task? Pump { get; set; }
    }

    /// <summary>One subscriber's view of a feed; dispose to leave.</summary>
    internal sealed class Subscription : IDisposable
    {
        private readonly SessionEventHub _hub;
        private readonly Feed _feed;
        private readonly Channel<AgentEvent> _channel;

        internal Subscription(SessionEventHub hub, Feed feed, Channel<AgentEvent> channel)
        {
            _hub = hub;
            _feed = feed;
            _channel = channel;
        }

        /// <summary>Gets the live events, in id order.</summary>
        public ChannelReader<AgentEvent> Reader => _channel.Reader;

        /// <inheritdoc />
        public void Dispose() => _hub.Unsubscribe(_feed, _channel);
    }
}

/// <summary>A subscriber fell further behind than its buffer allows.</summary>
internal sealed class SubscriberOverflowException : Exception
{
    public SubscriberOverflowException()
        : base("the subscriber fell too far behind the live events")
    {
    }
}
