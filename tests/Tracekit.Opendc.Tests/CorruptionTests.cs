namespace Tracekit.Opendc.Tests;

/// <summary>The validator never crashes on damaged files: every single-byte corruption gives a report.</summary>
public sealed class CorruptionTests
{
    [Theory]
    [InlineData("tasks.parquet")]
    [InlineData("fragments.parquet")]
    public void Validate_EveryByteFlipped_NeverThrows(string table)
    {
        using var workload = TestWorkload.Valid(withDependencies: true);
        workload.Validate();
        string path = Path.Combine(workload.Dir, table);
        byte[] original = File.ReadAllBytes(path);
        var magicFlipsAccepted = new List<int>();
        for (int offset = 0; offset < original.Length; offset++)
        {
            byte[] damaged = (byte[])original.Clone();
            damaged[offset] ^= 0x5A;
            File.WriteAllBytes(path, damaged);

            var report = Validation.OpendcValidator.Validate(workload.Dir, null, strict: false);
            bool inMagic = offset < 4 || offset >= original.Length - 4;
            if (inMagic && !report.HasErrors)
            {
                magicFlipsAccepted.Add(offset);
            }
        }

        // Any outcome but an exception is acceptable inside pages (parquet has no mandatory checksums);
        // a broken PAR1 magic must always be rejected.
        Assert.Empty(magicFlipsAccepted);
    }
}
