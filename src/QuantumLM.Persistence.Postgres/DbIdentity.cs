using System.Text.Json;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;

namespace QuantumLM.Persistence.Postgres;

/// <summary>The kind of identity a database transaction runs under.</summary>
public enum DbIdentityKind
{
    /// <summary>No verified identity: only public rows are visible.</summary>
    Anonymous = 0,

    /// <summary>A signed-in user.</summary>
    User = 1,

    /// <summary>A worker or platform service, recorded by name in the rows it writes.</summary>
    Service = 2,
}

/// <summary>
/// The identity a database transaction runs under. Every transaction first sets the matching database role and the
/// JWT-style claims with <c>set_config(…, true)</c> (transaction-local), so row-level security decides what it may
/// see and write. Roles listed here are informational: the database reads a user's roles from <c>user_roles</c>.
/// </summary>
public sealed record DbIdentity
{
    private DbIdentity(DbIdentityKind kind, UserId? userId, string? serviceName, IReadOnlyList<Role> roles)
    {
        Kind = kind;
        UserId = userId;
        ServiceName = serviceName;
        Roles = roles;
    }

    /// <summary>Gets the anonymous identity.</summary>
    public static DbIdentity Anonymous { get; } = new(DbIdentityKind.Anonymous, null, null, []);

    /// <summary>Gets the kind of identity.</summary>
    public DbIdentityKind Kind { get; }

    /// <summary>Gets the user, for <see cref="DbIdentityKind.User"/>.</summary>
    public UserId? UserId { get; }

    /// <summary>Gets the service name, for <see cref="DbIdentityKind.Service"/>.</summary>
    public string? ServiceName { get; }

    /// <summary>Gets the roles carried in the claims (informational; policies read roles from the database).</summary>
    public IReadOnlyList<Role> Roles { get; }

    /// <summary>Creates a user identity.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="roles">The roles from the token, if known.</param>
    /// <returns>The identity.</returns>
    public static DbIdentity ForUser(UserId userId, IReadOnlyList<Role>? roles = null)
    {
        if (userId.Value == Guid.Empty)
        {
            throw new ArgumentException("A user identity needs a non-empty user id.", nameof(userId));
        }

        return new(DbIdentityKind.User, userId, null, roles ?? []);
    }

    /// <summary>Creates a service identity (a worker, the auth service, a maintenance job).</summary>
    /// <param name="serviceName">A name of 1–100 characters: letters, digits, <c>_ - . : @</c>.</param>
    /// <returns>The identity.</returns>
    public static DbIdentity ForService(string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        if (serviceName.Length > 100 || serviceName.AsSpan().ContainsAnyExcept(s_serviceChars))
        {
            throw new ArgumentException($"service name \"{serviceName}\" must be 1-100 characters of letters, digits, '_', '-', '.', ':' or '@'.", nameof(serviceName));
        }

        return new(DbIdentityKind.Service, null, serviceName, []);
    }

    /// <summary>Gets the database role this identity switches to.</summary>
    internal string DatabaseRole => Kind switch
    {
        DbIdentityKind.User => "quantumlm_authenticated",
        DbIdentityKind.Service => "quantumlm_service",
        _ => "quantumlm_anon",
    };

    /// <summary>Gets the actor string the database records for this identity (<c>current_actor()</c>).</summary>
    internal string Actor => Kind switch
    {
        DbIdentityKind.User => "user:" + UserId!.Value.ToString(),
        DbIdentityKind.Service => "service:" + ServiceName,
        _ => "anonymous",
    };

    /// <summary>Serialises the claims set in <c>request.jwt.claims</c>.</summary>
    /// <returns>The claims JSON.</returns>
    internal string ToClaimsJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            switch (Kind)
            {
                case DbIdentityKind.User:
                    w.WriteString("sub", UserId!.Value.ToString());
                    w.WriteString("role", "authenticated");
                    w.WriteStartArray("roles");
                    foreach (Role r in Roles)
                    {
                        w.WriteStringValue(r.ToString().ToLowerInvariant());
                    }

                    w.WriteEndArray();
                    break;
                case DbIdentityKind.Service:
                    w.WriteString("service", ServiceName);
                    w.WriteString("role", "service");
                    break;
                default:
                    w.WriteString("role", "anon");
                    break;
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static readonly System.Buffers.SearchValues<char> s_serviceChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:@");
}
