namespace Tracekit.Format;

/// <summary>
/// The messages a <see cref="DecodeError"/> carries. They are constants so that a failed decode costs no
/// allocation, and so that tests and callers can compare them.
/// </summary>
public static class DecodeMessages
{
    public const string UnexpectedEnd = "unexpected end of data";
    public const string ExpectedInteger = "expected an integer";
    public const string IntegerOutOfRange = "integer out of range for the field";
    public const string ExpectedFloat = "expected a float32 or float64";
    public const string ExpectedNil = "expected nil";
    public const string ExpectedBool = "expected a boolean";
    public const string ExpectedString = "expected a string";
    public const string InvalidUtf8 = "string is not valid UTF-8";
    public const string ExpectedArray = "expected an array";
    public const string LengthPastEnd = "length points past the end of the data";
    public const string NeverUsedCode = "byte 0xc1 is never used by MessagePack";
    public const string ArrayTooShort = "record array has fewer elements than its kind requires";
    public const string KindNotPositive = "record kind must be a positive integer";
    public const string KindMismatch = "record kind differs from the requested record type";
    public const string UndefinedEnumValue = "value is not defined for this enum field";
    public const string TrailingBytes = "trailing bytes after the record";
    public const string SampleRatioOutOfRange = "sampleRatio must be above 0 and at most 1";
}
