using System.Net;
using System.Text.Json;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Users;

public sealed class RbacTests(HostFixture host) : IClassFixture<HostFixture>
{
    private static async Task<JsonElement> CheckAsync(HttpClient client, string permission) =>
        await (await client.GetAsync($"/api/rbac/check?permission={Uri.EscapeDataString(permission)}")).JsonAsync();

    [Fact]
    public async Task Check_ReflectsTheRolesInTheDatabase()
    {
        TestUser researcher = await host.CreateUserAsync(Role.Researcher);
        JsonElement create = await CheckAsync(researcher.Client, "experiments:create");
        Assert.Equal("experiments:create", create.GetProperty("permission").GetString());
        Assert.True(create.GetProperty("allowed").GetBoolean());
        Assert.Equal(["researcher"], create.GetProperty("roles").EnumerateArray().Select(static r => r.GetString()));
        Assert.False((await CheckAsync(researcher.Client, "roles:manage")).GetProperty("allowed").GetBoolean());
        Assert.False((await CheckAsync(researcher.Client, "no:such-permission")).GetProperty("allowed").GetBoolean());

        TestUser admin = await host.CreateUserAsync(Role.Admin);
        Assert.True((await CheckAsync(admin.Client, "roles:manage")).GetProperty("allowed").GetBoolean());
        Assert.True((await CheckAsync(admin.Client, "anything:at-all")).GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task Check_WithoutPermission_Is400()
    {
        TestUser user = await host.CreateUserAsync();
        await Problem.AssertFieldAsync(await user.Client.GetAsync("/api/rbac/check"), "permission");
        await Problem.AssertFieldAsync(await user.Client.GetAsync("/api/rbac/check?permission=%20"), "permission");
    }

    [Fact]
    public async Task Admin_GrantsAndRevokes_Audited_AndChecksSeeItAtOnce()
    {
        TestUser admin = await host.CreateUserAsync(Role.Admin);
        TestUser user = await host.CreateUserAsync();
        Assert.False((await CheckAsync(user.Client, "jobs:manage")).GetProperty("allowed").GetBoolean()); // cached now

        JsonElement granted = await (await admin.Client.PostAsync($"/api/admin/users/{user.Id}/roles/operator", null)).JsonAsync();
        Assert.True(granted.GetProperty("changed").GetBoolean());
        Assert.Equal(["operator"], granted.GetProperty("roles").EnumerateArray().Select(static r => r.GetString()));
        Assert.True((await CheckAsync(user.Client, "jobs:manage")).GetProperty("allowed").GetBoolean());
        Assert.False((await (await admin.Client.PostAsync($"/api/admin/users/{user.Id}/roles/operator", null)).JsonAsync()).GetProperty("changed").GetBoolean());
        Assert.Equal(["operator"], (await (await user.Client.GetAsync("/api/auth/profile")).JsonAsync()).GetProperty("roles").EnumerateArray().Select(static r => r.GetString()));

        JsonElement revoked = await (await admin.Client.DeleteAsync($"/api/admin/users/{user.Id}/roles/operator")).JsonAsync();
        Assert.True(revoked.GetProperty("changed").GetBoolean());
        Assert.Equal(0, revoked.GetProperty("roles").GetArrayLength());
        Assert.False((await CheckAsync(user.Client, "jobs:manage")).GetProperty("allowed").GetBoolean());

        JsonElement audit = await (await admin.Client.GetAsync($"/api/admin/users/{user.Id}/roles/audit")).JsonAsync();
        Assert.Equal(["grant", "revoke"], audit.EnumerateArray().Select(static e => e.GetProperty("action").GetString()));
        Assert.All(audit.EnumerateArray(), e =>
        {
            Assert.Equal("operator", e.GetProperty("role").GetString());
            Assert.Equal($"user:{admin.Id}", e.GetProperty("actor").GetString());
        });
    }

    [Fact]
    public async Task NonAdmin_Is403_AndChangesNothing()
    {
        TestUser researcher = await host.CreateUserAsync(Role.Researcher);
        TestUser user = await host.CreateUserAsync();
        await Problem.AssertAsync(await researcher.Client.PostAsync($"/api/admin/users/{user.Id}/roles/admin", null), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await researcher.Client.PostAsync($"/api/admin/users/{researcher.Id}/roles/admin", null), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await researcher.Client.DeleteAsync($"/api/admin/users/{user.Id}"), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await researcher.Client.GetAsync($"/api/admin/users/{user.Id}/roles/audit"), HttpStatusCode.Forbidden);
        Assert.Equal(0, (await (await user.Client.GetAsync("/api/auth/profile")).JsonAsync()).GetProperty("roles").GetArrayLength());
        Assert.False((await CheckAsync(researcher.Client, "roles:manage")).GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task Admin_UnknownRole_Is400_UnknownUser_Is404()
    {
        TestUser admin = await host.CreateUserAsync(Role.Admin);
        TestUser user = await host.CreateUserAsync();
        string[] messages = await Problem.AssertFieldAsync(await admin.Client.PostAsync($"/api/admin/users/{user.Id}/roles/superuser", null), "role");
        Assert.Contains("researcher", messages[0], StringComparison.Ordinal);
        await Problem.AssertAsync(await admin.Client.PostAsync($"/api/admin/users/{Guid.NewGuid()}/roles/viewer", null), HttpStatusCode.NotFound);
    }
}
