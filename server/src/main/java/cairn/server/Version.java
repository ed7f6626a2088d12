package cairn.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Cairn version, from the build (cairn-version.properties). */
public final class Version {
    private static final String VERSION = load();

    private Version() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/cairn-version.properties")) {
            if (in == null) return "unknown";
            var props = new Properties();
            props.load(in);
            String v = props.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
