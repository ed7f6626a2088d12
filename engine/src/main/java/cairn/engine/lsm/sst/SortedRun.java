package cairn.engine.lsm.sst;

import cairn.engine.lsm.Keys;
import java.util.List;

/**
 * A sorted run: SSTs with disjoint key ranges in ascending key order, read as one sorted sequence. {@code id}
 * orders runs by age (higher = newer); the manifest keeps runs newest first.
 */
public record SortedRun(long id, List<SstInfo> ssts) {
    public SortedRun {
        ssts = List.copyOf(ssts);
        if (ssts.isEmpty()) throw new IllegalArgumentException("empty sorted run " + id);
        for (int i = 1; i < ssts.size(); i++) {
            if (Keys.compare(ssts.get(i - 1).lastKey(), ssts.get(i).firstKey()) >= 0) {
                throw new IllegalArgumentException("run " + id + ": SST " + i + " overlaps its predecessor");
            }
        }
    }

    public long sizeBytes() {
        long s = 0;
        for (SstInfo i : ssts) s += i.sizeBytes();
        return s;
    }

    public byte[] firstKey() {
        return ssts.getFirst().firstKey();
    }

    public byte[] lastKey() {
        return ssts.getLast().lastKey();
    }

    /** The index of the only SST that may hold {@code key}, or -1. */
    public int find(byte[] key) {
        int lo = 0;
        int hi = ssts.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Keys.compare(ssts.get(mid).lastKey(), key) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo < ssts.size() && Keys.compare(ssts.get(lo).firstKey(), key) <= 0 ? lo : -1;
    }

    /** True when the key ranges of the two runs intersect. */
    public boolean overlaps(SortedRun o) {
        return Keys.compare(firstKey(), o.lastKey()) <= 0 && Keys.compare(o.firstKey(), lastKey()) <= 0;
    }
}
