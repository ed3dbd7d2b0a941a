using Microsoft.Extensions.Logging;

namespace QuantumLM.Organisms;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "quantum_enhance on backend {Backend} failed: {Reason}")]
    public static partial void QuantumEnhanceFailed(ILogger logger, string backend, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "quantum_enhance on backend {Backend} failed ({Reason}); falling back to evolve at rate {Rate} as the caller asked")]
    public static partial void QuantumEnhanceFallback(ILogger logger, string backend, string reason, double rate);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Evolution generation {Generation}: max {Max}, avg {Avg}, min {Min}, diversity {Diversity}")]
    public static partial void GenerationCompleted(ILogger logger, int generation, double? max, double? avg, double? min, double diversity);
}
