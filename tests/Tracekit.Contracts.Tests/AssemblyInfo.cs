// Tracekit is Linux-only (the monotonic clock and the ring come from libc).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
