using System.Security.Cryptography;
using System.Text;
using QuantumLM.Abstractions;

namespace QuantumLM.Agents;

/// <summary>
/// Content-addressed commit ids: SHA-256 over a versioned, length-prefixed encoding of the message and the diff (line
/// endings normalized to LF). No timestamp or author enters the hash, so the same content always gives the same id.
/// </summary>
public static class CommitHash
{
    /// <summary>Computes the commit id of a message and a unified diff.</summary>
    /// <param name="message">The commit message.</param>
    /// <param name="diff">The unified diff.</param>
    /// <returns>The id.</returns>
    public static CommitId Compute(string message, string diff)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(diff);
        string m = message.ReplaceLineEndings("\n");
        string d = diff.ReplaceLineEndings("\n");
        string canonical = $"quantumlm-commit-v1\n{Encoding.UTF8.GetByteCount(m)}\n{m}\n{Encoding.UTF8.GetByteCount(d)}\n{d}";
        return new CommitId(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
    }
}
