using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.Tests.Ibm.FakeRuntime;

namespace QuantumLM.Quantum.Tests.Ibm;

/// <summary>A fake IBM Runtime server plus a client wired to it through the real DI registration.</summary>
internal sealed class IbmHarness : IAsyncDisposable
{
    public const string BellQasm = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nbit[2] c;\nrz(pi/2) $0;\nsx $0;\nrz(pi/2) $0;\nrz(pi/2) $1;\nsx $1;\nrz(pi/2) $1;\ncz $0, $1;\nrz(pi/2) $1;\nsx $1;\nrz(pi/2) $1;\nc[0] = measure $0;\nc[1] = measure $1;\n";

    private IbmHarness(FakeIbmRuntimeServer server, ServiceProvider provider)
    {
        Server = server;
        Provider = provider;
        Client = provider.GetRequiredService<IbmRuntimeClient>();
        Logs = provider.GetFakeLogCollector();
    }

    public FakeIbmRuntimeServer Server { get; }

    public ServiceProvider Provider { get; }

    public IbmRuntimeClient Client { get; }

    public FakeLogCollector Logs { get; }

    public static async Task<IbmHarness> StartAsync(Action<IbmRuntimeOptions>? tweak = null, TimeProvider? timeProvider = null, Action<FakeIbmRuntimeServer>? setup = null)
    {
        var server = await FakeIbmRuntimeServer.StartAsync();
        setup?.Invoke(server);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddIbmQuantumRuntime(o =>
        {
            o.ApiKey = server.ApiKey;
            o.ServiceCrn = server.Crn;
            o.BaseUrl = server.BaseUrl;
            o.IamUrl = server.IamUrl;
            o.PollInterval = TimeSpan.FromMilliseconds(5);
            o.MaxPollInterval = TimeSpan.FromMilliseconds(20);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
            o.MaxRetryDelay = TimeSpan.FromSeconds(3);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
            tweak?.Invoke(o);
        });
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new IbmHarness(server, provider);
    }

    public IEnumerable<string> AllLogText() => Logs.GetSnapshot().SelectMany(static r =>
        new[] { r.Message, r.Exception?.ToString() ?? string.Empty }
            .Concat(r.StructuredState?.Select(static kv => kv.Value ?? string.Empty) ?? []));

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await Server.DisposeAsync();
    }
}
