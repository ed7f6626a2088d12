package cairn.engine.lsm.segment;

import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.value.ValuePointer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The change one manifest commit makes to the segment records: pointers that entered the manifest's SSTs (an L0
 * flush, a value copied by a repack) and pointers that left them (dropped by compaction, moved by a repack).
 * Deltas are relative, so a commit that conflicts re-applies the same delta to the refreshed manifest; only the
 * writer commits, so each delta lands exactly once. Not thread-safe: one job fills it.
 */
public final class SegmentDelta {
    /** segment id -> {valueBytes delta, liveBytes delta} */
    private final Map<Long, long[]> changes = new TreeMap<>();

    /** The pointers of entries flushed into a new L0 SST (every version the SST holds). */
    public static SegmentDelta ofFlushed(Iterator<Entry> entries) {
        SegmentDelta d = new SegmentDelta();
        while (entries.hasNext()) {
            Entry e = entries.next();
            if (e.kind() == Entry.Kind.POINTER) d.added(ValuePointer.decode("flushed pointer", e.value()));
        }
        return d;
    }

    /** A new pointer to a value that was just written into its segment. */
    public void added(ValuePointer p) {
        long[] c = changes.computeIfAbsent(p.walId(), k -> new long[2]);
        c[0] += p.length();
        c[1] += p.length();
    }

    /** A pointer that no SST holds any more once the commit lands. */
    public void dropped(ValuePointer p) {
        changes.computeIfAbsent(p.walId(), k -> new long[2])[1] -= p.length();
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /**
     * The records after this delta. A segment whose live bytes reach zero leaves the list (GC may then delete it
     * once no root lists it). Live bytes below zero, or a drop from an unlisted segment, mean the accounting is
     * wrong: that throws rather than risk deleting a value something still points at.
     */
    public List<Segment> applyTo(List<Segment> current) {
        Map<Long, long[]> merged = new TreeMap<>();
        for (Segment s : current) merged.put(s.id(), new long[] {s.valueBytes(), s.liveBytes()});
        changes.forEach((id, c) -> {
            long[] m = merged.computeIfAbsent(id, k -> new long[2]);
            m[0] += c[0];
            m[1] += c[1];
        });
        List<Segment> out = new ArrayList<>(merged.size());
        merged.forEach((id, m) -> {
            if (m[1] < 0 || m[0] < m[1]) {
                throw new IllegalStateException("segment accounting broken for " + SegmentNames.key(id) + ": live " + m[1] + " of " + m[0]);
            }
            if (m[1] > 0) out.add(new Segment(id, m[0], m[1]));
        });
        return out;
    }
}
