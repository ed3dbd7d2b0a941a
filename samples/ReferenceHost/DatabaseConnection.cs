namespace QuantumLM.ReferenceHost;

/// <summary>Finds the PostgreSQL connection string: <c>ConnectionStrings:QuantumLM</c>, else the <c>QUANTUMLM_DB</c> environment variable.</summary>
internal static class DatabaseConnection
{
    public const string ConnectionStringName = "QuantumLM";
    public const string EnvironmentVariable = "QUANTUMLM_DB";

    public static string Resolve(IConfiguration configuration)
    {
        string? cs = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(cs))
        {
            cs = configuration[EnvironmentVariable] ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(cs))
        {
            throw new InvalidOperationException(
                $"No database configured: set ConnectionStrings__{ConnectionStringName} or {EnvironmentVariable} " +
                "(eval \"$(eng/postgres.sh)\" prepares a local PostgreSQL and prints both).");
        }

        return cs;
    }
}
