using Tracekit.Convert.Audit;
using Tracekit.Convert.Output;
using Tracekit.Convert.Reading;
using Tracekit.Format;

namespace Tracekit.Convert.Cctf;

/// <summary>
/// host_metrics.jsonl for one node. cpu_util is the busy share of the whole host between two consecutive "cpu"
/// total lines: busy = total − idle − iowait (steal counts as busy: the host could not run its own work then).
/// mem_free_mb is MemAvailable (see docs/cctf.md for why not MemFree), MemFree on kernels without it.
/// </summary>
internal sealed class HostMetricsWriter(JsonlFile file, NodeAudit audit)
{
    private bool _hasPrevious;
    private ulong _previousBusyTicks;
    private ulong _previousTotalTicks;

    public void OnCpu(StreamCursor record, in HostCpu cpu)
    {
        if (cpu.Cpu != -1)
        {
            return;
        }

        audit.HostCpu.Observe(record.EpochNs);
        ulong busyTicks = cpu.UserTicks + cpu.NiceTicks + cpu.SystemTicks + cpu.IrqTicks + cpu.SoftirqTicks + cpu.StealTicks;
        ulong totalTicks = busyTicks + cpu.IdleTicks + cpu.IowaitTicks;

        // Counters only grow; a smaller total means a different boot or a reset: restart the baseline.
        if (_hasPrevious && totalTicks > _previousTotalTicks && busyTicks >= _previousBusyTicks)
        {
            double utilPercent = 100.0 * (busyTicks - _previousBusyTicks) / (totalTicks - _previousTotalTicks);
            var row = Rows.BeginTimed(file, record);
            row.Number(CctfNames.CpuUtil, Rows.Round3(Math.Min(100.0, utilPercent)));
            row.End();
        }

        _hasPrevious = true;
        _previousBusyTicks = busyTicks;
        _previousTotalTicks = totalTicks;
    }

    public void OnMemory(StreamCursor record, in HostMemory memory)
    {
        audit.HostMemory.Observe(record.EpochNs);

        // MemAvailable is 0 only on kernels before 3.14, which lack it.
        ulong freeKb = memory.MemAvailableKb > 0 ? memory.MemAvailableKb : memory.MemFreeKb;
        var row = Rows.BeginTimed(file, record);
        row.Number(CctfNames.MemFreeMb, freeKb / 1024);
        row.End();
    }
}
