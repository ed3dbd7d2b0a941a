using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace QuantumLM.Abstractions;

/// <summary>Identifies a user of the platform.</summary>
/// <param name="Value">The underlying UUID.</param>
public readonly record struct UserId(Guid Value) : ISpanParsable<UserId>
{
    /// <summary>Creates a new, time-ordered id (UUID version 7).</summary>
    /// <returns>A fresh id.</returns>
    public static UserId New() => new(Guid.CreateVersion7());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");

    /// <inheritdoc />
    public static UserId Parse(string s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out UserId result) => TryParse(s.AsSpan(), provider, out result);

    /// <inheritdoc />
    public static UserId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out UserId result)
    {
        bool ok = Guid.TryParse(s, provider, out Guid g);
        result = new(g);
        return ok;
    }
}

/// <summary>Identifies an arena session.</summary>
/// <param name="Value">The underlying UUID.</param>
public readonly record struct SessionId(Guid Value) : ISpanParsable<SessionId>
{
    /// <summary>Creates a new, time-ordered id (UUID version 7).</summary>
    /// <returns>A fresh id.</returns>
    public static SessionId New() => new(Guid.CreateVersion7());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");

    /// <inheritdoc />
    public static SessionId Parse(string s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out SessionId result) => TryParse(s.AsSpan(), provider, out result);

    /// <inheritdoc />
    public static SessionId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out SessionId result)
    {
        bool ok = Guid.TryParse(s, provider, out Guid g);
        result = new(g);
        return ok;
    }
}

/// <summary>Identifies a task in the agent task queue.</summary>
/// <param name="Value">The underlying UUID.</param>
public readonly record struct TaskId(Guid Value) : ISpanParsable<TaskId>
{
    /// <summary>Creates a new, time-ordered id (UUID version 7).</summary>
    /// <returns>A fresh id.</returns>
    public static TaskId New() => new(Guid.CreateVersion7());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");

    /// <inheritdoc />
    public static TaskId Parse(string s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out TaskId result) => TryParse(s.AsSpan(), provider, out result);

    /// <inheritdoc />
    public static TaskId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out TaskId result)
    {
        bool ok = Guid.TryParse(s, provider, out Guid g);
        result = new(g);
        return ok;
    }
}

/// <summary>Identifies a quantum job recorded by the platform (not the backend's own job id).</summary>
/// <param name="Value">The underlying UUID.</param>
public readonly record struct JobId(Guid Value) : ISpanParsable<JobId>
{
    /// <summary>Creates a new, time-ordered id (UUID version 7).</summary>
    /// <returns>A fresh id.</returns>
    public static JobId New() => new(Guid.CreateVersion7());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");

    /// <inheritdoc />
    public static JobId Parse(string s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out JobId result) => TryParse(s.AsSpan(), provider, out result);

    /// <inheritdoc />
    public static JobId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out JobId result)
    {
        bool ok = Guid.TryParse(s, provider, out Guid g);
        result = new(g);
        return ok;
    }
}

/// <summary>Identifies an organism (one genome version) in the lineage store.</summary>
/// <param name="Value">The underlying UUID.</param>
public readonly record struct OrganismId(Guid Value) : ISpanParsable<OrganismId>
{
    /// <summary>Creates a new, time-ordered id (UUID version 7).</summary>
    /// <returns>A fresh id.</returns>
    public static OrganismId New() => new(Guid.CreateVersion7());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("D");

    /// <inheritdoc />
    public static OrganismId Parse(string s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out OrganismId result) => TryParse(s.AsSpan(), provider, out result);

    /// <inheritdoc />
    public static OrganismId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => new(Guid.Parse(s, provider));

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out OrganismId result)
    {
        bool ok = Guid.TryParse(s, provider, out Guid g);
        result = new(g);
        return ok;
    }
}

/// <summary>Identifies a commit recorded by the commit writer: a lowercase hexadecimal SHA-256 content hash.</summary>
public readonly record struct CommitId
{
    /// <summary>Creates a commit id from its hexadecimal hash.</summary>
    /// <param name="value">64 hexadecimal characters; stored in lowercase.</param>
    /// <exception cref="ArgumentException">The value is not a 64-character hexadecimal string.</exception>
    public CommitId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != 64 || value.AsSpan().ContainsAnyExcept(s_hexChars))
        {
            throw new ArgumentException("A commit id is 64 hexadecimal characters (a SHA-256 hash).", nameof(value));
        }

        Value = value.ToLowerInvariant();
    }

    private static readonly SearchValues<char> s_hexChars = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// Computes the content hash of a commit as stored in <c>commit_logs</c>: SHA-256 (lowercase hex) over
    /// <c>"quantumlm-commit-v1\n"</c> followed by session id, author, message and diff, each as
    /// <c>&lt;length&gt;:&lt;text&gt;\n</c>. No timestamp enters it: the same content in the same session gives the same id.
    /// </summary>
    /// <param name="sessionId">The session the commit belongs to.</param>
    /// <param name="author">The author.</param>
    /// <param name="message">The message.</param>
    /// <param name="diff">The unified diff.</param>
    /// <returns>The commit id.</returns>
    public static CommitId Compute(SessionId sessionId, string author, string message, string diff)
    {
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(diff);
        var sb = new System.Text.StringBuilder("quantumlm-commit-v1\n");
        foreach (string part in (string[])[sessionId.ToString(), author, message, diff])
        {
            sb.Append(part.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(part).Append('\n');
        }

        return new CommitId(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sb.ToString()))));
    }


    /// <summary>Gets the lowercase hexadecimal hash.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
