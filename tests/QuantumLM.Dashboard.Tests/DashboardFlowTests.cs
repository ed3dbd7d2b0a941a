using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;
using static Microsoft.Playwright.Assertions;

namespace QuantumLM.Dashboard.Tests;

/// <summary>
/// The issue's end-to-end flow in a real browser against the whole host: sign up, create a session, dispatch a GHZ job,
/// see the histogram and the metrics appear without reloading, and see the session's events arrive live.
/// </summary>
public sealed partial class DashboardFlowTests(DashboardHost host, ChromiumFixture chromium) : IClassFixture<DashboardHost>, IClassFixture<ChromiumFixture>
{
    private const int Shots = 1000;

    [Fact]
    public async Task SignUp_CreateSession_DispatchGhz_ShowsHistogramMetricsAndLiveEvents()
    {
        await using IBrowserContext context = await chromium.NewContextAsync();
        var errors = new List<string>();
        IPage page = await DashboardPage.OpenAsync(context, host.BaseAddress, errors);
        try
        {
            await RunFlowAsync(page);
        }
        catch
        {
            await DashboardPage.ScreenshotAsync(page, "dashboard-flow-failure");
            throw;
        }

        Assert.Empty(errors);
    }

    private async Task RunFlowAsync(IPage page)
    {

        // Sign up (then the dashboard logs in with the same credentials).
        string email = $"dash{Guid.NewGuid():N}@example.test";
        await page.Locator("#signup-email").FillAsync(email);
        await page.Locator("#signup-password").FillAsync("correct horse battery staple");
        await page.Locator("#signup-name").FillAsync("Dashboard Tester");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" })).ToBeVisibleAsync();
        await Expect(page.Locator("#view-arena")).ToBeVisibleAsync();

        // Running experiments needs the researcher role (granted by an administrator; here, through the store).
        UserCredentials account = (await host.App.Services.GetRequiredService<IUserStore>().GetCredentialsAsync(email))!;
        await host.App.Services.GetRequiredService<IRoleStore>().GrantAsync(DbIdentity.ForService("tests"), account.UserId, Role.Researcher);

        // Create a session: it is selected and its event stream goes live.
        await page.GetByLabel("New session name").FillAsync("Browser test session");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(page.Locator("#session-list button[aria-pressed=true]")).ToContainTextAsync("Browser test session");
        await Expect(page.Locator("#stream-state")).ToHaveTextAsync("live");
        int eventsBefore = await page.Locator("#event-rows tr").CountAsync();
        await page.EvaluateAsync("() => { window.__noReload = 'still here'; }");

        // Dispatch GHZ_3 (the default sample) into the session.
        await page.GetByRole(AriaRole.Link, new() { Name = "Quantum jobs" }).ClickAsync();
        await Expect(page.Locator("#job-backend option")).Not.ToHaveCountAsync(0);
        await page.GetByLabel("Circuit", new() { Exact = true }).SelectOptionAsync("ghz3");
        await page.GetByLabel("Shots").FillAsync(Shots.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#job-seed").FillAsync("7");
        await Expect(page.Locator("#job-session")).ToHaveValueAsync(new Regex("^[0-9a-f-]{36}$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();

        // The histogram: exactly the bars 000 and 111, summing to the shots.
        ILocator bars = page.Locator("#histogram svg rect.bar");
        await Expect(bars).ToHaveCountAsync(2, new() { Timeout = 90_000 });
        await Expect(page.Locator("#job-detail-status")).ToHaveTextAsync("completed");
        var counts = new Dictionary<string, int>();
        foreach (ILocator bar in await bars.AllAsync())
        {
            Match m = BarLabel().Match((await bar.GetAttributeAsync("aria-label"))!);
            Assert.True(m.Success);
            counts[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        Assert.Equal(["000", "111"], counts.Keys.Order().ToArray());
        Assert.Equal(Shots, counts.Values.Sum());

        // The metrics, checked against values computed here from the bars: Λ = (√(a/2) + √(b/2))², Γ = 1 − Λ,
        // Φ = h(a) for GHZ_3, W₂ = 3·√|a − ½|. The page shows 6 decimals.
        double a = counts["000"] / (double)Shots;
        double b = counts["111"] / (double)Shots;
        double lambda = Math.Pow(Math.Sqrt(a / 2) + Math.Sqrt(b / 2), 2);
        double phi = -(a * Math.Log2(a)) - (b * Math.Log2(b));
        Assert.Equal(lambda, await MetricAsync(page, "lambda"), tolerance: 2e-6);
        Assert.Equal(1 - lambda, await MetricAsync(page, "gamma"), tolerance: 2e-6);
        Assert.Equal(phi, await MetricAsync(page, "phi"), tolerance: 2e-6);
        Assert.Equal(3 * Math.Sqrt(Math.Abs(a - 0.5)), await MetricAsync(page, "w2"), tolerance: 2e-6);
        // Each metric carries its meaning (hover title and aria-describedby).
        await Expect(page.Locator("#metrics abbr[title]")).ToHaveCountAsync(4);
        await Expect(page.Locator("#metric-lambda")).ToHaveAttributeAsync("aria-describedby", "metric-lambda-desc");
        await Expect(page.Locator("#job-rows tr").First).ToContainTextAsync("completed");
        await DashboardPage.ScreenshotAsync(page, "dashboard-quantum");

        // Back in the arena, the job's events have arrived live on the open stream, without a reload.
        await page.GetByRole(AriaRole.Link, new() { Name = "Arena" }).ClickAsync();
        await Expect(page.Locator("#event-rows tr td:nth-child(2)", new() { HasTextString = "quantum" }).First).ToBeVisibleAsync();
        Assert.True(await page.Locator("#event-rows tr").CountAsync() > eventsBefore);
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.__noReload"));
        await DashboardPage.ScreenshotAsync(page, "dashboard-arena");

        // The same page on a phone-sized screen.
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Link, new() { Name = "Quantum jobs" }).ClickAsync();
        await Expect(page.Locator("#histogram svg")).ToBeVisibleAsync();
        double width = await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page scrolls sideways on a phone ({width} px wide)");
        await DashboardPage.ScreenshotAsync(page, "dashboard-phone");
    }

    private static async Task<double> MetricAsync(IPage page, string key)
    {
        string text = (await page.Locator($"#metric-{key}").InnerTextAsync()).Trim();
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^([01]+): (\d+) \(")]
    private static partial Regex BarLabel();
}
