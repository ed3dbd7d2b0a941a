using System.Security.Cryptography;
using System.Text;

namespace QuantumLM.Agents.Tests;

public sealed class CommitHashTests
{
    [Fact]
    public void Hash_FollowsTheDocumentedCanonicalEncoding()
    {
        // The encoding documented on CommitHash: "quantumlm-commit-v1\n<len>\n<message>\n<len>\n<diff>", UTF-8 byte lengths.
        string expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("quantumlm-commit-v1\n3\nfix\n5\n+abc\n")));
        Assert.Equal(expected, CommitHash.Compute("fix", "+abc\n").Value);
    }

    [Fact]
    public void SameContent_SameHash_LineEndingsNormalized() =>
        Assert.Equal(CommitHash.Compute("m", "a\nb\n"), CommitHash.Compute("m", "a\r\nb\r\n"));

    [Fact]
    public void DifferentContent_DifferentHash()
    {
        Assert.NotEqual(CommitHash.Compute("m", "a"), CommitHash.Compute("m", "b"));
        Assert.NotEqual(CommitHash.Compute("m1", "a"), CommitHash.Compute("m", "1a"));
    }
}
