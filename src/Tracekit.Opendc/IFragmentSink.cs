namespace Tracekit.Opendc;

/// <summary>Receives fragments in playback order (the writer, or a test collecting them).</summary>
public interface IFragmentSink
{
    void Append(in OpendcFragment fragment);
}
