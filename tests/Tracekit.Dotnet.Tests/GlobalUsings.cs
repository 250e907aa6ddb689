global using Xunit;
global using Xunit.Abstractions;
global using Tracekit.Load;
global using Tracekit.EventPipe;
global using Tracekit.Dotnet.Tests.Support;
