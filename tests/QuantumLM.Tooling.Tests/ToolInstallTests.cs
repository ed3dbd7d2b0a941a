using System.Text.Json.Nodes;

namespace QuantumLM.Tooling.Tests;

/// <summary>The quantumlm tool installed with <c>dotnet tool install --tool-path … --add-source &lt;feed&gt;</c>, then run.</summary>
[Collection(PackedFeedGroup.Name)]
public sealed class ToolInstallTests(PackedFeed feed)
{
    [Fact]
    public async Task InstalledTool_Help_DocumentsEveryCommandWithAnExample()
    {
        string tool = await feed.InstallToolAsync();
        ProcessResult help = await DotnetProcess.RunAsync(tool, ["--help"], feed.WorkDirectory);

        Assert.True(help.ExitCode == 0, help.StandardError);
        foreach (string command in new[] { "metrics", "run", "backends", "organism" })
        {
            Assert.Contains($"  quantumlm {command} ", help.StandardOutput, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes: 0 success, 2 invalid input, 1 runtime failure.", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--progress", help.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledTool_Metrics_OfABellPairAgainstItsIdeal()
    {
        string tool = await feed.InstallToolAsync();
        string dir = Directory.CreateTempSubdirectory("qlm-tool-metrics-").FullName;
        try
        {
            // 300 × "00" and 100 × "11" against the ideal ½/½. By hand: Λ = (√(¾·½) + √(¼·½))² = (√6 + √2)²/16
            // = (2 + √3)/4; Γ = 1 − Λ; every marginal and the joint have entropy h(¼), so Φ = (2h − h)/1 = h(¼);
            // W₂ moves ¼ of the mass over Hamming distance 2: √(¼·2²) = 1.
            await File.WriteAllTextAsync(Path.Combine(dir, "counts.json"), """{"00": 300, "11": 100}""");
            await File.WriteAllTextAsync(Path.Combine(dir, "ideal.json"), """{"00": 0.5, "11": 0.5}""");

            ProcessResult run = await DotnetProcess.RunAsync(tool, ["metrics", "--counts", "counts.json", "--ideal", "ideal.json"], dir);

            Assert.True(run.ExitCode == 0, run.StandardError);
            Assert.Equal(string.Empty, run.StandardError);
            JsonObject metrics = JsonNode.Parse(run.StandardOutput)!.AsObject();
            double lambda = (2 + Math.Sqrt(3)) / 4;
            double h = -(0.25 * Math.Log2(0.25)) - (0.75 * Math.Log2(0.75));
            Assert.Equal(lambda, (double)metrics["lambda"]!, 12);
            Assert.Equal(1 - lambda, (double)metrics["gamma"]!, 12);
            Assert.Equal(h, (double)metrics["phi"]!, 12);
            Assert.Equal(1.0, (double)metrics["w2"]!, 9);
            Assert.Equal(400, (int)metrics["shots"]!);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task InstalledTool_MissingCountsFile_IsExit2WithOneLineError()
    {
        string tool = await feed.InstallToolAsync();
        ProcessResult run = await DotnetProcess.RunAsync(tool, ["metrics", "--counts", "no-such-counts.json"], feed.WorkDirectory);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.StandardOutput);
        Assert.Equal("error: file: no-such-counts.json: no such file", run.StandardError.TrimEnd());
    }

    [Fact]
    public void Feed_HoldsTheToolAndEveryPackage_AtThisRunsVersion()
    {
        string[] files = Directory.GetFiles(feed.Feed, "*.nupkg").Select(Path.GetFileName).ToArray()!;
        foreach (string id in PackedFeed.Packages.Append(PackedFeed.ToolId))
        {
            Assert.Contains($"{id}.{feed.Version}.nupkg", files);
        }
    }
}
