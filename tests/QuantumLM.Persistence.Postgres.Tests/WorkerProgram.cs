using System.Text.Json;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Persistence.Postgres.Tests;

/// <summary>
/// Entry point of the test assembly when started as a child process (<c>dotnet QuantumLM.Persistence.Postgres.Tests.dll worker …</c>):
/// a real, separate worker process for the SIGKILL and multi-process tests. Settings come from environment variables.
/// </summary>
public static class WorkerProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 2 || args[0] != "worker")
        {
            await Console.Error.WriteLineAsync("usage: worker hang|burn (QLM_WORKER_DB, QLM_WORKER_ID, QLM_TASK_TYPE, QLM_LEASE_MS)");
            return 2;
        }

        string cs = Environment.GetEnvironmentVariable("QLM_WORKER_DB")!;
        string workerId = Environment.GetEnvironmentVariable("QLM_WORKER_ID")!;
        string type = Environment.GetEnvironmentVariable("QLM_TASK_TYPE")!;
        var lease = TimeSpan.FromMilliseconds(int.Parse(Environment.GetEnvironmentVariable("QLM_LEASE_MS") ?? "30000", System.Globalization.CultureInfo.InvariantCulture));
        await using var ds = NpgsqlDataSource.Create(cs);
        var sources = new PostgresDataSources(ds, null, null);
        var sessions = new DbSessionFactory(sources);
        var queue = new PostgresTaskQueue(sessions, sources, TestDatabase.Options(o => o.TaskQueue.RescueInterval = TimeSpan.Zero), TimeProvider.System);

        if (args[1] == "hang")
        {
            while (true)
            {
                IReadOnlyList<ClaimedTask> got = await queue.ClaimAsync(workerId, 1, lease, [type]);
                if (got.Count == 1)
                {
                    Console.WriteLine($"claimed {got[0].Task.Id}");
                    await Console.Out.FlushAsync();
                    await Task.Delay(Timeout.Infinite); // "working" until killed
                }

                await Task.Delay(20);
            }
        }

        // burn: claim batches, record each execution in exec_log, complete the batch; stop when nothing is left.
        int executed = 0;
        DbIdentity me = DbIdentity.ForService("worker:" + workerId);
        JsonElement ok = JsonDocument.Parse("{\"ok\": true}").RootElement.Clone();
        while (true)
        {
            IReadOnlyList<ClaimedTask> got = await queue.ClaimAsync(workerId, 100, lease, [type]);
            if (got.Count == 0)
            {
                await using DbSession s = await sessions.OpenAsync(me);
                await using var left = s.Command("SELECT count(*) FROM task_queue WHERE task_type = $1 AND status IN ('pending', 'running')");
                left.Parameters.Add(new NpgsqlParameter { Value = type });
                if ((long)(await left.ExecuteScalarAsync())! == 0)
                {
                    break;
                }

                await Task.Delay(10);
                continue;
            }

            await using (DbSession s = await sessions.OpenAsync(me))
            {
                await using var log = s.Command("INSERT INTO exec_log (task_id, worker) SELECT unnest($1::uuid[]), $2");
                log.Parameters.Add(new NpgsqlParameter { Value = got.Select(c => c.Task.Id.Value).ToArray() });
                log.Parameters.Add(new NpgsqlParameter { Value = workerId });
                await log.ExecuteNonQueryAsync();
                await s.CommitAsync();
            }

            executed += got.Count;
            await queue.CompleteManyAsync(got.Select(c => new TaskCompletion(c.Task.Id, c.LeaseToken, ok)).ToList());
        }

        Console.WriteLine($"done {executed}");
        return 0;
    }
}
