using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;

namespace QuantumLM.Persistence.Postgres.Tests;

/// <summary>Seeds one row of every table owned by "owner", plus the other actors of the matrix.</summary>
public sealed class RlsFixture : IAsyncLifetime
{
    public TestDatabase Db { get; } = new();

    internal Dictionary<string, DbIdentity> Actors { get; } = new();

    internal Dictionary<string, Guid> Ids { get; } = new();

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        DbIdentity owner = await Db.CreateUserAsync("owner", Role.Researcher);
        Actors["owner"] = owner;
        Actors["other"] = await Db.CreateUserAsync("other");
        Actors["admin"] = await Db.CreateUserAsync("admin", Role.Admin);
        Actors["researcher"] = await Db.CreateUserAsync("researcher", Role.Researcher);
        Actors["viewer"] = await Db.CreateUserAsync("viewer", Role.Viewer);
        Actors["anonymous"] = DbIdentity.Anonymous;
        Actors["worker"] = DbIdentity.ForService("worker:matrix");
        DbIdentity svc = TestDatabase.Service;

        Guid o = owner.UserId!.Value.Value;
        Ids["owner"] = o;
        Ids["bare"] = (await Db.CreateUserAsync("bare")).UserId!.Value.Value;
        Ids["followed"] = (await Db.CreateUserAsync("followed")).UserId!.Value.Value;
        await Db.ExecAsAsync(svc, "DELETE FROM profiles WHERE user_id = $1", Ids["bare"]);
        await Db.ExecAsAsync(owner, "INSERT INTO follows (follower_id, following_id) VALUES ($1, $2)", o, Ids["followed"]);
        Ids["session"] = (await Db.CreateSessionAsync(owner)).Value;
        await Db.ExecAsAsync(svc, "INSERT INTO agent_events (session_id, agent_type, event_type) VALUES ($1, 'quantum', 'seed')", Ids["session"]);
        await Db.ExecAsAsync(svc, "INSERT INTO commit_logs (session_id, user_id, commit_hash, commit_message, author, files_changed, additions, deletions, diff) VALUES ($1, $2, repeat('a', 64), 'm', 'a', 0, 0, 0, '')", Ids["session"], o);
        Ids["job"] = (Guid)(await Db.ScalarAsAsync(svc, "INSERT INTO quantum_jobs (user_id, backend, circuit_qasm, shots) VALUES ($1, 'local', 'OPENQASM 2.0;', 10) RETURNING job_id", o))!;
        Ids["memory"] = (Guid)(await Db.ScalarAsAsync(svc, "INSERT INTO codebase_memory (user_id, file_path, content, embedding, embedding_norm) VALUES ($1, 'a.cs', 'x', '{1,0}', 1) RETURNING memory_id", o))!;
        Ids["task"] = (Guid)(await Db.ScalarAsAsync(svc, "INSERT INTO task_queue (task_id, task_type, payload, user_id) VALUES (gen_random_uuid(), 'quantum:execute', '{}', $1) RETURNING task_id", o))!;
        Ids["parent"] = (Guid)(await Db.ScalarAsAsync(svc, "INSERT INTO organisms (user_id, name, dna_code) VALUES ($1, 'p', 'ORGANISM P {}') RETURNING organism_id", o))!;
        Ids["organism"] = (Guid)(await Db.ScalarAsAsync(svc, "INSERT INTO organisms (user_id, name, dna_code, parent_id, generation) VALUES ($1, 'c', 'ORGANISM C {}', $2, 1) RETURNING organism_id", o, Ids["parent"]))!;
        Ids["child2"] = (Guid)(await Db.ScalarAsAsync(svc, "INSERT INTO organisms (user_id, name, dna_code, parent_id, generation) VALUES ($1, 'c2', 'ORGANISM C2 {}', $2, 1) RETURNING organism_id", o, Ids["parent"]))!;
        await Db.ExecAsAsync(svc, "INSERT INTO organism_lineage (organism_id, parent_id, operator, generation) VALUES ($1, $2, 'evolve', 1)", Ids["organism"], Ids["parent"]);
        await Db.ExecAsAsync(svc, "INSERT INTO evolution_history (run_id, user_id, generation, population_size, avg_fitness, max_fitness, min_fitness, survivors) VALUES (gen_random_uuid(), $1, 0, 4, 0.5, 0.9, 0.1, 2)", o);
        await Db.ExecAsAsync(svc, "INSERT INTO refresh_tokens (token_hash, user_id, expires_at) VALUES (repeat('b', 64), $1, now() + interval '1 day')", o);
    }

    public Task DisposeAsync() => Db.DisposeAsync();
}

/// <summary>
/// Every table × select/insert/update/delete × (owner, other user, admin, researcher, viewer, anonymous, worker), run
/// against the real database as the non-owner application role. Each cell runs in its own transaction, rolled back.
/// Expected outcomes, one character per actor in the order above: Y = allowed (row seen / written / 1+ rows changed),
/// - = no rows (hidden by a policy), X = refused with SQLSTATE 42501 (no privilege, or a WITH CHECK violation).
/// </summary>
public sealed class RlsMatrixTests(RlsFixture fx) : IClassFixture<RlsFixture>
{
    private static readonly string[] ActorOrder = ["owner", "other", "admin", "researcher", "viewer", "anonymous", "worker"];

    private sealed record TableCase(string Key, string Insert, string UpdateSet, string Select, string Update, string InsertExp, string Delete);

    // table -> (row key predicate, insert statement, update SET clause, expected select / update / insert / delete)
    private static readonly Dictionary<string, TableCase> Cases = new()
    {
        ["users"] = new("user_id = {owner}", "INSERT INTO users (email) VALUES ('new-' || gen_random_uuid() || '@example.test')", "email = email",
            Select: "Y-Y--XY", Update: "Y-Y--XY", InsertExp: "XXXXXXY", Delete: "--Y--XY"),
        ["profiles"] = new("user_id = {owner}", "INSERT INTO profiles (user_id) VALUES ({bare})", "bio = bio",
            Select: "YYYYYYY", Update: "Y-Y--XY", InsertExp: "XXXXXXY", Delete: "--Y--XY"),
        ["roles"] = new("role_id = 4", "INSERT INTO roles (role_id, role_name, description) VALUES (50, 'extra', 'x')", "description = description",
            Select: "YYYYYYY", Update: "XXXXXXX", InsertExp: "XXXXXXX", Delete: "XXXXXXX"),
        ["role_permissions"] = new("role_id = 4", "INSERT INTO role_permissions (role_id, permission) VALUES (4, 'jobs:manage')", "permission = permission",
            Select: "YYYYYYY", Update: "XXXXXXX", InsertExp: "XXXXXXX", Delete: "XXXXXXX"),
        ["user_roles"] = new("user_id = {owner} AND role_id = 2", "INSERT INTO user_roles (user_id, role_id) VALUES ({owner}, 4)", "assigned_at = assigned_at",
            Select: "Y-Y--XY", Update: "XXXXXXX", InsertExp: "XXYXXXY", Delete: "--Y--XY"),
        ["role_assignment_audit"] = new("user_id = {owner}", "INSERT INTO role_assignment_audit (user_id, role_id, action, actor) VALUES ({owner}, 4, 'grant', 'me')", "actor = actor",
            Select: "--Y--XY", Update: "XXXXXXX", InsertExp: "XXXXXXX", Delete: "XXXXXXX"),
        ["follows"] = new("follower_id = {owner} AND following_id = {followed}", "INSERT INTO follows (follower_id, following_id) VALUES ({owner}, {bare})", "created_at = created_at",
            Select: "YYYYYYY", Update: "XXXXXXX", InsertExp: "YXXXXXX", Delete: "Y-Y--X-"),
        ["arena_sessions"] = new("session_id = {session}", "INSERT INTO arena_sessions (user_id, session_name) VALUES ({owner}, 'n')", "session_name = session_name",
            Select: "Y-Y--XY", Update: "Y-Y--XY", InsertExp: "YXXXXXY", Delete: "Y-Y--X-"),
        ["agent_events"] = new("session_id = {session}", "INSERT INTO agent_events (session_id, agent_type, event_type) VALUES ({session}, 'quantum', 'x')", "message = message",
            Select: "Y-Y--XY", Update: "XXXXXXX", InsertExp: "YXXXXXY", Delete: "--Y--X-"),
        ["commit_logs"] = new("session_id = {session}", "INSERT INTO commit_logs (session_id, user_id, commit_hash, commit_message, author, files_changed, additions, deletions, diff) VALUES ({session}, {owner}, repeat('c', 64), 'm', 'a', 0, 0, 0, '')", "author = author",
            Select: "Y-Y--XY", Update: "XXXXXXX", InsertExp: "YXXXXXY", Delete: "--Y--X-"),
        ["quantum_jobs"] = new("job_id = {job}", "INSERT INTO quantum_jobs (user_id, backend, circuit_qasm, shots) VALUES ({owner}, 'local', 'OPENQASM 2.0;', 1)", "backend = backend",
            Select: "Y-Y--XY", Update: "--Y--XY", InsertExp: "YXXXXXY", Delete: "--Y--X-"),
        ["codebase_memory"] = new("memory_id = {memory}", "INSERT INTO codebase_memory (user_id, file_path, content, embedding, embedding_norm) VALUES ({owner}, 'b.cs', 'c', '{0,1}', 1)", "content = content",
            Select: "Y-Y--XY", Update: "Y----XY", InsertExp: "YXXXXXY", Delete: "Y-Y--XY"),
        ["task_queue"] = new("task_id = {task}", "INSERT INTO task_queue (task_id, task_type, payload, user_id) VALUES (gen_random_uuid(), 'quantum:execute', '{}', {owner})", "priority = priority",
            Select: "Y-Y--XY", Update: "--Y--XY", InsertExp: "YXXXXXY", Delete: "--Y--XY"),
        ["organisms"] = new("organism_id = {organism}", "INSERT INTO organisms (user_id, name, dna_code) VALUES ({owner}, 'n', 'ORGANISM N {}')", "name = name",
            Select: "Y-YYYXY", Update: "--Y--XY", InsertExp: "YXXXXXY", Delete: "Y-Y--X-"),
        ["organism_lineage"] = new("organism_id = {organism}", "INSERT INTO organism_lineage (organism_id, parent_id, operator, generation) VALUES ({child2}, {parent}, 'evolve', 1)", "mutations = mutations",
            Select: "Y-YYYXY", Update: "XXXXXXX", InsertExp: "YXXXXXY", Delete: "--Y--X-"),
        ["evolution_history"] = new("user_id = {owner}", "INSERT INTO evolution_history (run_id, user_id, generation, population_size, avg_fitness, max_fitness, min_fitness, survivors) VALUES (gen_random_uuid(), {owner}, 0, 10, 0.5, 0.9, 0.1, 5)", "survivors = survivors",
            Select: "Y-YYYXY", Update: "XXXXXXX", InsertExp: "YXXXXXY", Delete: "--Y--X-"),
        ["refresh_tokens"] = new("user_id = {owner}", "INSERT INTO refresh_tokens (token_hash, user_id, expires_at) VALUES (repeat('d', 64), {owner}, now() + interval '1 day')", "revoked_at = revoked_at",
            Select: "XXXXXXY", Update: "XXXXXXY", InsertExp: "XXXXXXY", Delete: "XXXXXXY"),
    };

    public static TheoryData<string> Tables()
    {
        var d = new TheoryData<string>();
        foreach (string t in Cases.Keys)
        {
            d.Add(t);
        }

        return d;
    }

    [Fact]
    public async Task Matrix_CoversEveryTableOfTheSchema()
    {
        var tables = new List<string>();
        await using var cmd = fx.Db.Owner.CreateCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'quantumlm_schema_history' ORDER BY 1");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            tables.Add(r.GetString(0));
        }

        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), tables);
    }

    [Fact]
    public async Task EveryTable_HasForcedRls_AndPoliciesForAllFourCommands()
    {
        await using var cmd = fx.Db.Owner.CreateCommand("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r'
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        var problems = new List<string>();
        while (await r.ReadAsync())
        {
            if (!r.GetBoolean(1) || !r.GetBoolean(2))
            {
                problems.Add($"{r.GetString(0)}: rls={r.GetBoolean(1)} force={r.GetBoolean(2)}");
            }
        }

        Assert.Empty(problems);

        // Every application table has a policy for each command (or an ALL policy) for the application roles.
        await using var cmd2 = fx.Db.Owner.CreateCommand("""
            SELECT t.tablename, c.cmd
              FROM pg_tables t CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) AS c(cmd)
             WHERE t.schemaname = 'public' AND t.tablename NOT IN ('quantumlm_schema_history', 'roles', 'role_permissions')
               AND NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = t.tablename AND p.cmd IN (c.cmd, 'ALL')
                                 AND p.roles && ARRAY['quantumlm_authenticated', 'quantumlm_service']::name[])
               AND NOT (t.tablename IN ('agent_events', 'commit_logs', 'organism_lineage', 'evolution_history') AND c.cmd = 'UPDATE')
             ORDER BY 1, 2
            """);
        await using var r2 = await cmd2.ExecuteReaderAsync();
        var missing = new List<string>();
        while (await r2.ReadAsync())
        {
            missing.Add($"{r2.GetString(0)} {r2.GetString(1)}");
        }

        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Table_Operations_ByActor_HaveTheSpecifiedOutcome(string table)
    {
        TableCase c = Cases[table];
        var mismatches = new StringBuilder();
        foreach ((string op, string sql, string expected) in (List<(string, string, string)>)[
            ("select", $"SELECT EXISTS (SELECT 1 FROM {table} WHERE {c.Key})", c.Select),
            ("insert", c.Insert, c.InsertExp),
            ("update", $"UPDATE {table} SET {c.UpdateSet} WHERE {c.Key}", c.Update),
            ("delete", $"DELETE FROM {table} WHERE {c.Key}", c.Delete)])
        {
            for (int i = 0; i < ActorOrder.Length; i++)
            {
                char actual = await RunCellAsync(op, sql, fx.Actors[ActorOrder[i]]);
                if (actual != expected[i])
                {
                    mismatches.Append($"{table} {op} as {ActorOrder[i]}: expected {expected[i]}, got {actual}\n");
                }
            }
        }

        Assert.True(mismatches.Length == 0, mismatches.ToString());
    }

    private async Task<char> RunCellAsync(string op, string template, DbIdentity actor)
    {
        var ps = new List<NpgsqlParameter>();
        string sql = Regex.Replace(template, @"\{(\w+)\}", m =>
        {
            ps.Add(new NpgsqlParameter { Value = fx.Ids[m.Groups[1].Value] });
            return "$" + ps.Count;
        });
        await using DbSession s = await fx.Db.Sessions.OpenAsync(actor);
        await using var cmd = s.Command(sql);
        cmd.Parameters.AddRange(ps.ToArray());
        try
        {
            if (op == "select")
            {
                return await cmd.ExecuteScalarAsync() is true ? 'Y' : '-';
            }

            int n = await cmd.ExecuteNonQueryAsync();
            return n > 0 ? 'Y' : '-';
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return 'X';
        }
        finally
        {
            await s.RollbackAsync();
        }
    }
}
