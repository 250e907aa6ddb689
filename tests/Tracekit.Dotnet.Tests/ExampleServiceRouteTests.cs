using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tracekit.Dotnet.Tests;

/// <summary>One example service for the whole class: starting it costs seconds on the 2-core machine.</summary>
public sealed class ExampleServiceFixture : IDisposable
{
    public ExampleService Service { get; } = ExampleService.Start();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        Http.Dispose();
        Service.Dispose();
    }
}

/// <summary>
/// Smoke tests of the routes the traces are made of (docs/dotnet-tracing.md, "The example service"): a route that
/// silently did nothing would still give plausible-looking invocations.
/// </summary>
public sealed class ExampleServiceRouteTests(ExampleServiceFixture fixture) : IClassFixture<ExampleServiceFixture>
{
    private HttpResponseMessage Send(HttpMethod method, string path, byte[]? body = null)
    {
        var request = new HttpRequestMessage(method, fixture.Service.BaseUrl + path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }
        return fixture.Http.Send(request);
    }

    private static byte[] Bytes(HttpResponseMessage response) => response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();

    private static JsonElement Json(HttpResponseMessage response) => JsonDocument.Parse(Bytes(response)).RootElement.Clone();

    [Fact]
    public void JsonValidate_ValidDocument_OkAndValid()
    {
        using var response = Send(HttpMethod.Post, "/json/validate", """{"a":[1,2,{"b":null}],"c":"d"}"""u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Json(response).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void JsonValidate_InvalidDocument_UnprocessableWithError()
    {
        using var response = Send(HttpMethod.Post, "/json/validate", """{"a":[1,2"""u8.ToArray());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var result = Json(response);
        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("error").GetString()));
    }

    [Fact]
    public void GzipThenGunzip_BinaryPayload_RoundTripsByteForByte()
    {
        var payload = new byte[200_000];
        new Random(7).NextBytes(payload.AsSpan(0, 100_000));
        // The second half compresses, so the gzip body differs in size from the payload.
        using var zipped = Send(HttpMethod.Post, "/gzip", payload);
        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        var gz = Bytes(zipped);
        Assert.Equal(new byte[] { 0x1f, 0x8b }, gz[..2]);
        Assert.True(gz.Length < payload.Length, $"gzip of half zeros is {gz.Length} bytes, not smaller than {payload.Length}");
        using var unzipped = Send(HttpMethod.Post, "/gunzip", gz);
        Assert.Equal(HttpStatusCode.OK, unzipped.StatusCode);
        Assert.Equal(payload, Bytes(unzipped));
    }

    [Fact]
    public void Gunzip_NotGzip_BadRequest()
    {
        using var response = Send(HttpMethod.Post, "/gunzip", "plain text"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public void Sha256_KnownInput_KnownHashAndSize()
    {
        using var response = Send(HttpMethod.Post, "/sha256", "abc"u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = Json(response);
        // FIPS 180-2's test vector for "abc".
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", result.GetProperty("sha256").GetString());
        Assert.Equal(3, result.GetProperty("sizeInBytes").GetInt64());
    }

    [Fact]
    public void Kv_PutGetDelete_ValueStoredThenGone()
    {
        string key = "/kv/" + Guid.NewGuid().ToString("N");
        var value = Encoding.UTF8.GetBytes("value\0with a zero byte");
        using (var missing = Send(HttpMethod.Get, key)) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var put = Send(HttpMethod.Put, key, value)) Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var get = Send(HttpMethod.Get, key))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(value, Bytes(get));
        }
        using (var replace = Send(HttpMethod.Put, key, "second"u8.ToArray())) Assert.Equal(HttpStatusCode.NoContent, replace.StatusCode);
        using (var get = Send(HttpMethod.Get, key)) Assert.Equal("second"u8.ToArray(), Bytes(get));
        using (var delete = Send(HttpMethod.Delete, key)) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var gone = Send(HttpMethod.Get, key)) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using (var again = Send(HttpMethod.Delete, key)) Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public void Hop_LoopbackUrl_ReportsTheDownstreamResponse()
    {
        string target = fixture.Service.BaseUrl + "/work?resp_kb=3";
        using var response = Send(HttpMethod.Get, "/hop?url=" + Uri.EscapeDataString(target));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = Json(response);
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Equal(3 * 1024, result.GetProperty("sizeInBytes").GetInt64());
    }

    [Fact]
    public void Hop_NonLoopbackUrl_BadRequest()
    {
        // Never connected to: the route refuses any host that is not loopback before calling it.
        using var response = Send(HttpMethod.Get, "/hop?url=" + Uri.EscapeDataString("http://192.0.2.1/work"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
