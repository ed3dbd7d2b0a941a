using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.Dashboard.Tests;

/// <summary>The reference host (see <see cref="HostFixture"/>) serving the dashboard from the source tree's wwwroot.</summary>
public sealed class DashboardHost : HostFixture
{
    /// <inheritdoc />
    protected override IEnumerable<string> ExtraArguments => ["--webroot", RepoPaths.WebRoot];
}
