package cairn.server.config;

import java.util.Optional;

/** The whole node configuration, immutable. {@code source} names where it came from (a path or "defaults"). */
public record CairnConfig(
        String source,
        StorageConfig storage,
        CacheConfig cache,
        ServersConfig servers,
        AwsConfig aws,
        Optional<HaConfig> ha,
        EngineConfig engine,
        FilesystemConfig filesystem) {}
