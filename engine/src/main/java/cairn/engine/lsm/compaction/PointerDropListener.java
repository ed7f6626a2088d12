package cairn.engine.lsm.compaction;

/**
 * Told about every POINTER entry a compaction drops (shadowed by a newer version, or under a dropped
 * tombstone), with the pointer's encoded value, so that segment live-byte counters can be lowered. Called on
 * the compaction thread while the job runs, i.e. before its result is committed: buffer, and apply only when
 * the result is committed (a job whose commit fails dropped nothing).
 */
@FunctionalInterface
public interface PointerDropListener {
    void dropped(byte[] pointerValue);

    PointerDropListener NONE = v -> {};
}
