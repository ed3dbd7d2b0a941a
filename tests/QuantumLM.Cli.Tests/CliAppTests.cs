namespace QuantumLM.Cli.Tests;

public sealed class CliAppTests : CliTestBase
{
    [Fact]
    public async Task Help_DescribesTheToolAndExitCodes()
    {
        var (code, output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("quantumlm", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheAssemblyVersion()
    {
        var (code, output, _) = await RunAsync("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public async Task UnknownOption_IsInvalidInputWithOneLineError()
    {
        var (code, output, err) = await RunAsync("--no-such-option");
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: usage: ", err, StringComparison.Ordinal);
    }
}
