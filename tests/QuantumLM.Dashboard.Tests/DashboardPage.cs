using System.Text.Json;
using Microsoft.Playwright;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.Dashboard.Tests;

/// <summary>Helpers shared by the browser tests: opening the dashboard, signing in with a token, screenshots.</summary>
internal static class DashboardPage
{
    /// <summary>How long a step may take (the machine is small and shared).</summary>
    public const float StepTimeoutMs = 60_000;

    /// <summary>Opens a page whose tab already holds <paramref name="user"/>'s access token (as the dashboard keeps it after a login).</summary>
    public static async Task<IPage> OpenSignedInAsync(IBrowserContext context, Uri baseAddress, TestUser user, string hash = "")
    {
        string state = JsonSerializer.Serialize(new { access_token = user.AccessToken, refresh_token = (string?)null, email = user.Email });
        await context.AddInitScriptAsync($"window.sessionStorage.setItem('quantumlm.auth', {JsonSerializer.Serialize(state)});");
        IPage page = await OpenAsync(context, new Uri(baseAddress, "/" + hash));
        return page;
    }

    /// <summary>Opens a page and collects the browser's console errors into <paramref name="errors"/>.</summary>
    public static async Task<IPage> OpenAsync(IBrowserContext context, Uri address, List<string>? errors = null)
    {
        IPage page = await context.NewPageAsync();
        page.SetDefaultTimeout(StepTimeoutMs);
        if (errors is not null)
        {
            page.Console += (_, m) =>
            {
                if (m.Type == "error")
                {
                    errors.Add(m.Text);
                }
            };
            page.PageError += (_, e) => errors.Add(e);
        }

        await page.GotoAsync(address.ToString());
        return page;
    }

    /// <summary>Saves a full-page screenshot under artifacts/screenshots and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(RepoPaths.Screenshots);
        string path = Path.Combine(RepoPaths.Screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
