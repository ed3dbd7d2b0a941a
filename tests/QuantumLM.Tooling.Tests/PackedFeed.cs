using System.Reflection;

namespace QuantumLM.Tooling.Tests;

/// <summary>
/// Packs the five shipped packages and the <c>quantumlm</c> tool once for all tests of the collection, into a folder
/// feed under a private temporary directory, with a version of their own (so that no cached package of an earlier run
/// can stand in for them). Packing uses the build the test project already made (<c>--no-build</c>); nothing is
/// written into the repository's source tree (the nuspec files go to the temporary directory too) nor into
/// <c>~/.dotnet/tools</c>. On disposal the temporary directory and this version's entries of the global package
/// cache are deleted.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    /// <summary>The shipped packages, as project folders under <c>src/</c> (the package id is the folder name).</summary>
    public static readonly IReadOnlyList<string> Packages =
    [
        "QuantumLM.Abstractions", "QuantumLM.Quantum", "QuantumLM.Organisms", "QuantumLM.Agents", "QuantumLM.Persistence.Postgres",
    ];

    /// <summary>The tool's package id and command name.</summary>
    public const string ToolId = "quantumlm";

    private readonly SemaphoreSlim _installGate = new(1, 1);
    private string? _toolPath;

    /// <summary>Gets the repository root (the folder holding QuantumLM.sln).</summary>
    public string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Gets this fixture's private temporary directory.</summary>
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("qlm-tooling-").FullName;

    /// <summary>Gets the folder feed holding the packed packages.</summary>
    public string Feed => Path.Combine(WorkDirectory, "feed");

    /// <summary>Gets the version every package of this run carries.</summary>
    public string Version { get; } = $"0.1.0-test.{TimeProvider.System.GetUtcNow():yyyyMMddHHmmss}.{Environment.ProcessId}";

    /// <summary>Gets the build configuration of this test assembly, which is the one the packed projects were built in.</summary>
    public static string Configuration { get; } =
        typeof(PackedFeed).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        foreach (string package in Packages)
        {
            await PackAsync(Path.Combine(RepoRoot, "src", package, package + ".csproj"), package);
        }

        await PackAsync(Path.Combine(RepoRoot, "samples", "Cli", "Cli.csproj"), ToolId);
    }

    /// <summary>Installs the tool from the feed into a private tool path (once) and returns the command's full path.</summary>
    public async Task<string> InstallToolAsync()
    {
        await _installGate.WaitAsync();
        try
        {
            if (_toolPath is null)
            {
                string toolDirectory = Path.Combine(WorkDirectory, "tools");
                await DotnetProcess.RunDotnetCheckedAsync(
                    WorkDirectory, "tool", "install", "--tool-path", toolDirectory, "--add-source", Feed, ToolId, "--version", Version);
                _toolPath = Path.Combine(toolDirectory, OperatingSystem.IsWindows() ? ToolId + ".exe" : ToolId);
            }

            return _toolPath;
        }
        finally
        {
            _installGate.Release();
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _installGate.Dispose();
        Directory.Delete(WorkDirectory, recursive: true);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in Packages.Append(ToolId))
        {
            string entry = Path.Combine(cache, id.ToLowerInvariant(), Version);
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }

            string idFolder = Path.GetDirectoryName(entry)!;
            if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
            {
                Directory.Delete(idFolder);
            }
        }

        return Task.CompletedTask;
    }

    private Task PackAsync(string project, string name) =>
        DotnetProcess.RunDotnetCheckedAsync(
            WorkDirectory,
            "pack", project, "-c", Configuration, "--no-build", "--nologo", "-v", "q",
            "-o", Feed,
            "-p:PackageVersion=" + Version,
            "-p:NuspecOutputPath=" + Path.Combine(WorkDirectory, "nuspec", name) + Path.DirectorySeparatorChar);

    private static string FindRepoRoot()
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
}

/// <summary>The tests that share one packed feed.</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedGroup : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
