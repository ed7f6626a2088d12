package cairn.engine.lsm.wal;

import cairn.engine.lsm.entry.Entry;
import java.util.List;

/** One atomic write batch as stored in a WAL object: every entry shares the batch's seq. */
public record WalBatch(long seq, List<Entry> entries) {
    public WalBatch {
        entries = List.copyOf(entries);
    }
}
