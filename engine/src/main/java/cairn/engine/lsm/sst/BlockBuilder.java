package cairn.engine.lsm.sst;

import cairn.engine.lsm.entry.Entry;
import java.util.Arrays;

/**
 * Builds one uncompressed data block. Entry layout: {@code shared varint | unshared varint | valueLength varint
 * | kind u8 | seq varint | key suffix | value}; every {@code restartInterval}-th entry stores its full key
 * (shared = 0) and its offset goes into the restart array at the end: {@code offsets u32... | count u32}.
 */
final class BlockBuilder {
    private final int restartInterval;
    private final ByteSink buf = new ByteSink(16 * 1024);
    private int[] restarts = new int[16];
    private int restartCount;
    private int sinceRestart;
    private int entries;
    private byte[] lastKey = Entry.EMPTY;

    BlockBuilder(int restartInterval) {
        this.restartInterval = restartInterval;
    }

    boolean isEmpty() {
        return entries == 0;
    }

    /** Uncompressed size if the block were finished now. */
    int estimatedBytes() {
        return buf.size() + 4 * restartCount + 4;
    }

    /** Upper bound of the bytes {@code e} adds. */
    static int entryBytesMax(Entry e) {
        return 3 * 5 + 1 + 10 + e.key().length + e.value().length + 4;
    }

    void add(Entry e) {
        byte[] key = e.key();
        int shared = 0;
        if (sinceRestart == restartInterval || entries == 0) {
            if (restartCount == restarts.length) restarts = Arrays.copyOf(restarts, restarts.length * 2);
            restarts[restartCount++] = buf.size();
            sinceRestart = 0;
        } else {
            shared = Arrays.mismatch(lastKey, key);
            if (shared < 0) shared = key.length; // equal keys (another version)
            shared = Math.min(shared, Math.min(lastKey.length, key.length));
        }
        buf.putVarLong(shared).putVarLong(key.length - shared).putVarLong(e.value().length)
                .put(e.kind().code).putVarLong(e.seq())
                .put(key, shared, key.length - shared).put(e.value());
        lastKey = key;
        sinceRestart++;
        entries++;
    }

    /** Appends the restart array and returns the raw block bytes (valid up to {@link #length()}). */
    byte[] finish() {
        for (int i = 0; i < restartCount; i++) buf.putInt(restarts[i]);
        buf.putInt(restartCount);
        return buf.array();
    }

    int length() {
        return buf.size();
    }

    void reset() {
        buf.reset();
        restartCount = 0;
        sinceRestart = 0;
        entries = 0;
        lastKey = Entry.EMPTY;
    }
}
