using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Tracekit.Convert.Output;

/// <summary>
/// Writes one JSON Lines row straight into its file's byte buffer: <c>{"name":value,...}\n</c>. Property names are
/// pre-encoded (<see cref="JsonName.Prefix"/>), numbers are formatted in place with <see cref="Utf8Formatter"/>,
/// and there is no per-row writer state to flush or reset: that per-row overhead of <see cref="Utf8JsonWriter"/> was
/// most of the converter's CPU time. Every property is written as <c>,"name":value</c>; <see cref="End"/> turns
/// the row's first comma into the <c>{</c>.
/// <para>
/// Escaping rule (issue 4: no hand-written escaping): every string is escaped by System.Text.Json. A string is
/// copied as plain UTF-8 only when <see cref="JsonText.Encoder"/> (the encoder <see cref="Utf8JsonWriter"/> uses)
/// finds nothing in it to escape, which is exactly when <see cref="Utf8JsonWriter"/> copies it too; otherwise the
/// value is written by <see cref="Utf8JsonWriter"/> itself. Constant strings (node, stage, link) are encoded once
/// with <see cref="JsonEncodedText.Encode(string, System.Text.Encodings.Web.JavaScriptEncoder?)"/>.
/// </para>
/// Numbers are byte-identical to <see cref="Utf8JsonWriter"/>'s (same formatter; tests compare the two).
/// </summary>
public readonly ref struct JsonRow
{
    /// <summary>"-9223372036854775808" and "18446744073709551615" are 20 bytes.</summary>
    private const int MaxIntegerBytes = 20;

    /// <summary>The shortest round-trip form of a double is at most 24 bytes ("-1.7976931348623157E+308").</summary>
    private const int MaxDoubleBytes = 32;

    private readonly JsonlFile _file;

    internal JsonRow(JsonlFile file) => _file = file;

    public void Number(JsonName name, long value) =>
        _file.Advance(JsonFragment.Write(_file.Reserve(name.Prefix.Length + MaxIntegerBytes), name, value));

    public void Number(JsonName name, ulong value) =>
        _file.Advance(JsonFragment.Write(_file.Reserve(name.Prefix.Length + MaxIntegerBytes), name, value));

    /// <summary>JSON has no NaN or infinity: a non-finite value is written as null (cctf-compat.md: unknown is null).</summary>
    public void Number(JsonName name, double value)
    {
        if (!double.IsFinite(value))
        {
            Null(name);
            return;
        }

        ReadOnlySpan<byte> prefix = name.Prefix;
        Span<byte> destination = _file.Reserve(prefix.Length + MaxDoubleBytes);
        prefix.CopyTo(destination);

        // The default format is the shortest round-trip form, the one Utf8JsonWriter.WriteNumber(double) writes.
        Utf8Formatter.TryFormat(value, destination[prefix.Length..], out int written);
        _file.Advance(prefix.Length + written);
    }

    public void Number(JsonName name, long? value)
    {
        if (value is long v)
        {
            Number(name, v);
        }
        else
        {
            Null(name);
        }
    }

    public void Number(JsonName name, double? value)
    {
        if (value is double v)
        {
            Number(name, v);
        }
        else
        {
            Null(name);
        }
    }

    /// <summary>A duration in ns as exact decimal ms (<see cref="MillisecondsFormatter"/>).</summary>
    public void MsFromNs(JsonName name, long durationNs) =>
        _file.Advance(JsonFragment.WriteMsFromNs(_file.Reserve(name.Prefix.Length + MillisecondsFormatter.MaxLengthInBytes), name, durationNs));

    public void MsFromNs(JsonName name, long? durationNs)
    {
        if (durationNs is long ns)
        {
            MsFromNs(name, ns);
        }
        else
        {
            Null(name);
        }
    }

    public void Bool(JsonName name, bool value) => Raw(name.Prefix, value ? "true"u8 : "false"u8);

    public void Null(JsonName name) => Raw(name.Prefix, "null"u8);

    /// <summary>A string encoded once by System.Text.Json (a per-stream or per-run constant).</summary>
    public void String(JsonName name, JsonEncodedText value)
    {
        ReadOnlySpan<byte> prefix = name.Prefix;
        ReadOnlySpan<byte> encoded = value.EncodedUtf8Bytes;
        Span<byte> destination = _file.Reserve(prefix.Length + encoded.Length + 2);
        prefix.CopyTo(destination);
        destination[prefix.Length] = (byte)'"';
        encoded.CopyTo(destination[(prefix.Length + 1)..]);
        destination[prefix.Length + 1 + encoded.Length] = (byte)'"';
        _file.Advance(prefix.Length + encoded.Length + 2);
    }

    /// <summary>A variable string (null is JSON null), escaped as the type comment says.</summary>
    public void String(JsonName name, string? value)
    {
        if (value is null)
        {
            Null(name);
            return;
        }

        ReadOnlySpan<byte> prefix = name.Prefix;

        // UTF-16 to UTF-8 takes at most 3 bytes per char (a surrogate pair: 4 bytes for 2 chars).
        Span<byte> destination = _file.Reserve(checked(prefix.Length + 2 + (value.Length * 3)));
        prefix.CopyTo(destination);
        int start = prefix.Length + 1;
        destination[prefix.Length] = (byte)'"';
        var status = Utf8.FromUtf16(value, destination[start..], out _, out int written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done && JsonText.Encoder.FindFirstCharacterToEncodeUtf8(destination.Slice(start, written)) < 0)
        {
            destination[start + written] = (byte)'"';
            _file.Advance(start + written + 1);
            return;
        }

        // Something to escape (or invalid UTF-16): the bytes written above are not committed; Utf8JsonWriter
        // writes the value (escaped, a lone surrogate as \uFFFD), exactly as it would inside a whole-row writer.
        _file.Advance(prefix.Length);
        _file.WriteEscapedString(value);
    }

    /// <summary>A pre-encoded fragment of whole properties, each <c>,"name":value</c> (e.g. a stream's node and stage).</summary>
    public void Raw(ReadOnlySpan<byte> properties)
    {
        Span<byte> destination = _file.Reserve(properties.Length);
        properties.CopyTo(destination);
        _file.Advance(properties.Length);
    }

    /// <summary>
    /// A fragment of whole properties like <see cref="Raw(ReadOnlySpan{byte})"/>: the first <paramref name="length"/>
    /// bytes of <paramref name="padded"/>, copied with fixed-size moves when it is padded (<see cref="JsonFragment.Copy"/>).
    /// </summary>
    public void Raw(ReadOnlySpan<byte> padded, int length)
    {
        int position = 0;
        JsonFragment.Copy(_file.Reserve(Math.Max(length, JsonFragment.PaddedLengthInBytes)), ref position, padded, length);
        _file.Advance(length);
    }

    /// <summary>Closes the row: <c>}</c> and the newline. Nothing may be written to the row after this.</summary>
    public void End() => _file.EndFastRow();

    private void Raw(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> value)
    {
        Span<byte> destination = _file.Reserve(prefix.Length + value.Length);
        prefix.CopyTo(destination);
        value.CopyTo(destination[prefix.Length..]);
        _file.Advance(prefix.Length + value.Length);
    }
}
