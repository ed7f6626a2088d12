package cairn.engine.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Maps object keys to relative paths under a {@link FileStore} root and back.
 *
 * <p>A key is split at {@code /} into segments; every segment but the last is a directory, the last is a file whose
 * name ends in {@value #OBJECT_SUFFIX}, so the keys {@code a} and {@code a/b} can coexist (file {@code a~} and
 * directory {@code a}). Bytes outside printable ASCII and the characters {@code %} and {@code ~} are written as
 * {@code %XX} (UTF-8), so file names never depend on the platform's file-name encoding and the suffix is
 * unambiguous. Keys with empty, {@code .} or {@code ..} segments, a leading {@code /} or NUL are rejected.
 */
final class FileKeys {
    static final String OBJECT_SUFFIX = "~";
    static final int KEY_BYTES_MAX = 1024;
    private static final int SEGMENT_NAME_BYTES_MAX = 250;

    private FileKeys() {}

    /** The path of the object file for {@code key}, relative to the objects directory. */
    static Path objectPath(Path objectsDir, String key) {
        validate(key);
        String[] segments = key.split("/", -1);
        Path p = objectsDir;
        for (int i = 0; i < segments.length; i++) {
            String name = escape(segments[i]) + (i == segments.length - 1 ? OBJECT_SUFFIX : "");
            if (name.length() > SEGMENT_NAME_BYTES_MAX) throw invalid(key, "a segment is too long");
            p = p.resolve(name);
        }
        return p;
    }

    static void validate(String key) {
        if (key == null || key.isEmpty()) throw invalid(key, "empty key");
        if (key.getBytes(StandardCharsets.UTF_8).length > KEY_BYTES_MAX) throw invalid(key, "longer than 1024 bytes");
        if (key.indexOf('\0') >= 0) throw invalid(key, "contains NUL");
        for (String s : key.split("/", -1)) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw invalid(key, "empty, '.' or '..' path segment");
            }
        }
    }

    static String escape(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%' && c != '~' && c != '/') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** Inverse of {@link #escape}; null when {@code name} is not something {@link #escape} produces. */
    static String unescape(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%') {
                if (i + 2 >= name.length()) return null;
                int hi = Character.digit(name.charAt(i + 1), 16), lo = Character.digit(name.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f && c != '~') {
                out.write(c);
            } else {
                return null;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static StoreException invalid(String key, String why) {
        return new StoreException("invalid object key '" + key + "': " + why, false);
    }
}
