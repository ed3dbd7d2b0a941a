using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QuantumLM.Quantum.Simulation;

/// <summary>Settings of the local statevector simulator (backend <c>local</c>).</summary>
public sealed class LocalSimulatorOptions
{
    /// <summary>Gets or sets the largest circuit accepted, in qubits (a statevector needs 16 B·2^n).</summary>
    /// <value>The default is 30 (16 GiB).</value>
    [Range(1, 30)]
    public int MaxQubits { get; set; } = 30;

    /// <summary>Gets or sets a value indicating whether neighbouring gates are fused into one k-qubit matrix.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnableFusion { get; set; } = true;

    /// <summary>
    /// Gets or sets the most qubits a fused gate may span. With 1, chains of one-qubit gates on the same qubit are merged
    /// (looking past gates on other qubits) and multi-qubit gates keep their specialised kernels; larger values build
    /// dense k-qubit matrices. Measured on a 2-core AVX-512 VM, 1 is fastest for layered circuits because the one-qubit
    /// and CX kernels are cheap and low-qubit gates run cache-blocked; see benchmarks/RESULTS.md.
    /// </summary>
    /// <value>The default is 1.</value>
    [Range(1, 5)]
    public int MaxFusedQubits { get; set; } = 1;

    /// <summary>Gets or sets the number of threads a kernel may use; 0 means one per processor.</summary>
    /// <value>The default is 0.</value>
    [Range(0, 1024)]
    public int MaxThreads { get; set; }

    /// <summary>Gets or sets the state size, in qubits, from which kernels run on several threads.</summary>
    /// <value>The default is 14.</value>
    [Range(1, 30)]
    public int ParallelThresholdQubits { get; set; } = 14;

    /// <summary>Gets or sets the most shots one job may ask for.</summary>
    /// <value>The default is 10,000,000.</value>
    [Range(1, 100_000_000)]
    public int MaxShots { get; set; } = 10_000_000;

    /// <summary>Gets or sets how many finished jobs are kept for <c>AttachAsync</c>.</summary>
    /// <value>The default is 1000.</value>
    [Range(1, 1_000_000)]
    public int RetainedJobs { get; set; } = 1000;
}

/// <summary>Validates <see cref="LocalSimulatorOptions"/> at start-up (source-generated from the annotations).</summary>
[OptionsValidator]
internal sealed partial class LocalSimulatorOptionsValidator : IValidateOptions<LocalSimulatorOptions>
{
}
