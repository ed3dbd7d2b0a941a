using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Api;

/// <summary>Helpers of the API tests: raw JSON requests, problem assertions, direct row counts.</summary>
internal static class ApiTestKit
{
    public const string Ghz3 = """
        OPENQASM 2.0;
        include "qelib1.inc";
        qreg q[3];
        creg c[3];
        h q[0];
        cx q[0],q[1];
        cx q[1],q[2];
        measure q -> c;
        """;

    public static async Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.SendJsonAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body));

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json) =>
        client.SendJsonAsync(HttpMethod.Post, path, json);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with the status, and (for 400) an error on <paramref name="field"/>; returns the field's first message.</summary>
    public static async Task<string?> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.TryGetProperty("title", out _), text);
        Assert.True(problem.TryGetProperty("detail", out _), text);
        if (field is null)
        {
            return null;
        }

        JsonElement messages = default;
        Assert.True(problem.TryGetProperty("errors", out JsonElement errors) && errors.TryGetProperty(field, out messages),
            $"no error for field \"{field}\": {text}");
        return messages[0].GetString();
    }

    public static async Task<long> CountAsync(HostFixture host, string sql, params object[] args)
    {
        // Counted as a service identity (which row-level security lets see every row), in its own transaction.
        await using var conn = new NpgsqlConnection(host.Database.AppConnectionString);
        await conn.OpenAsync();
        await using NpgsqlTransaction tx = await conn.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("""SELECT set_config('role', 'quantumlm_service', true), set_config('request.jwt.claims', '{"service":"tests"}', true)""", conn, tx))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (object a in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        }

        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Rows written for a user in every table the API writes.</summary>
    public static async Task<long> RowsOfAsync(HostFixture host, TestUser user)
    {
        long n = 0;
        foreach (string table in (string[])["arena_sessions", "quantum_jobs", "task_queue", "commit_logs", "codebase_memory", "organisms"])
        {
            n += await CountAsync(host, $"SELECT count(*) FROM {table} WHERE user_id = $1", user.Id.Value);
        }

        return n;
    }

    public static async Task<Guid> CreateSessionAsync(TestUser user, string name = "test session")
    {
        JsonElement s = await (await user.Client.PostJsonAsync("/api/arena/session", new { session_name = name })).JsonAsync(HttpStatusCode.Created);
        return s.GetProperty("session_id").GetGuid();
    }
}

/// <summary>Reads a <c>text/event-stream</c> response frame by frame.</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    public int Comments { get; private set; }

    public sealed record Frame(long Id, string Type, JsonElement Data);

    public static async Task<(HttpResponseMessage Response, SseReader Reader)> OpenAsync(HttpClient client, string path, long? lastEventId = null, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is long id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        return (response, new SseReader(await response.Content.ReadAsStreamAsync(ct)));
    }

    /// <summary>Reads the next event (skipping comments and retry lines), or null at the end of the stream.</summary>
    public async Task<Frame?> NextAsync(CancellationToken ct)
    {
        long id = -1;
        string type = "message";
        var data = new StringBuilder();
        while (true)
        {
            string? line = await _reader.ReadLineAsync(ct);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    return new Frame(id, type, JsonDocument.Parse(data.ToString()).RootElement.Clone());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                Comments++;
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
