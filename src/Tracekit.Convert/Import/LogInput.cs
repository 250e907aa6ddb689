using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Tracekit.Convert.Import;

/// <summary>
/// An access log file opened for streaming: gzip is recognised by its magic bytes (1f 8b), not by its name, because
/// logrotate's <c>delaycompress</c> and copies named by hand make extensions unreliable.
/// </summary>
internal sealed class LogInput : IDisposable
{
    /// <summary>How much of each end of the file the fingerprint reads: enough to tell logs apart, O(1) however large.</summary>
    public const int FingerprintSampleInBytes = 1024 * 1024;

    private readonly FileStream _file;

    private LogInput(FileStream file, bool isGzip, byte[] fingerprint, uint? gzipTrailerSize)
    {
        GzipTrailerSize = gzipTrailerSize;
        _file = file;
        IsGzip = isGzip;
        Fingerprint = fingerprint;
        Stream = isGzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
    }

    /// <summary>The log's bytes, decompressed when the file is gzip.</summary>
    public Stream Stream { get; }

    public bool IsGzip { get; }

    /// <summary>SHA-256 of the format, the file length and the file's first and last MiB (docs/cctf.md, "Importing nginx access logs").</summary>
    public byte[] Fingerprint { get; }

    public long FileLengthInBytes => _file.Length;

    /// <summary>
    /// ISIZE, the last four bytes of a gzip file: the uncompressed size mod 2^32 of its last member. .NET's GZipStream
    /// reports a cut file as a normal end, so comparing this with the bytes decompressed is the way to notice the cut
    /// (a file of several concatenated members differs too: ISIZE covers only the last one).
    /// </summary>
    public uint? GzipTrailerSize { get; }

    /// <summary>False when the bytes decompressed disagree with the gzip trailer: the file was most likely cut.</summary>
    public bool MatchesGzipTrailer(long decompressedBytes) => GzipTrailerSize is not uint size || size == (uint)decompressedBytes;

    /// <exception cref="ConvertException">The path is missing, a folder, or not a regular file.</exception>
    public static LogInput Open(string path, NginxLogFormat format)
    {
        if (Directory.Exists(path))
        {
            throw new ConvertException(ReturnCode.ArgumentError, $"--log '{path}' is a folder; give one access log file.");
        }

        if (!File.Exists(path))
        {
            throw new ConvertException(ReturnCode.ArgumentError, $"Access log '{path}' does not exist.");
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024);
        try
        {
            if (!file.CanSeek)
            {
                throw new ConvertException(ReturnCode.ArgumentError, $"--log '{path}' is not a regular file (a pipe?); the importer needs to read it twice.");
            }

            Span<byte> magic = stackalloc byte[2];
            bool isGzip = RandomAccess.Read(file.SafeFileHandle, magic, 0) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            uint? trailerSize = null;
            Span<byte> trailer = stackalloc byte[4];
            if (isGzip && file.Length >= 18 && RandomAccess.Read(file.SafeFileHandle, trailer, file.Length - 4) == 4)
            {
                trailerSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            }

            return new LogInput(file, isGzip, ComputeFingerprint(file, format), trailerSize);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        _file.Dispose();
    }

    private static byte[] ComputeFingerprint(FileStream file, NginxLogFormat format)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes("tracekit nginx import v1 " + NginxLogFormats.Name(format)));
        long length = file.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, length);
        hash.AppendData(lengthBytes);
        byte[] sample = new byte[(int)Math.Min(length, FingerprintSampleInBytes)];
        AppendRange(hash, file, sample, 0);
        if (length > FingerprintSampleInBytes)
        {
            AppendRange(hash, file, sample, length - FingerprintSampleInBytes);
        }

        return hash.GetHashAndReset();
    }

    private static void AppendRange(IncrementalHash hash, FileStream file, byte[] buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(file.SafeFileHandle, buffer.AsSpan(total), offset + total);
            if (read == 0)
            {
                break; // the file shrank while we read it (logrotate's copytruncate): hash what is there
            }

            total += read;
        }

        hash.AppendData(buffer, 0, total);
    }
}
