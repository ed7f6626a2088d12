package cairn.server.config;

import java.util.Map;
import java.util.function.Function;

/**
 * Replaces {@code ${NAME}} in a config string with the environment variable NAME; {@code $$} is a literal
 * {@code $}. A missing or malformed reference is an error, never an empty string.
 */
final class EnvSubstitution {
    private final Map<String, String> env;
    private final boolean keepMissing;

    /** @param keepMissing leave {@code ${NAME}} as is when NAME is unset instead of failing */
    EnvSubstitution(Map<String, String> env, boolean keepMissing) {
        this.env = Map.copyOf(env);
        this.keepMissing = keepMissing;
    }

    /** @param fail turns a reason into the exception to throw (it knows the key and line) */
    String apply(String text, Function<String, ConfigException> fail) {
        if (text.indexOf('$') < 0) return text;
        var out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i++;
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) throw fail.apply("unterminated ${ (write $$ for a literal $)");
                String name = text.substring(i + 2, close);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw fail.apply("'${" + name + "}' is not a valid environment variable reference");
                }
                String value = env.get(name);
                if (value == null && !keepMissing) throw fail.apply("environment variable " + name + " is not set");
                out.append(value != null ? value : "${" + name + "}");
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
