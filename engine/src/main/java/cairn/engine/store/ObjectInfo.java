package cairn.engine.store;

import java.util.Map;

/**
 * What the store knows about one object. {@code metadata} holds user metadata (lower-case keys, as S3 returns
 * them); it is empty in listings, where S3 does not return it.
 */
public record ObjectInfo(String key, long size, String etag, Map<String, String> metadata) {
    public ObjectInfo {
        metadata = Map.copyOf(metadata);
    }
}
