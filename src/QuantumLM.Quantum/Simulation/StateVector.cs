using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using QuantumLM.Abstractions;

namespace QuantumLM.Quantum.Simulation;

/// <summary>Owns native, 64-byte aligned memory and frees it exactly once.</summary>
internal sealed unsafe class NativeBufferHandle : SafeHandle
{
    public NativeBufferHandle(nuint bytes)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        void* p = NativeMemory.AlignedAlloc(bytes, 64);
        SetHandle((IntPtr)p);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}

/// <summary>
/// A complex128 statevector of n qubits (2^n amplitudes, interleaved re/im) in native aligned memory. Amplitude i is
/// the basis state whose bit q is qubit q (Qiskit's little-endian order).
/// </summary>
internal sealed unsafe class StateVector : IDisposable
{
    /// <summary>The hard ceiling: a 30-qubit statevector is 16 GiB.</summary>
    public const int MaxQubits = 30;

    private readonly NativeBufferHandle _handle;

    public StateVector(int qubitCount, int maxQubits = MaxQubits)
    {
        EnsureFits(qubitCount, maxQubits);
        QubitCount = qubitCount;
        Length = 1L << qubitCount;
        try
        {
            _handle = new NativeBufferHandle((nuint)BytesFor(qubitCount));
        }
        catch (OutOfMemoryException ex)
        {
            throw new QuantumLmException(
                QuantumLmErrorCodes.CircuitTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"a {qubitCount}-qubit statevector needs {BytesFor(qubitCount):N0} bytes ({Describe(BytesFor(qubitCount))}) and that memory could not be allocated"),
                isTransient: true,
                ex);
        }

        Data = (double*)_handle.DangerousGetHandle();
        SetZeroState();
    }

    public int QubitCount { get; }

    public long Length { get; }

    public double* Data { get; }

    /// <summary>Gets the amplitudes (at most 2^30 elements, which fits a span).</summary>
    public Span<Complex> Amplitudes => new(Data, checked((int)Length));

    public static long BytesFor(int qubitCount) => 16L << qubitCount;

    public static void EnsureFits(int qubitCount, int maxQubits)
    {
        int limit = Math.Min(maxQubits, MaxQubits);
        if (qubitCount > limit)
        {
            string need = qubitCount >= 62 ? $"2^{qubitCount + 4} bytes" : string.Create(CultureInfo.InvariantCulture, $"{BytesFor(qubitCount):N0} bytes ({Describe(BytesFor(qubitCount))})");
            throw new QuantumLmException(
                QuantumLmErrorCodes.CircuitTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"a {qubitCount}-qubit statevector needs {need}; the local simulator allows at most {limit} qubits ({BytesFor(limit):N0} bytes, {Describe(BytesFor(limit))})"));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(qubitCount);
    }

    public void SetZeroState()
    {
        NativeMemory.Clear(Data, (nuint)BytesFor(QubitCount));
        Data[0] = 1.0;
    }

    public void CopyFrom(StateVector other)
    {
        if (other.QubitCount != QubitCount)
        {
            throw new ArgumentException("qubit counts differ", nameof(other));
        }

        Buffer.MemoryCopy(other.Data, Data, BytesFor(QubitCount), BytesFor(QubitCount));
    }

    public void Dispose() => _handle.Dispose();

    private static string Describe(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB");
}
