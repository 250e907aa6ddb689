global using Xunit;
global using Tracekit.Contracts;
