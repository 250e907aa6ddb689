global using Tracekit.Load;
