using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using QuantumLM.Abstractions;

namespace QuantumLM.Persistence.Postgres;

/// <summary>Applies the package's embedded, versioned SQL migrations (forward-only).</summary>
public interface IPostgresMigrator
{
    /// <summary>
    /// Applies every pending migration in one transaction under a database advisory lock, so several processes may
    /// start at once. Refuses to run when an applied script's checksum changed or the database is newer than the package.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What was applied.</returns>
    Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IPostgresMigrator.MigrateAsync"/>.</summary>
/// <param name="Applied">The versions applied by this call, in order.</param>
/// <param name="AlreadyApplied">How many migrations were already applied before this call.</param>
public sealed record MigrationResult(IReadOnlyList<int> Applied, int AlreadyApplied);

/// <summary>One embedded migration script.</summary>
internal sealed record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>Gets the SHA-256 of the script with line endings normalised to LF.</summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    private static readonly Regex s_name = new(@"^QuantumLM\.Persistence\.Postgres\.Migrations\.V(?<v>\d{4})__(?<n>[a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant);

    public static IReadOnlyList<MigrationScript> LoadEmbedded()
    {
        Assembly asm = typeof(MigrationScript).Assembly;
        var list = new List<MigrationScript>();
        foreach (string res in asm.GetManifestResourceNames())
        {
            Match m = s_name.Match(res);
            if (!m.Success)
            {
                continue;
            }

            using Stream s = asm.GetManifestResourceStream(res)!;
            using var reader = new StreamReader(s, Encoding.UTF8);
            list.Add(new MigrationScript(int.Parse(m.Groups["v"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["n"].Value, reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Embedded migrations must be numbered 1..n without gaps; found V{list[i].Version:D4} at position {i + 1}.");
            }
        }

        return list;
    }
}

internal sealed class PostgresMigrator : IPostgresMigrator
{
    internal const string HistoryTable = "quantumlm_schema_history";

    // "QLM-MIGR" as a 64-bit advisory lock key.
    private const long LockKey = 0x514C4D2D4D494752;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<MigrationScript> _scripts;
    private readonly string? _applicationRole;
    private readonly ILogger _logger;

    public PostgresMigrator(PostgresDataSources sources, IOptions<QuantumLmPostgresOptions> options, ILogger<PostgresMigrator>? logger = null)
        : this(sources.Migrations, MigrationScript.LoadEmbedded(), options.Value.ApplicationRole, logger)
    {
    }

    internal PostgresMigrator(NpgsqlDataSource dataSource, IReadOnlyList<MigrationScript> scripts, string? applicationRole, ILogger? logger = null)
    {
        _dataSource = dataSource;
        _scripts = scripts;
        _applicationRole = applicationRole;
        _logger = logger ?? NullLogger.Instance;
    }

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        using Activity? activity = PostgresTelemetry.ActivitySource.StartActivity("quantumlm.migrate");
        NpgsqlConnection conn = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable connScope = conn.ConfigureAwait(false);
        NpgsqlTransaction tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable txScope = tx.ConfigureAwait(false);
        await ExecAsync(conn, tx, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        await ExecAsync(conn, tx, $$"""
            CREATE TABLE IF NOT EXISTS {{HistoryTable}} (
              version     integer PRIMARY KEY CHECK (version >= 1),
              name        text NOT NULL,
              checksum    text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
              applied_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
              applied_by  text NOT NULL DEFAULT current_user,
              duration_ms double precision NOT NULL
            )
            """, cancellationToken).ConfigureAwait(false);

        var applied = new Dictionary<int, (string Name, string Checksum)>();
        var cmd = new NpgsqlCommand($"SELECT version, name, checksum FROM {HistoryTable} ORDER BY version", conn, tx);
        await using (cmd.ConfigureAwait(false))
        {
            NpgsqlDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[r.GetInt32(0)] = (r.GetString(1), r.GetString(2));
                }
            }
        }

        foreach ((int version, (string name, string checksum)) in applied)
        {
            MigrationScript? script = _scripts.FirstOrDefault(s => s.Version == version);
            if (script is null)
            {
                throw new QuantumLmException(QuantumLmErrorCodes.Conflict,
                    $"database migration V{version:D4} ({name}) is applied but unknown to this package: the database is newer than the code (migrations are forward-only)");
            }

            if (!string.Equals(script.Checksum, checksum, StringComparison.Ordinal))
            {
                throw new QuantumLmException(QuantumLmErrorCodes.Conflict,
                    $"database migration V{version:D4}__{script.Name} was changed after it was applied: checksum {script.Checksum} differs from the recorded {checksum}; add a new migration instead of editing an applied one");
            }
        }

        var done = new List<int>();
        foreach (MigrationScript script in _scripts)
        {
            if (applied.ContainsKey(script.Version))
            {
                continue;
            }

            long start = Stopwatch.GetTimestamp();
            try
            {
                await ExecAsync(conn, tx, script.Sql, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                throw new QuantumLmException(QuantumLmErrorCodes.Unknown,
                    $"database migration V{script.Version:D4}__{script.Name} failed at {ex.Position} ({ex.SqlState}): {ex.MessageText}; nothing was applied", innerException: ex);
            }

            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var ins = new NpgsqlCommand($"INSERT INTO {HistoryTable} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)", conn, tx);
            await using (ins.ConfigureAwait(false))
            {
                ins.Parameters.Add(new NpgsqlParameter { Value = script.Version });
                ins.Parameters.Add(new NpgsqlParameter { Value = script.Name });
                ins.Parameters.Add(new NpgsqlParameter { Value = script.Checksum });
                ins.Parameters.Add(new NpgsqlParameter { Value = ms });
                await ins.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            Log.MigrationApplied(_logger, script.Version, script.Name, ms);
            done.Add(script.Version);
        }

        if (done.Count > 0)
        {
            await ExecAsync(conn, tx, $"""
                ALTER TABLE {HistoryTable} ENABLE ROW LEVEL SECURITY;
                ALTER TABLE {HistoryTable} FORCE ROW LEVEL SECURITY;
                DROP POLICY IF EXISTS history_owner ON {HistoryTable};
                CREATE POLICY history_owner ON {HistoryTable} FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
                """, cancellationToken).ConfigureAwait(false);
        }

        if (_applicationRole is not null)
        {
            await GrantApplicationRoleAsync(conn, tx, _applicationRole, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new MigrationResult(done, applied.Count);
    }

    private static async Task GrantApplicationRoleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string appRole, CancellationToken ct)
    {
        // The login role must not inherit the privileges of the per-transaction roles: without an identity it holds
        // nothing (fail closed). PostgreSQL 15 has no per-grant INHERIT option, so the login role itself is NOINHERIT.
        var inherit = new NpgsqlCommand("SELECT rolinherit FROM pg_roles WHERE rolname = $1", conn, tx);
        await using (inherit.ConfigureAwait(false))
        {
            inherit.Parameters.Add(new NpgsqlParameter { Value = appRole });
            object? r = await inherit.ExecuteScalarAsync(ct).ConfigureAwait(false);
            if (r is null)
            {
                throw new QuantumLmException(QuantumLmErrorCodes.NotFound, $"application role \"{appRole}\" (QuantumLmPostgresOptions.ApplicationRole) does not exist");
            }

            if (r is true)
            {
                var q = new NpgsqlCommand("SELECT format('ALTER ROLE %I NOINHERIT', $1::text)", conn, tx);
                await using ConfiguredAsyncDisposable qScope = q.ConfigureAwait(false);
                q.Parameters.Add(new NpgsqlParameter { Value = appRole });
                await ExecAsync(conn, tx, (string)(await q.ExecuteScalarAsync(ct).ConfigureAwait(false))!, ct).ConfigureAwait(false);
            }
        }

        foreach (string role in (string[])["quantumlm_anon", "quantumlm_authenticated", "quantumlm_service"])
        {
            var check = new NpgsqlCommand("SELECT pg_has_role($1, $2, 'MEMBER')", conn, tx);
            await using ConfiguredAsyncDisposable checkScope = check.ConfigureAwait(false);
            check.Parameters.Add(new NpgsqlParameter { Value = appRole });
            check.Parameters.Add(new NpgsqlParameter { Value = role });
            if (await check.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
            {
                continue;
            }

            var quote = new NpgsqlCommand("SELECT format('GRANT %I TO %I', $1::text, $2::text)", conn, tx);
            await using ConfiguredAsyncDisposable quoteScope = quote.ConfigureAwait(false);
            quote.Parameters.Add(new NpgsqlParameter { Value = role });
            quote.Parameters.Add(new NpgsqlParameter { Value = appRole });
            string grant = (string)(await quote.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            await ExecAsync(conn, tx, grant, ct).ConfigureAwait(false);
        }
    }

    private static async Task ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        await using ConfiguredAsyncDisposable cmdScope = cmd.ConfigureAwait(false);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
