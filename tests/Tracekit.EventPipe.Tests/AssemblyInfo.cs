// The tests start real services on a 2-core machine: one at a time keeps them honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
// Tracekit is Linux-only (diagnostics sockets, /proc, file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
