// The load tests time real requests on a 2-core machine: one at a time keeps their schedules honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Tracekit is Linux-only (the monotonic clock comes from libc).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
