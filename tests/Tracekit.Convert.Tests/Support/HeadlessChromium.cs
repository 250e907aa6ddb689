using System.Diagnostics;
using System.Text.Json;
using SkiaSharp;

namespace Tracekit.Convert.Tests.Support;

/// <summary>What the page said about itself once loaded in the browser.</summary>
public sealed record PageFigure(string Id, int Declared, double Width, double Height, int LegendEntries, int DrawnInPlotArea);

public sealed record PageLoad(IReadOnlyList<PageFigure> Figures, IReadOnlyList<string> Errors, IReadOnlyList<string> Blocked, IReadOnlyList<string> Resources, string Stderr);

/// <summary>
/// Debian's chromium, headless, as the page's real reader. A checking script is put first in a copy of the page
/// (its CSP widened only to let that one inline script run): it records console errors, script errors and every
/// request the policy blocked, and on load writes what each plot drew into the DOM, which --dump-dom prints.
/// </summary>
public static class HeadlessChromium
{
    private const string Checker = """
        <script>
        window.__tk = { errors: [], blocked: [] };
        const __tkError = console.error;
        console.error = function (...args) { window.__tk.errors.push(args.join(' ')); __tkError.apply(console, args); };
        window.addEventListener('error', e => window.__tk.errors.push(String(e.message || e.type)), true);
        document.addEventListener('securitypolicyviolation', e => window.__tk.blocked.push(e.blockedURI + ' ' + e.violatedDirective));
        window.addEventListener('load', () => {
          const figures = [...document.querySelectorAll('figure.plot')].map(f => {
            const svg = f.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
            const texts = svg ? [...svg.querySelectorAll('text')].map(t => t.textContent.trim()) : [];
            const names = f.dataset.seriesNames.split('\u001f');
            const drawn = svg ? [...svg.querySelectorAll('g[clip-path] path, g[clip-path] rect')].filter(p => {
              const b = p.getBBox(); return b.width > 0 || b.height > 0; }).length : 0;
            return { id: f.id, declared: +f.dataset.series, width: box.width, height: box.height,
                     legendEntries: names.filter(n => texts.includes(n)).length, drawnInPlotArea: drawn };
          });
          const out = document.createElement('pre');
          out.id = 'tk-check';
          out.textContent = JSON.stringify({ figures, errors: window.__tk.errors, blocked: window.__tk.blocked,
            resources: performance.getEntriesByType('resource').map(r => r.name) });
          document.body.appendChild(out);
        });
        </script>
        """;

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0",
    ];

    public static PageLoad Load(string htmlPath, string csp)
    {
        string folder = Path.Combine(Path.GetTempPath(), "tk-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string html = File.ReadAllText(htmlPath);
            string policy = $"content=\"{csp}\"";
            Assert.Contains(policy, html, StringComparison.Ordinal);
            string checkedPage = Path.Combine(folder, "checked.html");
            File.WriteAllText(checkedPage, html
                .Replace(policy, $"content=\"{csp}; script-src 'unsafe-inline'\"", StringComparison.Ordinal)
                .Replace("<head>", "<head>" + Checker, StringComparison.Ordinal));
            var (stdout, stderr) = Run(folder, "--dump-dom", "--virtual-time-budget=10000", new Uri(checkedPage).AbsoluteUri);
            int start = stdout.IndexOf("<pre id=\"tk-check\">", StringComparison.Ordinal);
            Assert.True(start >= 0, $"the checking script wrote no result; chromium stderr:\n{stderr}");
            start += "<pre id=\"tk-check\">".Length;
            string json = System.Net.WebUtility.HtmlDecode(stdout[start..stdout.IndexOf("</pre>", start, StringComparison.Ordinal)]);
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var figures = root.GetProperty("figures").EnumerateArray().Select(f => new PageFigure(
                f.GetProperty("id").GetString()!, f.GetProperty("declared").GetInt32(), f.GetProperty("width").GetDouble(),
                f.GetProperty("height").GetDouble(), f.GetProperty("legendEntries").GetInt32(), f.GetProperty("drawnInPlotArea").GetInt32())).ToList();
            return new PageLoad(figures, Strings(root, "errors"), Strings(root, "blocked"), Strings(root, "resources"), stderr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A screenshot of the page as it is (no checker); returns the share of pixels that are not the background.</summary>
    public static double InkedShare(string htmlPath)
    {
        string folder = Path.Combine(Path.GetTempPath(), "tk-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string png = Path.Combine(folder, "shot.png");
            var (_, stderr) = Run(folder, $"--screenshot={png}", "--window-size=1200,1600", "--hide-scrollbars", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
            Assert.True(File.Exists(png), $"chromium wrote no screenshot; stderr:\n{stderr}");
            using var bitmap = SKBitmap.Decode(png);
            var background = bitmap.GetPixel(0, 0);
            long inked = 0;
            for (int y = 0; y < bitmap.Height; y += 2)
            {
                for (int x = 0; x < bitmap.Width; x += 2)
                {
                    if (bitmap.GetPixel(x, y) != background) inked++;
                }
            }

            return inked / ((bitmap.Width / 2.0) * (bitmap.Height / 2.0));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (string Stdout, string Stderr) Run(string folder, params string[] arguments)
    {
        var psi = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string flag in Flags) psi.ArgumentList.Add(flag);
        psi.ArgumentList.Add($"--user-data-dir={Path.Combine(folder, "profile")}");
        foreach (string argument in arguments) psi.ArgumentList.Add(argument);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 90 s");
        }

        return (stdout, stderr.Result);
    }

    private static List<string> Strings(JsonElement root, string name) =>
        [.. root.GetProperty(name).EnumerateArray().Select(static e => e.GetString() ?? string.Empty)];
}
