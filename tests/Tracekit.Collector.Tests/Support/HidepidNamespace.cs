namespace Tracekit.Collector.Tests.Support;

/// <summary>
/// A private mount namespace whose /proc is a fresh procfs mounted hidepid=noaccess: inside it, every file of
/// another user's process is denied (EPERM), as on a host hardened with hidepid. The host's own /proc is left
/// alone (a procfs mount's options belong to that mount only, since Linux 5.8), so other tests and users are not
/// affected. The namespace lives as long as a holder process (`sleep`) in it; Dispose kills the holder.
/// </summary>
public sealed class HidepidNamespace : IDisposable
{
    private readonly Spawned _holder;

    private HidepidNamespace(Spawned holder) => _holder = holder;

    /// <summary>Runs a program inside the namespace: prefix it to the program's argument list.</summary>
    public string[] Enter => ["nsenter", $"--target={_holder.Pid}", "--mount", "--"];

    /// <summary>The namespace, or null with the reason (not root, no unshare/nsenter, mount refused).</summary>
    public static HidepidNamespace? TryCreate(out string whyNot)
    {
        whyNot = "";
        if (!Proc.IsRoot)
        {
            whyNot = "a mount namespace and a procfs mount need root";
            return null;
        }
        // unshare execs sleep inside the new namespace, so the spawned PID is the namespace's holder.
        Spawned holder;
        try { holder = Spawned.Start("unshare", ["--mount", "--propagation", "private", "--", "sleep", "120"]); }
        catch (System.ComponentModel.Win32Exception e)
        {
            whyNot = $"cannot run unshare (util-linux): {e.Message}";
            return null;
        }
        string hostNamespace = ReadNamespace("self");
        if (!Proc.WaitFor(() => holder.HasExited || ReadNamespace(holder.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { Length: > 0 } ns && ns != hostNamespace, TimeSpan.FromSeconds(10)) || holder.HasExited)
        {
            whyNot = $"unshare --mount failed: {holder.Stderr.Trim()}";
            holder.Dispose();
            return null;
        }

        var ns = new HidepidNamespace(holder);
        using var mount = Spawned.Start(ns.Enter[0], [.. ns.Enter[1..], "mount", "-t", "proc", "-o", "hidepid=noaccess", "proc", "/proc"]);
        if (mount.WaitForExit(TimeSpan.FromSeconds(10)) != 0)
        {
            whyNot = $"cannot mount a hidepid=noaccess procfs in a private namespace: {mount.Stderr.Trim()}";
            ns.Dispose();
            return null;
        }
        return ns;
    }

    private static string ReadNamespace(string pid)
    {
        try { return new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget ?? ""; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    public void Dispose() => _holder.Dispose();
}
