using Npgsql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>
/// Opens database transactions under an identity. The first statement of every transaction sets the role and the
/// claims with <c>set_config(…, true)</c>, which end with the transaction, so nothing leaks to the next user of a
/// pooled connection.
/// </summary>
public interface IDbSessionFactory
{
    /// <summary>Opens a connection and begins a transaction under <paramref name="identity"/>.</summary>
    /// <param name="identity">Who the transaction acts for.</param>
    /// <param name="useReadOnly">Use the read-only replica data source when one is configured, and a read-only transaction.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The session; commit it, or dispose it to roll back.</returns>
    Task<DbSession> OpenAsync(DbIdentity identity, bool useReadOnly = false, CancellationToken cancellationToken = default);
}

/// <summary>One transaction under one identity. Disposing it without <see cref="CommitAsync"/> rolls it back.</summary>
public sealed class DbSession : IAsyncDisposable
{
    private bool _completed;

    internal DbSession(NpgsqlConnection connection, NpgsqlTransaction transaction, DbIdentity identity)
    {
        Connection = connection;
        Transaction = transaction;
        Identity = identity;
    }

    /// <summary>Gets the identity the transaction runs under.</summary>
    public DbIdentity Identity { get; }

    internal NpgsqlConnection Connection { get; }

    internal NpgsqlTransaction Transaction { get; }

    /// <summary>Commits the transaction.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when committed.</returns>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    /// <summary>Rolls the transaction back.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when rolled back.</returns>
    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_completed && Connection.State == System.Data.ConnectionState.Open)
            {
                await Transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal NpgsqlCommand Command(string sql)
    {
        var cmd = new NpgsqlCommand(sql, Connection, Transaction);
        return cmd;
    }
}

/// <summary>The data sources the package uses: the primary, an optional read-only replica, and the migration source.</summary>
internal sealed class PostgresDataSources(NpgsqlDataSource primary, NpgsqlDataSource? readOnly, NpgsqlDataSource? migrations)
{
    public NpgsqlDataSource Primary { get; } = primary;

    public NpgsqlDataSource? ReadOnly { get; } = readOnly;

    public NpgsqlDataSource Migrations { get; } = migrations ?? primary;
}

internal sealed class DbSessionFactory(PostgresDataSources sources) : IDbSessionFactory
{
    internal const string SetIdentitySql = "SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true)";

    /// <summary>Gets the data source a read (or a write) goes to, for single-round-trip statements.</summary>
    internal NpgsqlDataSource DataSource(bool readOnly) => readOnly && sources.ReadOnly is not null ? sources.ReadOnly : sources.Primary;

    public async Task<DbSession> OpenAsync(DbIdentity identity, bool useReadOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        NpgsqlDataSource ds = useReadOnly && sources.ReadOnly is not null ? sources.ReadOnly : sources.Primary;
        NpgsqlConnection conn = await ds.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            NpgsqlTransaction tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var batch = new NpgsqlBatch(conn, tx);
            await using (batch.ConfigureAwait(false))
            {
                if (useReadOnly)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand("SET TRANSACTION READ ONLY"));
                }

                var set = new NpgsqlBatchCommand(SetIdentitySql);
                set.Parameters.Add(new NpgsqlParameter { Value = identity.DatabaseRole });
                set.Parameters.Add(new NpgsqlParameter { Value = identity.ToClaimsJson() });
                batch.BatchCommands.Add(set);
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new DbSession(conn, tx, identity);
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
