// These tests start real Linux processes and read /proc and cgroups.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
