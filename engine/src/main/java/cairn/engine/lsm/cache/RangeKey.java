package cairn.engine.lsm.cache;

/** Identifies bytes {@code [offset, offset + length)} of an immutable object. */
public record RangeKey(String objectKey, long offset, int length) {
    public RangeKey {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("bad range " + offset + "+" + length);
    }
}
