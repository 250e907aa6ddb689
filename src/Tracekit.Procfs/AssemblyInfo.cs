namespace Tracekit.Procfs;
