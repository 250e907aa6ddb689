using Tracekit.Convert.Cli;

namespace Tracekit.Convert.Reading;

/// <summary>Receives one record; <paramref name="payload"/> is valid only during the call.</summary>
public delegate void RecordAction(StreamCursor record, ReadOnlySpan<byte> payload);

/// <summary>Drives a node's records into a consumer (cctf's converter, the report), reporting progress.</summary>
public static class RecordPump
{
    /// <summary>Records between two progress reports: rare enough to cost nothing.</summary>
    private const int ProgressEveryRecords = 8192;

    /// <summary>Reads the source to its end; returns its bytes read, for the next node's progress base.</summary>
    /// <param name="bytesBefore">Bytes of the nodes read before this one.</param>
    public static long Drain(IRecordSource source, RecordAction onRecord, IProgressSink progress, long bytesBefore)
    {
        long count = 0;
        while (source.MoveNext(out ReadOnlySpan<byte> payload))
        {
            onRecord(source.Current, payload);
            if (++count % ProgressEveryRecords == 0)
            {
                progress.Report(bytesBefore + source.BytesRead);
            }
        }

        return source.BytesRead;
    }
}
