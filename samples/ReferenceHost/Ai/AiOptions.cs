using Microsoft.Extensions.Options;

namespace QuantumLM.ReferenceHost.Ai;

/// <summary>
/// An OpenAI-compatible endpoint for the coder and architect agents (chat) and codebase memory (embeddings)
/// (<c>QuantumLM:Ai</c>). Nothing configured: the agents run on their offline templates and memory uses the offline
/// hashed embedding.
/// </summary>
internal sealed class AiOptions
{
    public const string SectionName = "QuantumLM:Ai";

    /// <summary>Gets or sets the API root, for example <c>https://api.openai.com/v1</c> or a local server's <c>http://127.0.0.1:8000/v1</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the API key (sent as a bearer token; never logged). Optional for local servers.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the chat model for the coder and architect agents, or <see langword="null"/> to keep them offline.</summary>
    public string? ChatModel { get; set; }

    /// <summary>Gets or sets the embedding model for codebase memory, or <see langword="null"/> for the offline embedding.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Gets or sets the network timeout of one request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Gets or sets how often the client retries a failed request (0 to 10).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Gets a value indicating whether a chat model is configured.</summary>
    public bool HasChat => Endpoint is not null && !string.IsNullOrWhiteSpace(ChatModel);

    /// <summary>Gets a value indicating whether an embedding model is configured.</summary>
    public bool HasEmbeddings => Endpoint is not null && !string.IsNullOrWhiteSpace(EmbeddingModel);

    /// <inheritdoc />
    public override string ToString() => $"AiOptions {{ Endpoint = {Endpoint}, ChatModel = {ChatModel}, EmbeddingModel = {EmbeddingModel}, ApiKey = *** }}";
}

/// <summary>Start-up rules of <see cref="AiOptions"/>.</summary>
internal sealed class AiOptionsValidator : IValidateOptions<AiOptions>
{
    public ValidateOptionsResult Validate(string? name, AiOptions options)
    {
        var failures = new List<string>();
        bool anyModel = !string.IsNullOrWhiteSpace(options.ChatModel) || !string.IsNullOrWhiteSpace(options.EmbeddingModel);
        if (anyModel && options.Endpoint is null)
        {
            failures.Add("QuantumLM:Ai:Endpoint is required when ChatModel or EmbeddingModel is set.");
        }

        if (options.Endpoint is { } e && (!e.IsAbsoluteUri || (e.Scheme != Uri.UriSchemeHttp && e.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"QuantumLM:Ai:Endpoint must be an absolute http or https URL, got '{e}'.");
        }

        if (options.Endpoint is not null && !anyModel)
        {
            failures.Add("QuantumLM:Ai:Endpoint is set but neither ChatModel nor EmbeddingModel is; set at least one.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(30))
        {
            failures.Add("QuantumLM:Ai:Timeout must be between 0 and 30 minutes.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add("QuantumLM:Ai:MaxRetries must be from 0 to 10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
