using QuantumLM.ReferenceHost;

WebApplication app = HostApp.Build(args);
await app.RunAsync();
