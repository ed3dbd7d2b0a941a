using System.Text.Json.Nodes;

using QuantumLM.Cli.Commands;

namespace QuantumLM.Cli.Tests;

public sealed class MetricsCommandTests : CliTestBase
{
    [Fact]
    public async Task WorkedExample_PrintsTheSpecObject()
    {
        string counts = Write("c.json", """{"00": 480, "11": 470, "01": 30, "10": 20}""");
        string ideal = Write("i.json", """{"00": 0.5, "11": 0.5}""");
        var (code, output, err) = await RunAsync("metrics", "--counts", counts, "--ideal", ideal);
        Assert.Equal(0, code);
        Assert.Empty(err);
        JsonObject json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("std-1", (string?)json["metrics_version"]);
        Assert.Equal(0.949974, (double)json["lambda"]!, 1e-6);
        Assert.Equal(0.050026, (double)json["gamma"]!, 1e-6);
        Assert.Equal(0.714843, (double)json["phi"]!, 1e-6);
        Assert.Equal(0.223607, (double)json["w2"]!, 1e-6);
        Assert.Equal("distribution", (string?)json["ideal_source"]);
        Assert.Null(json["concurrence"]);
        Assert.True(json.ContainsKey("concurrence"));
        Assert.Null(json["ci95"]!["lambda"]);
    }

    [Fact]
    public async Task ReferenceCountsWithBootstrap_GivesIntervalsReproducibly()
    {
        string counts = Write("c.json", """{"00": 480, "11": 470, "01": 30, "10": 20}""");
        string reference = Write("r.json", """{"00": 500, "11": 500}""");
        var first = await RunAsync("metrics", "--counts", counts, "--ideal", reference, "--ideal-kind", "counts", "--bootstrap", "50", "--seed", "9");
        var second = await RunAsync("metrics", "--counts", counts, "--ideal", reference, "--ideal-kind", "counts", "--bootstrap", "50", "--seed", "9");
        Assert.Equal(0, first.Code);
        Assert.Equal(first.Out, second.Out);
        JsonObject json = JsonNode.Parse(first.Out)!.AsObject();
        Assert.Equal("reference_counts", (string?)json["ideal_source"]);
        Assert.Equal(1000, (long)json["ideal_shots"]!);
        Assert.Equal(2, json["ci95"]!["w2"]!.AsArray().Count);
    }

    [Fact]
    public async Task NoIdeal_NullsForIdealMetrics()
    {
        string counts = Write("c.json", """{"0 1": 3, "1 0": 3}""");
        var (code, output, _) = await RunAsync("metrics", "--counts", counts, "--width", "3");
        Assert.Equal(0, code);
        JsonObject json = JsonNode.Parse(output)!.AsObject();
        Assert.Null(json["lambda"]);
        Assert.Null(json["w2"]);
        Assert.Equal(3, (int)json["width"]!);
        Assert.Equal("none", (string?)json["ideal_source"]);
    }

    [Fact]
    public async Task EmptyCounts_ReasonEmptyCounts()
    {
        string counts = Write("c.json", """{"00": 0}""");
        var (code, output, _) = await RunAsync("metrics", "--counts", counts);
        Assert.Equal(0, code);
        Assert.Equal("empty_counts", (string?)JsonNode.Parse(output)!["reason"]);
    }

    [Theory]
    [InlineData("""[1, 2]""", "invalid_counts")]
    [InlineData("""{"00": true}""", "invalid_count")]
    [InlineData("""{"00": "5"}""", "invalid_count")]
    [InlineData("""{"00": {"a": 1}}""", "invalid_count")]
    [InlineData("""{"00": 1.5}""", "invalid_count")]
    [InlineData("""{"00": -1}""", "negative_count")]
    [InlineData("""{"0a": 1}""", "invalid_key")]
    [InlineData("""{"0\t1": 1}""", "invalid_key")]
    [InlineData("""{"00": 1, """, "invalid_counts")]
    public async Task BadCounts_ExitTwoWithCode(string content, string code)
    {
        string counts = Write("c.json", content);
        var (exit, output, err) = await RunAsync("metrics", "--counts", counts);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith($"error: {code}: {counts}", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public async Task KeyTooLongAndInvalidWidth()
    {
        string counts = Write("c.json", """{"101": 1}""");
        var tooLong = await RunAsync("metrics", "--counts", counts, "--width", "2");
        Assert.Equal(2, tooLong.Code);
        Assert.StartsWith("error: key_too_long: ", tooLong.Err, StringComparison.Ordinal);
        var badWidth = await RunAsync("metrics", "--counts", counts, "--width", "0");
        Assert.Equal(2, badWidth.Code);
        Assert.StartsWith("error: invalid_width: ", badWidth.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"00": 0.5, "11": 0.4}""", "ideal_not_normalized")]
    [InlineData("""{"00": 1.5, "11": -0.5}""", "ideal_negative")]
    [InlineData("""{"00": "x"}""", "invalid_ideal")]
    [InlineData("""{"0": 1.0}""", "width_mismatch")]
    [InlineData("""{}""", "ideal_empty")]
    [InlineData("""not json""", "invalid_ideal")]
    public async Task BadIdeal_ExitTwoWithCode(string content, string code)
    {
        string counts = Write("c.json", """{"00": 1}""");
        string ideal = Write("i.json", content);
        var (exit, output, err) = await RunAsync("metrics", "--counts", counts, "--ideal", ideal);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith($"error: {code}: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferenceCountsWithNoShots_IdealEmpty()
    {
        string counts = Write("c.json", """{"00": 1}""");
        string reference = Write("r.json", """{"00": 0}""");
        var (exit, _, err) = await RunAsync("metrics", "--counts", counts, "--ideal", reference, "--ideal-kind", "counts");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: ideal_empty: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFile_FileError()
    {
        var (exit, output, err) = await RunAsync("metrics", "--counts", Path.Combine(Dir, "nope.json"));
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("error: file: ", err, StringComparison.Ordinal);
        Assert.Contains("no such file", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedFile_FileError()
    {
        string path = Path.Combine(Dir, "big.json");
        using (var stream = System.IO.File.Create(path))
        {
            stream.SetLength(MetricsCommand.MaxFileBytes + 1);
        }

        var (exit, _, err) = await RunAsync("metrics", "--counts", path);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: file: ", err, StringComparison.Ordinal);
        Assert.Contains("exceeds the limit", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsageErrors_ExitTwo()
    {
        string counts = Write("c.json", """{"00": 1}""");
        var missing = await RunAsync("metrics");
        Assert.Equal(2, missing.Code);
        Assert.StartsWith("error: usage: ", missing.Err, StringComparison.Ordinal);
        var kind = await RunAsync("metrics", "--counts", counts, "--ideal-kind", "statevector");
        Assert.Equal(2, kind.Code);
        var negative = await RunAsync("metrics", "--counts", counts, "--bootstrap", "-1");
        Assert.Equal(2, negative.Code);
        Assert.StartsWith("error: usage: ", negative.Err, StringComparison.Ordinal);
    }
}
