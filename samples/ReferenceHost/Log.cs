namespace QuantumLM.ReferenceHost;

/// <summary>The host's log messages. Never log tokens, passwords, hashes or e-mail addresses above Trace.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    public static partial void RequestFailed(this ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Rate limit exceeded for {Partition} on {Method} {Path}; retry after {RetryAfterSeconds} s")]
    public static partial void RateLimited(this ILogger logger, string partition, string method, PathString path, int retryAfterSeconds);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "No QuantumLM:Auth:SigningKey is configured: using an ephemeral key, so every token dies with this process. Set QuantumLM__Auth__SigningKey (run.sh keeps one) for anything but a quick try-out.")]
    public static partial void EphemeralSigningKey(this ILogger logger);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "User {UserId} signed up")]
    public static partial void UserSignedUp(this ILogger logger, QuantumLM.Abstractions.UserId userId);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "User {UserId} logged in")]
    public static partial void UserLoggedIn(this ILogger logger, QuantumLM.Abstractions.UserId userId);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "A login failed ({Reason})")]
    public static partial void LoginFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "A rotated refresh token was presented again: revoked {Revoked} token(s) of its family")]
    public static partial void RefreshTokenReused(this ILogger logger, int revoked);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Information, Message = "User {UserId} logged out")]
    public static partial void UserLoggedOut(this ILogger logger, QuantumLM.Abstractions.UserId userId);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Information, Message = "External user {UserId} of issuer {Issuer} provisioned")]
    public static partial void ExternalUserProvisioned(this ILogger logger, QuantumLM.Abstractions.UserId userId, string issuer);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Information, Message = "Token refused: {Reason}")]
    public static partial void TokenRefused(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Role {Role} {Action} user {UserId} by {Actor} (changed: {Changed})")]
    public static partial void RoleChanged(this ILogger logger, string role, string action, QuantumLM.Abstractions.UserId userId, QuantumLM.Abstractions.UserId actor, bool changed);
}
