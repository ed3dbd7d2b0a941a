using System.Net;
using System.Text.Json;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Users;

public sealed class FollowTests(HostFixture host) : IClassFixture<HostFixture>
{
    private static async Task<string[]> IdsAsync(HttpClient client, string path) =>
        [.. (await (await client.GetAsync(path)).JsonAsync()).GetProperty("items").EnumerateArray().Select(static i => i.GetProperty("user_id").GetString()!)];

    [Fact]
    public async Task Follow_Graph_Counts_And_Unfollow()
    {
        TestUser a = await host.CreateUserAsync();
        TestUser b = await host.CreateUserAsync();
        TestUser c = await host.CreateUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await a.Client.PostAsync($"/api/users/{c.Id}/follow", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await b.Client.PostAsync($"/api/users/{c.Id}/follow", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await b.Client.PostAsync($"/api/users/{c.Id}/follow", null)).StatusCode); // idempotent

        Assert.Equal([b.Id.ToString(), a.Id.ToString()], await IdsAsync(a.Client, $"/api/users/{c.Id}/followers"));
        Assert.Equal([c.Id.ToString()], await IdsAsync(c.Client, $"/api/users/{b.Id}/following"));
        Assert.Empty(await IdsAsync(a.Client, $"/api/users/{c.Id}/following"));

        // Counts and reputation (5 per follower) in the profiles, also after the profile was cached.
        JsonElement own = await (await c.Client.GetAsync("/api/auth/profile")).JsonAsync();
        Assert.Equal(2, own.GetProperty("follower_count").GetInt32());
        Assert.Equal(10, own.GetProperty("reputation").GetInt32());
        JsonElement seenByA = await (await a.Client.GetAsync($"/api/users/{c.Id}")).JsonAsync();
        Assert.Equal(2, seenByA.GetProperty("follower_count").GetInt32());
        Assert.Equal(JsonValueKind.Null, seenByA.GetProperty("email").ValueKind); // not the caller's own

        Assert.Equal(HttpStatusCode.NoContent, (await a.Client.DeleteAsync($"/api/users/{c.Id}/follow")).StatusCode);
        Assert.Equal([b.Id.ToString()], await IdsAsync(b.Client, $"/api/users/{c.Id}/followers"));
        JsonElement after = await (await c.Client.GetAsync("/api/auth/profile")).JsonAsync();
        Assert.Equal(1, after.GetProperty("follower_count").GetInt32());
        Assert.Equal(1, (await (await a.Client.GetAsync($"/api/users/{b.Id}")).JsonAsync()).GetProperty("following_count").GetInt32());
    }

    [Fact]
    public async Task Followers_ArePaged()
    {
        TestUser star = await host.CreateUserAsync();
        var fans = new List<TestUser>();
        for (int i = 0; i < 5; i++)
        {
            TestUser fan = await host.CreateUserAsync();
            Assert.Equal(HttpStatusCode.NoContent, (await fan.Client.PostAsync($"/api/users/{star.Id}/follow", null)).StatusCode);
            fans.Add(fan);
        }

        JsonElement page1 = await (await star.Client.GetAsync($"/api/users/{star.Id}/followers?limit=2")).JsonAsync();
        Assert.Equal(2, page1.GetProperty("next_offset").GetInt32());
        JsonElement page3 = await (await star.Client.GetAsync($"/api/users/{star.Id}/followers?limit=2&offset=4")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, page3.GetProperty("next_offset").ValueKind);
        Assert.Equal(fans[0].Id.ToString(), page3.GetProperty("items")[0].GetProperty("user_id").GetString()); // newest first: the first fan is last

        string[] all = [
            .. await IdsAsync(star.Client, $"/api/users/{star.Id}/followers?limit=2"),
            .. await IdsAsync(star.Client, $"/api/users/{star.Id}/followers?limit=2&offset=2"),
            .. await IdsAsync(star.Client, $"/api/users/{star.Id}/followers?limit=2&offset=4")];
        Assert.Equal(fans.Select(f => f.Id.ToString()).Reverse(), all);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=950&limit=100", "offset")]
    [InlineData("limit=abc", "limit")]
    public async Task Followers_BadPaging_Is400NamingTheField(string query, string field)
    {
        TestUser user = await host.CreateUserAsync();
        await Problem.AssertFieldAsync(await user.Client.GetAsync($"/api/users/{user.Id}/followers?{query}"), field);
    }

    [Fact]
    public async Task FollowSelf_Is400_AndWritesNothing()
    {
        TestUser user = await host.CreateUserAsync();
        await Problem.AssertFieldAsync(await user.Client.PostAsync($"/api/users/{user.Id}/follow", null), "id");
        Assert.Equal(0, (await (await user.Client.GetAsync("/api/auth/profile")).JsonAsync()).GetProperty("following_count").GetInt32());
    }

    [Fact]
    public async Task UnknownUser_Is404_And_MalformedId_Is400()
    {
        TestUser user = await host.CreateUserAsync();
        string unknown = Guid.NewGuid().ToString();
        await Problem.AssertAsync(await user.Client.PostAsync($"/api/users/{unknown}/follow", null), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await user.Client.DeleteAsync($"/api/users/{unknown}/follow"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await user.Client.GetAsync($"/api/users/{unknown}/followers"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await user.Client.GetAsync($"/api/users/{unknown}"), HttpStatusCode.NotFound);
        await Problem.AssertFieldAsync(await user.Client.PostAsync("/api/users/not-a-uuid/follow", null), "id");
    }
}
