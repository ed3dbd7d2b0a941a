using Microsoft.Extensions.Options;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using QuantumLM.Testing;

namespace QuantumLM.Persistence.Postgres.Tests;

/// <summary>
/// A fresh, migrated database for one test class: created from the owner connection (QUANTUMLM_TEST_DB), migrated as
/// the owner, used as the non-owner application role (QUANTUMLM_DB), dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new() { AppMaxPoolSize = 60 };

    public string Name => _database.Name;

    public NpgsqlDataSource Owner { get; private set; } = null!;

    public NpgsqlDataSource App { get; private set; } = null!;

    public string OwnerConnectionString => _database.OwnerConnectionString;

    public string AppConnectionString => _database.AppConnectionString;

    internal PostgresDataSources Sources { get; private set; } = null!;

    internal DbSessionFactory Sessions { get; private set; } = null!;

    public static string AdminConnectionString => PostgresDatabase.AdminConnectionString;

    public static string AppBaseConnectionString => PostgresDatabase.AppBaseConnectionString;

    public bool Migrate { get; init; } = true;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        try
        {
            await SetUpAsync();
        }
        catch
        {
            await DisposeAsync(); // never leave a half-made database behind on the shared cluster
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        Owner = NpgsqlDataSource.Create(OwnerConnectionString);
        App = NpgsqlDataSource.Create(AppConnectionString);
        Sources = new PostgresDataSources(App, null, Owner);
        Sessions = new DbSessionFactory(Sources);
        if (Migrate)
        {
            await NewMigrator().MigrateAsync();
        }
    }

    internal PostgresMigrator NewMigrator(IReadOnlyList<MigrationScript>? scripts = null) =>
        new(Owner, scripts ?? MigrationScript.LoadEmbedded(), "quantumlm_app");

    internal static IOptions<QuantumLmPostgresOptions> Options(Action<QuantumLmPostgresOptions>? configure = null)
    {
        var o = new QuantumLmPostgresOptions();
        configure?.Invoke(o);
        return Microsoft.Extensions.Options.Options.Create(o);
    }

    internal PostgresTaskQueue NewQueue(Action<QuantumLmPostgresOptions>? configure = null) =>
        new(Sessions, Sources, Options(configure), TimeProvider.System);

    internal PostgresAgentEvents NewEvents(Action<QuantumLmPostgresOptions>? configure = null) =>
        new(Sessions, Sources, Options(configure));

    /// <summary>Runs SQL as the owner (bypassing nothing: owner policies apply; use only for set-up through the app roles when possible).</summary>
    public async Task<object?> OwnerScalarAsync(string sql, params object?[] args)
    {
        await using var cmd = Owner.CreateCommand(sql);
        foreach (object? a in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = a ?? DBNull.Value });
        }

        return await cmd.ExecuteScalarAsync();
    }

    /// <summary>Runs SQL under an identity and returns the first column of the first row.</summary>
    internal async Task<object?> ScalarAsAsync(DbIdentity identity, string sql, params object?[] args)
    {
        await using DbSession s = await Sessions.OpenAsync(identity);
        await using var cmd = s.Command(sql);
        foreach (object? a in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = a ?? DBNull.Value });
        }

        object? r = await cmd.ExecuteScalarAsync();
        await s.CommitAsync();
        return r is DBNull ? null : r;
    }

    /// <summary>Runs SQL under an identity and returns the affected row count.</summary>
    internal async Task<int> ExecAsAsync(DbIdentity identity, string sql, params object?[] args)
    {
        await using DbSession s = await Sessions.OpenAsync(identity);
        await using var cmd = s.Command(sql);
        foreach (object? a in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = a ?? DBNull.Value });
        }

        int n = await cmd.ExecuteNonQueryAsync();
        await s.CommitAsync();
        return n;
    }

    public static readonly DbIdentity Service = DbIdentity.ForService("tests");

    /// <summary>Creates a user (as the auth service) with the given roles, and returns its identity.</summary>
    internal async Task<DbIdentity> CreateUserAsync(string name, params Role[] roles)
    {
        var id = UserId.New();
        await ExecAsAsync(Service, "INSERT INTO users (user_id, email, password_hash) VALUES ($1, $2, $3)", id.Value, $"{name}-{id.Value:N}@example.test", new string('h', 60));
        foreach (Role r in roles)
        {
            await ExecAsAsync(Service, "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)", id.Value, (short)r);
        }

        return DbIdentity.ForUser(id, roles);
    }

    internal async Task<SessionId> CreateSessionAsync(DbIdentity owner, string name = "s")
    {
        var sid = SessionId.New();
        await ExecAsAsync(owner, "INSERT INTO arena_sessions (session_id, user_id, session_name) VALUES ($1, $2, $3)", sid.Value, owner.UserId!.Value.Value, name);
        return sid;
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Owner is not null)
        {
            await Owner.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
