global using System.Diagnostics;
global using Tracekit.Collector.Tests.Support;
global using Tracekit.Format;
global using Xunit;
global using Xunit.Abstractions;
