using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace QuantumLM.ReferenceHost.Tests.Infrastructure;

/// <summary>Assertions on problem-details answers and small JSON helpers for the host tests.</summary>
public static class Problem
{
    /// <summary>Asserts the status and the <c>application/problem+json</c> shape; returns the parsed body.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement root = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // no stack trace
        return root;
    }

    /// <summary>Asserts a 400 (or other status) whose <c>errors</c> map names <paramref name="field"/>; returns that field's messages.</summary>
    public static async Task<string[]> AssertFieldAsync(HttpResponseMessage response, string field, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        JsonElement root = await AssertAsync(response, status);
        Assert.True(root.TryGetProperty("errors", out JsonElement errors), $"no errors map in {root}");
        Assert.True(errors.TryGetProperty(field, out JsonElement messages), $"errors does not name \"{field}\": {errors}");
        string[] list = [.. messages.EnumerateArray().Select(static m => m.GetString()!)];
        Assert.NotEmpty(list);
        return list;
    }

    /// <summary>POSTs raw text as application/json.</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json, string mediaType = "application/json") =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, mediaType));

    /// <summary>Reads a JSON body.</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>POSTs an object as JSON (property names as given: use snake_case anonymous types).</summary>
    public static Task<HttpResponseMessage> PostObjectAsync(this HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body);
}
