using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tracekit.ExampleService;

internal sealed record ValidationResult(bool Valid, string? Error, long? ErrorBytePosition);
internal sealed record HashResult(string Sha256, long SizeInBytes);
internal sealed record HopResult(string Url, int Status, long SizeInBytes);

/// <summary>
/// The service's routes. Each does a kind of work a real service does (CPU, JSON, compression, hashing, state,
/// a downstream call) so that traces of it look like traces of a real service.
/// </summary>
internal static class Routes
{
    private const int MaxCpuMs = 10_000;
    private const int MaxResponseKb = 64 * 1024;
    private const int MaxBodyBytes = 16 << 20;

    public static void Map(WebApplication app)
    {
        app.MapGet("/", () => "tracekit example service: /work /json/validate /gzip /gunzip /sha256 /kv/{key} /hop\n");
        app.MapGet("/work", Work);
        app.MapPost("/json/validate", ValidateJson);
        app.MapPost("/gzip", Gzip);
        app.MapPost("/gunzip", Gunzip);
        app.MapPost("/sha256", Sha256);
        app.MapGet("/kv/{key}", (string key, KeyValueStore store) => store.TryGet(key, out var v) ? Results.Bytes(v) : Results.NotFound());
        app.MapPut("/kv/{key}", PutValue);
        app.MapDelete("/kv/{key}", (string key, KeyValueStore store) => store.Remove(key) ? Results.NoContent() : Results.NotFound());
        app.MapGet("/hop", Hop);
    }

    /// <summary>Burns <paramref name="cpu_ms"/> of wall time on the request thread, then returns resp_kb KiB.</summary>
    private static IResult Work(int? cpu_ms, int? resp_kb)
    {
        int cpuMs = cpu_ms ?? 0, respKb = resp_kb ?? 0;
        if (cpuMs < 0 || cpuMs > MaxCpuMs) return Results.BadRequest($"cpu_ms must be 0..{MaxCpuMs}\n");
        if (respKb < 0 || respKb > MaxResponseKb) return Results.BadRequest($"resp_kb must be 0..{MaxResponseKb}\n");
        ulong acc = Spin(cpuMs);
        var body = new byte[respKb * 1024];
        // The spin result goes into the body so the JIT cannot drop the loop.
        if (body.Length > 0) body[0] = (byte)acc;
        return Results.Bytes(body, "application/octet-stream");
    }

    private static ulong Spin(int cpuMs)
    {
        ulong acc = 0x9E3779B97F4A7C15;
        long end = Stopwatch.GetTimestamp() + (cpuMs * Stopwatch.Frequency / 1000);
        while (Stopwatch.GetTimestamp() < end)
        {
            for (int i = 0; i < 1000; i++) acc = (acc ^ (acc >> 31)) * 0xBF58476D1CE4E5B9;
        }
        return acc;
    }

    private static async Task<IResult> ValidateJson(HttpRequest request)
    {
        var body = await ReadBody(request);
        if (body is null) return TooLarge();
        try
        {
            using var _ = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            return Results.Ok(new ValidationResult(true, null, null));
        }
        catch (JsonException e)
        {
            return Results.UnprocessableEntity(new ValidationResult(false, e.Message, e.BytePositionInLine));
        }
    }

    private static async Task<IResult> Gzip(HttpRequest request)
    {
        var body = await ReadBody(request);
        if (body is null) return TooLarge();
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(body);
        return Results.Bytes(output.ToArray(), "application/gzip");
    }

    private static async Task<IResult> Gunzip(HttpRequest request)
    {
        var body = await ReadBody(request);
        if (body is null) return TooLarge();
        try
        {
            using var gz = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            var output = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = gz.Read(chunk)) > 0)
            {
                // A gzip bomb must not take the service down.
                if (output.Length + n > MaxBodyBytes) return TooLarge();
                output.Write(chunk, 0, n);
            }
            return Results.Bytes(output.ToArray(), "application/octet-stream");
        }
        catch (InvalidDataException e)
        {
            return Results.BadRequest($"not gzip: {e.Message}\n");
        }
    }

    private static async Task<IResult> Sha256(HttpRequest request)
    {
        var body = await ReadBody(request);
        if (body is null) return TooLarge();
        return Results.Ok(new HashResult(Convert.ToHexStringLower(SHA256.HashData(body)), body.Length));
    }

    private static async Task<IResult> PutValue(string key, HttpRequest request, KeyValueStore store)
    {
        var body = await ReadBody(request);
        if (body is null) return TooLarge();
        return store.TryPut(key, body) ? Results.NoContent() : Results.StatusCode(StatusCodes.Status507InsufficientStorage);
    }

    /// <summary>
    /// Calls <paramref name="url"/> (default: this service's /work) and reports what came back: the multi-hop
    /// route. Only loopback targets are allowed, so the service can never be turned against another host.
    /// </summary>
    private static async Task<IResult> Hop(string? url, HttpRequest request, IHttpClientFactory clients, CancellationToken cancel)
    {
        url ??= $"{request.Scheme}://{request.Host}/work?cpu_ms=1";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
            return Results.BadRequest("url must be an absolute http(s) URL\n");
        if (!IsLoopback(target)) return Results.BadRequest("url must point to a loopback address\n");
        using var response = await clients.CreateClient().GetAsync(target, cancel);
        var content = await response.Content.ReadAsByteArrayAsync(cancel);
        return Results.Ok(new HopResult(target.ToString(), (int)response.StatusCode, content.Length));
    }

    private static bool IsLoopback(Uri target) =>
        target.IsLoopback || (IPAddress.TryParse(target.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    private static async Task<byte[]?> ReadBody(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.Length > MaxBodyBytes ? null : buffer.ToArray();
    }

    private static IResult TooLarge() => Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
}
