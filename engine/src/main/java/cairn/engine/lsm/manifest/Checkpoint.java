package cairn.engine.lsm.manifest;

/** A named pin on one manifest: GC keeps everything that manifest reaches. {@code expiresAtMs} 0 = never. */
public record Checkpoint(long id, long manifestId, long expiresAtMs, String name) {}
