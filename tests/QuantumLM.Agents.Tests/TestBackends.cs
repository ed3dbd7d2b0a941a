using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Agents.Tests;

/// <summary>A backend named <c>flaky</c>: its first submission fails transiently (offline), later ones go to the wrapped backend.</summary>
internal sealed class FlakyBackend
{
    private int _submissions;

    public int Submissions => _submissions;

    public IQuantumBackend Wrap(IQuantumBackend inner) => new Backend(this, inner);

    private sealed class Backend(FlakyBackend owner, IQuantumBackend inner) : IQuantumBackend
    {
        public string Name => "flaky";

        public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(new BackendStatus(Name, true, "flaky", null, 30));

        public Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref owner._submissions) == 1
                ? throw new QuantumLmException(QuantumLmErrorCodes.BackendOffline, "backend flaky is not accepting jobs now", isTransient: true)
                : inner.SubmitAsync(circuit, options, cancellationToken);

        public Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default) => inner.AttachAsync(backendJobId, cancellationToken);
    }
}

/// <summary>A remote quantum service shared by several hosts (like IBM Runtime): one job that finishes when the test says so.</summary>
internal sealed class FakeRemoteService
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _submissions;

    public string JobId { get; } = "remote-" + Guid.NewGuid().ToString("N")[..12];

    public TaskCompletionSource Submitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Submissions => _submissions;

    public void Finish() => _finished.TrySetResult();

    /// <summary>Gets the tags of the last submission.</summary>
    public IReadOnlyList<string> Tags { get; private set; } = [];

    public QuantumJobOperation Submit(IReadOnlyList<string>? tags = null)
    {
        Interlocked.Increment(ref _submissions);
        Tags = tags ?? [];
        Submitted.TrySetResult();
        return new Operation(this);
    }

    public QuantumJobOperation? FindByTag(string tag) => _submissions > 0 && Tags.Contains(tag) ? new Operation(this) : null;

    public QuantumJobOperation Attach(string id) =>
        id == JobId && _submissions > 0 ? new Operation(this) : throw new QuantumLmException(QuantumLmErrorCodes.NotFound, $"no job {id}");

    private sealed class Operation(FakeRemoteService service) : QuantumJobOperation
    {
        public override string Id => service.JobId;

        public override string BackendName => "fake_remote";

        public override QuantumJobStatus Status => service._finished.Task.IsCompleted ? QuantumJobStatus.Completed : QuantumJobStatus.Running;

        public override Task<QuantumJobStatus> UpdateStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Status);

        public override async Task<QuantumJobResult> WaitForCompletionAsync(CancellationToken cancellationToken = default)
        {
            await service._finished.Task.WaitAsync(cancellationToken);
            Counts counts = Counts.FromCanonical(3, [new("000", 60), new("111", 40)]);
            return new QuantumJobResult { Counts = counts, RegisterCounts = new Dictionary<string, Counts> { ["c"] = counts }, Shots = 100 };
        }

        public override Task CancelAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}

/// <summary>The backend <c>fake_remote</c> of a <see cref="FakeRemoteService"/>.</summary>
/// <param name="service">The shared service.</param>
/// <param name="dieAfterFirstSubmit">When set, the first submission is accepted by the service and then the call fails
/// transiently, as if the worker died before recording the job id.</param>
internal sealed class FakeRemoteBackend(FakeRemoteService service, bool dieAfterFirstSubmit = false) : IQuantumBackend, IQuantumJobLookup
{
    private int _calls;

    public Task<QuantumJobOperation?> FindByTagAsync(string tag, CancellationToken cancellationToken = default) => Task.FromResult(service.FindByTag(tag));

    public string Name => "fake_remote";

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(new BackendStatus(Name, true, "online", 0, 3));

    public Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default)
    {
        QuantumJobOperation op = service.Submit(options.Tags);
        return dieAfterFirstSubmit && Interlocked.Increment(ref _calls) == 1
            ? throw new QuantumLmException(QuantumLmErrorCodes.ServiceError, "connection lost after the job was accepted", isTransient: true)
            : Task.FromResult(op);
    }

    public Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default) => Task.FromResult(service.Attach(backendJobId));
}
