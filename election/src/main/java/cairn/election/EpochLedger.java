package cairn.election;

import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ObjectStore;
import java.util.Map;
import java.util.Optional;

/**
 * The fencing token: a dense sequence of {@code epoch/<20-digit epoch>} objects, each created with
 * create-if-absent and never deleted. Whoever creates {@code epoch/<e>} is the only node that may open the
 * engine as writer at epoch {@code e}; the newest object says who leads. Safety rests on create-if-absent
 * alone: two nodes can never both create the same epoch.
 */
public final class EpochLedger {

    static final String PREFIX = "epoch/";
    private static final int LIST_PAGE = 1000;

    private final ObjectStore store;
    private volatile long knownLatest; // a hint: every epoch at or below it exists

    public EpochLedger(ObjectStore store) {
        this.store = store;
    }

    public static String key(long epoch) {
        return PREFIX + String.format("%020d", epoch);
    }

    /** The newest epoch record, or empty on a fresh bucket. */
    public Optional<EpochRecord> latest() {
        long e = latestEpoch();
        if (e == 0) return Optional.empty();
        return store.get(key(e)).map(o -> EpochRecord.decode(key(e), o.data()));
    }

    /** The newest epoch number (0 on a fresh bucket). Probes forward from the last known one: ids are dense. */
    public long latestEpoch() {
        long e = knownLatest;
        if (e == 0) e = listLatest();
        while (store.head(key(e + 1)).isPresent()) e++;
        knownLatest = e;
        return e;
    }

    /**
     * Claims the epoch right after the newest one. Returns the record written, or empty when another node
     * created that epoch first (the caller re-reads and decides whether to try again).
     */
    public Optional<EpochRecord> claimNext(String nodeId, String clientAddress, long raftTerm) {
        long next = latestEpoch() + 1;
        var record = new EpochRecord(next, nodeId, clientAddress, raftTerm, System.currentTimeMillis());
        var result = store.putIfAbsent(key(next), record.encode(), Map.of("cairn-node", nodeId));
        knownLatest = next;
        return result instanceof ConditionalPut.Written ? Optional.of(record) : Optional.empty();
    }

    private long listLatest() {
        String after = null;
        String last = null;
        while (true) {
            var page = store.list(PREFIX, after, LIST_PAGE);
            if (!page.objects().isEmpty()) last = page.lastKey();
            if (!page.truncated()) break;
            after = page.lastKey();
        }
        return last == null ? 0 : Long.parseLong(last.substring(PREFIX.length()));
    }
}
