using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum;

/// <summary>Registers the ΛΦ tensor metrics core.</summary>
public static class QuantumMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ITensorMetricsCalculator"/> (implemented by <see cref="TensorMetricsCalculator"/>, a stateless
    /// singleton) and <see cref="ITensorMetricsSerializer"/> (the §5.6 JSON object). Uses <c>TryAdd</c>, so a host may
    /// register its own implementation first.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddQuantumMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TensorMetricsCalculator>();
        services.TryAddSingleton<ITensorMetricsCalculator>(static sp => sp.GetRequiredService<TensorMetricsCalculator>());
        services.TryAddSingleton<ITensorMetricsSerializer, TensorMetricsSerializer>();
        return services;
    }
}
