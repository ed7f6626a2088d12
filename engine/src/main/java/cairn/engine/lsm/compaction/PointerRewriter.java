package cairn.engine.lsm.compaction;

import cairn.engine.lsm.entry.Entry;

/**
 * Sees every POINTER entry a compaction keeps and may replace it with a pointer to a copy of the value (a
 * segment repack). The copies must be durable when {@link #finish()} returns, before the result is committed.
 */
public interface PointerRewriter {
    /** The entry to write in place of {@code pointer} (itself, or one pointing at a copy). */
    Entry rewrite(Entry pointer);

    /** Makes every copy durable; called once after the last entry. */
    void finish();

    PointerRewriter NONE = new PointerRewriter() {
        @Override
        public Entry rewrite(Entry pointer) {
            return pointer;
        }

        @Override
        public void finish() {}
    };
}
