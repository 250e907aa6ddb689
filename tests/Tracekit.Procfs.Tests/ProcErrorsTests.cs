using Tracekit.Native;

namespace Tracekit.Procfs.Tests;

public class ProcErrorsTests
{
    [Theory]
    [InlineData(0, ProcReadStatus.Ok)]
    [InlineData(Libc.ErrnoValues.ESRCH, ProcReadStatus.Vanished)]
    [InlineData(Libc.ErrnoValues.ENOENT, ProcReadStatus.Vanished)]
    [InlineData(Libc.ErrnoValues.ENODEV, ProcReadStatus.Vanished)]
    [InlineData(Libc.ErrnoValues.EACCES, ProcReadStatus.AccessDenied)]
    [InlineData(Libc.ErrnoValues.EPERM, ProcReadStatus.AccessDenied)]
    [InlineData(Libc.ErrnoValues.EINVAL, ProcReadStatus.Error)]
    public void FromErrno_KnownErrno_MapsToStatus(int errno, ProcReadStatus expected) =>
        Assert.Equal(expected, ProcErrors.FromErrno(errno));

    [SkippableFact]
    public void TryRead_ProcOneIoDeniedAtRead_ReturnsAccessDenied()
    {
        // On the reference sandbox PID 1's io file opens but its read fails the ptrace check with EACCES; the
        // reader must report that as AccessDenied, not as a vanished process or an exception.
        ProcReadStatus open = ProcFile.TryOpen("/proc/1/io", out ProcFile? file);
        using (file)
        {
            Skip.If(open == ProcReadStatus.AccessDenied, "here /proc/1/io is denied at open (also AccessDenied)");
            Assert.Equal(ProcReadStatus.Ok, open);
            ProcReadStatus read = file!.TryRead(new byte[512], out _);
            Skip.If(read == ProcReadStatus.Ok, "/proc/1/io is readable here (no ptrace restriction on PID 1)");
            Assert.Equal(ProcReadStatus.AccessDenied, read);
            Assert.Equal(Libc.ErrnoValues.EACCES, file.LastErrno);
        }
    }
}
