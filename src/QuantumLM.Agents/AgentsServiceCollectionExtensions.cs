using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents;

/// <summary>Registers the agent registry, the dispatcher and, optionally, the worker.</summary>
public static class AgentsServiceCollectionExtensions
{
    /// <summary>Adds the agent registry and dispatcher; add agents and the worker on the returned builder.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add agents and the worker.</returns>
    public static IQuantumLmAgentsBuilder AddQuantumLmAgents(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<AgentRegistry>();
        services.TryAddSingleton<AgentDispatcher>();
        services.TryAddSingleton(TimeProvider.System);
        return new QuantumLmAgentsBuilder(services);
    }

    /// <summary>Registers an agent (a singleton; it must be thread-safe).</summary>
    /// <typeparam name="TAgent">The agent type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmAgentsBuilder AddAgent<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TAgent>(this IQuantumLmAgentsBuilder builder)
        where TAgent : class, IAgent
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgent, TAgent>());
        return builder;
    }

    /// <summary>
    /// Adds the <see cref="CoderAgent"/> and <see cref="ArchitectAgent"/>. They use the registered <see cref="IChatClient"/>;
    /// when none is registered, the offline <see cref="TemplateChatClient"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmAgentsBuilder AddCodingAgents(this IQuantumLmAgentsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IChatClient, TemplateChatClient>();
        return builder.AddAgent<CoderAgent>().AddAgent<ArchitectAgent>();
    }

    /// <summary>
    /// Adds the <see cref="QuantumAgent"/> (<c>quantum:execute</c>, <c>quantum:metrics</c>). It resolves, through the
    /// Abstractions interfaces, an <c>IQuantumBackendProvider</c>, <c>IQuantumCircuitFactory</c> and optionally an
    /// <c>IIdealDistributionProvider</c> (registered by <c>QuantumLM.Quantum</c>'s <c>AddLocalQuantumSimulator</c>), an
    /// <c>ITensorMetricsCalculator</c> and <c>ITensorMetricsSerializer</c> (<c>AddQuantumMetrics</c>), and an
    /// <c>IQuantumJobRecorder</c> (<c>QuantumLM.Persistence.Postgres</c>'s <c>AddQuantumLmPostgres</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmAgentsBuilder AddQuantumAgent(this IQuantumLmAgentsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddAgent<QuantumAgent>();
    }

    /// <summary>
    /// Adds the <see cref="OrganismAgent"/> (<c>organism:mutate</c>, <c>organism:evolve</c>). It resolves an
    /// <c>IOrganismEngine</c> (registered by <c>QuantumLM.Organisms</c>'s <c>AddQuantumLmOrganisms</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmAgentsBuilder AddOrganismAgent(this IQuantumLmAgentsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddAgent<OrganismAgent>();
    }

    /// <summary>Adds all four platform agents: <see cref="AddCodingAgents"/>, <see cref="AddQuantumAgent"/> and <see cref="AddOrganismAgent"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmAgentsBuilder AddPlatformAgents(this IQuantumLmAgentsBuilder builder) =>
        builder.AddCodingAgents().AddQuantumAgent().AddOrganismAgent();

    /// <summary>Adds the <see cref="AgentWorker"/> as a hosted service, with options validated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options after configuration binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static IQuantumLmAgentsBuilder AddWorker(this IQuantumLmAgentsBuilder builder, Action<AgentWorkerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        OptionsBuilder<AgentWorkerOptions> options = builder.Services.AddOptionsWithValidateOnStart<AgentWorkerOptions, AgentWorkerOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentWorkerOptions>, AgentWorkerOptionsCrossValidator>());
        builder.Services.TryAddSingleton<AgentWorker>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<AgentWorker>());
        return builder;
    }
}

/// <summary>Configures the agents; returned by <see cref="AgentsServiceCollectionExtensions.AddQuantumLmAgents"/>.</summary>
public interface IQuantumLmAgentsBuilder
{
    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }
}

internal sealed record QuantumLmAgentsBuilder(IServiceCollection Services) : IQuantumLmAgentsBuilder;
