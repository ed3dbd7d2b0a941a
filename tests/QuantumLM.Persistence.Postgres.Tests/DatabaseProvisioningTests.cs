using Npgsql;

namespace QuantumLM.Persistence.Postgres.Tests;

/// <summary>Checks what eng/postgres.sh promises: a reachable server and an application role that cannot sidestep RLS.</summary>
public sealed class DatabaseProvisioningTests
{
    private static string AppConnectionString =>
        Environment.GetEnvironmentVariable("QUANTUMLM_DB")
        ?? throw new InvalidOperationException("QUANTUMLM_DB is not set: run the tests through ./test.sh, which prepares PostgreSQL.");

    [Fact]
    public async Task AppRole_IsNeitherSuperuserNorOwnerNorRlsBypassing()
    {
        await using var ds = NpgsqlDataSource.Create(AppConnectionString);
        await using var cmd = ds.CreateCommand(
            "SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, pg_get_userbyid(d.datdba) = current_user " +
            "FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()");
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0), "superuser");
        Assert.False(reader.GetBoolean(1), "bypassrls");
        Assert.False(reader.GetBoolean(2), "createrole");
        Assert.False(reader.GetBoolean(3), "owns the database");
    }

    [Fact]
    public async Task Server_ListensOnLoopbackOnly()
    {
        await using var ds = NpgsqlDataSource.Create(AppConnectionString);
        await using var cmd = ds.CreateCommand("SELECT inet_server_addr()::text");
        string? addr = (string?)await cmd.ExecuteScalarAsync();
        Assert.StartsWith("127.0.0.1", addr, StringComparison.Ordinal);
    }
}
