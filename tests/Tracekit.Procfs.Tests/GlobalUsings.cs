global using Xunit;
global using Xunit.Abstractions;

// /proc, cgroups and pidfds: these tests are Linux-only by nature.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
