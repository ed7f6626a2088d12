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
        FilesystemConfig filesystem,
        LogConfig log,
        AdminConfig admin) {

    /** A config with the default {@code [log]} and {@code [admin]} sections. */
    public CairnConfig(String source, StorageConfig storage, CacheConfig cache, ServersConfig servers, AwsConfig aws,
            Optional<HaConfig> ha, EngineConfig engine, FilesystemConfig filesystem) {
        this(source, storage, cache, servers, aws, ha, engine, filesystem, LogConfig.DEFAULT, AdminConfig.DEFAULT);
    }
}
