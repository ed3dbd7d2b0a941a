using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace QuantumLM.ReferenceHost.Tests.Ai;

/// <summary>
/// An OpenAI-compatible server on loopback: <c>POST /v1/chat/completions</c> (streamed or not) answers with a fixed
/// fenced code block, <c>POST /v1/embeddings</c> with a deterministic 3-dimensional vector per input (its length, its
/// count of 'q', 1). Records the requests it saw.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string Code = "def add(a, b):\n    return a + b\n";

    private readonly WebApplication _app;

    private FakeOpenAiServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<(string Path, string? Authorization, JsonObject Body)> Requests { get; } = new();

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        FakeOpenAiServer? self = null;
        app.MapPost("/v1/chat/completions", async (HttpContext ctx) =>
        {
            JsonObject body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
            self!.Requests.Enqueue((ctx.Request.Path, ctx.Request.Headers.Authorization.ToString(), body));
            string content = "```python\n" + Code + "```\n";
            if (body["stream"]?.GetValue<bool>() == true)
            {
                ctx.Response.ContentType = "text/event-stream";
                await ctx.Response.WriteAsync("data: " + Chunk(content) + "\n\n");
                await ctx.Response.WriteAsync("data: [DONE]\n\n");
                return;
            }

            await ctx.Response.WriteAsJsonAsync(new
            {
                id = "c1",
                @object = "chat.completion",
                created = 1,
                model = body["model"]!.GetValue<string>(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
            });
        });
        app.MapPost("/v1/embeddings", async (HttpContext ctx) =>
        {
            JsonObject body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
            self!.Requests.Enqueue((ctx.Request.Path, ctx.Request.Headers.Authorization.ToString(), body));
            string[] inputs = body["input"] is JsonArray a ? [.. a.Select(static n => n!.GetValue<string>())] : [body["input"]!.GetValue<string>()];
            await ctx.Response.WriteAsJsonAsync(new
            {
                @object = "list",
                model = body["model"]!.GetValue<string>(),
                data = inputs.Select((s, i) => new { @object = "embedding", index = i, embedding = new float[] { s.Length, s.Count(static c => c == 'q'), 1 } }),
                usage = new { prompt_tokens = 1, total_tokens = 1 },
            });
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeOpenAiServer(app, new Uri(address + "/v1"));
        return self;
    }

    private static string Chunk(string content) => JsonSerializer.Serialize(new
    {
        id = "c1",
        @object = "chat.completion.chunk",
        created = 1,
        model = "fake-chat",
        choices = new[] { new { index = 0, delta = new { role = "assistant", content }, finish_reason = (string?)null } },
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
