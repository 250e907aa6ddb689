using System.Text.Json;

namespace Tracekit.Opendc.Validation;

/// <summary>A host of a valid topology, for the "does the task fit" check.</summary>
internal readonly record struct TopologyHost(int Cores, long MemoryMiB);

/// <summary>
/// Checks topology.json: unknown keys (OpenDC's reader rejects them), missing keys, JSON types, units (bare
/// numbers are MHz, MiB and W; see <see cref="TopologyLimits"/> for the plausibility bounds), model types,
/// maxPower &gt;= idlePower and counts &gt;= 1. Findings use the JSON path as the column.
/// </summary>
internal static class TopologyValidator
{
    /// <returns>The hosts, or null when the file has errors (so no fit check is made against a wrong topology).</returns>
    public static List<TopologyHost>? Validate(string path, FindingSink sink, out bool hadErrors)
    {
        string file = Path.GetFileName(path);
        var hosts = new List<TopologyHost>();
        var walker = new Walker(file, sink, hosts);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var document = JsonDocument.Parse(stream);
            walker.Object(document.RootElement, TopologySchema.Root, "");
        }
        catch (JsonException e)
        {
            sink.Error(file, null, null, "json", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}");
            walker.Errors++;
        }
        catch (IOException e)
        {
            sink.Error(file, null, null, "unreadable", $"cannot read: {e.Message}");
            walker.Errors++;
        }
        catch (UnauthorizedAccessException e)
        {
            sink.Error(file, null, null, "unreadable", $"cannot read: {e.Message}");
            walker.Errors++;
        }

        hadErrors = walker.Errors > 0;
        return hadErrors ? null : hosts;
    }

    private sealed class Walker(string file, FindingSink sink, List<TopologyHost> hosts)
    {
        public int Errors { get; set; }

        public void Object(JsonElement element, JsonObjectSpec spec, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, "type", $"expected an object ({spec.Name}), found {element.ValueKind}");
                return;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                string at = Join(path, property.Name);
                var field = Array.Find(spec.Fields, f => f.Name == property.Name);
                if (field is null || !seen.Add(property.Name))
                {
                    Error(at, "unknown key", field is null
                        ? $"unknown key in {spec.Name}: OpenDC's reader rejects unknown keys (known: {string.Join(", ", spec.Fields.Select(f => f.Name))})"
                        : "duplicate key");
                    continue;
                }

                Value(property.Value, field, at);
            }

            foreach (var field in spec.Fields)
            {
                if (field.Required && !seen.Contains(field.Name))
                {
                    Error(Join(path, field.Name), "missing key", $"missing required key '{field.Name}' in {spec.Name}");
                }
            }

            CheckSemantics(element, spec, path);
        }

        private void Value(JsonElement value, JsonField field, string path)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (!field.Nullable)
                {
                    Error(path, "type", "null is not allowed here");
                }

                return;
            }

            switch (field.Kind)
            {
                case JsonKind.Object:
                    Object(value, field.Child!, path);
                    break;
                case JsonKind.ObjectArray when value.ValueKind == JsonValueKind.Array:
                    int i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Object(item, field.Child!, $"{path}[{i++}]");
                    }

                    if (i == 0)
                    {
                        Error(path, "empty", $"'{field.Name}' is empty");
                    }

                    break;
                case JsonKind.String when value.ValueKind == JsonValueKind.String:
                case JsonKind.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                case JsonKind.Number when value.ValueKind == JsonValueKind.Number:
                case JsonKind.Integer when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _):
                case JsonKind.Frequency or JsonKind.DataSize or JsonKind.Power when value.ValueKind == JsonValueKind.Number:
                    break;
                case JsonKind.Frequency or JsonKind.DataSize or JsonKind.Power when value.ValueKind == JsonValueKind.String:
                    sink.Warning(file, path, null, "unit string",
                        $"unit string \"{value.GetString()}\" is not checked by Tracekit; write a bare number ({Unit(field.Kind)})");
                    break;
                default:
                    Error(path, "type", $"expected {field.Kind.ToString().ToLowerInvariant()}, found {value.ValueKind}");
                    break;
            }
        }

        /// <summary>Rules beyond shape: counts, units, power model; and collecting hosts for the fit check.</summary>
        private void CheckSemantics(JsonElement element, JsonObjectSpec spec, string path)
        {
            if (Number(element, "count") is double count && count < 1)
            {
                Error(Join(path, "count"), "count", $"count must be >= 1 (got {count})");
            }

            if (ReferenceEquals(spec, TopologySchema.Cpu))
            {
                if (Number(element, "coreCount") is double cores && cores < 1)
                {
                    Error(Join(path, "coreCount"), "coreCount", $"coreCount must be >= 1 (got {cores})");
                }

                if (Number(element, "coreSpeed") is double mhz
                    && !(mhz >= TopologyLimits.MinCoreSpeedMhz && mhz <= TopologyLimits.MaxCoreSpeedMhz))
                {
                    Error(Join(path, "coreSpeed"), "units", $"coreSpeed {mhz} is not plausible MHz ({TopologyLimits.MinCoreSpeedMhz}..{TopologyLimits.MaxCoreSpeedMhz}): "
                        + (mhz < TopologyLimits.MinCoreSpeedMhz ? "looks like GHz" : "looks like kHz or Hz"));
                }
            }
            else if (ReferenceEquals(spec, TopologySchema.Memory) && Number(element, "memorySize") is double mib
                     && !(mib >= 1 && mib <= TopologyLimits.MaxMemoryMiB))
            {
                Error(Join(path, "memorySize"), "units", $"memorySize {mib} is not plausible MiB (1..{TopologyLimits.MaxMemoryMiB} = 16 TiB)"
                    + (mib > TopologyLimits.MaxMemoryMiB ? ": looks like bytes or KiB, which OpenDC would read as MiB" : ""));
            }
            else if (ReferenceEquals(spec, TopologySchema.PowerModel))
            {
                CheckPowerModel(element, path);
            }
            else if (ReferenceEquals(spec, TopologySchema.Host))
            {
                CollectHost(element);
            }
        }

        private void CheckPowerModel(JsonElement element, string path)
        {
            if (element.TryGetProperty("modelType", out var type) && type.ValueKind == JsonValueKind.String
                && !TopologySchema.ModelTypes.Contains(type.GetString()!))
            {
                Error(Join(path, "modelType"), "modelType",
                    $"modelType '{type.GetString()}' is not one of {string.Join(", ", TopologySchema.ModelTypes)}");
            }

            foreach (var key in (ReadOnlySpan<string>)["power", "idlePower", "maxPower"])
            {
                if (Number(element, key) is double watts && !(watts >= 0 && watts <= TopologyLimits.MaxPowerW))
                {
                    Error(Join(path, key), "units", $"{key} {watts} is not plausible W (0..{TopologyLimits.MaxPowerW})");
                }
            }

            if (Number(element, "idlePower") is double idle && Number(element, "maxPower") is double max && max < idle)
            {
                Error(Join(path, "maxPower"), "maxPower < idlePower", $"maxPower {max} W is below idlePower {idle} W");
            }
        }

        private void CollectHost(JsonElement host)
        {
            if (host.TryGetProperty("cpu", out var cpu) && cpu.ValueKind == JsonValueKind.Object
                && Number(cpu, "coreCount") is double cores
                && host.TryGetProperty("memory", out var memory) && memory.ValueKind == JsonValueKind.Object
                && Number(memory, "memorySize") is double mib)
            {
                double cpus = Number(cpu, "count") ?? 1;
                hosts.Add(new TopologyHost((int)Math.Min(int.MaxValue, cores * cpus), (long)mib));
            }
        }

        private static double? Number(JsonElement element, string key) =>
            element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

        private void Error(string path, string rule, string message)
        {
            Errors++;
            sink.Error(file, path.Length == 0 ? null : path, null, rule, message);
        }

        private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

        private static string Unit(JsonKind kind) => kind switch
        {
            JsonKind.Frequency => "MHz",
            JsonKind.DataSize => "MiB",
            _ => "W",
        };
    }
}
