using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.Ibm.Internal;
using Refit;

namespace QuantumLM.Quantum;

/// <summary>Registers the IBM Quantum Runtime client (<see cref="IbmRuntimeClient"/>).</summary>
public static class IbmRuntimeServiceCollectionExtensions
{
    private const string RuntimeClientName = "QuantumLM.Ibm.Runtime";
    private const string IamClientName = "QuantumLM.Ibm.Iam";

    /// <summary>
    /// Registers <see cref="IbmRuntimeClient"/>, binding <see cref="IbmRuntimeOptions"/> from the <c>QuantumLM:Ibm</c> section of the
    /// <see cref="IConfiguration"/> registered in the container (when there is one). Options are validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddIbmQuantumRuntime(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<IbmRuntimeOptions>().Configure<IServiceProvider>(static (o, sp) =>
        {
            if (sp.GetService<IConfiguration>() is { } configuration)
            {
                configuration.GetSection(IbmRuntimeOptions.SectionName).Bind(o, static b => b.ErrorOnUnknownConfiguration = true);
            }
        });
        return AddCore(services);
    }

    /// <summary>Registers <see cref="IbmRuntimeClient"/> with options set in code. Options are validated at start-up.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddIbmQuantumRuntime(this IServiceCollection services, Action<IbmRuntimeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<IbmRuntimeOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="IbmRuntimeClient"/> with options bound from <paramref name="section"/> (for example
    /// <c>configuration.GetSection("QuantumLM:Ibm")</c>); unknown keys are errors. Options are validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddIbmQuantumRuntime(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<IbmRuntimeOptions>().Bind(section, static b => b.ErrorOnUnknownConfiguration = true);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        if (services.Any(static d => d.ServiceType == typeof(IbmRuntimeMarker)))
        {
            return services;
        }

        services.AddSingleton<IbmRuntimeMarker>();
        services.AddOptionsWithValidateOnStart<IbmRuntimeOptions, IbmRuntimeOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IbmRuntimeOptions>, IbmRuntimeOptionsRulesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<IbmRuntimeOptions>, IbmRuntimeOptionsRegionPostConfigure>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        // The client and token provider are singletons holding their Refit clients, so the primary handler lives for
        // the process and recycles pooled connections itself (the IHttpClientFactory guidance for long-lived clients).
        IHttpClientBuilder iam = services.AddRefitGeneratedClient<IIamApi>(static _ => Settings(), IamClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient(static (sp, c) =>
            {
                c.BaseAddress = sp.GetRequiredService<IOptions<IbmRuntimeOptions>>().Value.IamUrl;
                c.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllLoggers(); // the default handlers put raw header values (the bearer token) in the log state
        iam.AddResilienceHandler("ibm-iam", IbmResilience.Configure);

        IHttpClientBuilder runtime = services.AddRefitGeneratedClient<IIbmRuntimeApi>(static _ => Settings(), RuntimeClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient(static (sp, c) =>
            {
                Uri baseUrl = sp.GetRequiredService<IOptions<IbmRuntimeOptions>>().Value.BaseUrl;
                c.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? new Uri(baseUrl.AbsoluteUri.TrimEnd('/')) : baseUrl;
                c.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllLoggers(); // the default handlers put raw header values (the bearer token) in the log state
        runtime.AddResilienceHandler("ibm-runtime", IbmResilience.Configure);
        runtime.AddHttpMessageHandler<IbmAuthHandler>(); // inside the retry loop: every attempt gets a current token

        services.TryAddSingleton<QuantumLM.Abstractions.Quantum.IQuantumBackendProvider, QuantumBackendProvider>();
        services.TryAddSingleton<QuantumLM.Abstractions.Quantum.IQuantumCircuitFactory, OpenQasm.OpenQasmCircuitFactory>();
        services.TryAddSingleton<IamTokenProvider>();
        services.TryAddTransient<IbmAuthHandler>();
        services.TryAddSingleton(static sp => new IbmRuntimeClient(
            sp.GetRequiredService<IIbmRuntimeApi>(),
            sp.GetRequiredService<IOptions<IbmRuntimeOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<IbmRuntimeClient>>()));
        return services;
    }

    // snake_case, null omitted, numbers readable from strings: the source-generated context's own options, no reflection.
    private static RefitSettings Settings() => new() { ContentSerializer = SystemTextJsonContentSerializer.ForContext(IbmJsonContext.Default) };

    private sealed class IbmRuntimeMarker;
}
