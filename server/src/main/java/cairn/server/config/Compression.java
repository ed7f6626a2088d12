package cairn.server.config;

/** Block compression of the engine: {@code lz4} or {@code zstd-<level>} with level 1..19. */
public record Compression(Algorithm algorithm, int level) {

    public enum Algorithm { LZ4, ZSTD }

    public static final Compression LZ4 = new Compression(Algorithm.LZ4, 0);
    public static final int ZSTD_LEVEL_MIN = 1;
    public static final int ZSTD_LEVEL_MAX = 19;

    public Compression {
        if (algorithm == Algorithm.ZSTD && (level < ZSTD_LEVEL_MIN || level > ZSTD_LEVEL_MAX)) {
            throw new IllegalArgumentException("zstd level " + level + " is not in 1..19");
        }
    }

    public static Compression parse(String text) {
        if (text.equals("lz4")) return LZ4;
        if (text.startsWith("zstd-")) {
            try {
                return new Compression(Algorithm.ZSTD, Integer.parseInt(text.substring("zstd-".length())));
            } catch (NumberFormatException e) {
                // fall through to the generic message
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not \"lz4\" or \"zstd-1\" .. \"zstd-19\"");
    }

    @Override
    public String toString() {
        return algorithm == Algorithm.LZ4 ? "lz4" : "zstd-" + level;
    }
}
