package cairn.engine.fs;

/**
 * A byte-range lock request or a held lock. {@code length} 0 means "to the end of the file" as in fcntl(2).
 */
public record LockRequest(LockOwner owner, Type type, long start, long length) {
    public enum Type { READ, WRITE, UNLOCK }
}
