package cairn.engine.fs;

/** The attributes a setattr changes; null fields stay as they are. ctime is always set to now on change. */
public record SetAttr(Integer mode, Integer uid, Integer gid, Long size, TimeChange atime, TimeChange mtime) {

    public static final SetAttr NONE = new SetAttr(null, null, null, null, null, null);

    /** A new value for atime or mtime. */
    public sealed interface TimeChange {
        record Now() implements TimeChange {}

        record At(long nanos) implements TimeChange {}
    }

    public static SetAttr size(long size) {
        return new SetAttr(null, null, null, size, null, null);
    }

    public static SetAttr mode(int mode) {
        return new SetAttr(mode, null, null, null, null, null);
    }
}
