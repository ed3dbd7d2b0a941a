using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Quantum;
using QuantumLM.Quantum.Ibm;

using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Cli;

/// <summary>
/// <c>quantumlm backends [--backend NAME]</c>: lists the local simulator and, when IBM Quantum Runtime is configured
/// (<c>QuantumLM__Ibm__ApiKey</c>, <c>QuantumLM__Ibm__ServiceCrn</c>, optionally <c>__BaseUrl</c>, <c>__IamUrl</c>,
/// <c>__ApiVersion</c>), every IBM backend the instance sees, with status. <c>--backend</c> shows one backend in detail.
/// </summary>
internal static class BackendsCommand
{
    /// <summary>The configuration section of the IBM client.</summary>
    public const string IbmSection = "QuantumLM:Ibm";

    /// <summary>Replaces the process environment as the configuration source (tests set it for their own async flow).</summary>
    internal static readonly AsyncLocal<IConfiguration?> ConfigurationOverride = new();

    public static Command Create(CliIO io)
    {
        var backend = new Option<string?>("--backend") { Description = "Show one backend in detail (local or an IBM backend name such as ibm_fez)." };
        var command = new Command("backends", "List the backends (local simulator, plus IBM Quantum backends when QuantumLM__Ibm__ApiKey and __ServiceCrn are set) with their status.\n\n" +
            "Examples:\n" +
            "  quantumlm backends\n" +
            "  quantumlm backends --backend local\n" +
            "  QuantumLM__Ibm__ApiKey=... QuantumLM__Ibm__ServiceCrn=crn:... quantumlm backends --backend ibm_fez");
        command.Options.Add(backend);
        command.SetAction((parse, cancellationToken) => io.GuardAsync(() => RunAsync(io, parse.GetValue(backend), cancellationToken)));
        return command;
    }

    /// <summary>Gets the IBM configuration section (environment variables <c>QuantumLM__Ibm__*</c>, or the tests' override).</summary>
    internal static IConfigurationSection IbmConfiguration()
    {
        IConfiguration configuration = ConfigurationOverride.Value ?? new ConfigurationBuilder().AddEnvironmentVariables().Build();
        return configuration.GetSection(IbmSection);
    }

    private static async Task RunAsync(CliIO io, string? name, CancellationToken cancellationToken)
    {
        IConfigurationSection section = IbmConfiguration();
        bool ibmConfigured = !string.IsNullOrWhiteSpace(section["ApiKey"]);

        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound, "--backend needs a backend name");
        }

        if (string.Equals(name, "local", StringComparison.Ordinal))
        {
            await io.WriteJsonAsync(new JsonObject { ["backends"] = new JsonArray(await LocalEntryAsync(cancellationToken)), ["ibm_configured"] = ibmConfigured });
            return;
        }

        if (name is not null && !ibmConfigured)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound, $"no backend named '{name}': only 'local' is available because IBM Quantum Runtime is not configured (set QuantumLM__Ibm__ApiKey and QuantumLM__Ibm__ServiceCrn)");
        }

        var list = new JsonArray();
        if (name is null)
        {
            list.Add(await LocalEntryAsync(cancellationToken));
        }

        if (ibmConfigured)
        {
            await using ServiceProvider provider = BuildIbm(section);
            IbmRuntimeClient client = provider.GetRequiredService<IbmRuntimeClient>();
            if (name is null)
            {
                foreach (IbmBackend b in await client.GetBackendsAsync(cancellationToken))
                {
                    list.Add(new JsonObject
                    {
                        ["name"] = b.Name,
                        ["provider"] = "ibm",
                        ["operational"] = b.IsOnline,
                        ["status"] = b.StatusName,
                        ["status_reason"] = b.StatusReason,
                        ["qubits"] = b.QubitCount,
                        ["pending_jobs"] = b.QueueLength,
                        ["processor"] = b.ProcessorFamily is null ? null : $"{b.ProcessorFamily} r{b.ProcessorRevision}",
                    });
                }
            }
            else
            {
                list.Add(await DetailAsync(client, name, cancellationToken));
            }
        }

        await io.WriteJsonAsync(new JsonObject { ["backends"] = list, ["ibm_configured"] = ibmConfigured });
    }

    private static async Task<JsonObject> DetailAsync(IbmRuntimeClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            IbmBackendStatus status = await client.GetBackendStatusAsync(name, cancellationToken);
            IbmBackendConfiguration config = await client.GetBackendConfigurationAsync(name, cancellationToken);
            return new JsonObject
            {
                ["name"] = name,
                ["provider"] = "ibm",
                ["operational"] = status.IsOperational,
                ["status"] = status.Status,
                ["message"] = status.Message,
                ["pending_jobs"] = status.PendingJobs,
                ["backend_version"] = status.BackendVersion,
                ["qubits"] = config.QubitCount,
                ["basis_gates"] = new JsonArray([.. config.BasisGates.Select(static g => (JsonNode)JsonValue.Create(g))]),
                ["max_shots"] = config.MaxShots,
                ["coupling_map_edges"] = config.CouplingMap.Count,
            };
        }
        catch (IbmRuntimeException ex) when (ex.StatusCode == 404)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound, $"IBM Quantum Runtime has no backend named '{name}' for this instance");
        }
    }

    /// <summary>The local statevector simulator, as it reports its own status.</summary>
    private static async Task<JsonObject> LocalEntryAsync(CancellationToken cancellationToken)
    {
        var backend = new LocalSimulatorBackend(Microsoft.Extensions.Options.Options.Create(new LocalSimulatorOptions()));
        QuantumLM.Abstractions.Quantum.BackendStatus status = await backend.GetStatusAsync(cancellationToken);
        return new JsonObject
        {
            ["name"] = status.Name,
            ["provider"] = "local",
            ["operational"] = status.IsOperational,
            ["status"] = status.StatusMessage,
            ["qubits"] = status.QubitCount,
            ["pending_jobs"] = status.PendingJobs ?? 0,
        };
    }

    internal static ServiceProvider BuildIbm(IConfigurationSection section)
    {
        var services = new ServiceCollection();
        services.AddIbmQuantumRuntime(section);
        ServiceProvider provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return provider;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            provider.Dispose();
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"IBM Quantum Runtime configuration ({IbmSection.Replace(":", "__", StringComparison.Ordinal)}__*) is invalid: {ex.Message}");
        }
    }
}
