global using Xunit;

// libc via P/Invoke: Linux only, and so are these tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
