using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Events;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>
/// <c>GET /api/arena/events/stream?session_id=…</c>: Server-Sent Events (<c>id:</c> the event id, <c>event:</c> its type,
/// <c>data:</c> the event as JSON), resumable with <c>Last-Event-ID</c> (or <c>after</c>): stored events after that id are
/// replayed from the database, then live ones follow without gaps or duplicates; <c>: keep-alive</c> comments
/// every heartbeat interval; ends when the client disconnects or the host stops.
/// </summary>
internal static class ArenaStreamEndpoints
{
    private const int ReplayPage = 500;

    public static void MapArenaStream(this RouteGroupBuilder arena) => arena.MapGet("/events/stream", StreamAsync);

    private static async Task<IResult> StreamAsync(HttpContext context, ClaimsPrincipal user, IArenaSessionStore sessions, IAgentEventStream events,
        SessionEventHub hub, IOptions<ApiOptions> options, IHostApplicationLifetime lifetime)
    {
        HttpRequest request = context.Request;
        CancellationToken aborted = context.RequestAborted;
        if (!ApiProblems.TryQueryUuid(request, "session_id", out Guid sessionGuid, out IResult? problem)
            || !ApiProblems.TryQueryInt(request, "after", 0, long.MaxValue, 0, out long after, out problem))
        {
            return problem!;
        }

        string? lastEventId = request.Headers["Last-Event-ID"];
        if (!string.IsNullOrEmpty(lastEventId))
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out after))
            {
                return ApiProblems.Validation("Last-Event-ID", "must be the id of an event (a non-negative integer)");
            }
        }

        var sessionId = new SessionId(sessionGuid);
        if (await sessions.GetAsync(user.GetDbIdentity(), sessionId, aborted) is null)
        {
            return ApiProblems.NotFound("the session");
        }

        return new SseResult(sessionId, after, events, hub, options.Value.SseHeartbeat, lifetime.ApplicationStopping);
    }

    private sealed class SseResult(SessionId sessionId, long after, IAgentEventStream events, SessionEventHub hub, TimeSpan heartbeat, CancellationToken stopping) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            HttpResponse response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache, no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
            CancellationToken ct = linked.Token;
            long last = after;
            try
            {
                await WriteAsync(response, "retry: 2000\n\n", ct);

                // 1. Replay what is stored; 2. attach to the live feed; 3. replay again (what committed meanwhile);
                // 4. live, skipping ids already sent.
                last = await ReplayAsync(response, last, ct);
                using SessionEventHub.Subscription live = hub.Subscribe(sessionId, last);
                last = await ReplayAsync(response, last, ct);
                while (!ct.IsCancellationRequested)
                {
                    using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    beat.CancelAfter(heartbeat);
                    bool more;
                    try
                    {
                        more = await live.Reader.WaitToReadAsync(beat.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await WriteAsync(response, ": keep-alive\n\n", ct);
                        continue;
                    }

                    if (!more)
                    {
                        break; // feed ended (failure or overflow): the client reconnects with Last-Event-ID
                    }

                    var frame = new StringBuilder();
                    while (live.Reader.TryRead(out AgentEvent? e))
                    {
                        if (e.Id > last)
                        {
                            Frame(frame, e);
                            last = e.Id;
                        }
                    }

                    if (frame.Length > 0)
                    {
                        await WriteAsync(response, frame.ToString(), ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // client gone or host stopping: end the response quietly
            }
            catch (Exception ex) when (ex is SubscriberOverflowException or System.IO.IOException or QuantumLmException)
            {
                // the stream ends; the client resumes with Last-Event-ID
            }
        }

        private async Task<long> ReplayAsync(HttpResponse response, long last, CancellationToken ct)
        {
            while (true)
            {
                IReadOnlyList<AgentEvent> page = await events.GetEventsAsync(sessionId, last, ReplayPage, ct);
                if (page.Count == 0)
                {
                    return last;
                }

                var frame = new StringBuilder();
                foreach (AgentEvent e in page)
                {
                    Frame(frame, e);
                    last = e.Id;
                }

                await WriteAsync(response, frame.ToString(), ct);
                if (page.Count < ReplayPage)
                {
                    return last;
                }
            }
        }

        private static void Frame(StringBuilder sb, AgentEvent e)
        {
            string type = e.EventType.Replace('\r', ' ').Replace('\n', ' ');
            sb.Append("id: ").Append(e.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
              .Append("event: ").Append(type).Append('\n')
              .Append("data: ").Append(ApiJson.EventData(e)).Append("\n\n");
        }

        private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
        {
            await response.WriteAsync(text, Encoding.UTF8, ct);
            await response.Body.FlushAsync(ct);
        }
    }
}
