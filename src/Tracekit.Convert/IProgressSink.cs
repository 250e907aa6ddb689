namespace Tracekit.Convert;

/// <summary>Receives how far a conversion got, in bytes of ring read. Called often: must be cheap.</summary>
public interface IProgressSink
{
    void Report(long bytesDone);

    /// <summary>Removes whatever was drawn, so the final messages start on a clean line.</summary>
    void Complete();
}

/// <summary>For output that is not a terminal: nothing is ever printed.</summary>
public sealed class NoProgress : IProgressSink
{
    public static readonly NoProgress Instance = new();

    public void Report(long bytesDone)
    {
    }

    public void Complete()
    {
    }
}
