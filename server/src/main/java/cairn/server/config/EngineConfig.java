package cairn.server.config;

/** {@code [engine]} tuning: WAL flush timer, memtable size, and sync mode (every metadata op a barrier). */
public record EngineConfig(long flushIntervalMs, long memtableBytes, boolean sync) {
    public static final EngineConfig DEFAULT = new EngineConfig(100, 64L << 20, false);
}
