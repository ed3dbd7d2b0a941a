using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Tests.Http;

public sealed class ApiHttpOptionsTests
{
    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(ApiHttpOptions o) => new ApiHttpOptionsRules().Validate(null, o);

    [Theory]
    [InlineData("*", "list the origins explicitly")]
    [InlineData("https://app.example.test/path", "is not an origin")]
    [InlineData("https://app.example.test/", "is not an origin")]
    [InlineData("app.example.test", "is not an origin")]
    [InlineData("ftp://app.example.test", "is not an origin")]
    public void BadCorsOrigin_IsRefusedWithItsIndex(string origin, string expected)
    {
        var result = Validate(new ApiHttpOptions { Cors = { AllowedOrigins = ["https://ok.example.test", origin] } });
        Assert.True(result.Failed);
        Assert.Contains("AllowedOrigins:1", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodOptions_Pass() =>
        Assert.True(Validate(new ApiHttpOptions { Cors = { AllowedOrigins = ["https://app.example.test", "http://localhost:3000"] } }).Succeeded);

    [Fact]
    public void AnnotatedRanges_AreValidated()
    {
        var result = new ApiHttpOptionsValidator().Validate(null, new ApiHttpOptions { MaxRequestBodyBytes = 10, RateLimit = { PerUserPermitLimit = 0 } });
        Assert.True(result.Failed);
        Assert.Contains("MaxRequestBodyBytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("PerUserPermitLimit", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKey_FailsTheStart()
    {
        var ex = Assert.ThrowsAny<InvalidOperationException>(() =>
            HostApp.Build(["--ConnectionStrings:QuantumLM", "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none", "--QuantumLM:Http:MaxBodyBytes", "5"]));
        Assert.Contains("MaxBodyBytes", ex.Message, StringComparison.Ordinal);
    }
}
