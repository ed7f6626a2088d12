package cairn.server.config;

import java.nio.file.Path;

/** {@code [cache]}: local directory (disk cache, admin socket) and cache sizes. 0 bytes disables a cache. */
public record CacheConfig(Path dir, long diskBytes, long memoryBytes) {}
