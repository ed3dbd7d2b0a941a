using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace QuantumLM.Organisms;

/// <summary>Registers the organism engine in a service collection.</summary>
public static class OrganismsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="QuantumEnhancer"/> and the <see cref="QuantumLM.Abstractions.Organisms.IOrganismEngine"/> used by
    /// agents and hosts as singletons (with <c>TryAdd</c>, so a host can replace them). They need an
    /// <see cref="QuantumLM.Abstractions.Quantum.IQuantumBackendProvider"/> and an
    /// <see cref="QuantumLM.Abstractions.Quantum.ITensorMetricsCalculator"/>, which <c>QuantumLM.Quantum</c> registers.
    /// The parser, serializer and the evolve/crossover/self_heal operators are static and need no registration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddQuantumLmOrganisms(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<QuantumEnhancer>();
        services.TryAddSingleton<QuantumLM.Abstractions.Organisms.IOrganismEngine, OrganismEngine>();
        return services;
    }
}
