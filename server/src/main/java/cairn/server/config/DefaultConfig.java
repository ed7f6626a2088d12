package cairn.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The embedded default used by {@code cairn run} without {@code -c}: everything under {@code ./cairn-data}
 * (the volume in {@code store/}, the cache in {@code cache/}, a generated key file {@code key}), servers on
 * loopback at their usual ports.
 */
public final class DefaultConfig {
    public static final String DATA_DIR = "cairn-data";

    private DefaultConfig() {}

    public static CairnConfig embedded(Path workingDir) {
        Path data = workingDir.toAbsolutePath().normalize().resolve(DATA_DIR);
        var storage = new StorageConfig("file://" + data.resolve("store"),
                new KeySource.KeyFile(data.resolve("key"), true), Compression.LZ4);
        var cache = new CacheConfig(data.resolve("cache"), CacheConfig.defaultDiskDir(data.resolve("cache")), 1L << 30, 256L << 20);
        var servers = new ServersConfig(
                loopback(2049), loopback(5564), loopback(10809), loopback(9464));
        return new CairnConfig("defaults (" + data + ")", storage, cache, servers, AwsConfig.DEFAULT,
                Optional.empty(), EngineConfig.DEFAULT, FilesystemConfig.DEFAULT);
    }

    private static Optional<ListenerConfig> loopback(int port) {
        return Optional.of(new ListenerConfig(List.of(new HostPort("127.0.0.1", port)), Optional.empty()));
    }
}
