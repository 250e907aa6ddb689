namespace Tracekit.Convert;

internal static class Program
{
    private static int Main(string[] args) => 0;
}
