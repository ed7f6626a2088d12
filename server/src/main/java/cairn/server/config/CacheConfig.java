package cairn.server.config;

import java.nio.file.Path;

/**
 * {@code [cache]}: local directory (admin socket, raft state), the disk cache's directory ({@code disk_dir}, by
 * default {@code <dir>/ranges}) and cache sizes. 0 bytes disables a cache.
 */
public record CacheConfig(Path dir, Path diskDir, long diskBytes, long memoryBytes) {

    /** The default {@code disk_dir} under {@code dir}. */
    public static Path defaultDiskDir(Path dir) {
        return dir.resolve("ranges");
    }
}
