using System.Text.RegularExpressions;

namespace QuantumLM.Tooling.Tests;

/// <summary>
/// The deployment files cannot be run here (no Docker engine), so these checks keep them consistent with the code they
/// deploy: the same database roles as eng/postgres.sh, the host's real assembly and health path, a non-root image.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void ComposeInitScript_CreatesEveryRoleThatEngPostgresCreates()
    {
        string[] dev = [.. CreateRole().Matches(Read("eng/postgres.sh")).Select(static m => m.Groups[1].Value).Distinct().Order()];
        string[] deploy = [.. CreateRole().Matches(Read("deploy/postgres-init/10-quantumlm-roles.sh")).Select(static m => m.Groups[1].Value).Distinct().Order()];
        Assert.Equal(["quantumlm_anon", "quantumlm_app", "quantumlm_authenticated", "quantumlm_owner", "quantumlm_service"], dev);
        Assert.Equal(dev, deploy);
    }

    [Fact]
    public void Dockerfile_IsMultiStage_NonRoot_WithAHealthCheckOnTheLivenessEndpoint()
    {
        string dockerfile = Read("samples/ReferenceHost/Dockerfile");
        Assert.Equal(2, Regex.Count(dockerfile, @"^FROM \S+ AS \w+$", RegexOptions.Multiline));
        Assert.Matches(new Regex(@"^USER \$APP_UID$", RegexOptions.Multiline), dockerfile);
        Assert.Matches(new Regex(@"^HEALTHCHECK .*\n\s+CMD curl --fail .*http://127\.0\.0\.1:8080/health/live", RegexOptions.Multiline), dockerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"" + HostAssembly() + ".dll\"]", dockerfile, StringComparison.Ordinal);
        // The health path is the one the host maps.
        Assert.Contains("\"/health/live\"", Read("samples/ReferenceHost/HostApp.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_AndSystemdUnit_StartTheHostAssembly_WithTheConfigurationKeysTheHostReads()
    {
        string compose = Read("deploy/compose.yaml");
        string unit = Read("deploy/quantumlm.service");
        Assert.Contains("dockerfile: samples/ReferenceHost/Dockerfile", compose, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^ExecStart=/usr/bin/dotnet /opt/quantumlm/" + Regex.Escape(HostAssembly()) + @"\.dll ", RegexOptions.Multiline), unit);
        foreach (string key in new[] { "ConnectionStrings__QuantumLM:", "ConnectionStrings__QuantumLMOwner:", "QuantumLM__Auth__SigningKey:", "QuantumLM__Role:" })
        {
            Assert.Contains(key, compose, StringComparison.Ordinal);
        }

        // The keys are the host's: connection string names, the role key and the auth section.
        string host = Read("samples/ReferenceHost/HostApp.cs") + Read("samples/ReferenceHost/DatabaseConnection.cs") + Read("samples/ReferenceHost/HostRole.cs") + Read("samples/ReferenceHost/Auth/AuthOptions.cs");
        foreach (string literal in new[] { "\"QuantumLMOwner\"", "\"QuantumLM\"", "\"QuantumLM:Role\"", "\"QuantumLM:Auth\"" })
        {
            Assert.Contains(literal, host, StringComparison.Ordinal);
        }
    }

    private static string HostAssembly() =>
        Regex.Match(Read("samples/ReferenceHost/ReferenceHost.csproj"), "<AssemblyName>([^<]+)</AssemblyName>").Groups[1].Value;

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantumLM.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"QuantumLM.sln was not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"CREATE ROLE (quantumlm_[a-z]+)")]
    private static partial Regex CreateRole();
}
