namespace Tracekit.Format;
