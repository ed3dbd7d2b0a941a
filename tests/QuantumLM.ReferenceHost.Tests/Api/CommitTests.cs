using System.Net;
using System.Text.Json;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class CommitTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    // Two files: 3 added lines, 1 deleted (counted by hand).
    private const string Diff = """
        diff --git a/src/a.py b/src/a.py
        --- a/src/a.py
        +++ b/src/a.py
        @@ -1,2 +1,3 @@
         import os
        -print(1)
        +print(2)
        +print(3)
        --- /dev/null
        +++ b/README.md
        @@ -0,0 +1,1 @@
        +hello

        """;

    [Fact]
    public async Task Commit_Created_WithStats_AndSameContentSameHash()
    {
        TestUser u = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(u);
        var body = new { session_id = session, commit_message = "print more", diff = Diff, author = "Ada" };
        JsonElement c = await (await u.Client.PostJsonAsync("/api/commits", body)).JsonAsync(HttpStatusCode.Created);
        string hash = c.GetProperty("commit_hash").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(2, c.GetProperty("files_changed").GetInt32());
        Assert.Equal(3, c.GetProperty("additions").GetInt32());
        Assert.Equal(1, c.GetProperty("deletions").GetInt32());

        JsonElement again = await (await u.Client.PostJsonAsync("/api/commits", body)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(hash, again.GetProperty("commit_hash").GetString());
        JsonElement other = await (await u.Client.PostJsonAsync("/api/commits", body with { commit_message = "print more!" })).JsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(hash, other.GetProperty("commit_hash").GetString());

        JsonElement list = await (await u.Client.GetAsync($"/api/arena/session/{session}/commits")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, list.GetProperty("commits").GetArrayLength());
        Assert.Equal(2, await CountAsync(host, "SELECT count(*) FROM commit_logs WHERE session_id = $1", session));
    }

    [Theory]
    [InlineData("just some text", "1:1 ")]
    [InlineData("--- a/x\n@@ -1 +1 @@\n-a\n+b\n", "2:1 ")]
    [InlineData("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n", "6:1 ")]
    [InlineData("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n", "6:1 ")]
    [InlineData("--- a/x\n+++ b/x\n@@ bad @@\n-a\n", "3:1 ")]
    [InlineData("@@ -1 +1 @@\n-a\n+b\n", "1:1 ")]
    public async Task Commit_MalformedDiff_Is400WithPosition_AndWritesNothing(string diff, string position)
    {
        TestUser u = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(u);
        string? message = await (await u.Client.PostJsonAsync("/api/commits", new { session_id = session, commit_message = "m", diff })).AssertProblemAsync(HttpStatusCode.BadRequest, "diff");
        Assert.StartsWith(position, message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(host, "SELECT count(*) FROM commit_logs WHERE session_id = $1", session));
    }

    [Theory]
    [InlineData("""{"commit_message": "m", "diff": "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n"}""", "session_id")]
    [InlineData("""{"session_id": "SESSION", "diff": "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n"}""", "commit_message")]
    [InlineData("""{"session_id": "SESSION", "commit_message": "m"}""", "diff")]
    [InlineData("""{"session_id": "SESSION", "commit_message": "m", "diff": "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n", "author": 7}""", "author")]
    public async Task Commit_MissingOrWrongFields_Are400(string json, string field)
    {
        TestUser u = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(u);
        await (await u.Client.PostRawAsync("/api/commits", json.Replace("SESSION", session.ToString(), StringComparison.Ordinal))).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await CountAsync(host, "SELECT count(*) FROM commit_logs WHERE session_id = $1", session));
    }
}
