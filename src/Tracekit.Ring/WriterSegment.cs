using System.Runtime.CompilerServices;
using Tracekit.Native;
using L = Tracekit.Ring.RingLayout;

namespace Tracekit.Ring;

/// <summary>One mapped segment as the writer sees it.</summary>
internal sealed class WriterSegment
{
    public readonly MappedFile Map;
    public readonly int Index;
    public readonly long Capacity;
    public readonly int CapacityInt;
    public readonly int OffsetMask;

    /// <summary>
    /// A reservation that ends at or below this position may be written without further checks. No-loss: the
    /// capacity. Overwrite: one lap above the lap walker's cursor (frames below it are committed and counted).
    /// Read with Volatile.Read on the fast path; written with Volatile.Write by the lap walker.
    /// </summary>
    public long WriteLimit;

    /// <summary>
    /// The fast path takes the slow path for a reservation ending above this. No-loss: the capacity. Overwrite:
    /// half a walker batch below <see cref="WriteLimit"/>, so producers walk the lap after committing their own
    /// frame (a crash then tears nothing) instead of while holding a reservation.
    /// </summary>
    public long SlowPathTrigger;

    /// <summary>No-loss: the next segment, published once by the producer that rolled over.</summary>
    public WriterSegment? Successor;

    /// <summary>No-loss: set instead of <see cref="Successor"/> when the ring is full; every later append is dropped.</summary>
    public bool Terminal;

    public WriterSegment(MappedFile map, int index, long capacity)
    {
        Map = map;
        Index = index;
        Capacity = capacity;
        CapacityInt = (int)capacity;
        OffsetMask = (int)(capacity - 1);
        WriteLimit = capacity;
        SlowPathTrigger = capacity;
    }

    public string Path => Map.Path;

    /// <summary>A header word (counter) as a ref, for Interlocked and Volatile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref long Word(ref byte header, int offset) => ref Unsafe.As<byte, long>(ref Unsafe.Add(ref header, offset));

    /// <summary>The first byte of the frame at <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref byte FrameAt(ref byte header, long position) =>
        ref Unsafe.Add(ref header, L.HeaderSizeInBytes + ((int)position & OffsetMask));
}
