namespace Tracekit.Native;
