using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace QuantumLM.ReferenceHost;

/// <summary>Builds the reference host: the composition root of the platform.</summary>
internal static class HostApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        configure?.Invoke(builder);

        string connectionString = DatabaseConnection.Resolve(builder.Configuration);
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "QuantumLM" }.Build());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

        WebApplication app = builder.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = static _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = static c => c.Tags.Contains("ready") });
        app.MapGet("/", static () => Results.Text("QuantumLM reference host. Health: /health/live, /health/ready\n"));
        return app;
    }
}
