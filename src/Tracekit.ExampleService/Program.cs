using System.Text.Json.Serialization;
using Tracekit.ExampleService;

// A small service in the spirit of the first Tracekit's demo. Bind it with --urls http://127.0.0.1:PORT.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ServiceJsonContext.Default));
builder.Services.AddSingleton<KeyValueStore>();
builder.Services.AddHttpClient();
#if TRACEKIT_OTEL
OtelTracing.Add(builder);
#endif

var app = builder.Build();
// Tests only: an exact count of the requests the service completed, to compare with what tracing saw. Off by
// default, so the service stays free of middleware (and of its cost) when it is observed for overhead.
if (Environment.GetEnvironmentVariable("TRACEKIT_EXAMPLE_COUNT_REQUESTS") == "1") RequestCounter.Map(app);
Routes.Map(app);
#if TRACEKIT_OTEL
OtelTracing.MapSpanCount(app);
#endif
app.Run();

[JsonSerializable(typeof(ValidationResult))]
[JsonSerializable(typeof(HashResult))]
[JsonSerializable(typeof(HopResult))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class ServiceJsonContext : JsonSerializerContext;
