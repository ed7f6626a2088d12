package cairn.engine.lsm.segment;

/**
 * What the manifest records about one segment (an object holding large values that SSTs point into).
 *
 * @param id         segment id: a WAL id, or a repacked segment id ({@link SegmentNames})
 * @param valueBytes bytes of values ever pointed at in it (its size, less framing, keys and inline values)
 * @param liveBytes  bytes of the values that pointers in this manifest's SSTs still reach (every version
 *                   counts, also one a newer version shadows, until compaction drops that pointer)
 */
public record Segment(long id, long valueBytes, long liveBytes) {
    public Segment {
        if (liveBytes <= 0 || valueBytes < liveBytes) throw new IllegalArgumentException("segment " + id + ": live " + liveBytes + " of " + valueBytes);
    }

    public long deadBytes() {
        return valueBytes - liveBytes;
    }

    public double liveRatio() {
        return (double) liveBytes / valueBytes;
    }
}
