global using Xunit;

// Rings are Linux-only (mmap, fallocate, flock); so are these tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
