namespace Tracekit.Ring;
