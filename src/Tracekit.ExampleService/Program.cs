using System.Text.Json.Serialization;
using Tracekit.ExampleService;

// A small service in the spirit of the first Tracekit's demo. Bind it with --urls http://127.0.0.1:PORT.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ServiceJsonContext.Default));
builder.Services.AddSingleton<KeyValueStore>();
builder.Services.AddHttpClient();

var app = builder.Build();
Routes.Map(app);
app.Run();

[JsonSerializable(typeof(ValidationResult))]
[JsonSerializable(typeof(HashResult))]
[JsonSerializable(typeof(HopResult))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class ServiceJsonContext : JsonSerializerContext;
