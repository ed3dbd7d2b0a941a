namespace QuantumLM.Dashboard.Tests;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class RepoPaths
{
    /// <summary>Gets the repository root (the folder holding QuantumLM.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Gets the dashboard's static files.</summary>
    public static string WebRoot => Path.Combine(Root, "samples", "ReferenceHost", "wwwroot");

    /// <summary>Gets the folder the screenshots are kept in (test artifacts, not committed).</summary>
    public static string Screenshots => Path.Combine(Root, "artifacts", "screenshots");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantumLM.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"QuantumLM.sln was not found above {AppContext.BaseDirectory}");
    }
}
