using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Auth;

public sealed class AuthFlowTests(HostFixture host) : IClassFixture<HostFixture>
{
    private const string Password = "correct horse battery";

    private static string NewEmail() => $"flow{Guid.NewGuid():N}@example.test";

    private static async Task<(string UserId, string Email)> SignupAsync(HttpClient client, string? email = null, string? displayName = "Ada")
    {
        email ??= NewEmail();
        JsonElement body = await (await client.PostObjectAsync("/api/auth/signup", new { email, password = Password, display_name = displayName }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(email, body.GetProperty("email").GetString());
        return (body.GetProperty("user_id").GetString()!, email);
    }

    private static async Task<JsonElement> LoginAsync(HttpClient client, string email, string password = Password) =>
        await (await client.PostObjectAsync("/api/auth/login", new { email, password })).JsonAsync();

    private async Task<bool> ExistsAsync(string email) =>
        await host.App.Services.GetRequiredService<IUserStore>().GetCredentialsAsync(email) is not null;

    [Fact]
    public async Task Signup_Login_Profile_Update_Refresh_OldRefreshRejected()
    {
        using HttpClient client = host.CreateClient();
        (string userId, string email) = await SignupAsync(client);

        JsonElement tokens = await LoginAsync(client, email.ToUpperInvariant());
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.InRange(tokens.GetProperty("expires_in").GetInt32(), 14 * 60, 15 * 60);
        string access = tokens.GetProperty("access_token").GetString()!;
        string refresh = tokens.GetProperty("refresh_token").GetString()!;

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        JsonElement profile = await (await client.GetAsync("/api/auth/profile")).JsonAsync();
        Assert.Equal(userId, profile.GetProperty("user_id").GetString());
        Assert.Equal(email, profile.GetProperty("email").GetString());
        Assert.Equal("Ada", profile.GetProperty("display_name").GetString());
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("bio").ValueKind);
        Assert.Equal(0, profile.GetProperty("roles").GetArrayLength());
        Assert.Equal(0, profile.GetProperty("follower_count").GetInt32());
        Assert.Equal(0, profile.GetProperty("following_count").GetInt32());
        Assert.Equal(0, profile.GetProperty("reputation").GetInt32());

        JsonElement updated = await (await client.PutAsJsonAsync("/api/auth/profile", new { bio = "Quantum gardener", avatar_url = "https://img.example.test/a.png" })).JsonAsync();
        Assert.Equal("Quantum gardener", updated.GetProperty("bio").GetString());
        Assert.Equal("Ada", updated.GetProperty("display_name").GetString());
        JsonElement reread = await (await client.GetAsync("/api/auth/profile")).JsonAsync();
        Assert.Equal("https://img.example.test/a.png", reread.GetProperty("avatar_url").GetString());
        Assert.Equal("Quantum gardener", reread.GetProperty("bio").GetString());

        JsonElement rotated = await (await client.PostObjectAsync("/api/auth/refresh", new { refresh_token = refresh })).JsonAsync();
        string refresh2 = rotated.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(refresh, refresh2);
        using (HttpClient fresh = host.CreateClient())
        {
            fresh.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", rotated.GetProperty("access_token").GetString());
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/api/auth/profile")).StatusCode);
        }

        await Problem.AssertAsync(await client.PostObjectAsync("/api/auth/refresh", new { refresh_token = refresh }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_RecordsLastLogin()
    {
        using HttpClient client = host.CreateClient();
        (string userId, string email) = await SignupAsync(client);
        IAccountStore accounts = host.App.Services.GetRequiredService<IAccountStore>();
        Assert.Null((await accounts.GetAccountAsync(Abstractions.UserId.Parse(userId, null)))!.LastLogin);
        await LoginAsync(client, email);
        Assert.NotNull((await accounts.GetAccountAsync(Abstractions.UserId.Parse(userId, null)))!.LastLogin);
    }

    [Fact]
    public async Task Refresh_ReusedToken_RevokesTheWholeFamily()
    {
        using HttpClient client = host.CreateClient();
        (_, string email) = await SignupAsync(client);
        string r1 = (await LoginAsync(client, email)).GetProperty("refresh_token").GetString()!;
        string r2 = (await (await client.PostObjectAsync("/api/auth/refresh", new { refresh_token = r1 })).JsonAsync()).GetProperty("refresh_token").GetString()!;

        // r1 presented again (stolen): refused, and r2, issued from it, stops working too.
        await Problem.AssertAsync(await client.PostObjectAsync("/api/auth/refresh", new { refresh_token = r1 }), HttpStatusCode.Unauthorized);
        await Problem.AssertAsync(await client.PostObjectAsync("/api/auth/refresh", new { refresh_token = r2 }), HttpStatusCode.Unauthorized);

        // A separate login (another device) is not part of that family.
        string other = (await LoginAsync(client, email)).GetProperty("refresh_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.PostObjectAsync("/api/auth/refresh", new { refresh_token = other })).StatusCode);
    }

    [Fact]
    public async Task Logout_RevokesTheRefreshToken()
    {
        using HttpClient client = host.CreateClient();
        (_, string email) = await SignupAsync(client);
        string refresh = (await LoginAsync(client, email)).GetProperty("refresh_token").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostObjectAsync("/api/auth/logout", new { refresh_token = refresh })).StatusCode);
        await Problem.AssertAsync(await client.PostObjectAsync("/api/auth/refresh", new { refresh_token = refresh }), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostObjectAsync("/api/auth/logout", new { refresh_token = refresh })).StatusCode);
    }

    [Fact]
    public async Task Refresh_UnknownOrMissingToken()
    {
        using HttpClient client = host.CreateClient();
        await Problem.AssertAsync(await client.PostObjectAsync("/api/auth/refresh", new { refresh_token = "not-a-token" }), HttpStatusCode.Unauthorized);
        await Problem.AssertFieldAsync(await client.PostObjectAsync("/api/auth/refresh", new { }), "refresh_token");
    }

    [Fact]
    public async Task Login_WrongPasswordAndUnknownEmail_AreTheSame401()
    {
        using HttpClient client = host.CreateClient();
        (_, string email) = await SignupAsync(client);
        JsonElement wrong = await Problem.AssertAsync(await client.PostObjectAsync("/api/auth/login", new { email, password = "wrong password!" }), HttpStatusCode.Unauthorized);
        JsonElement unknown = await Problem.AssertAsync(await client.PostObjectAsync("/api/auth/login", new { email = NewEmail(), password = Password }), HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
        await Problem.AssertFieldAsync(await client.PostObjectAsync("/api/auth/login", new { email }), "password");
    }

    [Theory]
    [InlineData("not-an-email", Password, null, "email")]
    [InlineData("", Password, null, "email")]
    [InlineData("VALID@example.test", "short", null, "password")]
    [InlineData("VALID@example.test", null, null, "password")]
    [InlineData("VALID@example.test", Password, "", "display_name")]
    [InlineData("VALID@example.test", Password, "101", "display_name")]
    public async Task Signup_InvalidInput_Is400NamingTheField_AndWritesNothing(string email, string? password, string? displayName, string field)
    {
        using HttpClient client = host.CreateClient();
        string unique = email.Replace("VALID", "v" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        string? name = displayName == "101" ? new string('x', 101) : displayName;
        string[] messages = await Problem.AssertFieldAsync(await client.PostObjectAsync("/api/auth/signup", new { email = unique, password, display_name = name }), field);
        Assert.All(messages, m => Assert.False(string.IsNullOrWhiteSpace(m)));
        if (unique.Contains('@', StringComparison.Ordinal))
        {
            Assert.False(await ExistsAsync(unique));
        }
    }

    [Fact]
    public async Task Signup_DuplicateEmail_Is409NamingEmail_CaseInsensitive()
    {
        using HttpClient client = host.CreateClient();
        (string userId, string email) = await SignupAsync(client);
        string[] messages = await Problem.AssertFieldAsync(
            await client.PostObjectAsync("/api/auth/signup", new { email = email.ToUpperInvariant(), password = "another password" }), "email", HttpStatusCode.Conflict);
        Assert.Contains("already registered", messages[0], StringComparison.Ordinal);

        // The original account still logs in with its own password.
        Assert.Equal(HttpStatusCode.OK, (await client.PostObjectAsync("/api/auth/login", new { email, password = Password })).StatusCode);
        Assert.Equal(userId, (await host.App.Services.GetRequiredService<IUserStore>().GetCredentialsAsync(email))!.UserId.ToString());
    }

    [Theory]
    [InlineData("""{"display_name":""}""", "display_name")]
    [InlineData("""{"avatar_url":"javascript:alert(1)"}""", "avatar_url")]
    [InlineData("""{"avatar_url":"ftp://example.test/a.png"}""", "avatar_url")]
    [InlineData("""{"avatar_url":"/relative.png"}""", "avatar_url")]
    [InlineData("""{}""", "body")]
    public async Task UpdateProfile_InvalidInput_Is400NamingTheField_AndChangesNothing(string json, string field)
    {
        TestUser user = await host.CreateUserAsync();
        await Problem.AssertFieldAsync(await user.Client.PutAsync("/api/auth/profile", new StringContent(json, System.Text.Encoding.UTF8, "application/json")), field);
        JsonElement profile = await (await user.Client.GetAsync("/api/auth/profile")).JsonAsync();
        Assert.Equal("Test User", profile.GetProperty("display_name").GetString());
        Assert.Equal(JsonValueKind.Null, profile.GetProperty("avatar_url").ValueKind);
    }

    [Fact]
    public async Task UpdateProfile_BioTooLong_Is400()
    {
        TestUser user = await host.CreateUserAsync();
        string[] messages = await Problem.AssertFieldAsync(await user.Client.PutAsJsonAsync("/api/auth/profile", new { bio = new string('b', 2001) }), "bio");
        Assert.Contains("2000", messages[0], StringComparison.Ordinal);
    }
}
