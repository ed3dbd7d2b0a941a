using System.CommandLine;

namespace QuantumLM.Cli;

/// <summary>
/// Progress of a long-running command, written to standard error only: shown when standard error is a terminal or
/// when <c>--progress</c> is given, never on standard output (which stays one JSON document). Each line starts with
/// <c>progress: </c>; while the work runs, an elapsed-time line follows every <see cref="TickInterval"/>.
/// </summary>
internal sealed class CliProgress : IAsyncDisposable
{
    /// <summary>How often an elapsed-time line is written while the work runs.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private static readonly CliProgress s_off = new(null, string.Empty);

    private readonly TextWriter? _error;
    private readonly string _what;
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _ticks = Task.CompletedTask;

    private CliProgress(TextWriter? error, string what)
    {
        _error = error;
        _what = what;
        if (error is not null)
        {
            Write($"{what}...");
            _ticks = TickAsync(_stop.Token);
        }
    }

    /// <summary>Creates the <c>--progress</c> option (recursive: every command accepts it).</summary>
    public static Option<bool> CreateOption() => new("--progress")
    {
        Description = "Show progress of long-running work on stderr (shown anyway when stderr is a terminal); stdout stays pure JSON.",
        Recursive = true,
    };

    /// <summary>Starts reporting <paramref name="what"/> when progress is on for this invocation; otherwise reports nothing.</summary>
    public static CliProgress Start(CliIO io, ParseResult parse, string what) =>
        io.ErrorIsTerminal || parse.GetValue(io.ProgressOption) ? new CliProgress(io.Error, what) : s_off;

    /// <summary>Reports the next stage of the work.</summary>
    public void Stage(string stage)
    {
        if (_error is not null)
        {
            Write($"{stage} ({Elapsed():0.0} s)");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_error is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _ticks;
        _stop.Dispose();
        Write($"{_what}: finished in {Elapsed():0.00} s");
    }

    private double Elapsed() => TimeProvider.System.GetElapsedTime(_started).TotalSeconds;

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TickInterval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Write($"{_what}: {Elapsed():0} s elapsed");
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by DisposeAsync.
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            _error!.WriteLine("progress: " + line);
            _error.Flush();
        }
    }
}
