package cairn.engine.crypto;

import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ListPage;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume's data key, kept in the bucket as sequenced key objects {@code keys/<20-digit version>} (layout:
 * {@link KeyObject}), each created with create-if-absent. The data key never changes; a password change writes
 * version n+1 with the same data key wrapped under the new secret. The newest well-formed version is the one that
 * counts: after a change, the old password no longer opens the volume.
 */
public final class KeyManager {
    private static final Logger LOG = LoggerFactory.getLogger(KeyManager.class);
    private static final String PREFIX = "keys/";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The unlocked data key and the key-object version it came from. */
    public record DataKey(long version, byte[] key) {
        public DataKey {
            key = key.clone();
        }

        @Override
        public String toString() {
            return "DataKey[version=" + version + "]"; // never print key bytes
        }
    }

    private KeyManager() {}

    /** Creates the data key of a new volume (version 1). Fails if the volume already has key objects. */
    public static DataKey create(ObjectStore store, Secret secret, KdfParams params) {
        if (!versions(store).isEmpty()) {
            throw new KeyConflictException(store.describe() + " already has key objects; open it instead");
        }
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        write(store, 1, dataKey, secret, params);
        return new DataKey(1, dataKey);
    }

    /** Unlocks the data key with the newest well-formed key object; {@link WrongPasswordException} if it does not fit. */
    public static DataKey open(ObjectStore store, Secret secret) {
        List<Long> versions = versions(store);
        for (int i = versions.size() - 1; i >= 0; i--) {
            long v = versions.get(i);
            String name = KeyObject.name(v);
            Optional<KeyObject> key = read(store, name);
            if (key.isEmpty()) continue;
            return new DataKey(v, unwrap(name, key.get(), secret));
        }
        throw new IllegalStateException(store.describe() + " has no valid key object under " + PREFIX
                + " (not an encrypted Cairn volume, or its keys are damaged)");
    }

    /**
     * Re-wraps the data key under {@code newSecret} as the next version. The old secret must open the newest
     * version; a concurrent change (someone else created the next version first) is a {@link KeyConflictException}.
     */
    public static DataKey changePassword(ObjectStore store, Secret oldSecret, Secret newSecret, KdfParams params) {
        DataKey current = open(store, oldSecret);
        long next = current.version() + 1;
        write(store, next, current.key(), newSecret, params);
        return new DataKey(next, current.key());
    }

    private static void write(ObjectStore store, long version, byte[] dataKey, Secret secret, KdfParams params) {
        String name = KeyObject.name(version);
        byte[] salt = new byte[KeyObject.SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] kek = derive(secret, params, salt);
        try {
            byte[] wrapped = new XChaCha20Poly1305(kek)
                    .seal(KeyObject.associatedData(name, secret.kind(), params, salt), dataKey);
            byte[] body = new KeyObject(secret.kind(), params, salt, wrapped).encode();
            ConditionalPut put = store.putIfAbsent(name, body, Map.of());
            if (!put.written()) {
                throw new KeyConflictException(name + " was created concurrently by another process; nothing was"
                        + " changed by this call: open the volume again and retry");
            }
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private static byte[] unwrap(String name, KeyObject k, Secret secret) {
        if (k.kind() != secret.kind()) {
            throw new WrongPasswordException(name + " is unlocked by a " + k.kind().label + ", but a "
                    + secret.kind().label + " was given");
        }
        byte[] kek = derive(secret, k.params(), k.salt());
        try {
            return new XChaCha20Poly1305(kek).open(KeyObject.associatedData(name, k.kind(), k.params(), k.salt()),
                    k.wrapped());
        } catch (AEADBadTagException e) {
            throw new WrongPasswordException("wrong " + k.kind().label + ": it does not unlock " + name);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    static byte[] derive(Secret secret, KdfParams p, byte[] salt) {
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(p.memoryKiB())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .build());
        byte[] out = new byte[32];
        gen.generateBytes(secret.material(), out);
        return out;
    }

    private static Optional<KeyObject> read(ObjectStore store, String name) {
        Optional<byte[]> bytes = store.get(name).map(o -> o.data());
        if (bytes.isEmpty()) return Optional.empty();
        try {
            return Optional.of(KeyObject.decode(bytes.get()));
        } catch (KeyObject.Malformed e) {
            LOG.warn("ignoring damaged key object {} in {}: {}", name, store.describe(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Versions of all objects named {@code keys/<20 digits>}, ascending. */
    static List<Long> versions(ObjectStore store) {
        List<Long> out = new ArrayList<>();
        String after = null;
        while (true) {
            ListPage page = store.list(PREFIX, after, 1000);
            for (ObjectInfo o : page.objects()) {
                String suffix = o.key().substring(PREFIX.length());
                if (suffix.length() == 20 && suffix.chars().allMatch(Character::isDigit)) out.add(Long.parseLong(suffix));
            }
            if (!page.truncated()) return out;
            after = page.lastKey();
        }
    }
}
