using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace QuantumLM.ReferenceHost.Ai;

/// <summary>Registers an OpenAI-compatible chat client and embedding generator when <see cref="AiOptions"/> names them.</summary>
internal static class AiServiceCollectionExtensions
{
    /// <summary>The ActivitySource / Meter name of the model calls.</summary>
    public const string TelemetrySourceName = "QuantumLM.Ai";

    /// <summary>
    /// Binds and validates <c>QuantumLM:Ai</c>; registers <see cref="IChatClient"/> and/or
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> on that endpoint when configured. Call before the agents
    /// and the API register their offline defaults (they use TryAdd).
    /// </summary>
    public static void AddQuantumLmAi(this WebApplicationBuilder builder)
    {
        IConfigurationSection section = builder.Configuration.GetSection(AiOptions.SectionName);
        builder.Services.AddOptions<AiOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AiOptions>, AiOptionsValidator>();
        AiOptions configured = section.Get<AiOptions>() ?? new AiOptions();
        if (configured.HasChat)
        {
            builder.Services.AddSingleton<IChatClient>(sp =>
            {
                AiOptions o = sp.GetRequiredService<IOptions<AiOptions>>().Value;
                return new OpenAI.Chat.ChatClient(o.ChatModel, Credential(o), ClientOptions(o))
                    .AsIChatClient()
                    .AsBuilder()
                    .UseOpenTelemetry(sourceName: TelemetrySourceName)
                    .Build(sp);
            });
        }

        if (configured.HasEmbeddings)
        {
            builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            {
                AiOptions o = sp.GetRequiredService<IOptions<AiOptions>>().Value;
                return new OpenAI.Embeddings.EmbeddingClient(o.EmbeddingModel, Credential(o), ClientOptions(o))
                    .AsIEmbeddingGenerator()
                    .AsBuilder()
                    .UseOpenTelemetry(sourceName: TelemetrySourceName)
                    .Build(sp);
            });
        }
    }

    private static ApiKeyCredential Credential(AiOptions o) => new(string.IsNullOrEmpty(o.ApiKey) ? "unused" : o.ApiKey);

    private static OpenAIClientOptions ClientOptions(AiOptions o) => new()
    {
        Endpoint = o.Endpoint,
        NetworkTimeout = o.Timeout,
        RetryPolicy = new ClientRetryPolicy(o.MaxRetries),
    };
}
