using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace QuantumLM.ReferenceHost.Auth;

/// <summary>
/// Password hashes in ASP.NET Core Identity's V3 format (PBKDF2-HMAC-SHA512, per-hash salt and iteration count).
/// A login for an unknown e-mail verifies against a dummy hash, so both paths cost about the same.
/// </summary>
internal sealed class PasswordHashing
{
    private readonly PasswordHasher<Account> _hasher;
    private readonly Lazy<string> _dummy;

    public PasswordHashing(IOptions<AuthOptions> options)
    {
        _hasher = new PasswordHasher<Account>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = options.Value.PasswordHashIterations,
        }));
        _dummy = new Lazy<string>(() => _hasher.HashPassword(Account.Instance, Guid.NewGuid().ToString("N")));
    }

    public string Hash(string password) => _hasher.HashPassword(Account.Instance, password);

    /// <summary>Verifies <paramref name="password"/>; with a <see langword="null"/> hash verifies against the dummy and fails.</summary>
    public bool Verify(string? hash, string password)
    {
        if (hash is null)
        {
            _ = _hasher.VerifyHashedPassword(Account.Instance, _dummy.Value, password);
            return false;
        }

        return _hasher.VerifyHashedPassword(Account.Instance, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;
    }

    /// <summary>Computes the dummy hash now (at start-up), so the first unknown-e-mail login is not cheaper.</summary>
    public void Warm() => _ = _dummy.Value;

    /// <summary>The user type PasswordHasher needs (it does not use it).</summary>
    internal sealed class Account
    {
        public static Account Instance { get; } = new();
    }
}
