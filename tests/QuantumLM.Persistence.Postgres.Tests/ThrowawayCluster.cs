using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace QuantumLM.Persistence.Postgres.Tests;

/// <summary>
/// A private PostgreSQL cluster in a temporary directory on its own loopback port, for the tests that restart the
/// server (the shared cluster of eng/postgres.sh is never restarted). Runs the server as 'postgres' when root, like
/// eng/postgres.sh. Creates the owner and application roles and one migrated database.
/// </summary>
public sealed class ThrowawayCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly bool _root = Environment.UserName == "root";

    private ThrowawayCluster(string bin, string dir, int port, string password)
    {
        _bin = bin;
        Dir = dir;
        Port = port;
        Password = password;
    }

    public string Dir { get; }

    public int Port { get; }

    public string Password { get; }

    public string AppConnectionString => $"Host=127.0.0.1;Port={Port};Database=qlm;Username=quantumlm_app;Password={Password};Timeout=5;Command Timeout=30";

    public string OwnerConnectionString => $"Host=127.0.0.1;Port={Port};Database=qlm;Username=quantumlm_owner;Password={Password};Timeout=5";

    public static async Task<ThrowawayCluster> StartAsync()
    {
        string bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderBy(d => d, StringComparer.Ordinal).LastOrDefault() ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql (run eng/postgres.sh once)");
        string dir = Path.Combine(Path.GetTempPath(), "qlm-throwaway-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        int port = FreePort();
        string password = Guid.NewGuid().ToString("N");
        var c = new ThrowawayCluster(bin, dir, port, password);
        try
        {
            if (c._root)
            {
                await RunAsync("chown", "postgres", dir);
            }

            string data = Path.Combine(dir, "data");
            await c.AsServerAsync(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8");
            string conf = $"\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{dir}'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 100\n";
            await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), conf); // appending keeps the file's owner
            await c.AsServerAsync(Path.Combine(bin, "pg_ctl"), "-D", data, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60", "start");
            await c.PsqlAsync($"CREATE ROLE quantumlm_owner LOGIN CREATEDB CREATEROLE PASSWORD '{password}'");
            await c.PsqlAsync($"CREATE ROLE quantumlm_app LOGIN NOINHERIT PASSWORD '{password}'");
            await c.PsqlAsync("CREATE DATABASE qlm OWNER quantumlm_owner");
            await c.PsqlAsync("GRANT CONNECT ON DATABASE qlm TO quantumlm_app");
            await using var owner = NpgsqlDataSource.Create(c.OwnerConnectionString);
            await new PostgresMigrator(owner, MigrationScript.LoadEmbedded(), "quantumlm_app").MigrateAsync();
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }

        return c;
    }

    public Task RestartAsync() => AsServerAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(Dir, "data"), "-m", "fast", "-w", "-t", "60", "restart", "-l", Path.Combine(Dir, "server.log"));

    public Task StopAsync() => AsServerAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(Dir, "data"), "-m", "immediate", "-w", "stop");

    public Task StartServerAsync() => AsServerAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(Dir, "data"), "-l", Path.Combine(Dir, "server.log"), "-w", "-t", "60", "start");

    private Task PsqlAsync(string sql) => AsServerAsync(Path.Combine(_bin, "psql"), "-h", Dir, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql);

    private Task AsServerAsync(string exe, params string[] args) => _root ? RunAsync("runuser", ["-u", "postgres", "--", exe, .. args]) : RunAsync(exe, args);

    private static async Task RunAsync(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        Task<string> @out = p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} exited with {p.ExitCode}: {await err}{await @out}");
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
