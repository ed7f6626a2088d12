package cairn.server.cli;

import java.util.Locale;

/** Byte sizes on the command line: {@code 1048576}, {@code 512M}, {@code 10G}, {@code 1T} (binary units). */
final class Sizes {
    private Sizes() {}

    static long parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) t = t.substring(0, t.length() - 1);
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                case 'P' -> shift = 50;
                default -> shift = -1;
            }
            if (shift >= 0) t = t.substring(0, t.length() - 1);
            else shift = 0;
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 1048576, 512M, 10G, 1T)");
        }
        if (n < 0 || n > (Long.MAX_VALUE >> shift)) throw new IllegalArgumentException("'" + text + "' is out of range");
        return n << shift;
    }

    static String format(long bytes) {
        String[] units = {"", "K", "M", "G", "T", "P"};
        int unit = 0;
        long n = bytes;
        while (unit < units.length - 1 && n != 0 && n % 1024 == 0) {
            n /= 1024;
            unit++;
        }
        return n + units[unit];
    }
}
