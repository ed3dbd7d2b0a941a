using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Ibm;

namespace QuantumLM.Quantum.Tests.Ibm;

public sealed class IbmRuntimeBackendTests
{
    private static QuantumCircuit Bell() => new(IbmHarness.BellQasm, CircuitLanguage.OpenQasm3, 2, [new ClassicalRegister("c", 2)]);

    [Fact]
    public async Task Submit_Qasm3Bell_RunsAndReturnsRegisterCounts()
    {
        await using var h = await IbmHarness.StartAsync();
        IQuantumBackend backend = h.Client.GetBackend("ibm_fez");
        var op = await backend.SubmitAsync(Bell(), new QuantumJobOptions { Shots = 10, Tags = ["t1"] });
        Assert.IsType<IbmJobOperation>(op);
        Assert.Equal("ibm_fez", op.BackendName);
        var result = await op.WaitForCompletionAsync();
        Assert.Equal(10, result.Shots);
        Assert.Equal(5, result.RegisterCounts["c"]["00"]);
        Assert.Equal(5, result.RegisterCounts["c"]["11"]);
        var attached = await backend.AttachAsync(op.Id);
        Assert.Equal(QuantumJobStatus.Completed, attached.Status);
        Assert.Contains("t1", h.Server.Jobs[op.Id].Tags);
    }

    [Fact]
    public async Task FindByTag_AdoptsTheJobSubmittedWithThatTag_OnThatBackendOnly()
    {
        await using var h = await IbmHarness.StartAsync();
        var fez = h.Client.GetBackend("ibm_fez");
        var op = await fez.SubmitAsync(Bell(), new QuantumJobOptions { Shots = 4, Tags = ["quantumlm-job:abc"] });
        QuantumJobOperation? found = await fez.FindByTagAsync("quantumlm-job:abc");
        Assert.NotNull(found);
        Assert.Equal(op.Id, found.Id);
        Assert.Null(await fez.FindByTagAsync("quantumlm-job:other"));
        Assert.Null(await h.Client.GetBackend("ibm_torino").FindByTagAsync("quantumlm-job:abc"));
        Assert.Single(h.Server.RequestsTo("POST", "/api/v1/jobs"));
    }

    [Fact]
    public async Task Submit_IsaCircuit_IsSentUnchanged()
    {
        await using var h = await IbmHarness.StartAsync();
        var op = await h.Client.GetBackend("ibm_fez").SubmitAsync(Bell(), new QuantumJobOptions { Shots = 4 });
        Assert.Equal(IbmHarness.BellQasm, SubmittedCircuit(h, op.Id));
    }

    [Fact]
    public async Task Submit_OpenQasm2_IsTranspiledToTheBackendsIsa_AndKeepsTheCallersRegisters()
    {
        await using var h = await IbmHarness.StartAsync();
        var circuit = new QuantumCircuit("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[2];\ncx q[2],q[1];\nmeasure q -> c;\n", CircuitLanguage.OpenQasm2, 3, [new ClassicalRegister("c", 3)]);
        var op = await h.Client.GetBackend("ibm_fez").SubmitAsync(circuit, new QuantumJobOptions { Shots = 4 });
        string sent = SubmittedCircuit(h, op.Id);
        Assert.StartsWith("OPENQASM 3.0;", sent, StringComparison.Ordinal);
        Assert.Contains("bit[3] c;", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("cx", sent, StringComparison.Ordinal);
        Assert.DoesNotContain(" h ", sent, StringComparison.Ordinal);
        // Every gate of the submitted program is native, and every cz joins neighbours of the fake backend's line.
        QuantumLM.Quantum.Circuits.Circuit parsed = QuantumLM.Quantum.OpenQasm.OpenQasmParser.Parse(sent);
        Assert.True(parsed.UsesPhysicalQubits);
        foreach (var g in parsed.Operations.OfType<QuantumLM.Quantum.Circuits.GateOperation>())
        {
            Assert.Contains(g.Name, new[] { "rz", "sx", "x", "cz" });
            if (g.Name == "cz")
            {
                Assert.Equal(1, Math.Abs(g.Qubits[0] - g.Qubits[1]));
            }
        }

        // And it is the same experiment: the compact simulation of the submitted program gives the original distribution.
        var sim = new QuantumLM.Quantum.Simulation.StatevectorSimulator();
        var original = sim.GetIdealDistribution(QuantumLM.Quantum.OpenQasm.OpenQasmParser.Parse(circuit.Source));
        int[] active = [.. parsed.Operations.SelectMany(static o => o switch
        {
            QuantumLM.Quantum.Circuits.GateOperation g => g.Qubits.AsEnumerable(),
            QuantumLM.Quantum.Circuits.MeasureOperation m => [m.Qubit],
            _ => [],
        }).Distinct().Order()];
        var compact = new QuantumLM.Quantum.Circuits.Circuit(
            [new QuantumLM.Quantum.Circuits.QubitRegister("q", active.Length, 0)],
            parsed.ClbitRegisters,
            parsed.Operations.Select(o => QuantumLM.Quantum.Transpilation.TranspileResult.Remap(o, q => Array.IndexOf(active, q))));
        var after = sim.GetIdealDistribution(compact);
        Assert.All(original, kv => Assert.Equal(kv.Value, after[kv.Key], 9));
    }

    [Fact]
    public async Task Submit_TextThatDoesNotParse_IsInvalidCircuitWithAPosition_AndNothingIsSent()
    {
        await using var h = await IbmHarness.StartAsync();
        var bad = new QuantumCircuit("OPENQASM 3.0;\nbit[1] c;\nfoo $0;\n", CircuitLanguage.OpenQasm3, 1, [new ClassicalRegister("c", 1)]);
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => h.Client.GetBackend("ibm_fez").SubmitAsync(bad, new QuantumJobOptions()));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
        Assert.StartsWith("3:", ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Server.RequestsTo("POST", "/api/v1/jobs"));
    }

    private static string SubmittedCircuit(IbmHarness h, string jobId) =>
        h.Server.Jobs[jobId].Request["params"]!["pubs"]!.AsArray()[0]!.AsArray()[0]!.GetValue<string>();

    [Fact]
    public async Task Submit_BackendInMaintenance_IsTransientBackendOffline()
    {
        await using var h = await IbmHarness.StartAsync();
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetBackend("ibm_marrakesh").SubmitAsync(Bell(), new QuantumJobOptions()));
        Assert.Equal(QuantumLmErrorCodes.BackendOffline, ex.ErrorCode);
        Assert.True(ex.IsTransient);
        Assert.Contains("maintenance", ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Server.Jobs);
        var status = await h.Client.GetBackend("ibm_marrakesh").GetStatusAsync();
        Assert.False(status.IsOperational);
        Assert.Equal(156, status.QubitCount);
    }

    [Fact]
    public async Task Submit_TooManyQubitsOrShots_IsRefusedLocally()
    {
        await using var h = await IbmHarness.StartAsync();
        var wide = new QuantumCircuit("OPENQASM 3.0;\nbit[1] c;\n", CircuitLanguage.OpenQasm3, 134, [new ClassicalRegister("c", 1)]);
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => h.Client.GetBackend("ibm_torino").SubmitAsync(wide, new QuantumJobOptions()));
        Assert.Equal(QuantumLmErrorCodes.CircuitTooLarge, ex.ErrorCode);
        ex = await Assert.ThrowsAsync<QuantumLmException>(() => h.Client.GetBackend("ibm_fez").SubmitAsync(Bell(), new QuantumJobOptions { Shots = 100_001 }));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, ex.ErrorCode);
        var noClbits = new QuantumCircuit("OPENQASM 3.0;\n", CircuitLanguage.OpenQasm3, 1, []);
        ex = await Assert.ThrowsAsync<QuantumLmException>(() => h.Client.GetBackend("ibm_fez").SubmitAsync(noClbits, new QuantumJobOptions()));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
        Assert.Empty(h.Server.Jobs);
    }

    [Fact]
    public async Task Submit_ResultRegistersDifferFromCircuit_IsReported()
    {
        await using var h = await IbmHarness.StartAsync(setup: s => s.ResultFactory = _ => [new FakeRuntime.FakeRegister("meas", 2, [0, 3])]);
        var op = await h.Client.GetBackend("ibm_fez").SubmitAsync(Bell(), new QuantumJobOptions { Shots = 2 });
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => op.WaitForCompletionAsync());
        Assert.Contains("declares c[2]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_MissingKeyAndCrn_FailAtStartUpListingEveryField()
    {
        var services = new ServiceCollection();
        services.AddIbmQuantumRuntime(o => o.PollInterval = TimeSpan.FromSeconds(5));
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(ex.Failures, f => f.Contains("ApiKey", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ServiceCrn", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxPollInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_BadCrnVersionAndUrl_Fail()
    {
        var services = new ServiceCollection();
        services.AddIbmQuantumRuntime(o =>
        {
            o.ApiKey = "k";
            o.ServiceCrn = "not-a-crn";
            o.ApiVersion = "latest";
            o.BaseUrl = new Uri("ftp://example.invalid/api/v1");
            o.RetryBaseDelay = TimeSpan.FromHours(1);
        });
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(ex.Failures, f => f.Contains("ServiceCrn", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ApiVersion", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("BaseUrl", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("RetryBaseDelay", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_FromConfigurationSection_BindsEnvironmentStyleKeys()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["QuantumLM:Ibm:ApiKey"] = "key",
            ["QuantumLM:Ibm:ServiceCrn"] = "crn:v1:bluemix:public:quantum-computing:eu-de:a/1:2::",
            ["QuantumLM:Ibm:BaseUrl"] = "https://eu-de.quantum.cloud.ibm.com/api/v1",
            ["QuantumLM:Ibm:PollInterval"] = "00:00:01",
            ["QuantumLM:Ibm:SupportQiskit"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddIbmQuantumRuntime(config.GetSection("QuantumLM:Ibm"));
        using var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        sp.GetRequiredService<IStartupValidator>().Validate();
        var o = sp.GetRequiredService<IOptions<IbmRuntimeOptions>>().Value;
        Assert.Equal("https://eu-de.quantum.cloud.ibm.com/api/v1", o.BaseUrl.AbsoluteUri);
        Assert.Equal(new Uri("https://iam.cloud.ibm.com"), o.IamUrl);
        Assert.Equal(TimeSpan.FromSeconds(1), o.PollInterval);
        Assert.True(o.SupportQiskit);
        Assert.DoesNotContain("key", o.ToString().Replace("ApiKey", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.NotNull(sp.GetRequiredService<IbmRuntimeClient>());
    }

    [Theory]
    [InlineData("crn:v1:bluemix:public:quantum-computing:eu-de:a/0000:1111::", null, "https://eu-de.quantum.cloud.ibm.com/api/v1")]
    [InlineData("crn:v1:bluemix:public:quantum-computing:us-east:a/0000:1111::", null, "https://quantum.cloud.ibm.com/api/v1")]
    [InlineData("crn:v1:bluemix:public:quantum-computing:eu-de:a/0000:1111::", "http://127.0.0.1:9/api/v1", "http://127.0.0.1:9/api/v1")]
    [InlineData("crn:v1:x", null, "https://quantum.cloud.ibm.com/api/v1")]
    public void Options_RegionFromCrn_AppliesOnlyToTheDefaultBaseUrl(string crn, string? baseUrl, string expected)
    {
        var services = new ServiceCollection();
        services.AddIbmQuantumRuntime(o =>
        {
            o.ApiKey = "k";
            o.ServiceCrn = crn;
            if (baseUrl is not null)
            {
                o.BaseUrl = new Uri(baseUrl);
            }
        });
        using var sp = services.BuildServiceProvider();
        Assert.Equal(expected, sp.GetRequiredService<IOptions<IbmRuntimeOptions>>().Value.BaseUrl.AbsoluteUri);
    }

    [Fact]
    public void Options_UnknownConfigurationKey_IsAnError()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ibm:ApiKey"] = "key",
            ["Ibm:ServiceCrn"] = "crn:v1:x",
            ["Ibm:ApiKye"] = "typo",
        }).Build();
        var services = new ServiceCollection();
        services.AddIbmQuantumRuntime(config.GetSection("Ibm"));
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IOptions<IbmRuntimeOptions>>().Value);
        Assert.Contains("ApiKye", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameterless_BindsQuantumLmIbmFromRegisteredConfiguration_AndRegistersOnce()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["QuantumLM:Ibm:ApiKey"] = "key",
            ["QuantumLM:Ibm:ServiceCrn"] = "crn:v1:x",
            ["QuantumLM:Ibm:ApiVersion"] = "2025-05-01",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddIbmQuantumRuntime();
        services.AddIbmQuantumRuntime();
        Assert.Single(services, d => d.ServiceType == typeof(IbmRuntimeClient));
        using var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        sp.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal("2025-05-01", sp.GetRequiredService<IOptions<IbmRuntimeOptions>>().Value.ApiVersion);
    }
}
