using Microsoft.Playwright;

namespace QuantumLM.Dashboard.Tests;

/// <summary>
/// Debian's Chromium (installed by eng/chromium.sh, never downloaded by Playwright), driven through Playwright's .NET
/// driver, headless. When Chromium is missing the tests fail with a message saying how to install it; they are not
/// skipped. <c>QUANTUMLM_CHROMIUM</c> overrides the path.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser.</summary>
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>The flags the browser runs with (no sandbox as root, and no background traffic on a closed network).</summary>
    public static readonly IReadOnlyList<string> Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Gets the browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    /// <summary>Gets the path of the Chromium executable in use.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("QUANTUMLM_CHROMIUM") is { Length: > 0 } p ? p : DefaultPath;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        string path = ExecutablePath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {path}. The dashboard's browser tests drive Debian's Chromium: install it with " +
                "eng/chromium.sh (apt-get install chromium; ./test.sh and .ci/run do this), or set QUANTUMLM_CHROMIUM to its path.");
        }

        UseMachineNodeWhenTheBundledOneIsMissing();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            ChromiumSandbox = false,
            Args = Arguments,
        });
    }

    /// <summary>Opens a fresh context (own storage) with the given viewport.</summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 860) =>
        Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-GB" });

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>
    /// Playwright's driver is a Node.js program; the package ships its own node under .playwright/node. Where that is
    /// missing, the machine's node (PLAYWRIGHT_NODEJS_PATH, else node on PATH) runs it.
    /// </summary>
    private static void UseMachineNodeWhenTheBundledOneIsMissing()
    {
        string bundled = Path.Combine(AppContext.BaseDirectory, ".playwright", "node");
        if (Directory.Exists(bundled) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PLAYWRIGHT_NODEJS_PATH")))
        {
            return;
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string node = Path.Combine(dir, "node");
            if (File.Exists(node))
            {
                Environment.SetEnvironmentVariable("PLAYWRIGHT_NODEJS_PATH", node);
                return;
            }
        }
    }
}
