using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Security;

namespace QuantumLM.Persistence.Postgres.Tests;

public sealed class IdentityAndRbacTests(IdentityAndRbacTests.Fixture fx) : IClassFixture<IdentityAndRbacTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public TestDatabase Db { get; } = new();

        public Task InitializeAsync() => Db.InitializeAsync();

        public Task DisposeAsync() => Db.DisposeAsync();
    }

    private TestDatabase Db => fx.Db;

    [Fact]
    public async Task IdentitySettings_AreTransactionLocal_AndDoNotLeakToTheNextUserOfThePooledConnection()
    {
        DbIdentity user = await Db.CreateUserAsync("leak");
        var pooled = new NpgsqlConnectionStringBuilder(Db.AppConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        await using var ds = NpgsqlDataSource.Create(pooled);
        var factory = new DbSessionFactory(new PostgresDataSources(ds, null, null));
        await using (DbSession s = await factory.OpenAsync(user))
        {
            await using var cmd = s.Command("SELECT current_user::text || '|' || current_user_id()::text");
            Assert.Equal($"quantumlm_authenticated|{user.UserId!.Value}", await cmd.ExecuteScalarAsync());
            await s.CommitAsync();
        }

        await using var conn = await ds.OpenConnectionAsync();
        await using var check = new NpgsqlCommand("SELECT current_user::text, coalesce(current_setting('request.jwt.claims', true), ''), current_user_id() IS NULL", conn);
        await using var r = await check.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal("quantumlm_app", r.GetString(0));
        Assert.Equal(string.Empty, r.GetString(1));
        Assert.True(r.GetBoolean(2));
    }

    [Theory]
    [InlineData("users")]
    [InlineData("task_queue")]
    [InlineData("agent_events")]
    [InlineData("profiles")]
    public async Task LoginRoleWithoutIdentity_IsRefusedEveryTable_FailClosed(string table)
    {
        await using var cmd = Db.App.CreateCommand($"SELECT count(*) FROM {table}");
        var ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task ClaimFunctions_ReflectTheIdentity_AndServiceRowsRecordTheServiceName()
    {
        DbIdentity user = await Db.CreateUserAsync("claims");
        Assert.Equal(user.UserId!.Value.Value, await Db.ScalarAsAsync(user, "SELECT current_user_id()"));
        Assert.Equal($"user:{user.UserId.Value}", await Db.ScalarAsAsync(user, "SELECT current_actor()"));
        Assert.Null(await Db.ScalarAsAsync(DbIdentity.Anonymous, "SELECT current_user_id()"));
        Assert.Equal("anonymous", await Db.ScalarAsAsync(DbIdentity.Anonymous, "SELECT current_actor()"));
        DbIdentity worker = DbIdentity.ForService("worker:w-17");
        Assert.Null(await Db.ScalarAsAsync(worker, "SELECT current_user_id()"));
        Assert.Equal("service:worker:w-17", await Db.ScalarAsAsync(worker, "SELECT current_actor()"));

        SessionId sid = await Db.CreateSessionAsync(user);
        object? writtenBy = await Db.ScalarAsAsync(worker, "INSERT INTO agent_events (session_id, agent_type, event_type) VALUES ($1, 'quantum', 'x') RETURNING written_by", sid.Value);
        Assert.Equal("service:worker:w-17", writtenBy);

        // A row may not claim to be written by someone else.
        var ex = await Assert.ThrowsAsync<PostgresException>(() => Db.ScalarAsAsync(worker,
            "INSERT INTO agent_events (session_id, agent_type, event_type, written_by) VALUES ($1, 'quantum', 'x', 'service:someone-else')", sid.Value));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task SqlHasPermission_MatchesTheAbstractionsTable_ForEveryRoleAndPermission()
    {
        string[] permissions = [Permission.ExperimentsCreate, Permission.ExperimentsRead, Permission.ProjectsCreate, Permission.ProjectsRead, Permission.ArenaView,
            Permission.JobsManage, Permission.MiningExecute, Permission.TokensClaim, Permission.RolesManage, Permission.OrganismsMutate, "unknown:thing"];
        var checker = new PostgresPermissionChecker(Db.Sessions, TestDatabase.Options());
        foreach (Role role in Enum.GetValues<Role>())
        {
            DbIdentity u = await Db.CreateUserAsync("perm-" + role, role);
            foreach (string p in permissions)
            {
                bool expected = Permission.IsGranted([role], p);
                Assert.True(expected == (bool)(await Db.ScalarAsAsync(u, "SELECT has_permission($1)", p))!, $"SQL has_permission({p}) for {role}");
                PermissionCheck check = await checker.CheckAsync(u.UserId!.Value, p);
                Assert.True(expected == check.Allowed, $"IPermissionChecker({p}) for {role}");
                Assert.Equal([role], check.Roles);
            }
        }

        DbIdentity none = await Db.CreateUserAsync("no-roles");
        Assert.False((await checker.CheckAsync(none.UserId!.Value, Permission.ExperimentsRead)).Allowed);
        Assert.Equal(false, await Db.ScalarAsAsync(DbIdentity.Anonymous, "SELECT has_permission('experiments:read')"));
    }

    [Fact]
    public async Task RoleAssignments_AreAudited_AndOnlyRoleManagersMayAssign()
    {
        var store = new PostgresRoleStore(Db.Sessions);
        DbIdentity admin = await Db.CreateUserAsync("aud-admin", Role.Admin);
        DbIdentity researcher = await Db.CreateUserAsync("aud-res", Role.Researcher);
        DbIdentity target = await Db.CreateUserAsync("aud-target");

        Assert.True(await store.GrantAsync(admin, target.UserId!.Value, Role.Operator));
        Assert.False(await store.GrantAsync(admin, target.UserId.Value, Role.Operator));
        var denied = await Assert.ThrowsAsync<QuantumLmException>(() => store.GrantAsync(researcher, target.UserId.Value, Role.Admin));
        Assert.Equal(QuantumLmErrorCodes.Forbidden, denied.ErrorCode);
        Assert.False(await store.RevokeAsync(researcher, target.UserId.Value, Role.Operator));
        Assert.True(await store.RevokeAsync(admin, target.UserId.Value, Role.Operator));

        IReadOnlyList<RoleAssignmentAuditEntry> audit = await store.GetAuditAsync(admin, target.UserId.Value);
        Assert.Equal(2, audit.Count);
        Assert.Equal((Role.Operator, true, $"user:{admin.UserId!.Value}"), (audit[0].Role, audit[0].Granted, audit[0].Actor));
        Assert.Equal((Role.Operator, false, $"user:{admin.UserId.Value}"), (audit[1].Role, audit[1].Granted, audit[1].Actor));
        Assert.Empty(await store.GetAuditAsync(researcher, target.UserId.Value));
    }

    [Fact]
    public async Task FollowCounts_Reputation_AndSessionCounters_AreMaintainedByTheDatabase()
    {
        DbIdentity a = await Db.CreateUserAsync("fa", Role.Researcher);
        DbIdentity b = await Db.CreateUserAsync("fb");
        DbIdentity c = await Db.CreateUserAsync("fc");
        Guid ua = a.UserId!.Value.Value;
        await Db.ExecAsAsync(b, "INSERT INTO follows (follower_id, following_id) VALUES ($1, $2)", b.UserId!.Value.Value, ua);
        await Db.ExecAsAsync(c, "INSERT INTO follows (follower_id, following_id) VALUES ($1, $2)", c.UserId!.Value.Value, ua);
        var self = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecAsAsync(a, "INSERT INTO follows (follower_id, following_id) VALUES ($1, $1)", ua));
        Assert.Equal(PostgresErrorCodes.CheckViolation, self.SqlState);
        Assert.Equal(2, await Db.ScalarAsAsync(a, "SELECT follower_count FROM profiles WHERE user_id = $1", ua));
        Assert.Equal(1, await Db.ScalarAsAsync(a, "SELECT following_count FROM profiles WHERE user_id = $1", b.UserId.Value.Value));
        await Db.ExecAsAsync(c, "DELETE FROM follows WHERE follower_id = $1", c.UserId.Value.Value);
        Assert.Equal(1, await Db.ScalarAsAsync(a, "SELECT follower_count FROM profiles WHERE user_id = $1", ua));

        SessionId sid = await Db.CreateSessionAsync(a);
        DbIdentity worker = DbIdentity.ForService("worker:counters");
        for (int i = 0; i < 3; i++)
        {
            await Db.ExecAsAsync(worker, "INSERT INTO quantum_jobs (user_id, session_id, backend, circuit_qasm, shots, status, counts, completed_at) VALUES ($1, $2, 'local', 'q', 10, 'completed', '{\"0\": 10}', now())", ua, sid.Value);
        }

        await Db.ExecAsAsync(worker, "INSERT INTO quantum_jobs (user_id, session_id, backend, circuit_qasm, shots) VALUES ($1, $2, 'local', 'q', 10)", ua, sid.Value);
        await Db.ExecAsAsync(a, "INSERT INTO commit_logs (session_id, user_id, commit_hash, commit_message, author, files_changed, additions, deletions, diff) VALUES ($1, $2, repeat('e', 64), 'm', 'a', 0, 0, 0, '')", sid.Value, ua);
        Assert.Equal(4, await Db.ScalarAsAsync(a, "SELECT total_jobs FROM arena_sessions WHERE session_id = $1", sid.Value));
        Assert.Equal(1, await Db.ScalarAsAsync(a, "SELECT total_commits FROM arena_sessions WHERE session_id = $1", sid.Value));

        // 10 per completed job (3) + 5 per follower (1), the original formula.
        Assert.Equal(35, await Db.ScalarAsAsync(b, "SELECT calculate_reputation($1)", ua));
    }

    [Fact]
    public async Task Checks_RejectBadValues_WithTheConstraintName()
    {
        DbIdentity a = await Db.CreateUserAsync("chk");
        var bad = await Assert.ThrowsAsync<PostgresException>(() =>
            Db.ExecAsAsync(a, "INSERT INTO arena_sessions (user_id, session_name, status) VALUES ($1, 'x', 'exploded')", a.UserId!.Value.Value));
        Assert.Equal(PostgresErrorCodes.CheckViolation, bad.SqlState);
        Assert.Equal("arena_sessions_status_check", bad.ConstraintName);
        var pr = await Assert.ThrowsAsync<PostgresException>(() =>
            Db.ExecAsAsync(TestDatabase.Service, "INSERT INTO task_queue (task_id, task_type, payload, priority) VALUES (gen_random_uuid(), 'quantum:execute', '{}', -1)"));
        Assert.Equal("task_queue_priority_check", pr.ConstraintName);
        var tt = await Assert.ThrowsAsync<PostgresException>(() =>
            Db.ExecAsAsync(TestDatabase.Service, "INSERT INTO task_queue (task_id, task_type, payload) VALUES (gen_random_uuid(), 'quantum_execute', '{}')"));
        Assert.Equal("task_queue_task_type_check", tt.ConstraintName);
    }
}
