package cairn.engine.lsm.segment;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.lsm.entry.Entry;
import cairn.engine.lsm.value.ValuePointer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts: segment names, deltas applied to the manifest's records, and the repack planner. */
class SegmentAccountingTest {

    @Test
    void namesSeparateWalAndRepackedSegments() {
        assertEquals("wal/00000000000000000007", SegmentNames.key(7));
        long id = SegmentNames.repackedId(3, 5);
        assertTrue(SegmentNames.isRepacked(id));
        assertFalse(SegmentNames.isRepacked(7));
        assertEquals(id, SegmentNames.parseRepacked(SegmentNames.key(id)));
        assertNotEquals(SegmentNames.repackedId(3, 5), SegmentNames.repackedId(4, 5), "epochs never share ids");
        assertEquals(-1, SegmentNames.parseRepacked("seg/x"));
        assertEquals(-1, SegmentNames.parseRepacked("wal/00000000000000000007"));
        assertThrows(IllegalArgumentException.class, () -> SegmentNames.repackedId(1, 1 << 24));
    }

    @Test
    void flushDropAndMoveKeepExactLiveBytes() {
        var a1 = new ValuePointer(1, 24, 100, 0);
        var a2 = new ValuePointer(1, 124, 300, 0);
        var b1 = new ValuePointer(2, 24, 50, 0);
        var flushed = SegmentDelta.ofFlushed(List.of(
                new Entry(new byte[] {1}, 1, Entry.Kind.POINTER, a1.encode()),
                new Entry(new byte[] {2}, 2, Entry.Kind.PUT, new byte[] {9}),
                new Entry(new byte[] {2}, 3, Entry.Kind.POINTER, a2.encode()),
                new Entry(new byte[] {3}, 4, Entry.Kind.POINTER, b1.encode())).iterator());
        List<Segment> segs = flushed.applyTo(List.of());
        assertEquals(List.of(new Segment(1, 400, 400), new Segment(2, 50, 50)), segs);

        var compacted = new SegmentDelta();
        compacted.dropped(a2);
        segs = compacted.applyTo(segs);
        assertEquals(List.of(new Segment(1, 400, 100), new Segment(2, 50, 50)), segs);

        var repack = new SegmentDelta();
        var copy = new ValuePointer(SegmentNames.repackedId(1, 0), 24, 100, 0);
        repack.added(copy);
        repack.dropped(a1);
        segs = repack.applyTo(segs);
        assertEquals(List.of(new Segment(2, 50, 50), new Segment(copy.walId(), 100, 100)), segs, "an emptied segment leaves the list");
    }

    @Test
    void brokenAccountingThrowsInsteadOfFreeingAReferencedSegment() {
        var d = new SegmentDelta();
        d.dropped(new ValuePointer(9, 24, 10, 0));
        assertThrows(IllegalStateException.class, () -> d.applyTo(List.of()));
        assertThrows(IllegalStateException.class, () -> d.applyTo(List.of(new Segment(9, 100, 5))));
    }

    @Test
    void plannerPicksSparseSegmentsOnlyWhenWorthIt() {
        var planner = new RepackPlanner(new RepackOptions(0.5, 1000, 10_000, 1 << 20, 4.0));
        var segs = List.of(new Segment(1, 4000, 100), new Segment(2, 4000, 3000), new Segment(3, 4000, 1900));
        assertEquals(Optional.of(Set.of(1L, 3L)), planner.plan(segs, 0, 0));
        assertEquals(Optional.empty(), planner.plan(segs, 10_000, 10_000), "not worth a full rewrite of 10,000 SST bytes");
        assertEquals(Optional.empty(), planner.plan(List.of(new Segment(1, 1500, 700)), 0, 0), "frees less than reclaimBytesMin");
        var capped = new RepackPlanner(new RepackOptions(0.5, 1, 150, 1 << 20, 4.0));
        assertEquals(Optional.of(Set.of(1L)), capped.plan(segs, 0, 0), "copy budget: sparsest first");
    }

    @Test
    void plannerMergesWhenNewerRunsMayShadowTheOldest() {
        var planner = new RepackPlanner(new RepackOptions(0.5, 1 << 20, 1 << 20, 1 << 20, 1.0));
        var dense = List.of(new Segment(1, 4000, 4000));
        assertEquals(Optional.empty(), planner.plan(dense, 1900, 1000), "newer runs below the oldest one");
        assertEquals(Optional.of(Set.of()), planner.plan(dense, 2000, 1000), "a full merge without copies");
        assertEquals(Optional.empty(), planner.plan(List.of(), 5000, 1000), "no segments: size-tiered compaction only");
        assertEquals(Optional.empty(), planner.plan(dense, 1000, 1000), "one run: nothing to merge");
    }
}
