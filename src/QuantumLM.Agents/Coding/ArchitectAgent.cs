using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents;

/// <summary>Plans and designs through an <see cref="IChatClient"/>: the answer's numbered steps become the plan; partial output is streamed as <c>architect_output</c> events.</summary>
public sealed partial class ArchitectAgent : IAgent
{
    private readonly IChatClient _chat;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="chatClient">The chat client.</param>
    public ArchitectAgent(IChatClient chatClient)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chat = chatClient;
    }

    /// <inheritdoc />
    public string AgentType => "architect";

    /// <inheritdoc />
    public IReadOnlyCollection<string> TaskTypes { get; } = [TaskType.ArchitectPlan, TaskType.ArchitectDesign];

    /// <inheritdoc />
    public async Task<JsonElement> ExecuteAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        JsonElement payload = PayloadReader.RequireObject(task.Payload);
        string goal = PayloadReader.RequireString(payload, "goal", CoderAgent.MaxPromptLength);
        string? constraints = ReadConstraints(payload);
        string mode = task.TaskType.Action;
        string user = AgentPrompts.Fields(("Mode", mode), ("Goal", goal), ("Constraints", constraints));
        string output = await CoderAgent.StreamAsync(task, context, [new(ChatRole.System, AgentPrompts.ArchitectSystem), new(ChatRole.User, user)], _chat, "architect_output", cancellationToken).ConfigureAwait(false);
        string[] steps = StepPattern().Matches(output).Select(static m => m.Groups["step"].Value.Trim()).ToArray();
        if (steps.Length == 0)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.ServiceError, "the model's answer has no numbered steps; no plan to record");
        }

        var model = (_chat.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata)?.DefaultModelId ?? "unknown";
        return AgentJson.ToElement(new JsonObject
        {
            ["goal"] = goal,
            ["constraints"] = constraints,
            ["mode"] = mode,
            ["model"] = model,
            ["output"] = output,
            ["steps"] = AgentJson.Strings(steps),
        });
    }

    private static string? ReadConstraints(JsonElement payload)
    {
        if (!payload.TryGetProperty("constraints", out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind switch
        {
            JsonValueKind.String => PayloadReader.OptionalString(payload, "constraints", CoderAgent.MaxPromptLength),
            JsonValueKind.Array when e.EnumerateArray().All(static x => x.ValueKind == JsonValueKind.String) && e.GetArrayLength() <= 100 =>
                string.Join("; ", e.EnumerateArray().Select(static x => x.GetString())),
            _ => throw PayloadReader.Invalid("constraints", "must be a string or an array of at most 100 strings"),
        };
    }

    [GeneratedRegex(@"^\s*\d+[.)]\s+(?<step>.+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex StepPattern();
}
