global using Tracekit.Load;
global using Tracekit.EventPipe;
