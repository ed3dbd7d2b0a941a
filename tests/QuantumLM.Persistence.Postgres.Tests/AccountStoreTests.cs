using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;

namespace QuantumLM.Persistence.Postgres.Tests;

public sealed class AccountStoreTests(AccountStoreTests.Fixture fx) : IClassFixture<AccountStoreTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public TestDatabase Db { get; } = new();

        public Task InitializeAsync() => Db.InitializeAsync();

        public Task DisposeAsync() => Db.DisposeAsync();
    }

    private TestDatabase Db => fx.Db;

    private PostgresUserStore Users => new(Db.Sessions, TestDatabase.Options());

    private PostgresAccountStore Accounts => new(Db.Sessions, TestDatabase.Options());

    private static DateTimeOffset Later => DateTimeOffset.UtcNow.AddHours(1);

    private static string Hash(char c) => new(c, 64);

    [Fact]
    public async Task GetAccount_RecordLogin_AndSoftDeletedAccountsCountAsGone()
    {
        DbIdentity u = await Db.CreateUserAsync("acct");
        UserId id = u.UserId!.Value;
        AccountRecord account = (await Accounts.GetAccountAsync(id))!;
        Assert.Equal((id, (string?)null, (DateTimeOffset?)null), (account.UserId, account.ExternalIssuer, account.LastLogin));
        Assert.EndsWith("@example.test", account.Email, StringComparison.Ordinal);

        await Accounts.RecordLoginAsync(id);
        Assert.NotNull((await Accounts.GetAccountAsync(id))!.LastLogin);

        await Db.ExecAsAsync(TestDatabase.Service, "UPDATE users SET deleted_at = clock_timestamp() WHERE user_id = $1", id.Value);
        Assert.Null(await Accounts.GetAccountAsync(id));
        Assert.Null(await Accounts.GetAccountAsync(UserId.New()));
    }

    [Fact]
    public async Task RevokeRefreshToken_IsSingleUse_AndStopsRotation()
    {
        DbIdentity u = await Db.CreateUserAsync("logout");
        await Users.StoreRefreshTokenAsync(Hash('a'), u.UserId!.Value, Later);
        Assert.Equal(u.UserId, await Accounts.RevokeRefreshTokenAsync(Hash('a')));
        Assert.Null(await Accounts.RevokeRefreshTokenAsync(Hash('a')));
        Assert.Null(await Users.RotateRefreshTokenAsync(Hash('a'), Hash('b'), Later));
        Assert.Null(await Accounts.RevokeRefreshTokenAsync(Hash('f')));
    }

    [Fact]
    public async Task RevokeFamily_OnReuse_RevokesEverySuccessor_ButNotOtherChains()
    {
        DbIdentity u = await Db.CreateUserAsync("family");
        UserId id = u.UserId!.Value;
        await Users.StoreRefreshTokenAsync(Hash('1'), id, Later);
        await Users.StoreRefreshTokenAsync(Hash('9'), id, Later); // another device
        Assert.Equal(id, await Users.RotateRefreshTokenAsync(Hash('1'), Hash('2'), Later));
        Assert.Equal(id, await Users.RotateRefreshTokenAsync(Hash('2'), Hash('3'), Later));

        Assert.Equal(0, await Accounts.RevokeRefreshTokenFamilyAsync(Hash('3'))); // never rotated: not a reuse
        Assert.Equal(0, await Accounts.RevokeRefreshTokenFamilyAsync(Hash('0'))); // unknown

        // Hash '1' presented again: its successors '2' (already revoked by rotation) and '3' (active) are revoked.
        Assert.Equal(1, await Accounts.RevokeRefreshTokenFamilyAsync(Hash('1')));
        Assert.Null(await Users.RotateRefreshTokenAsync(Hash('3'), Hash('4'), Later));
        Assert.Equal(id, await Users.RotateRefreshTokenAsync(Hash('9'), Hash('8'), Later));
        Assert.Equal(0, await Accounts.RevokeRefreshTokenFamilyAsync(Hash('1')));
    }

    [Fact]
    public async Task DeleteUser_AsAdminOrService_Cascades_OthersDeleteNothing()
    {
        DbIdentity admin = await Db.CreateUserAsync("admin", Role.Admin);
        DbIdentity other = await Db.CreateUserAsync("other");
        DbIdentity victim = await Db.CreateUserAsync("victim");
        UserId id = victim.UserId!.Value;
        await Users.StoreRefreshTokenAsync(Hash('c'), id, Later);

        Assert.False(await Accounts.DeleteUserAsync(other, id));
        Assert.NotNull(await Accounts.GetAccountAsync(id));

        Assert.True(await Accounts.DeleteUserAsync(admin, id));
        Assert.Null(await Accounts.GetAccountAsync(id));
        Assert.Null(await Users.RotateRefreshTokenAsync(Hash('c'), Hash('d'), Later));
        Assert.Equal(0L, await Db.ScalarAsAsync(TestDatabase.Service, "SELECT count(*) FROM refresh_tokens WHERE user_id = $1", id.Value));
        Assert.False(await Accounts.DeleteUserAsync(admin, id));

        DbIdentity gone = await Db.CreateUserAsync("gone");
        Assert.True(await Accounts.DeleteUserAsync(TestDatabase.Service, gone.UserId!.Value));
    }
}
