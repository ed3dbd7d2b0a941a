using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace QuantumLM.ReferenceHost.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics: ASP.NET Core, outgoing HTTP, Npgsql, the .NET runtime and every QuantumLM
/// ActivitySource and Meter (<c>QuantumLM.*</c>). Exported over OTLP only when an endpoint is configured
/// (<c>QuantumLM:Telemetry:OtlpEndpoint</c> or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).
/// </summary>
internal static class HostTelemetry
{
    public const string SectionName = "QuantumLM:Telemetry";
    public const string ServiceName = "quantumlm-host";
    public const string HostSourceName = "QuantumLM.ReferenceHost";

    public static void AddQuantumLmTelemetry(this WebApplicationBuilder builder)
    {
        string? endpoint = builder.Configuration[SectionName + ":OtlpEndpoint"];
        string? standard = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        IOpenTelemetryBuilder otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(static r => r.AddService(ServiceName))
            .WithTracing(static t => t
                .AddAspNetCoreInstrumentation(static o => o.Filter = static c => !c.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource("QuantumLM.*"))
            .WithMetrics(static m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql")
                .AddMeter("QuantumLM.*"));
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException($"{SectionName}:OtlpEndpoint \"{endpoint}\" is not an absolute http(s) URL.");
            }

            string protocol = builder.Configuration[SectionName + ":OtlpProtocol"] ?? "grpc";
            otel.UseOtlpExporter(protocol.Equals("http", StringComparison.OrdinalIgnoreCase) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc, uri);
        }
        else if (!string.IsNullOrWhiteSpace(standard))
        {
            otel.UseOtlpExporter();
        }
    }
}
