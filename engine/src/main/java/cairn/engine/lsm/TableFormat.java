package cairn.engine.lsm;

import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.manifest.SstHandle;
import java.util.Iterator;

/**
 * How memtables become SST objects and how SSTs are read. The seam between this engine core and the SST
 * format of {@code cairn.engine.lsm.sst}, implemented by {@link BlockTableFormat}.
 */
public interface TableFormat {

    /** Writes entries given in (key asc, seq desc) order as one immutable SST object and describes it. */
    SstHandle write(Iterator<Entry> entries, long writerEpoch);

    Table open(SstHandle handle);

    /** A readable SST. */
    interface Table {
        /** The newest version of {@code key} with seq at most {@code readSeq}, or null. */
        Entry get(byte[] key, long readSeq);

        /** Every version with {@code from <= key < to} (to null: no end) in (key asc, seq desc) order. */
        Iterator<Entry> scan(byte[] from, byte[] to);
    }
}
