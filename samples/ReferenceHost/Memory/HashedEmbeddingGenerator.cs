using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace QuantumLM.ReferenceHost.Memory;

/// <summary>
/// The offline default embedding generator: a signed hashed bag of words (identifiers split at <c>_</c> and case
/// changes, FNV-1a into a fixed number of dimensions, log-scaled term counts, unit length). Deterministic, needs no
/// model or network, and good enough for keyword-like code search; an operator configures a real model instead.
/// </summary>
internal sealed class HashedEmbeddingGenerator(IOptions<ApiOptions> options) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly int _dimensions = options.Value.EmbeddingDimensions;

    /// <summary>Gets the metadata (model id <c>hashed-bow-v1</c>).</summary>
    public EmbeddingGeneratorMetadata Metadata => new("quantumlm-offline", null, "hashed-bow-v1", _dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (string text in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(text)) { ModelId = "hashed-bow-v1" });
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    internal float[] Embed(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string token in Tokens(text))
        {
            counts[token] = counts.GetValueOrDefault(token) + 1;
        }

        var v = new float[_dimensions];
        if (counts.Count == 0)
        {
            // No word at all (punctuation only): one bucket of the whole text, so the vector still has a direction.
            counts[text.Trim().Length == 0 ? "\0empty" : "\0" + text.Trim()] = 1;
        }

        foreach ((string token, int count) in counts)
        {
            ulong h = Fnv1a(token);
            int index = (int)(h % (ulong)_dimensions);
            float sign = (h >> 63) == 0 ? 1f : -1f;
            v[index] += sign * (1f + MathF.Log(count));
        }

        double norm = Math.Sqrt(v.Sum(static x => (double)x * x));
        if (norm == 0)
        {
            v[0] = 1f; // opposite signs cancelled out exactly
            return v;
        }

        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)(v[i] / norm);
        }

        return v;
    }

    private static IEnumerable<string> Tokens(string text)
    {
        var word = new StringBuilder();
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : ' ';
            bool boundary = !char.IsLetterOrDigit(c)
                || (word.Length > 0 && char.IsUpper(c) && char.IsLower(word[^1])); // camelCase
            if (boundary && word.Length > 0)
            {
                if (word.Length > 1 || char.IsDigit(word[0]))
                {
                    yield return word.ToString().ToLowerInvariant();
                }

                word.Clear();
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
        }
    }

    private static ulong Fnv1a(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s)
        {
            h ^= c;
            h *= 1099511628211UL;
        }

        return h;
    }
}
