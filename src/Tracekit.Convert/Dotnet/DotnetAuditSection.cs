using System.Globalization;
using System.Text;

namespace Tracekit.Convert.Dotnet;

/// <summary>The audit report's section on .NET captures: per process, what was decoded, what EventPipe dropped, what is damaged.</summary>
internal static class DotnetAuditSection
{
    public static string Render(IReadOnlyList<DotnetCapture> captures)
    {
        if (captures.Count == 0) return "";
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine("## .NET captures (EventPipe)");
        text.AppendLine();
        text.AppendLine("Raw EventPipe streams written by `tracekit collect --dotnet`, decoded here. \"lost\" = events EventPipe dropped in the target (sequence gaps); \"damage\" = a file cut short (the collector was killed) or unreadable.");
        text.AppendLine();
        text.AppendLine("| node | capture | pid | module | status | events | lost | invocations | metric values | GC events | undecodable | damage / problems |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var capture in captures)
        {
            var m = capture.Metadata;
            var d = capture.Decode;
            string status = m is null ? "?" : m.Status + (m.EndReason is { } why ? $" ({why})" : "") + (m.Error is { } error ? $": {error}" : "");
            var problems = new List<string>(capture.Problems.Where(p => !p.StartsWith("EventPipe dropped", StringComparison.Ordinal)));
            if (d is not null) problems.AddRange(d.Notes);
            if (capture.RecordsDropped > 0) problems.Add($"{capture.RecordsDropped} decoded records did not fit the scratch ring");
            text.Append(c, $"| {capture.NodeId} | {capture.Folder} | {m?.Pid.ToString(c) ?? "?"} | {Cell(m?.Module)} | {Cell(status)} | ");
            text.Append(c, $"{d?.EventsRead.ToString(c) ?? "-"} | {d?.EventsLost.ToString(c) ?? "-"} | {d?.Invocations.ToString(c) ?? "-"} | ");
            text.Append(c, $"{d?.MetricValues.ToString(c) ?? "-"} | {d?.GcEvents.ToString(c) ?? "-"} | {d?.Undecodable.ToString(c) ?? "-"} | {Cell(problems.Count == 0 ? "none" : string.Join("; ", problems))} |");
            text.AppendLine();
        }
        long lost = captures.Sum(static x => x.Decode?.EventsLost ?? 0);
        int damaged = captures.Count(static x => x.Decode?.Damage is not null);
        text.AppendLine();
        text.AppendLine(string.Create(c, $"EventPipe lost events, all captures: {lost}. Damaged (cut short) captures: {damaged} of {captures.Count}."));
        foreach (var capture in captures.Where(static x => x.Metadata is { RequestSampleRatio: < 1 } && x.Decode is not null))
        {
            var d = capture.Decode!;
            double ratio = capture.Metadata!.RequestSampleRatio;
            text.AppendLine(string.Create(c, $"Sampled capture {capture.Folder}: requests sampled at {ratio * 100:0.###}% by trace id in the target; {d.Invocations} invocations kept, {d.Unsampled} requests not sampled (dropped); scaled by 1/{ratio:0.###}, the kept invocations stand for ~{Math.Round(d.Invocations / ratio)} (kept + dropped: {d.Invocations + d.Unsampled})."));
        }
        return text.ToString();
    }

    private static string Cell(string? s) => string.IsNullOrEmpty(s) ? "-" : s.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
