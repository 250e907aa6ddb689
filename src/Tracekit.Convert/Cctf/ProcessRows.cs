using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// The encoded parts of one process's rows that never change: <c>,"pid":N</c> and
/// <c>,"node":…,"stage":…,"start_ticks":N</c>. Encoded when the process is first seen instead of three times per
/// sample: process samples are 98% of a collector's records. Arrays are padded for <see cref="JsonRow.Raw(ReadOnlySpan{byte}, int)"/>.
/// </summary>
internal sealed class ProcessIdentity
{
    public ProcessIdentity(int pid, ulong startTicks, StreamContext stream)
    {
        Span<byte> buffer = stackalloc byte[JsonFragment.MaxLengthInBytes];
        PidLength = JsonFragment.Write(buffer, CctfNames.Pid, pid);
        Pid = JsonFragment.Padded(buffer[..PidLength]);
        NodeAndStage = stream.NodeAndStage;
        int length = JsonFragment.Write(buffer, CctfNames.StartTicks, startTicks);
        TailLength = NodeAndStage.Length + length;
        Tail = JsonFragment.Padded([.. NodeAndStage, .. buffer[..length]]);
    }

    public byte[] Pid { get; }

    public int PidLength { get; }

    /// <summary>The stream's node and stage fragment this was built from: another stream's rows need their own.</summary>
    public byte[] NodeAndStage { get; }

    public byte[] Tail { get; }

    public int TailLength { get; }
}

/// <summary>
/// Writes proc_rss, proc_cpu and proc_metrics rows. Each value is formatted once per sample and copied into every
/// row that carries it; ts_ms once per tick (all processes of a tick share it). Field order is that of
/// cctf-compat.md plus the documented additions (docs/cctf.md).
/// </summary>
internal sealed class ProcessRows(CctfFileSet files)
{
    private const int Slot = JsonFragment.PaddedLengthInBytes;

    private readonly byte[] _timestamp = new byte[Slot];
    private int _timestampLength;
    private long _timestampEpochMs = long.MinValue;

    /// <summary>The proc_rss row of a sample and, when it closes a CPU window, its proc_cpu and proc_metrics rows.</summary>
    public void Write(long epochMs, ProcessIdentity identity, ulong rssKb, bool window, long cpuNs, long dtMs)
    {
        Span<byte> values = stackalloc byte[3 * Slot];
        Span<byte> rss = values[..Slot];
        int rssLength = JsonFragment.Write(rss, CctfNames.RssKb, rssKb);
        int timestampLength = Timestamp(epochMs);

        // Each fragment may move a whole slot (JsonFragment.Copy), the tail at least its own length.
        int maxRowBytes = (5 * Slot) + Math.Max(identity.TailLength, Slot);
        var file = files.ProcRss;
        Span<byte> row = file.BeginRawRow(maxRowBytes);
        int position = 0;
        JsonFragment.Copy(row, ref position, _timestamp, timestampLength);
        JsonFragment.Copy(row, ref position, identity.Pid, identity.PidLength);
        JsonFragment.Copy(row, ref position, rss, rssLength);
        JsonFragment.Copy(row, ref position, identity.Tail, identity.TailLength);
        file.EndRawRow(position);
        if (!window)
        {
            return;
        }

        Span<byte> cpu = values.Slice(Slot, Slot);
        Span<byte> dt = values.Slice(2 * Slot, Slot);
        int cpuLength = JsonFragment.WriteMsFromNs(cpu, CctfNames.CpuMs, cpuNs);
        int dtLength = JsonFragment.Write(dt, CctfNames.DtMs, dtMs);

        file = files.ProcCpu;
        row = file.BeginRawRow(maxRowBytes);
        position = 0;
        JsonFragment.Copy(row, ref position, _timestamp, timestampLength);
        JsonFragment.Copy(row, ref position, identity.Pid, identity.PidLength);
        JsonFragment.Copy(row, ref position, cpu, cpuLength);
        JsonFragment.Copy(row, ref position, dt, dtLength);
        JsonFragment.Copy(row, ref position, identity.Tail, identity.TailLength);
        file.EndRawRow(position);

        file = files.ProcMetrics;
        row = file.BeginRawRow(maxRowBytes);
        position = 0;
        JsonFragment.Copy(row, ref position, _timestamp, timestampLength);
        JsonFragment.Copy(row, ref position, identity.Pid, identity.PidLength);
        JsonFragment.Copy(row, ref position, dt, dtLength);
        JsonFragment.Copy(row, ref position, cpu, cpuLength);
        JsonFragment.Copy(row, ref position, rss, rssLength);
        JsonFragment.Copy(row, ref position, identity.Tail, identity.TailLength);
        file.EndRawRow(position);
    }

    /// <summary>Formats <c>,"ts_ms":N</c> into the padded buffer when the tick changed; returns its length.</summary>
    private int Timestamp(long epochMs)
    {
        if (epochMs != _timestampEpochMs)
        {
            _timestampLength = JsonFragment.Write(_timestamp, CctfNames.TsMs, epochMs);
            _timestampEpochMs = epochMs;
        }

        return _timestampLength;
    }
}
