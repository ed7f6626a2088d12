package cairn.engine.fs;

/**
 * Seals every value the filesystem stores (compression, then authenticated encryption) with the value's key as
 * associated data, so a sealed value cannot be moved to another key. {@link #IDENTITY} stores plaintext.
 */
public interface ValueTransform {

    byte[] seal(byte[] aad, byte[] plain);

    /** Inverse of {@link #seal}; throws if the value was tampered with or sealed for another key. */
    byte[] open(byte[] aad, byte[] sealed);

    ValueTransform IDENTITY = new ValueTransform() {
        @Override
        public byte[] seal(byte[] aad, byte[] plain) {
            return plain;
        }

        @Override
        public byte[] open(byte[] aad, byte[] sealed) {
            return sealed;
        }
    };
}
