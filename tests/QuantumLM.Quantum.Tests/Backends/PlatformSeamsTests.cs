using Microsoft.Extensions.DependencyInjection;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.Metrics;
using QuantumLM.Quantum.Simulation;
using QuantumLM.Quantum.Tests.Ibm;

namespace QuantumLM.Quantum.Tests.Backends;

/// <summary>The Abstractions seams this package implements for agents and hosts: backends by name, ideal distributions, circuits, metrics JSON.</summary>
public sealed class PlatformSeamsTests
{
    private const string Ghz3 = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n";

    private static ServiceProvider Local(Action<LocalSimulatorOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLocalQuantumSimulator(configure);
        services.AddQuantumMetrics();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    [Fact]
    public async Task Provider_LocalOnly_ResolvesLocal_ListsIt_AndRefusesOtherNames()
    {
        using ServiceProvider sp = Local();
        var provider = sp.GetRequiredService<IQuantumBackendProvider>();
        Assert.Same(sp.GetRequiredService<LocalSimulatorBackend>(), provider.GetBackend("local"));
        BackendStatus status = Assert.Single(await provider.GetBackendsAsync());
        Assert.Equal("local", status.Name);
        Assert.True(status.IsOperational);
        var ex = Assert.Throws<QuantumLmException>(() => provider.GetBackend("ibm_fez"));
        Assert.Equal(QuantumLmErrorCodes.BackendNotFound, ex.ErrorCode);
        Assert.Equal("no backend named \"ibm_fez\"; available: local (IBM Quantum Runtime is not configured)", ex.Message);
    }

    [Fact]
    public async Task Provider_WithIbm_ListsLocalFirstThenIbmBackendsWithStatus_AndResolvesIbmNames()
    {
        await using IbmHarness h = await IbmHarness.StartAsync();
        var services = new ServiceCollection();
        services.AddLocalQuantumSimulator();
        services.AddSingleton(h.Client);
        services.AddSingleton<IQuantumBackendProvider>(sp => ActivatorUtilities.CreateInstance<QuantumBackendProvider>(sp));
        using ServiceProvider sp = services.BuildServiceProvider();
        var provider = sp.GetRequiredService<IQuantumBackendProvider>();

        IReadOnlyList<BackendStatus> all = await provider.GetBackendsAsync();
        Assert.Equal(["local", "ibm_fez", "ibm_torino", "ibm_marrakesh"], all.Select(b => b.Name));
        BackendStatus paused = all[3];
        Assert.False(paused.IsOperational);
        Assert.Equal("paused: maintenance", paused.StatusMessage);
        Assert.Equal(156, all[1].QubitCount);

        IQuantumBackend fez = provider.GetBackend("ibm_fez");
        Assert.IsType<IbmRuntimeBackend>(fez);
        Assert.Equal("ibm_fez", fez.Name);
        Assert.Same(fez, provider.GetBackend("ibm_fez"));
        Assert.Equal(QuantumLmErrorCodes.BackendNotFound, Assert.Throws<QuantumLmException>(() => provider.GetBackend("IBM FEZ")).ErrorCode);
    }

    [Fact]
    public void IdealProvider_IsTheExactNoiselessDistribution_OrNullWhenTooLarge()
    {
        using ServiceProvider sp = Local(o => o.MaxQubits = 4);
        var circuits = sp.GetRequiredService<IQuantumCircuitFactory>();
        var ideal = sp.GetRequiredService<IIdealDistributionProvider>();
        ProbabilityDistribution? ghz = ideal.GetIdealDistribution(circuits.Create(Ghz3));
        Assert.NotNull(ghz);
        Assert.Equal(2, ghz.Count);
        Assert.Equal(0.5, ghz["000"], 12);
        Assert.Equal(0.5, ghz["111"], 12);

        string five = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[5];\ncreg c[5];\nh q[0];\nmeasure q -> c;\n";
        Assert.Null(ideal.GetIdealDistribution(circuits.Create(five)));
    }

    [Fact]
    public void CircuitFactory_InvalidProgram_IsAQasmErrorWithItsPosition()
    {
        using ServiceProvider sp = Local();
        var ex = Assert.Throws<QuantumLmException>(() => sp.GetRequiredService<IQuantumCircuitFactory>().Create("OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n"));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
        Assert.Contains("3:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsSerializer_WritesTheStoredObject()
    {
        using ServiceProvider sp = Local();
        Counts counts = Counts.Create([new("00", 50), new("11", 50)]);
        TensorMetrics m = sp.GetRequiredService<ITensorMetricsCalculator>().Compute(counts, null);
        var json = sp.GetRequiredService<ITensorMetricsSerializer>().Serialize(m);
        Assert.Equal(TensorMetricsJson.ToJsonString(m), json.GetRawText());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("lambda").ValueKind);
    }
}
