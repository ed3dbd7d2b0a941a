using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using QuantumLM.Agents;
using QuantumLM.Organisms;
using QuantumLM.Persistence.Postgres;
using QuantumLM.Quantum;
using QuantumLM.ReferenceHost.Ai;
using QuantumLM.ReferenceHost.Auth;
using QuantumLM.ReferenceHost.Endpoints;
using QuantumLM.ReferenceHost.Http;
using QuantumLM.ReferenceHost.Telemetry;

namespace QuantumLM.ReferenceHost;

/// <summary>Builds the reference host: the composition root of the platform.</summary>
internal static class HostApp
{
    /// <summary>The service key of the owner (migration) data source.</summary>
    public const string OwnerDataSourceKey = "QuantumLMOwner";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        configure?.Invoke(builder);

        HostRole role = HostRoles.Resolve(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        AddDatabase(builder);
        AddQuantum(builder);
        AddAgents(builder, role);
        builder.AddQuantumLmTelemetry();
        if (role.ServesApi())
        {
            builder.AddQuantumLmHttp();
            builder.Services.AddHybridCache();
            AddAuth(builder);
            AddApi(builder);
        }

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        WebApplication app = builder.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = static _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = static c => c.Tags.Contains("ready") });
        if (role.ServesApi())
        {
            if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.SigningKeyIsEphemeral)
            {
                app.Logger.EphemeralSigningKey();
            }

            app.Services.GetRequiredService<PasswordHashing>().Warm();

            // The dashboard: static files from wwwroot (index.html at /), served before the API pipeline.
            app.UseDefaultFiles();
            app.UseStaticFiles();
            app.UseQuantumLmHttp();
            app.MapQuantumLmOpenApi();
            app.MapQuantumLmApi();
        }
        else
        {
            app.MapGet("/", static () => Results.Text("QuantumLM reference host. Health: /health/live, /health/ready\n"));
        }
        return app;
    }

    private static void AddDatabase(WebApplicationBuilder builder)
    {
        string connectionString = DatabaseConnection.Resolve(builder.Configuration);
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "QuantumLM" }.Build());
        IQuantumLmPostgresBuilder postgres = builder.Services
            .AddQuantumLmPostgres(o => builder.Configuration.GetSection("QuantumLM:Postgres").Bind(o))
            .UseNpgsqlDataSource();

        // Migrations need the schema owner; with an owner connection string configured the host migrates at start-up,
        // otherwise the database must have been migrated already (for example by another process).
        string? owner = builder.Configuration.GetConnectionString(OwnerDataSourceKey);
        if (!string.IsNullOrWhiteSpace(owner))
        {
            builder.Services.AddKeyedSingleton(OwnerDataSourceKey, (_, _) => new NpgsqlDataSourceBuilder(owner) { Name = "QuantumLMOwner" }.Build());
            postgres.UseMigrationNpgsqlDataSource(OwnerDataSourceKey).ApplyMigrationsOnStartup();
        }

        postgres.AddTaskQueueMaintenance();
    }

    private static void AddQuantum(WebApplicationBuilder builder)
    {
        builder.Services.AddQuantumMetrics();
        builder.Services.AddLocalQuantumSimulator(o => builder.Configuration.GetSection("QuantumLM:LocalSimulator").Bind(o));
        builder.Services.AddQuantumLmOrganisms();
    }

    private static void AddAgents(WebApplicationBuilder builder, HostRole role)
    {
        builder.AddQuantumLmAi(); // before the agents and the API: they only add their offline defaults when nothing is registered
        IQuantumLmAgentsBuilder agents = builder.Services.AddQuantumLmAgents().AddPlatformAgents();
        if (role.RunsWorker())
        {
            agents.AddWorker(o => builder.Configuration.GetSection("QuantumLM:Worker").Bind(o));
        }
    }

    private static void AddApi(WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName));
        builder.Services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        builder.Services.AddSingleton<Events.SessionEventHub>();
        builder.Services.AddSingleton<Endpoints.QuantumBackendCatalog>();
        builder.Services.AddSingleton<Endpoints.JobListCache>();
        builder.Services.TryAddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>, Memory.HashedEmbeddingGenerator>();
    }

    private static void AddAuth(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.SectionName))
            .PostConfigure(static o =>
            {
                // No key configured: an ephemeral key, so a single development process works out of the box
                // (tokens die with the process; run.sh keeps a persistent key; production configures one).
                if (o.SigningKey is null)
                {
                    o.SigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                    o.SigningKeyIsEphemeral = true;
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsRules>();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<IdentityCache>();
        builder.Services.AddSingleton<PasswordHashing>();
        builder.Services.AddQuantumLmAuthentication();
        builder.Services.AddAuthorization();
    }
}
