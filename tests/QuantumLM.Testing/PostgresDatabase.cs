using Npgsql;

namespace QuantumLM.Testing;

/// <summary>
/// A throwaway database on the local cluster prepared by eng/postgres.sh: created empty from the owner connection
/// (<c>QUANTUMLM_TEST_DB</c>), reachable as the schema owner and as the non-owner application role
/// (<c>QUANTUMLM_DB</c>), dropped on dispose. Each test class gets its own, so tests never share state.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    /// <summary>Gets the owner connection string of the cluster's test database (creates and drops databases).</summary>
    public static string AdminConnectionString => Env("QUANTUMLM_TEST_DB");

    /// <summary>Gets the application role's connection string, before the database is chosen.</summary>
    public static string AppBaseConnectionString => Env("QUANTUMLM_DB");

    /// <summary>Gets the database name.</summary>
    public string Name { get; } = "qlm_t_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Gets the pool size of <see cref="AppConnectionString"/>.</summary>
    /// <value>The default is 40.</value>
    public int AppMaxPoolSize { get; init; } = 40;

    /// <summary>Gets the owner's connection string (migrations, set-up).</summary>
    public string OwnerConnectionString { get; private set; } = string.Empty;

    /// <summary>Gets the application role's connection string (row-level security applies).</summary>
    public string AppConnectionString { get; private set; } = string.Empty;

    private static string Env(string name) =>
        Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: run the tests through ./test.sh, which prepares PostgreSQL.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await using (var ds = NpgsqlDataSource.Create(AdminConnectionString))
        {
            await using var create = ds.CreateCommand($"CREATE DATABASE {Name} OWNER quantumlm_owner");
            await create.ExecuteNonQueryAsync();
        }

        OwnerConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = Name }.ConnectionString;
        AppConnectionString = new NpgsqlConnectionStringBuilder(AppBaseConnectionString) { Database = Name, MaxPoolSize = AppMaxPoolSize }.ConnectionString;
        try
        {
            await using var owner = NpgsqlDataSource.Create(OwnerConnectionString);
            await using var grant = owner.CreateCommand($"GRANT CONNECT ON DATABASE {Name} TO quantumlm_app");
            await grant.ExecuteNonQueryAsync();
        }
        catch
        {
            await DisposeAsync(); // never leave a half-made database behind on the shared cluster
            throw;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var ds = NpgsqlDataSource.Create(AdminConnectionString);
        await using var drop = ds.CreateCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }
}
