package cairn.server.config;

/** {@code [storage]}: the bucket (or directory) holding the volume, its password and compression. */
public record StorageConfig(String url, KeySource key, Compression compression) {}
