using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Persistence.Postgres;

// Queue harness for benchmarks/queue/run.sh. Environment: QLM_BENCH_DB (application login), QLM_BENCH_OWNER (schema owner).
//   setup                      migrate the benchmark database
//   burn <N> <consumers> <batch>   enqueue N no-op tasks, then burn them down; prints "quantumlm c=<consumers>,batch=<batch> <tasks/s>"
//   latency <rate> <seconds>   insert at <rate>/s with one waiting consumer; prints insert-to-handler-start p50/p99 in ms
//   plan                       prints the claim plan before and after ANALYZE
string app = Environment.GetEnvironmentVariable("QLM_BENCH_DB") ?? throw new InvalidOperationException("QLM_BENCH_DB is not set");
string owner = Environment.GetEnvironmentVariable("QLM_BENCH_OWNER") ?? throw new InvalidOperationException("QLM_BENCH_OWNER is not set");
string mode = args.Length > 0 ? args[0] : "burn";
await using var ownerDs = NpgsqlDataSource.Create(owner);
if (mode == "setup")
{
    await new PostgresMigrator(ownerDs, MigrationScript.LoadEmbedded(), new NpgsqlConnectionStringBuilder(app).Username).MigrateAsync();
    return 0;
}

await using var ds = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(app) { MaxPoolSize = 64, NoResetOnClose = false }.ConnectionString);
var sources = new PostgresDataSources(ds, null, ownerDs);
var sessions = new DbSessionFactory(sources);
var options = Options.Create(new QuantumLmPostgresOptions());
var queue = new PostgresTaskQueue(sessions, sources, options, TimeProvider.System);
JsonElement empty = JsonDocument.Parse("{}").RootElement.Clone();

async Task OwnerExec(string sql)
{
    await using var cmd = ownerDs.CreateCommand(sql);
    await cmd.ExecuteNonQueryAsync();
}

async Task Fill(int n)
{
    await OwnerExec("TRUNCATE task_queue");
    for (int done = 0; done < n; done += 5000)
    {
        int k = Math.Min(5000, n - done);
        await queue.EnqueueManyAsync(Enumerable.Range(0, k).Select(_ => new NewAgentTask { TaskType = TaskType.Parse("bench:noop"), Payload = empty }).ToList());
    }

    await OwnerExec("VACUUM ANALYZE task_queue");
}

switch (mode)
{
    case "burn":
    {
        int n = int.Parse(args[1]);
        int consumers = int.Parse(args[2]);
        int batch = int.Parse(args[3]);
        double maxSeconds = args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : double.MaxValue;
        await Fill(n);
        var lease = TimeSpan.FromMinutes(5);
        var sw = Stopwatch.StartNew();
        long completed = 0;
        await Task.WhenAll(Enumerable.Range(0, consumers).Select(c => Task.Run(async () =>
        {
            string worker = $"bench-{c}";
            while (sw.Elapsed.TotalSeconds < maxSeconds)
            {
                IReadOnlyList<ClaimedTask> got = await queue.ClaimAsync(worker, batch, lease);
                if (got.Count == 0)
                {
                    return;
                }

                if (got.Count == 1)
                {
                    if (await queue.CompleteAsync(got[0].Task.Id, got[0].LeaseToken, empty))
                    {
                        Interlocked.Increment(ref completed);
                    }
                }
                else
                {
                    Interlocked.Add(ref completed, await queue.CompleteManyAsync(got.Select(t => new TaskCompletion(t.Task.Id, t.LeaseToken, empty)).ToList()));
                }
            }
        })));
        sw.Stop();
        if (completed != n && sw.Elapsed.TotalSeconds < maxSeconds)
        {
            Console.Error.WriteLine($"completed {completed} of {n}");
            return 1;
        }

        string partial = completed == n ? string.Empty : $" (partial: {completed} of {n} in the {maxSeconds:F0} s bound)";
        Console.WriteLine($"quantumlm c={consumers},batch={batch} {completed / sw.Elapsed.TotalSeconds:F0}{partial}");
        return 0;
    }

    case "latency":
    {
        int rate = int.Parse(args[1]);
        int seconds = int.Parse(args[2]);
        await OwnerExec("TRUNCATE task_queue");
        var signal = new TaskQueueSignal(sources);
        signal.EnsureStarted();
        await signal.Listening;
        var latencies = new List<double>();
        using var stop = new CancellationTokenSource();
        Task consumer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                IReadOnlyList<ClaimedTask> got = await queue.ClaimAsync("lat", 10, TimeSpan.FromMinutes(1));
                long now = Stopwatch.GetTimestamp();
                if (got.Count == 0)
                {
                    try
                    {
                        await signal.WaitForWorkAsync(TimeSpan.FromSeconds(1), stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    continue;
                }

                foreach (ClaimedTask t in got)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(t.Task.Payload.GetProperty("t").GetInt64(), now).TotalMilliseconds);
                }

                await queue.CompleteManyAsync(got.Select(t => new TaskCompletion(t.Task.Id, t.LeaseToken, empty)).ToList());
            }
        });
        int total = rate * seconds;
        var start = Stopwatch.GetTimestamp();
        for (int i = 0; i < total; i++)
        {
            TimeSpan due = TimeSpan.FromSeconds((double)i / rate);
            TimeSpan wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            long t0 = Stopwatch.GetTimestamp();
            await queue.EnqueueAsync(new NewAgentTask { TaskType = TaskType.Parse("bench:latency"), Payload = JsonDocument.Parse($"{{\"t\": {t0}}}").RootElement.Clone() });
        }

        var deadline = Stopwatch.StartNew();
        while (latencies.Count < total && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await consumer;
        await signal.DisposeAsync();
        double[] sorted = [.. latencies.Order()];
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"quantumlm latency@{rate}/s p50={P(0.50):F2}ms p99={P(0.99):F2}ms n={sorted.Length}");
        return 0;
    }

    case "plan":
    {
        await Fill(int.Parse(args.Length > 1 ? args[1] : "20000"));
        foreach (string phase in (string[])["after VACUUM ANALYZE", "stale statistics (half claimed without ANALYZE)"])
        {
            if (phase.StartsWith("stale", StringComparison.Ordinal))
            {
                int half = int.Parse(args.Length > 1 ? args[1] : "20000") / 2;
                while (half > 0)
                {
                    var got = await queue.ClaimAsync("plan", Math.Min(half, 1000), TimeSpan.FromMinutes(5));
                    await queue.CompleteManyAsync(got.Select(t => new TaskCompletion(t.Task.Id, t.LeaseToken, empty)).ToList());
                    half -= got.Count;
                }
            }

            await using DbSession s = await sessions.OpenAsync(DbIdentity.ForService("worker:plan"));
            await using var cmd = s.Command("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + PostgresTaskQueue.ClaimSql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = "plan" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = 100 });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { Value = TimeSpan.FromMinutes(1) });
            Console.WriteLine($"-- claim plan, {phase}");
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    Console.WriteLine(r.GetString(0));
                }
            }

            await s.RollbackAsync();
        }

        return 0;
    }

    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}
