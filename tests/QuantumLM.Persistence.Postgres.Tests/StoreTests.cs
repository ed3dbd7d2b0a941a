using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;

namespace QuantumLM.Persistence.Postgres.Tests;

public sealed class StoreTests(StoreTests.Fixture fx) : IClassFixture<StoreTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public TestDatabase Db { get; } = new();

        public Task InitializeAsync() => Db.InitializeAsync();

        public Task DisposeAsync() => Db.DisposeAsync();
    }

    private TestDatabase Db => fx.Db;

    private PostgresUserStore Users => new(Db.Sessions, TestDatabase.Options());

    private PostgresArenaStores Arena => new(Db.Sessions);

    private static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement.Clone();

    [Fact]
    public async Task Users_SignupLoginProfilesAndFollows()
    {
        IUserStore users = Users;
        string email = $"Ada-{Guid.NewGuid():N}@Example.test";
        UserId ada = await users.CreateUserAsync(email, "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", "Ada");
        var dup = await Assert.ThrowsAsync<QuantumLmException>(() => users.CreateUserAsync(email.ToUpperInvariant(), "$argon2id$v=19$m=65536,t=3,p=4$xxxxxxxxxxxxxxxx"));
        Assert.Equal(QuantumLmErrorCodes.Conflict, dup.ErrorCode);
        UserCredentials creds = (await users.GetCredentialsAsync(email.ToLowerInvariant()))!;
        Assert.Equal(ada, creds.UserId);
        Assert.StartsWith("$argon2id$", creds.PasswordHash, StringComparison.Ordinal);
        Assert.Null(await users.GetCredentialsAsync("nobody@example.test"));

        var adaId = DbIdentity.ForUser(ada);
        DbIdentity bob = await Db.CreateUserAsync("bob");
        ProfileRecord self = (await users.GetProfileAsync(adaId, ada))!;
        Assert.Equal((email, "Ada"), (self.Email, self.DisplayName));
        ProfileRecord seenByBob = (await users.GetProfileAsync(bob, ada))!;
        Assert.Null(seenByBob.Email);
        ProfileRecord anon = (await users.GetProfileAsync(DbIdentity.Anonymous, ada))!;
        Assert.Equal(("Ada", (string?)null), (anon.DisplayName, anon.Email));

        Assert.Null(await users.UpdateProfileAsync(bob, ada, new ProfileUpdate(Bio: "hacked")));
        Assert.Equal("Mathematician", (await users.UpdateProfileAsync(adaId, ada, new ProfileUpdate(Bio: "Mathematician")))!.Bio);
        var badUrl = await Assert.ThrowsAsync<QuantumLmException>(() => users.UpdateProfileAsync(adaId, ada, new ProfileUpdate(AvatarUrl: "javascript:alert(1)")));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, badUrl.ErrorCode);
        Assert.Contains("profiles_avatar_url_check", badUrl.Message, StringComparison.Ordinal);

        Assert.True(await users.FollowAsync(bob, ada));
        Assert.False(await users.FollowAsync(bob, ada));
        Assert.Equal([bob.UserId!.Value], await users.GetFollowGraphAsync(DbIdentity.Anonymous, ada, followers: true, 10));
        Assert.Equal([ada], await users.GetFollowGraphAsync(adaId, bob.UserId.Value, followers: false, 10));
        ProfileRecord after = (await users.GetProfileAsync(adaId, ada))!;
        Assert.Equal((1, 5), (after.FollowerCount, after.Reputation));
        Assert.True(await users.UnfollowAsync(bob, ada));
        Assert.Equal(0, (await users.GetProfileAsync(adaId, ada))!.FollowerCount);
    }

    [Fact]
    public async Task RefreshTokens_RotateOnce_AndRefuseReuseOrExpiry()
    {
        IUserStore users = Users;
        DbIdentity u = await Db.CreateUserAsync("rt");
        string h1 = new('1', 64), h2 = new('2', 64), h3 = new('3', 64);
        await users.StoreRefreshTokenAsync(h1, u.UserId!.Value, DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(u.UserId, await users.RotateRefreshTokenAsync(h1, h2, DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Null(await users.RotateRefreshTokenAsync(h1, h3, DateTimeOffset.UtcNow.AddHours(1)));
        await Db.ExecAsAsync(TestDatabase.Service, "UPDATE refresh_tokens SET created_at = clock_timestamp() - interval '2 days', expires_at = clock_timestamp() - interval '1 second' WHERE token_hash = $1", h2);
        Assert.Null(await users.RotateRefreshTokenAsync(h2, h3, DateTimeOffset.UtcNow.AddHours(1)));
    }

    [Fact]
    public async Task ExternalUsers_AreMirrored_SoTheirRowsSatisfyForeignKeys()
    {
        var sub = UserId.New();
        await Users.EnsureExternalUserAsync(sub, "ext@example.test", "https://issuer.example/auth/v1");
        await Users.EnsureExternalUserAsync(sub, "ext@example.test", "https://issuer.example/auth/v1");
        var q = Db.NewQueue();
        TaskId t = await q.EnqueueAsync(DbIdentity.ForUser(sub), new QuantumLM.Abstractions.Agents.NewAgentTask
        {
            TaskType = QuantumLM.Abstractions.Agents.TaskType.Parse("ext:x"), Payload = Json("{}"), CreatedBy = sub,
        });
        Assert.Equal(sub, (await q.GetAsync(t))!.CreatedBy);
    }

    [Fact]
    public async Task Sessions_CreateListUpdateDelete_UnderRls()
    {
        IArenaSessionStore sessions = Arena;
        DbIdentity owner = await Db.CreateUserAsync("sess");
        DbIdentity other = await Db.CreateUserAsync("sess-other");
        ArenaSessionRecord s = await sessions.CreateAsync(owner, "Bell states");
        Assert.Equal(("Bell states", "active", owner.UserId!.Value), (s.Name, s.Status, s.UserId));
        Assert.Null(await sessions.GetAsync(other, s.SessionId));
        Assert.Equal([s.SessionId], (await sessions.ListOwnAsync(owner, 10)).Select(x => x.SessionId));
        Assert.Empty(await sessions.ListOwnAsync(other, 10));
        Assert.Null(await sessions.UpdateStatusAsync(other, s.SessionId, "completed"));
        ArenaSessionRecord done = (await sessions.UpdateStatusAsync(owner, s.SessionId, "completed"))!;
        Assert.NotNull(done.EndedAt);
        var bad = await Assert.ThrowsAsync<QuantumLmException>(() => sessions.UpdateStatusAsync(owner, s.SessionId, "exploded"));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, bad.ErrorCode);
        var tooLong = await Assert.ThrowsAsync<QuantumLmException>(() => sessions.CreateAsync(owner, new string('x', 101)));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, tooLong.ErrorCode);
        Assert.False(await sessions.DeleteAsync(other, s.SessionId));
        Assert.True(await sessions.DeleteAsync(owner, s.SessionId));
        Assert.Null(await sessions.GetAsync(owner, s.SessionId));
    }

    [Fact]
    public async Task QuantumJobs_NeedExperimentsCreate_AndFinishOnce()
    {
        IQuantumJobStore jobs = Arena;
        DbIdentity researcher = await Db.CreateUserAsync("qj", Role.Researcher);
        DbIdentity viewer = await Db.CreateUserAsync("qj-viewer", Role.Viewer);
        DbIdentity operatorUser = await Db.CreateUserAsync("qj-op", Role.Operator);
        NewQuantumJob Job(DbIdentity who) => new() { UserId = who.UserId!.Value, Backend = "local", CircuitQasm = "OPENQASM 2.0; qreg q[2];", Shots = 1024, Seed = 7 };
        QuantumJobRecord j = await jobs.CreateAsync(researcher, Job(researcher));
        Assert.Equal(("queued", $"user:{researcher.UserId!.Value}"), (j.Status, j.WrittenBy));
        var denied = await Assert.ThrowsAsync<QuantumLmException>(() => jobs.CreateAsync(viewer, Job(viewer)));
        Assert.Equal(QuantumLmErrorCodes.Forbidden, denied.ErrorCode);
        Assert.Null(await jobs.GetAsync(viewer, j.JobId));
        Assert.NotNull(await jobs.GetAsync(operatorUser, j.JobId));
        Assert.Equal([j.JobId], (await jobs.ListAsync(researcher, 10)).Select(x => x.JobId));

        var noCounts = await Assert.ThrowsAsync<QuantumLmException>(() => jobs.FinishAsync(TestDatabase.Service, j.JobId, "completed", null, null, null));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, noCounts.ErrorCode);
        Assert.Null(await jobs.FinishAsync(researcher, j.JobId, "completed", Json("{\"00\": 1024}"), null, null));
        QuantumJobRecord fin = (await jobs.FinishAsync(TestDatabase.Service, j.JobId, "completed", Json("{\"00\": 1024}"), Json("{\"phi\": null}"), null))!;
        Assert.Equal(1024, fin.Counts!.Value.GetProperty("00").GetInt32());
        Assert.Equal(JsonValueKind.Null, fin.Metrics!.Value.GetProperty("phi").ValueKind);
        Assert.Null(await jobs.FinishAsync(TestDatabase.Service, j.JobId, "failed", null, null, "late"));
    }

    /// <summary>The commit hash specified in the README: SHA-256 over "quantumlm-commit-v1\n" then, for session id, author,
    /// message and diff, "<utf-16 length>:<text>\n" — written out here independently.</summary>
    private static string ReferenceCommitHash(SessionId sid, string author, string message, string diff)
    {
        string framed = "quantumlm-commit-v1\n" + $"{sid.ToString().Length}:{sid}\n" + $"{author.Length}:{author}\n" + $"{message.Length}:{message}\n" + $"{diff.Length}:{diff}\n";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(framed)));
    }

    [Fact]
    public async Task Commits_HaveReproducibleContentHashes_DiffStats_AndAreIdempotent()
    {
        ICommitStore commits = Arena;
        DbIdentity owner = await Db.CreateUserAsync("commit");
        DbIdentity other = await Db.CreateUserAsync("commit-other");
        SessionId sid = await Db.CreateSessionAsync(owner);
        const string diff = "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n-x = 1\n+x = 2\n+y = 3\n--- a/b.py\n+++ b/b.py\n-z\n";
        var c = new NewCommit { SessionId = sid, UserId = owner.UserId!.Value, Message = "tune x", Diff = diff };
        CommitRecord r1 = await commits.CreateAsync(owner, c);
        Assert.Equal(ReferenceCommitHash(sid, "Aura Agent", "tune x", diff), r1.CommitId.Value);
        Assert.Equal((2, 2, 2), (r1.FilesChanged, r1.Additions, r1.Deletions));
        CommitRecord r2 = await commits.CreateAsync(owner, c);
        Assert.Equal(r1, r2);
        var denied = await Assert.ThrowsAsync<QuantumLmException>(() => commits.CreateAsync(other, c with { UserId = other.UserId!.Value, Message = "mine" }));
        Assert.Equal(QuantumLmErrorCodes.Forbidden, denied.ErrorCode);
        Assert.Single(await commits.ListAsync(owner, sid, 10));
        Assert.Empty(await commits.ListAsync(other, sid, 10));
    }

    [Fact]
    public async Task Organisms_LineageAncestryHashesAndEvolutionHistory()
    {
        var store = new PostgresOrganismStore(Db.Sessions);
        DbIdentity r = await Db.CreateUserAsync("org", Role.Researcher);
        DbIdentity viewer = await Db.CreateUserAsync("org-view", Role.Viewer);
        DbIdentity plain = await Db.CreateUserAsync("org-plain");
        UserId uid = r.UserId!.Value;
        const string dna = "ORGANISM A { DNA { name: \"α\" } }";
        OrganismRecord a = await store.CreateAsync(r, new NewOrganism { UserId = uid, Name = "a", DnaCode = dna });
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dna))), a.DnaHash);
        OrganismRecord b = await store.CreateAsync(r, new NewOrganism { UserId = uid, Name = "b", DnaCode = "ORGANISM B {}" });
        OrganismRecord child = await store.CreateAsync(r, new NewOrganism
        {
            UserId = uid, Name = "ab", DnaCode = "ORGANISM AB {}", Generation = 1, Fitness = 0.5,
            Parents = [new OrganismParent(a.OrganismId, "crossover"), new OrganismParent(b.OrganismId, "crossover")],
        });
        OrganismRecord grandchild = await store.CreateAsync(r, new NewOrganism
        {
            UserId = uid, Name = "ab2", DnaCode = "ORGANISM AB2 {}", Generation = 2, Parents = [new OrganismParent(child.OrganismId, "evolve")],
        });
        IReadOnlyList<LineageEdge> ancestry = await store.GetAncestryAsync(r, grandchild.OrganismId);
        Assert.Equal(3, ancestry.Count);
        Assert.Equal((grandchild.OrganismId, child.OrganismId, "evolve"), (ancestry[0].OrganismId, ancestry[0].ParentId, ancestry[0].Operator));
        Assert.Equal(new[] { a.OrganismId.Value, b.OrganismId.Value }.Order(), ancestry.Skip(1).Select(e => e.ParentId.Value).Order());
        Assert.Equal(3, (await store.GetAncestryAsync(viewer, grandchild.OrganismId)).Count);
        Assert.Empty(await store.GetAncestryAsync(plain, grandchild.OrganismId));
        var nan = await Assert.ThrowsAsync<QuantumLmException>(() => store.CreateAsync(r, new NewOrganism { UserId = uid, Name = "n", DnaCode = "x", Fitness = double.NaN }));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, nan.ErrorCode);
        var forbidden = await Assert.ThrowsAsync<QuantumLmException>(() => store.CreateAsync(plain, new NewOrganism { UserId = plain.UserId!.Value, Name = "p", DnaCode = "x" }));
        Assert.Equal(QuantumLmErrorCodes.Forbidden, forbidden.ErrorCode);

        Guid run = Guid.CreateVersion7();
        Assert.Equal(3, await store.RecordGenerationsAsync(r, [
            new EvolutionGeneration(run, uid, 0, 10, 0.4, 0.6, 0.1, 5),
            new EvolutionGeneration(run, uid, 1, 10, 0.5, 0.7, 0.2, 5, 3, 0.3, child.OrganismId),
            new EvolutionGeneration(run, uid, 2, 10, 0.6, 0.8, 0.3, 5)]));
        IReadOnlyList<EvolutionGeneration> hist = await store.GetHistoryAsync(viewer, run);
        Assert.Equal([0, 1, 2], hist.Select(h => h.Generation));
        Assert.Equal(child.OrganismId, hist[1].BestOrganismId);
        var inconsistent = await Assert.ThrowsAsync<QuantumLmException>(() => store.RecordGenerationsAsync(r, [new EvolutionGeneration(Guid.NewGuid(), uid, 0, 10, 0.9, 0.5, 0.1, 5)]));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, inconsistent.ErrorCode);
    }

    [Fact]
    public async Task CodebaseSearch_MatchesABruteForceReference_AndRespectsRls()
    {
        var store = new PostgresCodebaseMemoryStore(Db.Sessions);
        DbIdentity owner = await Db.CreateUserAsync("mem");
        DbIdentity other = await Db.CreateUserAsync("mem-other");
        var rng = new SeededRandom(2026);
        float[] Vec(int d) => Enumerable.Range(0, d).Select(_ => (float)rng.NextGaussian()).ToArray();
        var chunks = Enumerable.Range(0, 300).Select(i => new MemoryChunk(owner.UserId!.Value, $"src/f{i / 3}.cs", i % 3, 3, $"chunk {i}", Vec(64))).ToList();
        chunks.Add(new MemoryChunk(owner.UserId!.Value, "other-dims.cs", 0, 1, "different width", Vec(32)));
        Assert.Equal(chunks.Count, await store.UpsertAsync(owner, chunks));
        await store.UpsertAsync(other, [new MemoryChunk(other.UserId!.Value, "secret.cs", 0, 1, "secret", chunks[0].Embedding)]);

        float[] query = Vec(64);
        IReadOnlyList<MemorySearchHit> hits = await store.SearchAsync(owner, query, threshold: 0.1, count: 15);

        static double Cos(IReadOnlyList<float> a, IReadOnlyList<float> b)
        {
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < a.Count; i++)
            {
                dot += (double)a[i] * b[i];
                na += (double)a[i] * a[i];
                nb += (double)b[i] * b[i];
            }

            return dot / (Math.Sqrt(na) * Math.Sqrt(nb));
        }

        var expected = chunks.Where(c => c.Embedding.Count == 64).Select(c => (c.Content, Sim: Cos(c.Embedding, query))).Where(x => x.Sim > 0.1)
            .OrderByDescending(x => x.Sim).Take(15).ToList();
        Assert.Equal(expected.Select(e => e.Content), hits.Select(h => h.Content));
        for (int i = 0; i < hits.Count; i++)
        {
            Assert.Equal(expected[i].Sim, hits[i].Similarity, 5);
        }

        // The other user's identical vector is invisible to the owner, and vice versa.
        Assert.DoesNotContain(await store.SearchAsync(owner, chunks[0].Embedding, 0.99, 5), h => h.Content == "secret");
        Assert.Equal(["secret"], (await store.SearchAsync(other, chunks[0].Embedding, 0.99, 5)).Select(h => h.Content));

        // Upsert replaces by (owner, file, chunk).
        await store.UpsertAsync(owner, [chunks[0] with { Content = "replaced" }]);
        Assert.Equal("replaced", (await store.SearchAsync(owner, chunks[0].Embedding, 0.999, 1))[0].Content);

        var zero = await Assert.ThrowsAsync<QuantumLmException>(() => store.SearchAsync(owner, new float[64]));
        Assert.Contains("zero vector", zero.Message, StringComparison.Ordinal);
        var nan = await Assert.ThrowsAsync<QuantumLmException>(() => store.UpsertAsync(owner, [chunks[1] with { Embedding = [1f, float.NaN] }]));
        Assert.Contains("non-finite value at index 1", nan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlySessions_UseTheReplicaDataSource_InReadOnlyTransactions()
    {
        string replicaCs = new NpgsqlConnectionStringBuilder(Db.AppConnectionString) { ApplicationName = "qlm-replica" }.ConnectionString;
        await using var replica = NpgsqlDataSource.Create(replicaCs);
        var factory = new DbSessionFactory(new PostgresDataSources(Db.App, replica, null));
        await using (DbSession s = await factory.OpenAsync(TestDatabase.Service, useReadOnly: true))
        {
            await using var cmd = s.Command("SELECT current_setting('application_name') || '|' || current_setting('transaction_read_only')");
            Assert.Equal("qlm-replica|on", await cmd.ExecuteScalarAsync());
            await using var write = s.Command("DELETE FROM task_queue");
            var ex = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, ex.SqlState);
        }

        await using (DbSession s = await factory.OpenAsync(TestDatabase.Service))
        {
            await using var cmd = s.Command("SELECT current_setting('application_name')");
            Assert.NotEqual("qlm-replica", await cmd.ExecuteScalarAsync());
        }
    }
}
