namespace Tracekit.Convert;

/// <summary>An expected failure: the message is shown as is, without a stack trace.</summary>
public sealed class ConvertException(ReturnCode code, string message) : Exception(message)
{
    public ReturnCode Code { get; } = code;
}
