using Microsoft.Playwright;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace QuantumLM.Dashboard.Tests;

/// <summary>The operator view: figures for operators; a clear refusal for everyone else.</summary>
public sealed class OperatorViewTests(DashboardHost host, ChromiumFixture chromium) : IClassFixture<DashboardHost>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Operator_SeesQueueBackendWorkerAndFailureTables()
    {
        TestUser op = await host.CreateUserAsync(Role.Operator);
        await using IBrowserContext context = await chromium.NewContextAsync();
        IPage page = await DashboardPage.OpenSignedInAsync(context, host.BaseAddress, op, "#operator");

        await Expect(page.Locator("#view-operator")).ToBeVisibleAsync();
        await Expect(page.Locator("#nav-operator")).ToBeVisibleAsync(); // the profile lists the operator role
        await Expect(page.Locator("#operator-status")).ToContainTextAsync("Updated");
        await Expect(page.Locator("#queue-summary .stat")).ToHaveCountAsync(5);
        await Expect(page.Locator("#queue-table thead th")).ToHaveTextAsync(["task type", "pending", "running", "completed", "failed", "cancelled"]);
        await Expect(page.Locator("#backend-table thead th").First).ToHaveTextAsync("backend");
        await Expect(page.Locator("#failure-table caption")).ToHaveTextAsync("Most recent failed tasks");
        await DashboardPage.ScreenshotAsync(page, "dashboard-operator");
    }

    [Fact]
    public async Task Viewer_IsToldTheViewNeedsTheOperatorRole()
    {
        TestUser viewer = await host.CreateUserAsync(Role.Viewer);
        await using IBrowserContext context = await chromium.NewContextAsync();
        IPage page = await DashboardPage.OpenSignedInAsync(context, host.BaseAddress, viewer, "#operator");

        await Expect(page.Locator("#operator-status")).ToHaveTextAsync("The operator view needs the operator or admin role.");
        await Expect(page.Locator("#nav-operator")).ToBeHiddenAsync();
    }
}
