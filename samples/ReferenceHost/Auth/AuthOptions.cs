using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QuantumLM.ReferenceHost.Auth;

/// <summary>Authentication settings (<c>QuantumLM:Auth</c>): the built-in issuer and, optionally, an external one.</summary>
internal sealed class AuthOptions
{
    public const string SectionName = "QuantumLM:Auth";

    /// <summary>Gets or sets the HMAC-SHA256 signing key of the built-in issuer, base64-encoded, at least 32 bytes. Required unless only an external issuer is used.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Gets or sets the issuer of built-in tokens.</summary>
    [Required]
    public string Issuer { get; set; } = "quantumlm";

    /// <summary>Gets or sets the audience of built-in tokens.</summary>
    [Required]
    public string Audience { get; set; } = "quantumlm";

    /// <summary>Gets or sets a value indicating whether <see cref="SigningKey"/> was generated at start-up because none was configured.</summary>
    internal bool SigningKeyIsEphemeral { get; set; }

    /// <summary>Gets or sets the lifetime of access tokens.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the lifetime of refresh tokens.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets how long account existence, roles and profiles are cached per process (invalidated on change in this process).</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan IdentityCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the PBKDF2 iteration count of new password hashes (ASP.NET Core Identity's V3 format).</summary>
    /// <value>The default is 100,000.</value>
    [Range(10_000, 10_000_000)]
    public int PasswordHashIterations { get; set; } = 100_000;

    /// <summary>Gets or sets an external issuer (Supabase-compatible claims <c>sub</c>, <c>email</c>, <c>role</c>), or <see langword="null"/>.</summary>
    [ValidateObjectMembers]
    public ExternalIssuerOptions? External { get; set; }

    /// <summary>Decodes <see cref="SigningKey"/>.</summary>
    public byte[] GetSigningKeyBytes() =>
        SigningKey is null ? throw new InvalidOperationException("QuantumLM:Auth:SigningKey is not set.") : Convert.FromBase64String(SigningKey);
}

/// <summary>An operator-configured external JWT issuer.</summary>
internal sealed class ExternalIssuerOptions
{
    /// <summary>Gets or sets the issuer (<c>iss</c>) to accept.</summary>
    [Required]
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Gets or sets the audience (<c>aud</c>) to accept.</summary>
    [Required]
    public string Audience { get; set; } = "authenticated";

    /// <summary>Gets or sets the HMAC signing secret (base64), as Supabase projects use; or leave empty and set <see cref="JwksUrl"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Gets or sets the JWKS URL of an issuer that signs with asymmetric keys.</summary>
    public Uri? JwksUrl { get; set; }
}

[OptionsValidator]
internal sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
}

/// <summary>The cross-field rules of <see cref="AuthOptions"/>.</summary>
internal sealed class AuthOptionsRules : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.SigningKey is null && options.External is null)
        {
            failures.Add("QuantumLM:Auth needs a SigningKey (base64, at least 32 bytes) or an External issuer.");
        }

        if (options.SigningKey is not null)
        {
            try
            {
                if (Convert.FromBase64String(options.SigningKey).Length < 32)
                {
                    failures.Add("QuantumLM:Auth:SigningKey must decode to at least 32 bytes.");
                }
            }
            catch (FormatException)
            {
                failures.Add("QuantumLM:Auth:SigningKey is not valid base64.");
            }
        }

        if (options.AccessTokenLifetime < TimeSpan.FromMinutes(1) || options.AccessTokenLifetime > TimeSpan.FromDays(1))
        {
            failures.Add("QuantumLM:Auth:AccessTokenLifetime must be between 1 minute and 1 day.");
        }

        if (options.RefreshTokenLifetime < options.AccessTokenLifetime || options.RefreshTokenLifetime > TimeSpan.FromDays(365))
        {
            failures.Add("QuantumLM:Auth:RefreshTokenLifetime must be at least the access token lifetime and at most 365 days.");
        }

        if (options.IdentityCacheDuration < TimeSpan.FromSeconds(1) || options.IdentityCacheDuration > TimeSpan.FromHours(1))
        {
            failures.Add("QuantumLM:Auth:IdentityCacheDuration must be between 1 second and 1 hour.");
        }

        if (options.External is { } ext && ext.SigningKey is null && ext.JwksUrl is null)
        {
            failures.Add("QuantumLM:Auth:External needs a SigningKey or a JwksUrl.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
