using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumLM.Abstractions;

namespace QuantumLM.Cli;

/// <summary>The exit codes of the command-line contract.</summary>
internal static class CliExitCodes
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int InvalidInput = 2;
}

/// <summary>
/// Standard output and error of one invocation, with the contract's conventions: JSON on stdout, one-line errors
/// <c>error: &lt;code&gt;: &lt;message&gt;</c> on stderr, and the exit code chosen from the error's kind.
/// </summary>
internal sealed class CliIO(TextWriter stdout, TextWriter stderr, bool errorIsTerminal = false)
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>Error codes that mean "the input was wrong" (exit 2); every other failure is a runtime failure (exit 1).</summary>
    private static readonly HashSet<string> s_inputErrorCodes = new(StringComparer.Ordinal)
    {
        QuantumLmErrorCodes.InvalidCounts, QuantumLmErrorCodes.InvalidCount, QuantumLmErrorCodes.NegativeCount,
        QuantumLmErrorCodes.InvalidKey, QuantumLmErrorCodes.KeyTooLong, QuantumLmErrorCodes.InvalidWidth,
        QuantumLmErrorCodes.WidthMismatch, QuantumLmErrorCodes.InvalidIdeal, QuantumLmErrorCodes.IdealNegative,
        QuantumLmErrorCodes.IdealNotNormalized, QuantumLmErrorCodes.IdealEmpty, QuantumLmErrorCodes.InvalidGenome,
        QuantumLmErrorCodes.InvalidCircuit, QuantumLmErrorCodes.CircuitTooLarge, QuantumLmErrorCodes.InvalidPayload,
        QuantumLmErrorCodes.BackendNotFound, CliErrorCodes.File, CliErrorCodes.Json, CliErrorCodes.Usage,
    };

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Gets a value indicating whether standard error is an interactive terminal (progress is then shown by default).</summary>
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    /// <summary>Gets the recursive <c>--progress</c> option of this invocation's command tree.</summary>
    public System.CommandLine.Option<bool> ProgressOption { get; } = CliProgress.CreateOption();

    /// <summary>Runs a command body and turns its failures into the contract's message and exit code.</summary>
    public async Task<int> GuardAsync(Func<Task> body)
    {
        try
        {
            await body();
            return CliExitCodes.Success;
        }
        catch (QuantumLmException ex)
        {
            await WriteErrorAsync(ex.ErrorCode, ex.Message);
            return s_inputErrorCodes.Contains(ex.ErrorCode) ? CliExitCodes.InvalidInput : CliExitCodes.RuntimeFailure;
        }
        catch (OperationCanceledException)
        {
            await WriteErrorAsync("cancelled", "the operation was cancelled");
            return CliExitCodes.RuntimeFailure;
        }
    }

    public Task WriteJsonAsync(JsonNode node) => Out.WriteLineAsync(node.ToJsonString(s_json));

    public Task WriteErrorAsync(string code, string message) =>
        Error.WriteLineAsync($"error: {code}: {message.ReplaceLineEndings(" ")}");

    /// <summary>Reads a whole input file, or fails with <c>error: file: …</c> (exit 2).</summary>
    public static async Task<string> ReadFileAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new QuantumLmException(CliErrorCodes.File, $"{path}: no such file");
        }

        if (info.Length > maxBytes)
        {
            throw new QuantumLmException(CliErrorCodes.File, $"{path}: {info.Length} bytes exceeds the limit of {maxBytes}");
        }

        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new QuantumLmException(CliErrorCodes.File, $"{path}: {ex.Message}");
        }
    }
}

/// <summary>Error codes of the CLI itself (beyond <see cref="QuantumLmErrorCodes"/>).</summary>
internal static class CliErrorCodes
{
    public const string File = "file";
    public const string Json = "json";
    public const string Usage = "usage";
}
