using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Http;

/// <summary>A host with a small body limit and one allowed CORS origin.</summary>
public sealed class PipelineHostFixture : HostFixture
{
    public const string AllowedOrigin = "https://app.example.test";

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--QuantumLM:Http:MaxRequestBodyBytes", "4096",
        "--QuantumLM:Http:Cors:AllowedOrigins:0", AllowedOrigin,
    ];
}

public sealed class HttpPipelineTests(PipelineHostFixture host) : IClassFixture<PipelineHostFixture>
{
    [Theory]
    [InlineData("""{"email": "a@example.test", "password": """, "password")]
    [InlineData("""{"email": 42, "password": "longenough"}""", "email")]
    [InlineData("""{"email": "a@example.test", "password": ["x"]}""", "password")]
    [InlineData("""not json""", "body")]
    public async Task MalformedJsonOrWrongType_Is400NamingTheField(string json, string field)
    {
        using HttpClient client = host.CreateClient();
        string email = $"m{Guid.NewGuid():N}@example.test";
        string[] messages = await Problem.AssertFieldAsync(await client.PostRawAsync("/api/auth/signup", json.Replace("a@example.test", email, StringComparison.Ordinal)), field);
        Assert.DoesNotContain("System.", messages[0], StringComparison.Ordinal);
        Assert.Null(await host.App.Services.GetRequiredService<Persistence.Postgres.IUserStore>().GetCredentialsAsync(email));
    }

    [Fact]
    public async Task WrongType_SaysWhatWasExpected()
    {
        using HttpClient client = host.CreateClient();
        string[] messages = await Problem.AssertFieldAsync(await client.PostRawAsync("/api/auth/signup", """{"email": 42}"""), "email");
        Assert.Equal("has the wrong type: expected a string", messages[0]);
        string[] array = await Problem.AssertFieldAsync(await client.PostRawAsync("/api/auth/signup", """{"email": "x@example.test", "password": ["a"]}"""), "password");
        Assert.Equal("has the wrong type: expected a string", array[0]);
    }

    [Fact]
    public async Task MissingBody_Is400()
    {
        using HttpClient client = host.CreateClient();
        await Problem.AssertFieldAsync(await client.PostRawAsync("/api/auth/login", ""), "body");
    }

    [Fact]
    public async Task OversizedBody_Is413_DeclaredOrChunked()
    {
        using HttpClient client = host.CreateClient();
        string big = $$"""{"email":"{{new string('a', 5000)}}@example.test","password":"longenough"}""";
        // Declared length: refused before the body is read. Expect: 100-continue keeps the client from sending the body
        // the server will not read (otherwise the server's close can reset the connection before the 413 is read).
        using var declared = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signup") { Content = new StringContent(big, Encoding.UTF8, "application/json") };
        declared.Headers.ExpectContinue = true;
        await Problem.AssertAsync(await client.SendAsync(declared), HttpStatusCode.RequestEntityTooLarge);

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signup") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await Problem.AssertAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task WrongMediaType_Is415()
    {
        using HttpClient client = host.CreateClient();
        await Problem.AssertAsync(await client.PostRawAsync("/api/auth/login", "email=a", "text/plain"), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task UnknownRoute_Is404_WrongMethod_Is405_BothProblems()
    {
        TestUser user = await host.CreateUserAsync();
        await Problem.AssertAsync(await user.Client.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound);
        JsonElement p = await Problem.AssertAsync(await user.Client.DeleteAsync("/api/auth/login"), HttpStatusCode.MethodNotAllowed);
        Assert.True(p.TryGetProperty("trace_id", out _));
        Assert.False(p.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Json_IsSnakeCase()
    {
        TestUser user = await host.CreateUserAsync();
        string text = await user.Client.GetStringAsync("/api/auth/profile");
        Assert.Contains("\"follower_count\":", text, StringComparison.Ordinal);
        Assert.DoesNotContain("followerCount", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheEndpoints_AndThePageIsServedLocally()
    {
        using HttpClient client = host.CreateClient();
        JsonElement doc = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();
        JsonElement paths = doc.GetProperty("paths");
        foreach (string path in new[] { "/api/auth/signup", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/auth/profile",
                     "/api/users/{id}/follow", "/api/users/{id}/followers", "/api/users/{id}/following", "/api/admin/users/{id}/roles/{role}", "/api/rbac/check" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        }

        Assert.True(paths.GetProperty("/api/auth/profile").TryGetProperty("put", out _));
        Assert.Equal("bearer", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        string schemas = doc.GetProperty("components").GetProperty("schemas").ToString();
        Assert.Contains("display_name", schemas, StringComparison.Ordinal);

        HttpResponseMessage page = await client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("cdn.jsdelivr.net", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar/scalar.js")).StatusCode);
    }

    [Fact]
    public async Task CorsPreflight_AllowedOrigin_GetsTheHeaders_OtherOrigin_DoesNot()
    {
        using HttpClient client = host.CreateClient();
        HttpResponseMessage allowed = await client.SendAsync(Preflight(PipelineHostFixture.AllowedOrigin));
        Assert.True(allowed.IsSuccessStatusCode, allowed.StatusCode.ToString());
        Assert.Equal(PipelineHostFixture.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Contains("authorization", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        HttpResponseMessage other = await client.SendAsync(Preflight("https://evil.example.test"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));

        using var simple = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        simple.Headers.Add("Origin", PipelineHostFixture.AllowedOrigin);
        Assert.Equal(PipelineHostFixture.AllowedOrigin, (await client.SendAsync(simple)).Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/auth/login");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
