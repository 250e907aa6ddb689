global using Tracekit.Contracts;
