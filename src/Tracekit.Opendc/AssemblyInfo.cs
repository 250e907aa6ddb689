namespace Tracekit.Opendc;
