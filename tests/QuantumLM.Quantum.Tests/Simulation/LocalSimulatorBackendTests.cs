using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum.Tests.Simulation;

public sealed class LocalSimulatorBackendTests
{
    private const string Bell = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;";

    private static LocalSimulatorBackend Backend(Action<LocalSimulatorOptions>? configure = null)
    {
        var o = new LocalSimulatorOptions();
        configure?.Invoke(o);
        return new LocalSimulatorBackend(Options.Create(o));
    }

    [Fact]
    public async Task Submit_RunsOffThread_AndCompletesWithSeededCounts()
    {
        var backend = Backend();
        QuantumCircuit circuit = QasmCircuitFactory.Create(Bell);
        QuantumJobOperation op = await backend.SubmitAsync(circuit, new QuantumJobOptions { Shots = 3000, Seed = 17 });
        QuantumJobResult result = await op.WaitForCompletionAsync();
        Assert.Equal(QuantumJobStatus.Completed, op.Status);
        Assert.True(op.HasCompleted);
        Assert.Equal(3000, result.Shots);
        Assert.Equal(17UL, result.Seed);
        Assert.Equal(3000, result.Counts["00"] + result.Counts["11"]);
        Assert.InRange(result.Counts["00"], 1300, 1700);
        Assert.Equal(result.Counts.Entries, result.RegisterCounts["c"].Entries);

        var again = await (await backend.SubmitAsync(circuit, new QuantumJobOptions { Shots = 3000, Seed = 17 })).WaitForCompletionAsync();
        Assert.Equal(result.Counts.Entries, again.Counts.Entries);

        QuantumJobOperation attached = await backend.AttachAsync(op.Id);
        Assert.Same(op, attached);
        Assert.Equal("local", attached.BackendName);
    }

    [Fact]
    public async Task Attach_UnknownId_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => Backend().AttachAsync("local-nope"));
        Assert.Equal(QuantumLmErrorCodes.NotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task Submit_InvalidQasm_FailsAtSubmission()
    {
        var circuit = new QuantumCircuit("OPENQASM 2.0;\nqreg q[1]\n", CircuitLanguage.OpenQasm2, 1, []);
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => Backend().SubmitAsync(circuit, new QuantumJobOptions()));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
        Assert.Equal("3:1 expected ';' after the register declaration, found end of input", ex.Message);
    }

    [Fact]
    public async Task Submit_TooLarge_OrBadShots_IsRefused()
    {
        var big = new QuantumCircuit("OPENQASM 2.0; qreg q[21]; creg c[1];", CircuitLanguage.OpenQasm2, 21, [new ClassicalRegister("c", 1)]);
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => Backend(o => o.MaxQubits = 20).SubmitAsync(big, new QuantumJobOptions()));
        Assert.Equal(QuantumLmErrorCodes.CircuitTooLarge, ex.ErrorCode);
        var shots = await Assert.ThrowsAsync<QuantumLmException>(() => Backend().SubmitAsync(QasmCircuitFactory.Create(Bell), new QuantumJobOptions { Shots = 0 }));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, shots.ErrorCode);
    }

    [Fact]
    public async Task Cancel_StopsALongJob()
    {
        // 20 qubits, many shots of a trajectory circuit: long enough to cancel.
        string qasm = "OPENQASM 2.0; include \"qelib1.inc\"; qreg q[20]; creg c[1]; h q; measure q[0] -> c[0]; if (c==1) x q[1]; measure q[1] -> c[0];";
        var backend = Backend();
        QuantumJobOperation op = await backend.SubmitAsync(QasmCircuitFactory.Create(qasm), new QuantumJobOptions { Shots = 1_000_000, Seed = 1 });
        await op.CancelAsync();
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => op.WaitForCompletionAsync());
        Assert.Equal(QuantumLmErrorCodes.JobCancelled, ex.ErrorCode);
        Assert.Equal(QuantumJobStatus.Cancelled, await op.UpdateStatusAsync());
    }

    [Fact]
    public async Task Status_IsOperational()
    {
        BackendStatus s = await Backend().GetStatusAsync();
        Assert.Equal("local", s.Name);
        Assert.True(s.IsOperational);
        Assert.Equal(30, s.QubitCount);
    }

    [Fact]
    public void DI_RegistersLocalBackendOnce()
    {
        var services = new ServiceCollection();
        services.AddLocalQuantumSimulator(o => o.MaxQubits = 24);
        services.AddLocalQuantumSimulator();
        using ServiceProvider sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var backends = sp.GetServices<IQuantumBackend>().ToList();
        IQuantumBackend local = Assert.Single(backends);
        Assert.Equal("local", local.Name);
        Assert.Same(sp.GetRequiredService<LocalSimulatorBackend>(), local);
        Assert.Equal(24, sp.GetRequiredService<IOptions<LocalSimulatorOptions>>().Value.MaxQubits);
    }

    [Theory]
    [InlineData(31, 4, 0)]
    [InlineData(30, 9, 0)]
    [InlineData(30, 4, -1)]
    public void DI_InvalidOptions_FailValidation(int maxQubits, int fused, int threads)
    {
        var services = new ServiceCollection();
        services.AddLocalQuantumSimulator(o =>
        {
            o.MaxQubits = maxQubits;
            o.MaxFusedQubits = fused;
            o.MaxThreads = threads;
        });
        using ServiceProvider sp = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<LocalSimulatorOptions>>().Value);
    }
}
