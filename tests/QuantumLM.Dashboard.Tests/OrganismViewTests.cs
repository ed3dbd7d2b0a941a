using Microsoft.Playwright;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace QuantumLM.Dashboard.Tests;

/// <summary>The organisms view: a mutation shows the child, its diff and its lineage; an evolution shows its fitness chart.</summary>
public sealed class OrganismViewTests(DashboardHost host, ChromiumFixture chromium) : IClassFixture<DashboardHost>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Mutate_ShowsChildDiffAndLineage_ThenEvolve_ShowsFitnessPerGeneration()
    {
        TestUser researcher = await host.CreateUserAsync(Role.Researcher);
        await using IBrowserContext context = await chromium.NewContextAsync();
        IPage page = await DashboardPage.OpenSignedInAsync(context, host.BaseAddress, researcher, "#organisms");
        try
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Use a sample genome" }).ClickAsync();
            await page.GetByLabel("Operator", new() { Exact = true }).And(page.Locator("select")).SelectOptionAsync("evolve");
            await page.GetByLabel("Rate μ").FillAsync("1");
            await page.Locator("#mutate-seed").FillAsync("42");
            await page.GetByRole(AriaRole.Button, new() { Name = "Mutate" }).ClickAsync();

            await Expect(page.Locator("#mutate-status")).ToContainTextAsync("completed", new() { Timeout = 60_000 });
            await Expect(page.Locator("#mutate-result")).ToBeVisibleAsync();
            // Rate 1 mutates every numeric trait: the diff removes and adds lines; the child is a DNALang organism.
            await Expect(page.Locator("#mutate-diff .del").First).ToBeVisibleAsync();
            await Expect(page.Locator("#mutate-diff .add").First).ToBeVisibleAsync();
            Assert.StartsWith("ORGANISM ", (await page.Locator("#mutate-child").TextContentAsync())!.TrimStart(), StringComparison.Ordinal);
            // The lineage: the child at the root, its parent (evolve) below it.
            await Expect(page.Locator("#lineage .node.current")).ToHaveCountAsync(1);
            await Expect(page.Locator("#lineage .node")).ToHaveCountAsync(2);
            await Expect(page.Locator("#lineage")).ToContainTextAsync("evolve");

            await page.GetByLabel("Population").FillAsync("6");
            await page.GetByLabel("Generations").FillAsync("4");
            await page.GetByRole(AriaRole.Button, new() { Name = "Evolve" }).ClickAsync();
            await Expect(page.Locator("#evolve-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ generations\.$"), new() { Timeout = 120_000 });
            await Expect(page.Locator("#fitness-chart svg polyline")).ToHaveCountAsync(2);
            await Expect(page.Locator("#fitness-chart svg circle").First).ToBeVisibleAsync();
            await DashboardPage.ScreenshotAsync(page, "dashboard-organisms");
        }
        catch
        {
            await DashboardPage.ScreenshotAsync(page, "dashboard-organisms-failure");
            throw;
        }
    }
}
