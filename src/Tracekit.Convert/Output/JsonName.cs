using System.Text.Json;

namespace Tracekit.Convert.Output;

/// <summary>
/// A property name encoded once, in the two forms the writers need: <see cref="Text"/> for
/// <see cref="Utf8JsonWriter"/> (nodes.json, rare rows), and the bytes <c>,"name":</c> that <see cref="JsonRow"/>
/// copies in one move. The name is escaped by System.Text.Json (<see cref="JsonEncodedText.Encode(string, System.Text.Encodings.Web.JavaScriptEncoder?)"/>),
/// never by hand.
/// </summary>
public sealed class JsonName
{
    private readonly byte[] _prefix;
    private readonly int _length;

    private JsonName(JsonEncodedText text)
    {
        Text = text;
        ReadOnlySpan<byte> name = text.EncodedUtf8Bytes;
        _length = name.Length + 4;

        // Zero-padded to 32 bytes so that a short name is copied with one fixed-size move (JsonFragment).
        _prefix = new byte[Math.Max(_length, PaddedLengthInBytes)];
        _prefix[0] = (byte)',';
        _prefix[1] = (byte)'"';
        name.CopyTo(_prefix.AsSpan(2));
        _prefix[_length - 2] = (byte)'"';
        _prefix[_length - 1] = (byte)':';
    }

    internal const int PaddedLengthInBytes = 32;

    public JsonEncodedText Text { get; }

    /// <summary><c>,"name":</c>. The leading comma of a row's first property becomes its <c>{</c> (see <see cref="JsonRow"/>).</summary>
    public ReadOnlySpan<byte> Prefix => _prefix.AsSpan(0, _length);

    /// <summary><see cref="Prefix"/> followed by zeros up to at least <see cref="PaddedLengthInBytes"/> bytes.</summary>
    internal ReadOnlySpan<byte> PaddedPrefix => _prefix;

    public static JsonName Of(string name) => new(JsonEncodedText.Encode(name, JsonText.Encoder));

    /// <summary>Lets <see cref="Utf8JsonWriter"/> code take a <see cref="JsonName"/> where it takes a name.</summary>
    public static implicit operator JsonEncodedText(JsonName name) => name.Text;

    public override string ToString() => Text.ToString();
}
