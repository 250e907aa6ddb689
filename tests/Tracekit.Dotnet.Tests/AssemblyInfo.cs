// The integration tests start real services and drive load on a 2-core machine: one at a time keeps them honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
// Tracekit is Linux-only (diagnostics sockets, /proc, signals).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
