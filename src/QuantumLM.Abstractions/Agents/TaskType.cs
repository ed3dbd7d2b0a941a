namespace QuantumLM.Abstractions.Agents;

/// <summary>
/// A task type of the form <c>&lt;agent&gt;:&lt;action&gt;</c>, used identically by the dispatcher, the queue and the
/// worker. Both parts are lowercase ASCII letters, digits, '_' or '-', at most 64 characters each.
/// </summary>
public readonly record struct TaskType
{
    /// <summary>Runs a circuit on a backend and computes its metrics.</summary>
    public const string QuantumExecute = "quantum:execute";

    /// <summary>Computes the metrics of supplied counts.</summary>
    public const string QuantumMetrics = "quantum:metrics";

    /// <summary>Applies one operator to a genome.</summary>
    public const string OrganismMutate = "organism:mutate";

    /// <summary>Runs the population evolution loop.</summary>
    public const string OrganismEvolve = "organism:evolve";

    /// <summary>Generates code.</summary>
    public const string CoderGenerate = "coder:generate";

    /// <summary>Refactors code.</summary>
    public const string CoderRefactor = "coder:refactor";

    /// <summary>Plans work towards a goal.</summary>
    public const string ArchitectPlan = "architect:plan";

    /// <summary>Designs a system for a goal.</summary>
    public const string ArchitectDesign = "architect:design";

    private TaskType(string agent, string action)
    {
        Agent = agent;
        Action = action;
    }

    /// <summary>Gets the agent part (before the colon).</summary>
    public string Agent { get; }

    /// <summary>Gets the action part (after the colon).</summary>
    public string Action { get; }

    /// <summary>Parses a task type.</summary>
    /// <param name="value">The text, for example <c>quantum:execute</c>.</param>
    /// <returns>The task type.</returns>
    /// <exception cref="QuantumLmException">The text is not of the form <c>agent:action</c> (<see cref="QuantumLmErrorCodes.UnknownTaskType"/>).</exception>
    public static TaskType Parse(string value)
    {
        if (!TryParse(value, out TaskType result))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.UnknownTaskType, $"task type \"{value}\" is not of the form <agent>:<action> (lowercase letters, digits, '_' or '-')");
        }

        return result;
    }

    /// <summary>Tries to parse a task type.</summary>
    /// <param name="value">The text.</param>
    /// <param name="result">The task type when parsing succeeded.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is well formed.</returns>
    public static bool TryParse(string? value, out TaskType result)
    {
        result = default;
        if (value is null)
        {
            return false;
        }

        int colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1 || colon > 64 || value.Length - colon - 1 > 64)
        {
            return false;
        }

        string agent = value[..colon];
        string action = value[(colon + 1)..];
        if (!IsPart(agent) || !IsPart(action))
        {
            return false;
        }

        result = new TaskType(agent, action);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Agent is null ? string.Empty : $"{Agent}:{Action}";

    private static bool IsPart(string s)
    {
        foreach (char c in s)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
