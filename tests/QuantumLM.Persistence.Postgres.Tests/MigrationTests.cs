using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Persistence.Postgres.Tests;

public sealed class MigrationTests
{
    private static async Task<long> HistoryCountAsync(TestDatabase db) =>
        (long)(await db.OwnerScalarAsync("SELECT count(*) FROM quantumlm_schema_history"))!;

    [Fact]
    public async Task MigrateAsync_FreshDatabase_AppliesAllInOrder_ThenIsIdempotent()
    {
        var db = new TestDatabase { Migrate = false };
        await db.InitializeAsync();
        try
        {
            int expected = MigrationScript.LoadEmbedded().Count;
            Assert.True(expected >= 4);
            MigrationResult first = await db.NewMigrator().MigrateAsync();
            Assert.Equal(Enumerable.Range(1, expected), first.Applied);
            Assert.Equal(0, first.AlreadyApplied);

            MigrationResult second = await db.NewMigrator().MigrateAsync();
            Assert.Empty(second.Applied);
            Assert.Equal(expected, second.AlreadyApplied);
            Assert.Equal(expected, await HistoryCountAsync(db));
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task MigrateAsync_ConcurrentStarters_ApplyEachScriptExactlyOnce()
    {
        var db = new TestDatabase { Migrate = false };
        await db.InitializeAsync();
        try
        {
            var sources = Enumerable.Range(0, 6).Select(_ => NpgsqlDataSource.Create(db.OwnerConnectionString)).ToList();
            MigrationResult[] results = await Task.WhenAll(sources.Select(ds =>
                Task.Run(() => new PostgresMigrator(ds, MigrationScript.LoadEmbedded(), "quantumlm_app").MigrateAsync())));
            int expected = MigrationScript.LoadEmbedded().Count;
            Assert.Single(results, r => r.Applied.Count == expected);
            Assert.Equal(5, results.Count(r => r.Applied.Count == 0 && r.AlreadyApplied == expected));
            Assert.Equal(expected, await HistoryCountAsync(db));
            foreach (var ds in sources)
            {
                await ds.DisposeAsync();
            }
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task MigrateAsync_AppliedScriptChanged_RefusesWithChecksumError()
    {
        await using var db = new AsyncDb();
        var scripts = MigrationScript.LoadEmbedded().ToList();
        scripts[1] = scripts[1] with { Sql = scripts[1].Sql + "\n-- edited after release\n" };
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => db.Db.NewMigrator(scripts).MigrateAsync());
        Assert.Equal(QuantumLmErrorCodes.Conflict, ex.ErrorCode);
        Assert.Contains("V0002__tables was changed after it was applied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_DatabaseNewerThanPackage_Refuses()
    {
        await using var db = new AsyncDb();
        var scripts = MigrationScript.LoadEmbedded().Take(2).ToList();
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => db.Db.NewMigrator(scripts).MigrateAsync());
        Assert.Contains("newer than the code", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_FailingScript_AppliesNothingOfTheBatch()
    {
        await using var db = new AsyncDb();
        var scripts = MigrationScript.LoadEmbedded().ToList();
        int next = scripts.Count + 1;
        scripts.Add(new MigrationScript(next, "ok_part", "CREATE TABLE migration_probe (x int);"));
        scripts.Add(new MigrationScript(next + 1, "broken", "CREATE TABLE probe2 (x int); SELECT no_such_function();"));
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => db.Db.NewMigrator(scripts).MigrateAsync());
        Assert.Contains($"V{next + 1:D4}__broken failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", ex.Message, StringComparison.Ordinal);
        Assert.Equal(next - 1, await HistoryCountAsync(db.Db));
        Assert.Equal(true, await db.Db.OwnerScalarAsync("SELECT to_regclass('migration_probe') IS NULL"));
    }

    [Fact]
    public async Task ApplyMigrationsOnStartup_MigratesThroughTheOwnerDataSource_WhenTheHostStarts()
    {
        var db = new TestDatabase { Migrate = false };
        await db.InitializeAsync();
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddNpgsqlDataSource(db.AppConnectionString);
            builder.Services.AddNpgsqlDataSource(db.OwnerConnectionString, serviceKey: "owner");
            builder.Services.AddQuantumLmPostgres(o => o.ApplicationRole = "quantumlm_app")
                .UseNpgsqlDataSource()
                .UseMigrationNpgsqlDataSource("owner")
                .ApplyMigrationsOnStartup();
            using IHost host = builder.Build();
            await host.StartAsync();
            Assert.Equal(MigrationScript.LoadEmbedded().Count, await HistoryCountAsync(db));
            await host.StopAsync();
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task Options_Invalid_FailAtStartup_WithEveryProblemListed()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddNpgsqlDataSource(TestDatabase.AppBaseConnectionString);
        builder.Services.AddQuantumLmPostgres(o =>
        {
            o.ServiceName = "bad name with spaces";
            o.TaskQueue.BackoffBase = TimeSpan.FromMinutes(10);
            o.TaskQueue.BackoffCap = TimeSpan.FromMinutes(1);
            o.TaskQueue.JitterRatio = 2;
        }).UseNpgsqlDataSource();
        using IHost host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("ServiceName", ex.Message, StringComparison.Ordinal);
        Assert.Contains("JitterRatio", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BackoffCap", ex.Message, StringComparison.Ordinal);
    }

    private sealed class AsyncDb : IAsyncDisposable
    {
        public AsyncDb()
        {
            Db.InitializeAsync().GetAwaiter().GetResult();
        }

        public TestDatabase Db { get; } = new();

        public ValueTask DisposeAsync() => new(Db.DisposeAsync());
    }
}

public sealed class DependencyInjectionTests
{
    [Fact]
    public void AddQuantumLmPostgres_RegistersEveryServiceResolvable_WithValidateOnBuild()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddNpgsqlDataSource(TestDatabase.AppBaseConnectionString);
        services.AddNpgsqlDataSource(TestDatabase.AppBaseConnectionString, serviceKey: "replica");
        services.AddQuantumLmPostgres().UseNpgsqlDataSource().UseReadOnlyNpgsqlDataSource("replica").AddTaskQueueMaintenance();
        using ServiceProvider sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Type[] types = [typeof(IPostgresMigrator), typeof(IDbSessionFactory), typeof(QuantumLM.Abstractions.Agents.ITaskQueue), typeof(ITransactionalTaskQueue),
            typeof(ITaskQueueMaintenance), typeof(ITaskQueueSignal), typeof(QuantumLM.Abstractions.Agents.IAgentEventSink), typeof(QuantumLM.Abstractions.Agents.IAgentEventStream),
            typeof(QuantumLM.Abstractions.Security.IPermissionChecker), typeof(IRoleStore), typeof(IUserStore), typeof(IArenaSessionStore), typeof(IQuantumJobStore),
            typeof(ICommitStore), typeof(IOrganismStore), typeof(ICodebaseMemoryStore)];
        foreach (Type t in types)
        {
            Assert.NotNull(sp.GetRequiredService(t));
        }

        Assert.Same(sp.GetRequiredService<QuantumLM.Abstractions.Agents.ITaskQueue>(), sp.GetRequiredService<ITransactionalTaskQueue>());
        Assert.NotNull(sp.GetRequiredService<PostgresDataSources>().ReadOnly);
    }

    [Fact]
    public void MissingDataSource_FailsWithAnActionableMessage()
    {
        var services = new ServiceCollection();
        services.AddQuantumLmPostgres().UseNpgsqlDataSource("nope");
        using ServiceProvider sp = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IDbSessionFactory>());
        Assert.Contains("no NpgsqlDataSource for the primary database is registered under the key 'nope'", ex.Message, StringComparison.Ordinal);
    }
}
