namespace Tracekit.Format;

/// <summary>
/// Why a payload could not be decoded. <see cref="Offset"/> is the byte offset within the payload of the value
/// that failed (equal to the payload length when the data ended before a value). <see cref="Message"/> is one
/// of the constant strings in <see cref="DecodeMessages"/>, so reporting an error never allocates.
/// </summary>
public readonly record struct DecodeError(int Offset, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"offset {Offset}: {Message}";
}
