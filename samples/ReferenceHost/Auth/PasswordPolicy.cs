using System.Net.Mail;

namespace QuantumLM.ReferenceHost.Auth;

/// <summary>Sign-up input rules, each failure naming the field.</summary>
internal static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;
    public const int MaxEmailLength = 254;

    public static Dictionary<string, string[]> Validate(string? email, string? password)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(email))
        {
            errors["email"] = ["is required"];
        }
        else if (email.Length > MaxEmailLength || !MailAddress.TryCreate(email, out MailAddress? parsed) || !string.Equals(parsed.Address, email, StringComparison.Ordinal))
        {
            errors["email"] = ["is not a valid e-mail address"];
        }

        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = ["is required"];
        }
        else if (password.Length < MinLength || password.Length > MaxLength)
        {
            errors["password"] = [$"must be {MinLength} to {MaxLength} characters"];
        }

        return errors;
    }
}
