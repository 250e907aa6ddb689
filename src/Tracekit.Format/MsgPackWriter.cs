using System.Runtime.CompilerServices;

namespace Tracekit.Format;

/// <summary>
/// A position over a destination span, on top of <see cref="MsgPackPrimitives"/>. The scalar writes are
/// inlined when at least <see cref="MsgPackPrimitives.MaxScalarSizeInBytes"/> bytes remain (the common case,
/// decided by one compare); only the tail of a nearly full buffer takes the non-inlined exact-size path.
/// A failed write leaves the position unchanged, so a caller may stop at the first false.
/// </summary>
public ref struct MsgPackWriter
{
    private readonly Span<byte> _destination;
    private int _position;

    public MsgPackWriter(Span<byte> destination)
    {
        _destination = destination;
        _position = 0;
    }

    /// <summary>The number of bytes written so far.</summary>
    public readonly int Position => _position;

    public readonly ReadOnlySpan<byte> WrittenSpan => _destination.Slice(0, _position);

    public bool TryWriteNil() => Advance(MsgPackPrimitives.TryWriteNil(_destination.Slice(_position), out int n), n);

    public bool TryWriteBool(bool value) =>
        Advance(MsgPackPrimitives.TryWriteBool(_destination.Slice(_position), value, out int n), n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWriteUInt64(ulong value)
    {
        Span<byte> rest = _destination.Slice(_position);
        if (rest.Length >= MsgPackPrimitives.MaxScalarSizeInBytes)
        {
            _position += MsgPackPrimitives.WriteUInt64Unchecked(rest, value);
            return true;
        }
        return TryWriteUInt64Slow(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWriteInt64(long value)
    {
        Span<byte> rest = _destination.Slice(_position);
        if (rest.Length >= MsgPackPrimitives.MaxScalarSizeInBytes)
        {
            _position += MsgPackPrimitives.WriteInt64Unchecked(rest, value);
            return true;
        }
        return TryWriteInt64Slow(value);
    }

    /// <summary>Writes nil when <paramref name="value"/> is null.</summary>
    public bool TryWriteInt64(long? value) => value.HasValue ? TryWriteInt64(value.GetValueOrDefault()) : TryWriteNil();

    /// <summary>Writes nil when <paramref name="value"/> is null.</summary>
    public bool TryWriteDouble(double? value) => value.HasValue ? TryWriteDouble(value.GetValueOrDefault()) : TryWriteNil();

    public bool TryWriteDouble(double value) =>
        Advance(MsgPackPrimitives.TryWriteDouble(_destination.Slice(_position), value, out int n), n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWriteArrayHeader(int count)
    {
        if ((uint)count <= MsgPackCode.MaxFixArrayCount && (uint)_position < (uint)_destination.Length)
        {
            _destination[_position++] = (byte)(MsgPackCode.MinFixArray | count);
            return true;
        }
        return TryWriteArrayHeaderSlow(count);
    }

    public bool TryWriteStringUtf8(ReadOnlySpan<byte> utf8) =>
        Advance(MsgPackPrimitives.TryWriteStringUtf8(_destination.Slice(_position), utf8, out int n), n);

    /// <summary>Writes nil when <paramref name="value"/> is null.</summary>
    public bool TryWriteString(string? value) =>
        Advance(MsgPackPrimitives.TryWriteString(_destination.Slice(_position), value, out int n), n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryWriteUInt64Slow(ulong value) =>
        Advance(MsgPackPrimitives.TryWriteUInt64(_destination.Slice(_position), value, out int n), n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryWriteInt64Slow(long value) =>
        Advance(MsgPackPrimitives.TryWriteInt64(_destination.Slice(_position), value, out int n), n);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryWriteArrayHeaderSlow(int count) =>
        Advance(MsgPackPrimitives.TryWriteArrayHeader(_destination.Slice(_position), count, out int n), n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Advance(bool written, int bytesWritten)
    {
        _position += bytesWritten;
        return written;
    }
}
