namespace QuantumLM.Persistence.Postgres;

/// <summary>Exponential backoff with multiplicative jitter and a cap.</summary>
internal static class Backoff
{
    /// <summary>
    /// The delay before the retry that follows failed attempt <paramref name="attempt"/> (1-based):
    /// <c>min(cap, base · 2^(attempt−1)) · (1 − jitterRatio · u)</c> with <paramref name="u"/> uniform in [0, 1).
    /// </summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan cap, double jitterRatio, double u)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        double exp = Math.Min(attempt - 1, 62);
        double raw = baseDelay.TotalMilliseconds * Math.Pow(2, exp);
        double capped = Math.Min(raw, cap.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 - (jitterRatio * u)));
    }
}
