global using Xunit;
global using Xunit.Abstractions;
global using Tracekit.Dotnet.Tests.Support;
global using Tracekit.Contracts;
