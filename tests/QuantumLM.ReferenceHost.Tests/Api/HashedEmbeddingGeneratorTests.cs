using Microsoft.Extensions.Options;
using QuantumLM.ReferenceHost.Memory;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class HashedEmbeddingGeneratorTests
{
    private static readonly HashedEmbeddingGenerator Generator = new(Options.Create(new ApiOptions { EmbeddingDimensions = 64 }));

    private static double Cosine(float[] a, float[] b) => a.Zip(b, static (x, y) => (double)x * y).Sum();

    [Fact]
    public void Embedding_IsDeterministic_UnitLength_AndOfTheConfiguredDimension()
    {
        float[] a = Generator.Embed("void ApplyHadamard(int qubit)");
        Assert.Equal(64, a.Length);
        Assert.Equal(a, Generator.Embed("void ApplyHadamard(int qubit)"));
        Assert.Equal(1.0, Math.Sqrt(a.Sum(static x => (double)x * x)), 5);
    }

    [Fact]
    public void Identifiers_SplitIntoWords_SoCamelAndSnakeCaseMatch()
    {
        Assert.Equal(Generator.Embed("apply_hadamard"), Generator.Embed("ApplyHadamard"));
        Assert.True(Cosine(Generator.Embed("apply hadamard gate"), Generator.Embed("ApplyHadamard")) > Cosine(Generator.Embed("login password hash"), Generator.Embed("ApplyHadamard")));
    }

    [Fact]
    public void PunctuationOnly_StillHasADirection()
    {
        float[] v = Generator.Embed("{}();");
        Assert.Equal(1.0, Math.Sqrt(v.Sum(static x => (double)x * x)), 5);
    }

    [Fact]
    public async Task GenerateAsync_KeepsInputOrder()
    {
        var result = await Generator.GenerateAsync(["alpha beta", "gamma"]);
        Assert.Equal(Generator.Embed("alpha beta"), result[0].Vector.ToArray());
        Assert.Equal(Generator.Embed("gamma"), result[1].Vector.ToArray());
    }
}
