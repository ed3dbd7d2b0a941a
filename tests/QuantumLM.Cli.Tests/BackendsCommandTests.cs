using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using QuantumLM.Quantum.Tests.Ibm.FakeRuntime;

namespace QuantumLM.Cli.Tests;

public sealed class BackendsCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(IConfiguration configuration, params string[] args)
    {
        BackendsCommand.ConfigurationOverride.Value = configuration;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static IConfiguration Ibm(FakeIbmRuntimeServer server, string? crn = null) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["QuantumLM:Ibm:ApiKey"] = server.ApiKey,
        ["QuantumLM:Ibm:ServiceCrn"] = crn ?? server.Crn,
        ["QuantumLM:Ibm:BaseUrl"] = server.BaseUrl.AbsoluteUri,
        ["QuantumLM:Ibm:IamUrl"] = server.IamUrl.AbsoluteUri,
        ["QuantumLM:Ibm:RetryBaseDelay"] = "00:00:00.005",
    }).Build();

    private static IConfiguration Empty() => new ConfigurationBuilder().Build();

    [Fact]
    public async Task Backends_ReadsQuantumLmIbmEnvironmentVariables()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        var variables = new Dictionary<string, string>
        {
            ["QuantumLM__Ibm__ApiKey"] = server.ApiKey,
            ["QuantumLM__Ibm__ServiceCrn"] = server.Crn,
            ["QuantumLM__Ibm__BaseUrl"] = server.BaseUrl.AbsoluteUri,
            ["QuantumLM__Ibm__IamUrl"] = server.IamUrl.AbsoluteUri,
        };
        try
        {
            foreach (var (k, v) in variables)
            {
                Environment.SetEnvironmentVariable(k, v);
            }

            BackendsCommand.ConfigurationOverride.Value = null;
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = await CliApp.RunAsync(["backends", "--backend", "ibm_fez"], stdout, stderr);
            Assert.True(code == 0, stderr.ToString());
            Assert.Equal("ibm_fez", JsonNode.Parse(stdout.ToString())!["backends"]![0]!["name"]!.GetValue<string>());
            Assert.Single(server.RequestsTo("GET", "/api/v1/backends/ibm_fez/status"));
        }
        finally
        {
            foreach (var k in variables.Keys)
            {
                Environment.SetEnvironmentVariable(k, null);
            }
        }
    }

    [Fact]
    public async Task Run_OnAnIbmBackend_TranspilesTheCircuit_AndPrintsTheCounts()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        string dir = Directory.CreateTempSubdirectory("qlm-run-ibm-").FullName;
        try
        {
            string path = Path.Combine(dir, "ghz.qasm");
            await File.WriteAllTextAsync(path, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[0],q[2];\nmeasure q -> c;\n");
            var (code, output, err) = await RunAsync(Ibm(server), "run", path, "--backend", "ibm_fez", "--shots", "8");
            Assert.True(code == 0, err);
            JsonNode json = JsonNode.Parse(output)!;
            Assert.Equal("ibm_fez", json["backend"]!.GetValue<string>());
            Assert.Null(json["seed"]);
            string jobId = json["job_id"]!.GetValue<string>();
            JsonObject counts = json["counts"]!.AsObject();
            Assert.Equal(8, counts.Sum(static kv => kv.Value!.GetValue<int>()));
            Assert.All(counts, static kv => Assert.Equal(3, kv.Key.Length));
            string sent = server.Jobs[jobId].Request["params"]!["pubs"]!.AsArray()[0]!.AsArray()[0]!.GetValue<string>();
            Assert.StartsWith("OPENQASM 3.0;", sent, StringComparison.Ordinal);
            Assert.DoesNotContain("cx", sent, StringComparison.Ordinal);
            Assert.Contains("cz $", sent, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Run_NoiseFrom_TranspilesForTheDevice_AndSimulatesLocallyWithItsCalibration()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        string dir = Directory.CreateTempSubdirectory("qlm-run-noise-").FullName;
        try
        {
            string path = Path.Combine(dir, "ghz.qasm");
            await File.WriteAllTextAsync(path, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n");
            var (code, output, err) = await RunAsync(Ibm(server), "run", path, "--noise-from", "ibm_fez", "--shots", "500", "--seed", "4", "--metrics");
            Assert.True(code == 0, err);
            JsonNode json = JsonNode.Parse(output)!;
            Assert.Equal("local", json["backend"]!.GetValue<string>());
            Assert.Equal("ibm_fez", json["noise_model"]!.GetValue<string>());
            Assert.Equal(500, json["counts"]!.AsObject().Sum(static kv => kv.Value!.GetValue<int>()));
            Assert.NotNull(json["metrics"]!["lambda"]);
            // The fake calibration gives physical qubits 0-2 readout errors and the rest none: the layout avoids them.
            Assert.All(json["transpiled"]!["initial_layout"]!.AsArray(), static p => Assert.True(p!.GetValue<int>() >= 3));
            Assert.Empty(server.RequestsTo("POST", "/api/v1/jobs")); // nothing ran on the device
            var again = await RunAsync(Ibm(server), "run", path, "--noise-from", "ibm_fez", "--shots", "500", "--seed", "4", "--metrics");
            Assert.Equal(output, again.Out);

            var missing = await RunAsync(Ibm(server), "run", path, "--noise-from", "ibm_nowhere");
            Assert.Equal(2, missing.Code);
            Assert.Contains("no backend named 'ibm_nowhere'", missing.Err, StringComparison.Ordinal);
            var unconfigured = await RunAsync(Empty(), "run", path, "--noise-from", "ibm_fez");
            Assert.Equal(2, unconfigured.Code);
            Assert.Contains("not configured", unconfigured.Err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Backends_WithoutIbm_ListsOnlyLocal()
    {
        var (code, output, err) = await RunAsync(Empty(), "backends");
        Assert.Equal(0, code);
        Assert.Empty(err);
        var json = JsonNode.Parse(output)!;
        Assert.False(json["ibm_configured"]!.GetValue<bool>());
        var only = Assert.Single(json["backends"]!.AsArray());
        Assert.Equal("local", only!["name"]!.GetValue<string>());
        Assert.True(only["operational"]!.GetValue<bool>());
        Assert.Equal(30, only["qubits"]!.GetValue<int>()); // the simulator's default qubit limit
    }

    [Fact]
    public async Task Backends_WithIbm_ListsLocalThenEveryIbmBackendWithStatus()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        var (code, output, err) = await RunAsync(Ibm(server), "backends");
        Assert.True(code == 0, err);
        var backends = JsonNode.Parse(output)!["backends"]!.AsArray();
        Assert.Equal(["local", "ibm_fez", "ibm_torino", "ibm_marrakesh"], backends.Select(b => b!["name"]!.GetValue<string>()));
        Assert.True(backends[1]!["operational"]!.GetValue<bool>());
        Assert.Equal(156, backends[1]!["qubits"]!.GetValue<int>());
        Assert.Equal(24, backends[1]!["pending_jobs"]!.GetValue<int>());
        Assert.False(backends[3]!["operational"]!.GetValue<bool>());
        Assert.Equal("maintenance", backends[3]!["status_reason"]!.GetValue<string>());
        Assert.Single(server.RequestsTo("GET", "/api/v1/backends"));
    }

    [Fact]
    public async Task Backends_OneIbmBackend_ShowsDetail()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        var (code, output, err) = await RunAsync(Ibm(server), "backends", "--backend", "ibm_torino");
        Assert.True(code == 0, err);
        var b = Assert.Single(JsonNode.Parse(output)!["backends"]!.AsArray())!;
        Assert.Equal("ibm_torino", b["name"]!.GetValue<string>());
        Assert.Equal(133, b["qubits"]!.GetValue<int>());
        Assert.Equal("active", b["status"]!.GetValue<string>());
        Assert.Equal(100000, b["max_shots"]!.GetValue<int>());
    }

    [Fact]
    public async Task Backends_UnknownIbmBackend_IsInvalidInput()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        var (code, output, err) = await RunAsync(Ibm(server), "backends", "--backend", "ibm_nowhere");
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: backend_not_found: ", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public async Task Backends_IbmNameWithoutConfiguration_ExplainsWhatToSet()
    {
        var (code, _, err) = await RunAsync(Empty(), "backends", "--backend", "ibm_fez");
        Assert.Equal(2, code);
        Assert.Contains("QuantumLM__Ibm__ApiKey", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backends_InvalidIbmConfiguration_IsInvalidInputWithoutTheKey()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        var (code, output, err) = await RunAsync(Ibm(server, crn: "bogus"), "backends");
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains("ServiceCrn", err, StringComparison.Ordinal);
        Assert.DoesNotContain(server.ApiKey, err, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Backends_WrongApiKey_IsRuntimeFailureWithIamCode()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        var configuration = Ibm(server);
        server.ApiKey = "the-right-key"; // the configured key is no longer accepted
        var (code, _, err) = await RunAsync(configuration, "backends");
        Assert.Equal(1, code);
        Assert.StartsWith("error: unauthorized: ", err, StringComparison.Ordinal);
        Assert.Contains("BXNIM0415E", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backends_ServiceDown_IsRuntimeFailureAfterRetries()
    {
        await using var server = await FakeIbmRuntimeServer.StartAsync();
        server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends", Kind = FaultKind.Status, Status = 503, Remaining = 100 });
        var (code, _, err) = await RunAsync(Ibm(server), "backends");
        Assert.Equal(1, code);
        Assert.StartsWith("error: service_error: ", err, StringComparison.Ordinal);
        Assert.Equal(6, server.RequestsTo("GET", "/api/v1/backends").Count);
    }
}
