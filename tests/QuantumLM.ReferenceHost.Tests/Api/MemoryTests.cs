using System.Net;
using System.Text.Json;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class MemoryTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task IndexAndSearch_FindsTheRelevantFile_OnlyForItsOwner()
    {
        TestUser a = await host.CreateUserAsync();
        TestUser b = await host.CreateUserAsync();
        await (await a.Client.PostJsonAsync("/api/memory/documents", new { file_path = "sim/statevector.cs", language = "csharp", content = "class StateVector { void ApplyHadamard(int qubit) { } void MeasureQubit(int qubit) { } }" }))
            .JsonAsync(HttpStatusCode.Created);
        JsonElement big = await (await a.Client.PostJsonAsync("/api/memory/documents", new { file_path = "web/login.ts", content = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"function loginUser{i}(password: string) {{ return hashPassword(password); }}")) }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.True(big.GetProperty("chunks").GetInt32() > 1, big.ToString());
        Assert.Equal(1 + big.GetProperty("chunks").GetInt32(), await CountAsync(host, "SELECT count(*) FROM codebase_memory WHERE user_id = $1", a.Id.Value));

        JsonElement hits = await (await a.Client.GetAsync("/api/memory/search?q=apply%20hadamard%20to%20a%20qubit")).JsonAsync(HttpStatusCode.OK);
        JsonElement[] results = [.. hits.GetProperty("results").EnumerateArray()];
        Assert.NotEmpty(results);
        Assert.Equal("sim/statevector.cs", results[0].GetProperty("file_path").GetString());

        JsonElement none = await (await b.Client.GetAsync("/api/memory/search?q=apply%20hadamard%20to%20a%20qubit")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(none.GetProperty("results").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"content": "x"}""", "file_path")]
    [InlineData("""{"file_path": "a"}""", "content")]
    [InlineData("""{"file_path": "a", "content": "   \n  "}""", "content")]
    [InlineData("""{"file_path": "a", "content": ["x"]}""", "content")]
    public async Task Index_BadInput_Is400_AndWritesNothing(string json, string field)
    {
        TestUser a = await host.CreateUserAsync();
        await (await a.Client.PostRawAsync("/api/memory/documents", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await RowsOfAsync(host, a));
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=x&limit=0", "limit")]
    [InlineData("q=x&threshold=2", "threshold")]
    public async Task Search_BadQuery_Is400(string query, string field)
    {
        TestUser a = await host.CreateUserAsync();
        await (await a.Client.GetAsync($"/api/memory/search?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }
}
