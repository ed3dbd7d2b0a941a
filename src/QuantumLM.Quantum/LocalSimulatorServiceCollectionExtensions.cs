using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum;

/// <summary>Registers the local statevector simulator backend (<c>local</c>).</summary>
public static class LocalSimulatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LocalSimulatorBackend"/> as a singleton and as an <see cref="IQuantumBackend"/>, with
    /// <see cref="LocalSimulatorOptions"/> validated at start-up, the <see cref="IQuantumBackendProvider"/> that finds
    /// backends by name, the <see cref="IIdealDistributionProvider"/> (exact noiseless distributions) and the <see cref="IQuantumCircuitFactory"/> (OpenQASM 2/3). Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional configuration of the options.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddLocalQuantumSimulator(this IServiceCollection services, Action<LocalSimulatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<LocalSimulatorOptions> builder = services.AddOptionsWithValidateOnStart<LocalSimulatorOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalSimulatorOptions>, LocalSimulatorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LocalSimulatorBackend>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQuantumBackend, LocalSimulatorBackend>(static sp => sp.GetRequiredService<LocalSimulatorBackend>()));
        services.TryAddSingleton<IQuantumBackendProvider, QuantumBackendProvider>();
        services.TryAddSingleton<IIdealDistributionProvider, StatevectorIdealDistributionProvider>();
        services.TryAddSingleton<IQuantumCircuitFactory, OpenQasm.OpenQasmCircuitFactory>();
        return services;
    }
}
