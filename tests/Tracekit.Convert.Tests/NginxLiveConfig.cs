using System.Net;
using System.Net.Sockets;
using Tracekit.Convert.Import;

namespace Tracekit.Convert.Tests;

/// <summary>The live test's nginx configuration and the look-ups around starting it.</summary>
internal static class NginxLiveConfig
{
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string? FindExecutable(string name, string debianPath)
    {
        if (File.Exists(debianPath))
        {
            return debianPath;
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    // /upload is proxied to a second, unlogged server: only a request whose body nginx reads (to forward it) counts
    // the body in $request_length; one answered by `return` has its body discarded uncounted.
    public static string Text(string root, int port, int backendPort) => $$"""
        daemon off;
        master_process on;
        worker_processes 2;
        pid {{root}}/nginx.pid;
        error_log {{root}}/error.log warn;
        events { worker_connections 256; }
        http {
            {{NginxLogFormats.TracekitDirective}}
            access_log {{root}}/access-tracekit.log tracekit;
            access_log {{root}}/access-combined.log combined;
            client_body_temp_path {{root}}/body;
            proxy_temp_path {{root}}/proxy;
            fastcgi_temp_path {{root}}/fastcgi;
            uwsgi_temp_path {{root}}/uwsgi;
            scgi_temp_path {{root}}/scgi;
            server {
                listen 127.0.0.1:{{port}};
                location / { return 200 "ok\n"; }
                location /missing { return 404; }
                location /upload { proxy_pass http://127.0.0.1:{{backendPort}}/; }
            }
            server {
                listen 127.0.0.1:{{backendPort}};
                access_log off;
                location / { return 200 "backend\n"; }
            }
        }
        """;
}
