using Tracekit.Ring;

namespace Tracekit.Convert.Reading;

/// <summary>
/// Decides what a reading problem means. A torn tail, an uncommitted gap, or a last segment whose header was never
/// written (the collector died while creating it) are normal after a crash: reported, reading goes on. Anything
/// else is corruption: it stops the conversion, unless salvage is on, in which case it is reported with its
/// offset and reading resumes after it (the reader's resync, or the next segment file).
/// </summary>
internal sealed class SegmentRecovery(StreamContext stream, IReadObserver observer, bool salvage)
{
    public void OnDamage(RingDamage damage)
    {
        if (damage.Kind == RingDamageKind.Corrupt && IsAllZero(damage.FilePath, damage.FileOffset, damage.LengthInBytes))
        {
            // Space no producer ever wrote, e.g. the end of a segment the writer rolled away from and died before
            // padding. The reader calls a zero range "uncommitted" everywhere else; it is a crash artifact, not rot.
            damage = damage with
            {
                Kind = RingDamageKind.TornTail,
                Message = damage.Message + " All bytes of the range are zero: space never written (the writer stopped), not corruption.",
            };
        }

        if (damage.Kind == RingDamageKind.Corrupt && !salvage)
        {
            throw new ConvertException(ReturnCode.CorruptRing,
                $"Corrupt ring data in node '{stream.NodeId}', stream '{stream.Name}': {damage.Message} " +
                "Re-run with --salvage to convert everything around the damage (the audit lists what was skipped).");
        }

        observer.OnDamage(stream, damage);
    }

    /// <summary>Reports a segment whose header is unreadable; returns the index of the segment to read next.</summary>
    public int OnFormatError(RingFormatException ex)
    {
        var paths = stream.Source.SegmentPaths;
        int index = IndexOf(ex.FilePath);
        bool last = index == paths.Count - 1;
        long length = SafeLength(ex.FilePath);
        bool neverWritten = last && LooksNeverWritten(ex.FilePath, length);
        var kind = neverWritten ? RingDamageKind.TornTail : RingDamageKind.Corrupt;
        string why = neverWritten
            ? "the last segment's header was never written (the writer stopped while creating it); nothing in it to read."
            : ex.Message;
        OnDamage(new RingDamage(ex.FilePath, ex.FileOffset, length, kind, $"{ex.FilePath} at offset {ex.FileOffset:N0}: {why}"));
        return index < 0 ? paths.Count : index + 1;
    }

    public int IndexAfter(string segmentPath)
    {
        int index = IndexOf(segmentPath);
        return index < 0 ? stream.Source.SegmentPaths.Count : index + 1;
    }

    private int IndexOf(string path)
    {
        var paths = stream.Source.SegmentPaths;
        string full = Path.GetFullPath(path);
        for (int i = 0; i < paths.Count; i++)
        {
            if (string.Equals(paths[i], full, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsAllZero(string path, long offset, long length)
    {
        if (length <= 0)
        {
            return false;
        }

        try
        {
            using var file = File.OpenRead(path);
            if (offset + length > file.Length)
            {
                return false; // a truncated file: the missing bytes are lost, not known to be zero
            }

            file.Position = offset;
            byte[] buffer = new byte[(int)Math.Min(length, 1 << 20)];
            for (long left = length; left > 0;)
            {
                int read = file.Read(buffer, 0, (int)Math.Min(left, buffer.Length));
                if (read <= 0 || buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
                {
                    return false;
                }

                left -= read;
            }

            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static long SafeLength(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Shorter than a header, or a magic of zeros: space reserved by fallocate, header not yet stored.</summary>
    private static bool LooksNeverWritten(string path, long length)
    {
        if (length < 4096)
        {
            return true;
        }

        try
        {
            Span<byte> magic = stackalloc byte[8];
            using var file = File.OpenRead(path);
            file.ReadExactly(magic);
            return !magic.ContainsAnyExcept((byte)0);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
