using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Security;

namespace QuantumLM.Persistence.Postgres;

/// <summary>Configures the PostgreSQL persistence package; returned by <see cref="QuantumLmPostgresServiceCollectionExtensions.AddQuantumLmPostgres(IServiceCollection, Action{QuantumLmPostgresOptions}?)"/>.</summary>
public interface IQuantumLmPostgresBuilder
{
    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Registers QuantumLM's PostgreSQL persistence.</summary>
public static class QuantumLmPostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers the stores, the task queue (also as <see cref="ITransactionalTaskCompletion"/>), the agents'
    /// <see cref="QuantumLM.Abstractions.Quantum.IQuantumJobRecorder"/>, the event sink and stream, the permission checker and the migrator. Chain
    /// <see cref="UseNpgsqlDataSource"/> to pick the <c>NpgsqlDataSource</c> registered in the container (for example with
    /// <c>AddNpgsqlDataSource</c>); the package never builds connection strings itself.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options (after configuration binding).</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmPostgresBuilder AddQuantumLmPostgres(this IServiceCollection services, Action<QuantumLmPostgresOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<QuantumLmPostgresOptions> ob = services.AddOptionsWithValidateOnStart<QuantumLmPostgresOptions, QuantumLmPostgresOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QuantumLmPostgresOptions>, QuantumLmPostgresOptionsRangeValidator>());
        if (configure is not null)
        {
            ob.Configure(configure);
        }

        DataSourceSelection selection = GetOrAddSelection(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PostgresDataSources(
            Resolve(sp, selection.PrimaryKey, selection.PrimaryKeySet, "primary"),
            selection.ReadOnlyKey is null ? null : Resolve(sp, selection.ReadOnlyKey, true, "read-only"),
            selection.MigrationKey is null ? null : Resolve(sp, selection.MigrationKey, true, "migration")));
        services.TryAddSingleton<IDbSessionFactory, DbSessionFactory>();
        services.TryAddSingleton<IPostgresMigrator, PostgresMigrator>();
        services.TryAddSingleton<TaskQueueSignal>();
        services.TryAddSingleton<ITaskQueueSignal>(sp => sp.GetRequiredService<TaskQueueSignal>());
        services.TryAddSingleton<PostgresTaskQueue>();
        services.TryAddSingleton<ITaskQueue>(sp => sp.GetRequiredService<PostgresTaskQueue>());
        services.TryAddSingleton<ITransactionalTaskQueue>(sp => sp.GetRequiredService<PostgresTaskQueue>());
        services.TryAddSingleton<ITaskQueueMaintenance>(sp => sp.GetRequiredService<PostgresTaskQueue>());
        services.TryAddSingleton<ITransactionalTaskCompletion>(sp => sp.GetRequiredService<PostgresTaskQueue>());
        services.TryAddSingleton<QuantumLM.Abstractions.Quantum.IQuantumJobRecorder, PostgresQuantumJobRecorder>();
        services.TryAddSingleton<PostgresAgentEvents>();
        services.TryAddSingleton<IAgentEventSink>(sp => sp.GetRequiredService<PostgresAgentEvents>());
        services.TryAddSingleton<IAgentEventStream>(sp => sp.GetRequiredService<PostgresAgentEvents>());
        services.TryAddSingleton<IPermissionChecker, PostgresPermissionChecker>();
        services.TryAddSingleton<IRoleStore, PostgresRoleStore>();
        services.TryAddSingleton<IUserStore, PostgresUserStore>();
        services.TryAddSingleton<IAccountStore, PostgresAccountStore>();
        services.TryAddSingleton<PostgresArenaStores>();
        services.TryAddSingleton<IArenaSessionStore>(sp => sp.GetRequiredService<PostgresArenaStores>());
        services.TryAddSingleton<IQuantumJobStore>(sp => sp.GetRequiredService<PostgresArenaStores>());
        services.TryAddSingleton<ICommitStore>(sp => sp.GetRequiredService<PostgresArenaStores>());
        services.TryAddSingleton<IOrganismStore, PostgresOrganismStore>();
        services.TryAddSingleton<ICodebaseMemoryStore, PostgresCodebaseMemoryStore>();
        services.TryAddSingleton<IOperatorStatsStore, PostgresOperatorStatsStore>();
        return new Builder(services);
    }

    /// <summary>Uses the <c>NpgsqlDataSource</c> registered in the container (optionally under a service key) as the primary database.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="serviceKey">The key it was registered under, or <see langword="null"/> for the unkeyed one.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmPostgresBuilder UseNpgsqlDataSource(this IQuantumLmPostgresBuilder builder, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        DataSourceSelection s = GetOrAddSelection(builder.Services);
        s.PrimaryKey = serviceKey;
        s.PrimaryKeySet = serviceKey is not null;
        return builder;
    }

    /// <summary>Uses a second, read-only <c>NpgsqlDataSource</c> (a replica) for read-only queries.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="serviceKey">The key the replica's data source was registered under.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmPostgresBuilder UseReadOnlyNpgsqlDataSource(this IQuantumLmPostgresBuilder builder, object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(serviceKey);
        GetOrAddSelection(builder.Services).ReadOnlyKey = serviceKey;
        return builder;
    }

    /// <summary>Runs migrations through a separately registered data source (the schema owner's login), not the application's.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="serviceKey">The key the owner's data source was registered under.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmPostgresBuilder UseMigrationNpgsqlDataSource(this IQuantumLmPostgresBuilder builder, object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(serviceKey);
        GetOrAddSelection(builder.Services).MigrationKey = serviceKey;
        return builder;
    }

    /// <summary>Applies pending migrations when the host starts (opt-in), before other hosted services run.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmPostgresBuilder ApplyMigrationsOnStartup(this IQuantumLmPostgresBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MigrationHostedService>());
        return builder;
    }

    /// <summary>Runs the task queue maintenance (lease rescue and retention purge) in the background.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmPostgresBuilder AddTaskQueueMaintenance(this IQuantumLmPostgresBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TaskQueueMaintenanceService>());
        return builder;
    }

    private static NpgsqlDataSource Resolve(IServiceProvider sp, object? key, bool keyed, string what)
    {
        NpgsqlDataSource? ds = keyed ? sp.GetKeyedService<NpgsqlDataSource>(key) : sp.GetService<NpgsqlDataSource>();
        return ds ?? throw new InvalidOperationException(
            $"QuantumLM.Persistence.Postgres: no NpgsqlDataSource for the {what} database is registered{(keyed ? $" under the key '{key}'" : string.Empty)}; register one with services.AddNpgsqlDataSource(...).");
    }

    private static DataSourceSelection GetOrAddSelection(IServiceCollection services)
    {
        foreach (ServiceDescriptor d in services)
        {
            if (d.ServiceType == typeof(DataSourceSelection) && d.ImplementationInstance is DataSourceSelection existing)
            {
                return existing;
            }
        }

        var s = new DataSourceSelection();
        services.AddSingleton(s);
        return s;
    }

    private sealed record Builder(IServiceCollection Services) : IQuantumLmPostgresBuilder;
}

internal sealed class DataSourceSelection
{
    public object? PrimaryKey { get; set; }

    public bool PrimaryKeySet { get; set; }

    public object? ReadOnlyKey { get; set; }

    public object? MigrationKey { get; set; }
}

internal sealed class MigrationHostedService(IPostgresMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class TaskQueueMaintenanceService(ITaskQueueMaintenance maintenance, IOptions<QuantumLmPostgresOptions> options, TimeProvider time, ILogger<TaskQueueMaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TaskQueue.MaintenanceInterval, time);
        do
        {
            try
            {
                await maintenance.RescueExpiredLeasesAsync(stoppingToken).ConfigureAwait(false);
                await maintenance.PurgeFinishedAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.MaintenanceFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
