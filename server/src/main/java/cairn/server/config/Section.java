package cairn.server.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * One TOML table being read into records. Every accessor marks its key as known; {@link #finish()} rejects the
 * keys nobody asked for, so a typo is an error that names the key and its line instead of a silent default.
 * Strings go through {@code ${VAR}} substitution.
 */
final class Section {
    private final String source;
    private final TomlTable table;
    private final String path;
    private final EnvSubstitution env;
    private final Set<String> known = new HashSet<>();

    Section(String source, TomlTable table, String path, EnvSubstitution env) {
        this.source = source;
        this.table = table;
        this.path = path;
        this.env = env;
    }

    String path() {
        return path;
    }

    boolean has(String key) {
        known.add(key);
        return table.contains(List.of(key));
    }

    Optional<String> optString(String key) {
        Object value = raw(key);
        if (value == null) return Optional.empty();
        if (!(value instanceof String s)) throw error(key, "must be a string, not " + typeName(value));
        return Optional.of(env.apply(s, reason -> error(key, reason)));
    }

    String string(String key, String defaultValue) {
        return optString(key).orElse(defaultValue);
    }

    String requiredString(String key) {
        return optString(key).orElseThrow(() -> missing(key));
    }

    long integer(String key, long defaultValue, long min, long max) {
        Object value = raw(key);
        if (value == null) return defaultValue;
        if (!(value instanceof Long l)) throw error(key, "must be an integer, not " + typeName(value));
        if (l < min || l > max) throw error(key, l + " is not in " + min + ".." + max);
        return l;
    }

    /** An integer or float, e.g. a size in GB that may be fractional. */
    double number(String key, double defaultValue, double min, double max) {
        Object value = raw(key);
        if (value == null) return defaultValue;
        double d;
        if (value instanceof Long l) d = l;
        else if (value instanceof Double x) d = x;
        else throw error(key, "must be a number, not " + typeName(value));
        if (!(d >= min && d <= max)) throw error(key, value + " is not in " + plain(min) + ".." + plain(max));
        return d;
    }

    boolean bool(String key, boolean defaultValue) {
        Object value = raw(key);
        if (value == null) return defaultValue;
        if (!(value instanceof Boolean b)) throw error(key, "must be true or false, not " + typeName(value));
        return b;
    }

    List<String> strings(String key) {
        Object value = raw(key);
        if (value == null) return List.of();
        if (!(value instanceof TomlArray array)) throw error(key, "must be an array of strings, not " + typeName(value));
        var out = new ArrayList<String>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String s)) {
                throw error(key, "element " + i + " must be a string, not " + typeName(array.get(i)));
            }
            out.add(env.apply(s, reason -> error(key, reason)));
        }
        return out;
    }

    Optional<Section> table(String key) {
        Object value = raw(key);
        if (value == null) return Optional.empty();
        if (!(value instanceof TomlTable t)) throw error(key, "must be a table ([" + qualified(key) + "]), not " + typeName(value));
        return Optional.of(new Section(source, t, qualified(key), env));
    }

    /** Fails on the first key (in file order) that no accessor asked for. */
    void finish() {
        table.keySet().stream()
                .filter(k -> !known.contains(k))
                .min((a, b) -> Integer.compare(line(a), line(b)))
                .ifPresent(k -> { throw error(k, "unknown key" + (table.isTable(List.of(k)) ? " (table)" : "")); });
    }

    ConfigException error(String key, String reason) {
        int line = line(key);
        return new ConfigException(source + (line > 0 ? ":" + line : "") + ": " + qualified(key) + ": " + reason);
    }

    ConfigException missing(String key) {
        String where = path.isEmpty() ? "" : " in [" + path + "]";
        return new ConfigException(source + ": " + qualified(key) + ": required key is missing" + where);
    }

    private Object raw(String key) {
        known.add(key);
        return table.get(List.of(key));
    }

    private int line(String key) {
        TomlPosition pos = table.inputPositionOf(List.of(key));
        return pos == null ? 0 : pos.line();
    }

    private String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String typeName(Object value) {
        return switch (value) {
            case String s -> "a string";
            case Long l -> "an integer";
            case Double d -> "a float";
            case Boolean b -> "a boolean";
            case TomlArray a -> "an array";
            case TomlTable t -> "a table";
            default -> "a " + value.getClass().getSimpleName();
        };
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
