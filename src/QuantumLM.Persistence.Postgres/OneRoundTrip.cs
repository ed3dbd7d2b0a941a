using Npgsql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>
/// Runs one statement in its own transaction under an identity in a single round trip: one batch of
/// <c>BEGIN</c>, the transaction-local identity settings, the statement and <c>COMMIT</c>. Used on the queue's hot paths.
/// </summary>
internal static class OneRoundTrip
{
    public static async Task<int> ExecAsync(NpgsqlDataSource ds, DbIdentity identity, string sql, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        NpgsqlConnection conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable connScope = conn.ConfigureAwait(false);
        NpgsqlBatch batch = Build(conn, identity, sql, ps);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable batchScope = batch.ConfigureAwait(false);
        try
        {
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return batch.BatchCommands[2].RecordsAffected;
        }
        catch (PostgresException ex)
        {
            await RollbackAsync(conn).ConfigureAwait(false);
            throw Sql.Translate(ex);
        }
        catch
        {
            await RollbackAsync(conn).ConfigureAwait(false);
            throw;
        }
    }

    public static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource ds, DbIdentity identity, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        NpgsqlConnection conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable connScope = conn.ConfigureAwait(false);
        NpgsqlBatch batch = Build(conn, identity, sql, ps);
        await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable batchScope = batch.ConfigureAwait(false);
        try
        {
            var list = new List<T>();
            NpgsqlDataReader r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                await r.NextResultAsync(ct).ConfigureAwait(false); // skip the set_config row
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    list.Add(map(r));
                }

                while (await r.NextResultAsync(ct).ConfigureAwait(false))
                {
                    // drain COMMIT
                }
            }

            return list;
        }
        catch (PostgresException ex)
        {
            await RollbackAsync(conn).ConfigureAwait(false);
            throw Sql.Translate(ex);
        }
        catch
        {
            await RollbackAsync(conn).ConfigureAwait(false);
            throw;
        }
    }

    private static NpgsqlBatch Build(NpgsqlConnection conn, DbIdentity identity, string sql, NpgsqlParameter[] ps)
    {
        var batch = new NpgsqlBatch(conn);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        var set = new NpgsqlBatchCommand(DbSessionFactory.SetIdentitySql);
        set.Parameters.Add(new NpgsqlParameter { Value = identity.DatabaseRole });
        set.Parameters.Add(new NpgsqlParameter { Value = identity.ToClaimsJson() });
        batch.BatchCommands.Add(set);
        var main = new NpgsqlBatchCommand(sql);
        main.Parameters.AddRange(ps);
        batch.BatchCommands.Add(main);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        return batch;
    }

    private static async Task RollbackAsync(NpgsqlConnection conn)
    {
        try
        {
            if (conn.State == System.Data.ConnectionState.Open)
            {
                var cmd = new NpgsqlCommand("ROLLBACK", conn);
                await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable scope = cmd.ConfigureAwait(false);
                await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // the connection is broken; the pool discards it
        }
    }
}
