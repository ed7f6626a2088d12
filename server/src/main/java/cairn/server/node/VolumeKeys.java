package cairn.server.node;

import cairn.engine.crypto.Compression;
import cairn.engine.crypto.KdfParams;
import cairn.engine.crypto.KeyConflictException;
import cairn.engine.crypto.KeyManager;
import cairn.engine.crypto.Secret;
import cairn.engine.crypto.ValueCodec;
import cairn.engine.store.ObjectStore;
import cairn.server.config.CairnConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unlocks the volume's data key (creating it for a brand-new volume) and builds the value codec: compression,
 * then XChaCha20-Poly1305. A wrong password throws {@code WrongPasswordException} before anything is written.
 */
final class VolumeKeys {
    private static final Logger log = LoggerFactory.getLogger(VolumeKeys.class);

    private VolumeKeys() {}

    /** @param mayCreate a writer may create the key of an empty bucket; readers and fsck never write */
    static ValueCodec codec(ObjectStore store, Secret secret, CairnConfig config, boolean mayCreate) {
        KeyManager.DataKey key;
        if (!store.list("keys/", null, 1).objects().isEmpty()) {
            key = KeyManager.open(store, secret);
        } else if (!mayCreate) {
            throw new IllegalStateException(store.describe() + " has no volume yet (no key objects); start a writer first");
        } else if (!store.list("manifest/", null, 1).objects().isEmpty()) {
            throw new IllegalStateException(store.describe() + " has data but no key objects: not an encrypted Cairn volume");
        } else {
            try {
                key = KeyManager.create(store, secret, KdfParams.DEFAULT);
                log.info("created the data key of a new volume in {}", store.describe());
            } catch (KeyConflictException e) {
                key = KeyManager.open(store, secret); // another node created it at the same moment
            }
        }
        return new ValueCodec(key.key(), compression(config));
    }

    private static Compression compression(CairnConfig config) {
        var c = config.storage().compression();
        return switch (c.algorithm()) {
            case LZ4 -> Compression.lz4();
            case ZSTD -> Compression.zstd(c.level());
        };
    }
}
