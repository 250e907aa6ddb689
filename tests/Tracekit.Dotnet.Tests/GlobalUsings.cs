global using Xunit;
global using Xunit.Abstractions;
global using Tracekit.Contracts;
global using Tracekit.EventPipe;
global using Tracekit.Dotnet.Tests.Support;
global using Tracekit.Collector.Tests.Support; // Spawned, shared with the collector tests
