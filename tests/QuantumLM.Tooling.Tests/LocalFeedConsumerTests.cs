using System.Text.Json.Nodes;

namespace QuantumLM.Tooling.Tests;

/// <summary>
/// A console application outside the solution (a temporary folder with its own nuget.config: the packed folder feed
/// plus the feeds this machine normally uses) that references QuantumLM.Quantum and QuantumLM.Abstractions by version,
/// runs GHZ_3 on the local simulator and computes the metrics through the public API only.
/// </summary>
[Collection(PackedFeedGroup.Name)]
public sealed class LocalFeedConsumerTests(PackedFeed feed)
{
    private const int Shots = 2000;

    [Fact]
    public async Task ConsoleApp_FromTheLocalFeed_RunsGhzAndComputesMetrics()
    {
        string app = Path.Combine(feed.WorkDirectory, "consumer");
        Directory.CreateDirectory(app);
        string templates = Path.Combine(AppContext.BaseDirectory, "ConsumerApp");
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), (await File.ReadAllTextAsync(Path.Combine(templates, "Consumer.csproj.template"))).Replace("@VERSION@", feed.Version, StringComparison.Ordinal));
        File.Copy(Path.Combine(templates, "Program.cs.template"), Path.Combine(app, "Program.cs"));

        // Stop MSBuild's and NuGet's upward search at this folder: no Directory.*.props of whatever lies above.
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Packages.props"), "<Project />");
        // The local feed is added to the feeds this machine's user-level configuration already names.
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="quantumlm-local" value="{feed.Feed}" />
              </packageSources>
            </configuration>
            """);

        await DotnetProcess.RunDotnetCheckedAsync(app, "build", "Consumer.csproj", "-c", "Release", "--nologo", "-v", "q");
        string assets = await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"\"QuantumLM.Quantum/{feed.Version}\"", assets, StringComparison.Ordinal);
        Assert.Contains($"\"QuantumLM.Abstractions/{feed.Version}\"", assets, StringComparison.Ordinal);

        ProcessResult run = await DotnetProcess.RunAsync(DotnetProcess.DotnetPath, [Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll"), Shots.ToString(System.Globalization.CultureInfo.InvariantCulture), "11"], app);
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);

        JsonObject output = JsonNode.Parse(run.StandardOutput)!.AsObject();
        Assert.Equal("local", (string?)output["backend"]);
        Assert.Equal(Shots, (int)output["shots"]!);
        JsonObject counts = output["counts"]!.AsObject();
        Assert.All(counts, c => Assert.Contains(c.Key, new[] { "000", "111" }));
        long zeros = (long?)counts["000"] ?? 0;
        long ones = (long?)counts["111"] ?? 0;
        Assert.Equal(Shots, zeros + ones);
        Assert.InRange(zeros, Shots * 0.4, Shots * 0.6); // a fair coin: 2000 shots put p̂ well inside [0.4, 0.6]

        // By hand from the counts: Λ = (√(a/2) + √(b/2))², Γ = 1 − Λ, Φ = h(a) for GHZ_3 (each marginal and the joint
        // have entropy h(a): (3h − h)/2), W₂ = √(|a − ½|·3²) (the surplus crosses Hamming distance 3).
        double a = (double)zeros / Shots;
        double b = (double)ones / Shots;
        double lambda = Math.Pow(Math.Sqrt(a / 2) + Math.Sqrt(b / 2), 2);
        double h = -(a * Math.Log2(a)) - (b * Math.Log2(b));
        JsonObject metrics = output["metrics"]!.AsObject();
        Assert.Equal(lambda, (double)metrics["lambda"]!, 12);
        Assert.Equal(1 - lambda, (double)metrics["gamma"]!, 12);
        Assert.Equal(h, (double)metrics["phi"]!, 9);
        Assert.Equal(Math.Sqrt(Math.Abs(a - 0.5) * 9), (double)metrics["w2"]!, 9);
    }
}
