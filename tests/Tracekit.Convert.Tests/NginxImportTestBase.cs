using System.Text.Json;
using Tracekit.Convert.Cctf;
using Tracekit.Convert.Tests.Support;
using static Tracekit.Convert.Tests.Support.Jsonl;

namespace Tracekit.Convert.Tests;

/// <summary>A temporary run into which the importer tests import logs, and the CLI calls they share.</summary>
public abstract class NginxImportTestBase : IDisposable
{
    protected const long T0 = 1_704_067_200_000; // 2024-01-01T00:00:00Z

    protected TestRun Run { get; } = new();

    public void Dispose()
    {
        Run.Dispose();
        GC.SuppressFinalize(this);
    }

    protected (int Code, CapturingConsole Console) Import(string log, string node, string? format = null, string? stage = null)
    {
        var args = new List<string> { "import", "nginx", "--log", log, "--run-dir", Run.RunDirectory, "--node-id", node };
        if (format is not null)
        {
            args.AddRange(["--format", format]);
        }

        if (stage is not null)
        {
            args.AddRange(["--stage", stage]);
        }

        return CapturingConsole.Run([.. args]);
    }

    protected List<JsonElement> Convert()
    {
        var (code, console) = CapturingConsole.Run("cctf", "--run-dir", Run.RunDirectory);
        Assert.True(code == 0, console.ErrorText);
        return Read(Path.Combine(Run.OutputDirectory, CctfFiles.Invocations));
    }
}

