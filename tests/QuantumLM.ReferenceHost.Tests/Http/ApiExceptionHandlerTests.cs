using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using QuantumLM.Abstractions;
using QuantumLM.ReferenceHost.Http;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Http;

public sealed class ApiExceptionHandlerTests(HostFixture host) : IClassFixture<HostFixture>
{
    private async Task<(int Status, JsonElement Body, string Text)> HandleAsync(Exception exception)
    {
        var context = new DefaultHttpContext { RequestServices = host.App.Services };
        context.Request.Method = "GET";
        context.Request.Path = "/api/test";
        context.Response.Body = new MemoryStream();
        var handler = new ApiExceptionHandler(host.App.Services.GetRequiredService<IProblemDetailsService>(), NullLogger<ApiExceptionHandler>.Instance);
        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));
        context.Response.Body.Position = 0;
        string text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Equal("application/problem+json", context.Response.ContentType);
        return (context.Response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private static Exception Thrown(Exception e)
    {
        try
        {
            throw e;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    [Fact]
    public async Task UnexpectedException_Is500_WithoutMessageOrStackTrace()
    {
        (int status, JsonElement body, string text) = await HandleAsync(Thrown(new InvalidOperationException("connection string Password=hunter2")));
        Assert.Equal(500, status);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.True(body.TryGetProperty("trace_id", out _));
    }

    [Theory]
    [InlineData(QuantumLmErrorCodes.NotFound, false, 404, true)]
    [InlineData(QuantumLmErrorCodes.Forbidden, false, 403, true)]
    [InlineData(QuantumLmErrorCodes.Conflict, false, 409, true)]
    [InlineData(QuantumLmErrorCodes.InvalidCircuit, false, 400, true)]
    [InlineData(QuantumLmErrorCodes.UnknownTaskType, false, 400, true)]
    [InlineData(QuantumLmErrorCodes.BackendOffline, true, 503, false)]
    [InlineData(QuantumLmErrorCodes.ServiceError, true, 502, false)]
    [InlineData(QuantumLmErrorCodes.Unknown, true, 503, false)]
    [InlineData(QuantumLmErrorCodes.Unknown, false, 500, false)]
    public async Task QuantumLmException_MapsTheCode_AndShowsTheMessageOnlyFor4xx(string code, bool transient, int expected, bool showsMessage)
    {
        (int status, JsonElement body, string text) = await HandleAsync(Thrown(new QuantumLmException(code, "line 3: unknown gate 'foo'", transient)));
        Assert.Equal(expected, status);
        Assert.Equal(expected, body.GetProperty("status").GetInt32());
        Assert.Equal(code, body.GetProperty("error_code").GetString());
        Assert.Equal(showsMessage, text.Contains("unknown gate", StringComparison.Ordinal));
    }
}
