using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents;

/// <summary>
/// Generates and refactors code through an <see cref="IChatClient"/> (any OpenAI-compatible endpoint, or the offline
/// <see cref="TemplateChatClient"/>), streams the partial output as <c>coder_output</c> events, and records the result
/// as a commit: a unified diff, files changed, additions, deletions and a content-addressed <see cref="CommitHash"/>.
/// </summary>
public sealed partial class CoderAgent : IAgent
{
    /// <summary>The longest prompt accepted, in characters.</summary>
    public const int MaxPromptLength = 32_768;

    /// <summary>The largest total size of the files of a refactoring, in characters.</summary>
    public const int MaxFilesLength = 1_048_576;

    /// <summary>The author recorded on the coder's commits.</summary>
    public const string CommitAuthor = "coder agent";

    private const int EventChunk = 512;

    private readonly IChatClient _chat;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="chatClient">The chat client.</param>
    public CoderAgent(IChatClient chatClient)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chat = chatClient;
    }

    /// <inheritdoc />
    public string AgentType => "coder";

    /// <inheritdoc />
    public IReadOnlyCollection<string> TaskTypes { get; } = [TaskType.CoderGenerate, TaskType.CoderRefactor];

    /// <inheritdoc />
    public async Task<JsonElement> ExecuteAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        JsonElement payload = PayloadReader.RequireObject(task.Payload);
        string prompt = PayloadReader.RequireString(payload, "prompt", MaxPromptLength);
        string language = PayloadReader.RequireString(payload, "language", 32).ToLowerInvariant();
        if (!LanguagePattern().IsMatch(language))
        {
            throw PayloadReader.Invalid("language", "must be 1-32 characters of a-z, 0-9, '#', '+' or '-'");
        }

        bool refactor = task.TaskType.Action == "refactor";
        Dictionary<string, string> files = ReadFiles(payload, required: refactor);
        string path = PayloadReader.OptionalString(payload, "path", 260) ?? (refactor ? files.Keys.First() : $"generated/{Slug(prompt)}.{Extension(language)}");
        ValidatePath(path);
        if (refactor && !files.ContainsKey(path))
        {
            throw PayloadReader.Invalid("path", $"\"{path}\" is not one of the files given");
        }

        string user = refactor
            ? AgentPrompts.Fields(("Language", language), ("Task", prompt), ("File", path), ("Content", files[path]))
            : AgentPrompts.Fields(("Language", language), ("Task", prompt));
        string output = await StreamAsync(task, context, [new(ChatRole.System, AgentPrompts.CoderSystem), new(ChatRole.User, user)], cancellationToken).ConfigureAwait(false);
        string code = ExtractCode(output);

        string message = $"{task.TaskType.Action}: {FirstLine(prompt)}";
        FileDiff diff = UnifiedDiff.Create(path, refactor ? files[path] : null, code);
        bool changed = diff.Additions + diff.Deletions > 0;

        // In a session the commit is recorded in commit_logs with the task's completion; its id is the stored content hash.
        bool recorded = changed && task.SessionId is not null && task.CreatedBy is not null;
        CommitId hash = recorded ? CommitId.Compute(task.SessionId!.Value, CommitAuthor, message, diff.Text) : CommitHash.Compute(message, diff.Text);
        if (recorded)
        {
            context.Outputs.AddCommit(new CommitOutput { SessionId = task.SessionId!.Value, UserId = task.CreatedBy!.Value, Message = message, Diff = diff.Text, Author = CommitAuthor });
            context.Outputs.AddEvent(new NewAgentEvent
            {
                SessionId = task.SessionId!.Value, AgentType = AgentType, EventType = "commit_recorded", TaskId = task.Id,
                Message = $"{hash.Value[..12]} {message}",
                Data = AgentJson.ToElement(new JsonObject { ["commit_hash"] = hash.Value, ["additions"] = diff.Additions, ["deletions"] = diff.Deletions, ["path"] = path }),
            });
        }
        var result = new JsonObject
        {
            ["prompt"] = prompt,
            ["language"] = language,
            ["model"] = ModelName(),
            ["output"] = output,
            ["path"] = path,
            ["code"] = code,
            ["commit"] = new JsonObject
            {
                ["commit_hash"] = hash.Value,
                ["message"] = message,
                ["diff"] = diff.Text,
                ["files_changed"] = changed ? 1 : 0,
                ["additions"] = diff.Additions,
                ["deletions"] = diff.Deletions,
                ["files"] = AgentJson.Strings([path]),
                ["author"] = CommitAuthor,
                ["recorded"] = recorded,
            },
        };
        return AgentJson.ToElement(result);
    }

    internal static string ExtractCode(string output)
    {
        Match m = FencePattern().Match(output);
        if (!m.Success)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.ServiceError, "the model's answer has no fenced code block (```…```); nothing to record");
        }

        string code = m.Groups["code"].Value.ReplaceLineEndings("\n");
        if (string.IsNullOrWhiteSpace(code))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.ServiceError, "the model's code block is empty; nothing to record");
        }

        return code.EndsWith('\n') ? code : code + "\n";
    }

    internal static async Task<string> StreamAsync(AgentTask task, AgentContext context, IList<ChatMessage> messages, IChatClient chat, string eventType, CancellationToken cancellationToken)
    {
        var all = new StringBuilder();
        var pending = new StringBuilder();
        try
        {
            await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(messages, null, cancellationToken).ConfigureAwait(false))
            {
                all.Append(update.Text);
                pending.Append(update.Text);
                if (pending.Length >= EventChunk)
                {
                    await PublishChunkAsync(task, context, eventType, pending, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not QuantumLmException)
        {
            // Providers wrap transport failures differently (HttpRequestException, System.ClientModel exceptions with an
            // inner one, IOException): a failure to reach the endpoint is transient, anything else (garbage, refusal) is not.
            bool transient = IsTransportFailure(ex);
            string what = transient ? "could not be reached" : "returned an unusable answer";
            throw new QuantumLmException(QuantumLmErrorCodes.ServiceError, $"the language model endpoint {what}: {ex.GetType().Name}: {ex.Message}", transient, ex);
        }

        if (pending.Length > 0)
        {
            await PublishChunkAsync(task, context, eventType, pending, cancellationToken).ConfigureAwait(false);
        }

        return all.ToString();
    }

    internal static bool IsTransportFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }

    private Task<string> StreamAsync(AgentTask task, AgentContext context, IList<ChatMessage> messages, CancellationToken cancellationToken) =>
        StreamAsync(task, context, messages, _chat, "coder_output", cancellationToken);

    private static async Task PublishChunkAsync(AgentTask task, AgentContext context, string eventType, StringBuilder pending, CancellationToken cancellationToken)
    {
        if (task.SessionId is SessionId session)
        {
            await context.Events.PublishAsync(
                new NewAgentEvent { SessionId = session, AgentType = task.TaskType.Agent, EventType = eventType, TaskId = task.Id, Message = pending.ToString(), Level = AgentEventLevel.Debug },
                cancellationToken).ConfigureAwait(false);
        }

        pending.Clear();
    }

    private string ModelName() => (_chat.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata)?.DefaultModelId ?? "unknown";

    private static Dictionary<string, string> ReadFiles(JsonElement payload, bool required)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!payload.TryGetProperty("files", out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return required ? throw PayloadReader.Invalid("files", "is required for coder:refactor (an object of path → content)") : files;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw PayloadReader.Invalid("files", "must be an object of path → content");
        }

        long total = 0;
        foreach (JsonProperty f in e.EnumerateObject())
        {
            ValidatePath(f.Name);
            if (f.Value.ValueKind != JsonValueKind.String)
            {
                throw PayloadReader.Invalid($"files.{f.Name}", "must be a string");
            }

            string content = f.Value.GetString()!;
            total += content.Length;
            if (total > MaxFilesLength)
            {
                throw PayloadReader.Invalid("files", $"exceed {MaxFilesLength} characters in total");
            }

            files[f.Name] = content;
        }

        if (required && files.Count == 0)
        {
            throw PayloadReader.Invalid("files", "must name at least one file to refactor");
        }

        return files;
    }

    private static void ValidatePath(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Length > 260 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal)
            || path.Split('/').Any(static s => s is "" or "." or "..") || path.Any(char.IsControl))
        {
            throw PayloadReader.Invalid("path", $"\"{path}\" must be a relative path of '/'-separated names, without '.', '..' or control characters, at most 260 characters");
        }
    }

    private static string FirstLine(string text)
    {
        string line = text.ReplaceLineEndings("\n").Split('\n')[0].Trim();
        return line.Length <= 72 ? line : line[..72];
    }

    private static string Slug(string prompt)
    {
        var sb = new StringBuilder();
        foreach (char c in prompt.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }

            if (sb.Length >= 40)
            {
                break;
            }
        }

        string slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "snippet" : slug;
    }

    private static string Extension(string language) => language switch
    {
        "python" => "py",
        "csharp" or "c#" => "cs",
        "typescript" => "ts",
        "javascript" => "js",
        "qasm" or "openqasm" => "qasm",
        "rust" => "rs",
        "go" => "go",
        "java" => "java",
        "cpp" or "c++" => "cpp",
        "c" => "c",
        "sql" => "sql",
        "bash" or "shell" => "sh",
        _ => "txt",
    };

    [GeneratedRegex("^[a-z0-9#+-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"```[^\n`]*\n(?<code>.*?)```", RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex FencePattern();
}
