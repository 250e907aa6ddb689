namespace Tracekit.Convert.Import;

/// <summary>
/// Parses nginx's $time_local, <c>10/Oct/2000:13:55:36 -0700</c>: the local time and its UTC offset. The offset is
/// applied, never the machine's own zone, so logs from anywhere convert to the same epoch ms; a line just before and
/// one just after midnight land on their own days because the date is part of every line.
/// </summary>
internal static class NginxTime
{
    /// <summary>Length of <c>dd/Mon/yyyy:HH:mm:ss +hhmm</c>.</summary>
    public const int LocalTimeLength = 26;

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>False (with the reason) for anything that is not a real date, time and offset at or after 1970.</summary>
    public static bool TryParseLocal(ReadOnlySpan<byte> text, out long epochMs, out string? error)
    {
        epochMs = 0;
        error = null;
        if (text.Length != LocalTimeLength || text[2] != '/' || text[6] != '/' || text[11] != ':' || text[14] != ':'
            || text[17] != ':' || text[20] != ' ' || (text[21] != '+' && text[21] != '-'))
        {
            error = "$time_local in the form dd/Mon/yyyy:HH:mm:ss +hhmm";
            return false;
        }

        int month = MonthNumber(text.Slice(3, 3));
        if (!TwoDigits(text, 0, out int day) || month == 0 || !Digits(text.Slice(7, 4), out int year)
            || !TwoDigits(text, 12, out int hour) || !TwoDigits(text, 15, out int minute) || !TwoDigits(text, 18, out int second)
            || !TwoDigits(text, 22, out int offsetHours) || !TwoDigits(text, 24, out int offsetMinutes))
        {
            error = "$time_local with numeric fields and an English month abbreviation";
            return false;
        }

        if (year < 1970 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59
            || offsetHours > 14 || offsetMinutes > 59)
        {
            error = "$time_local to be a real date and time at or after 1970 with an offset of at most 14 hours";
            return false;
        }

        int offset = ((offsetHours * 60) + offsetMinutes) * (text[21] == '-' ? -1 : 1);
        long localMs = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).ToUnixTimeMilliseconds();
        epochMs = localMs - (offset * 60_000L);
        if (epochMs < 0)
        {
            error = "$time_local at or after 1970-01-01T00:00:00Z";
            return false;
        }

        return true;
    }

    private static int MonthNumber(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < Months.Length; i++)
        {
            string month = Months[i];
            if (name[0] == month[0] && name[1] == month[1] && name[2] == month[2])
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> text, int at, out int value) => Digits(text.Slice(at, 2), out value);

    private static bool Digits(ReadOnlySpan<byte> digits, out int value)
    {
        bool ok = LineCursor.TryParseDigits(digits, out long parsed);
        value = (int)parsed;
        return ok;
    }
}
