// Tracekit samples Linux /proc, cgroups and libc: it runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
