using System.Text.Json;

namespace QuantumLM.Abstractions.Agents;

/// <summary>
/// The rows an agent asks to be written with its result, in the transaction that completes the task
/// (<see cref="ITransactionalTaskCompletion"/>): either the task completes and all of them are stored, or none is.
/// An agent adds to <see cref="AgentContext.Outputs"/>; the worker hands them to the queue. Thread-safe.
/// </summary>
public sealed class AgentTaskOutputs
{
    private readonly Lock _gate = new();
    private readonly List<NewAgentEvent> _events = [];
    private readonly List<QuantumJobCompletion> _jobs = [];
    private readonly List<CommitOutput> _commits = [];
    private readonly List<OrganismOutput> _organisms = [];
    private readonly List<EvolutionGenerationOutput> _generations = [];

    /// <summary>Gets the events to store, in order.</summary>
    public IReadOnlyList<NewAgentEvent> Events => Snapshot(_events);

    /// <summary>Gets the quantum jobs to complete.</summary>
    public IReadOnlyList<QuantumJobCompletion> QuantumJobs => Snapshot(_jobs);

    /// <summary>Gets the commits to record.</summary>
    public IReadOnlyList<CommitOutput> Commits => Snapshot(_commits);

    /// <summary>Gets the organisms to store, parents before children.</summary>
    public IReadOnlyList<OrganismOutput> Organisms => Snapshot(_organisms);

    /// <summary>Gets the evolution history rows to store.</summary>
    public IReadOnlyList<EvolutionGenerationOutput> Generations => Snapshot(_generations);

    /// <summary>Gets a value indicating whether nothing was added.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _events.Count + _jobs.Count + _commits.Count + _organisms.Count + _generations.Count == 0;
            }
        }
    }

    /// <summary>Adds an event, stored (and announced) when the task completes.</summary>
    /// <param name="agentEvent">The event.</param>
    public void AddEvent(NewAgentEvent agentEvent) => Add(_events, agentEvent);

    /// <summary>Completes a quantum job row with its counts and metrics when the task completes.</summary>
    /// <param name="completion">The outcome.</param>
    public void CompleteQuantumJob(QuantumJobCompletion completion) => Add(_jobs, completion);

    /// <summary>Records a commit when the task completes.</summary>
    /// <param name="commit">The commit.</param>
    public void AddCommit(CommitOutput commit) => Add(_commits, commit);

    /// <summary>Stores an organism (with its lineage edges) when the task completes; add parents before their children.</summary>
    /// <param name="organism">The organism.</param>
    public void AddOrganism(OrganismOutput organism) => Add(_organisms, organism);

    /// <summary>Stores one generation of an evolution run when the task completes.</summary>
    /// <param name="generation">The generation.</param>
    public void AddGeneration(EvolutionGenerationOutput generation) => Add(_generations, generation);

    private void Add<T>(List<T> list, T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            list.Add(item);
        }
    }

    private T[] Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}

/// <summary>Completes a task together with the rows its agent produced, in one transaction.</summary>
public interface ITransactionalTaskCompletion
{
    /// <summary>
    /// Completes a task and writes <paramref name="outputs"/> in the same transaction; returns <see langword="false"/> and
    /// writes nothing when the lease was lost.
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="leaseToken">The token from the claim.</param>
    /// <param name="result">The task's result.</param>
    /// <param name="outputs">The rows to write.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Whether the task was completed.</returns>
    Task<bool> CompleteAsync(TaskId taskId, Guid leaseToken, JsonElement result, AgentTaskOutputs outputs, CancellationToken cancellationToken = default);
}

/// <summary>The completed state of a quantum job.</summary>
public sealed record QuantumJobCompletion
{
    /// <summary>Gets the job.</summary>
    public required JobId JobId { get; init; }

    /// <summary>Gets the backend that ran it.</summary>
    public required string Backend { get; init; }

    /// <summary>Gets the backend's job id, if any.</summary>
    public string? BackendJobId { get; init; }

    /// <summary>Gets the counts object, keys in Qiskit's format.</summary>
    public required JsonElement Counts { get; init; }

    /// <summary>Gets the metrics object (metrics specification §5.6), if computed.</summary>
    public JsonElement? Metrics { get; init; }

    /// <summary>Gets the time the backend spent executing, when reported.</summary>
    public TimeSpan? ExecutionTime { get; init; }
}

/// <summary>A commit to record; the store computes its content hash and diff statistics.</summary>
public sealed record CommitOutput
{
    /// <summary>Gets the session.</summary>
    public required SessionId SessionId { get; init; }

    /// <summary>Gets the user the commit belongs to.</summary>
    public required UserId UserId { get; init; }

    /// <summary>Gets the message.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the unified diff.</summary>
    public required string Diff { get; init; }

    /// <summary>Gets the author.</summary>
    public required string Author { get; init; }
}

/// <summary>An organism to store, with the lineage edges to its parents.</summary>
public sealed record OrganismOutput
{
    /// <summary>Gets the new organism's id (chosen by the agent so that children can name it as a parent).</summary>
    public required OrganismId OrganismId { get; init; }

    /// <summary>Gets the owner.</summary>
    public required UserId UserId { get; init; }

    /// <summary>Gets the session, if any.</summary>
    public SessionId? SessionId { get; init; }

    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the DNALang text.</summary>
    public required string DnaCode { get; init; }

    /// <summary>Gets the generation (0 for a seed).</summary>
    public int Generation { get; init; }

    /// <summary>Gets the fitness, if measured.</summary>
    public double? Fitness { get; init; }

    /// <summary>Gets the metrics object, if any.</summary>
    public JsonElement? Metrics { get; init; }

    /// <summary>Gets the parents and the operator that produced this organism from each (none for a seed).</summary>
    public IReadOnlyList<KeyValuePair<OrganismId, string>> Parents { get; init; } = [];

    /// <summary>Gets the mutations applied, as a JSON array, if any.</summary>
    public JsonElement? Mutations { get; init; }
}

/// <summary>One generation of an evolution run (<c>evolution_history</c>).</summary>
public sealed record EvolutionGenerationOutput
{
    /// <summary>Gets the run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>Gets the owner.</summary>
    public required UserId UserId { get; init; }

    /// <summary>Gets the session, if any.</summary>
    public SessionId? SessionId { get; init; }

    /// <summary>Gets the generation number (0 = the initial population).</summary>
    public required int Generation { get; init; }

    /// <summary>Gets the population size.</summary>
    public required int PopulationSize { get; init; }

    /// <summary>Gets the mean fitness.</summary>
    public required double AverageFitness { get; init; }

    /// <summary>Gets the best fitness.</summary>
    public required double MaxFitness { get; init; }

    /// <summary>Gets the worst fitness.</summary>
    public required double MinFitness { get; init; }

    /// <summary>Gets how many organisms survived selection.</summary>
    public required int Survivors { get; init; }

    /// <summary>Gets how many children were created.</summary>
    public int MutationsApplied { get; init; }

    /// <summary>Gets the diversity score, if computed.</summary>
    public double? DiversityScore { get; init; }

    /// <summary>Gets the best organism, when stored.</summary>
    public OrganismId? BestOrganismId { get; init; }
}
