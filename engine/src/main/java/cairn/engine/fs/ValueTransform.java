package cairn.engine.fs;

import java.util.function.BinaryOperator;

/**
 * Seals every value the filesystem stores (compression, then authenticated encryption) with the value's key as
 * associated data, so a sealed value cannot be moved to another key. {@link #IDENTITY} stores plaintext.
 */
public interface ValueTransform {

    byte[] seal(byte[] aad, byte[] plain);

    /** Inverse of {@link #seal}; throws if the value was tampered with or sealed for another key. */
    byte[] open(byte[] aad, byte[] sealed);

    /** Adapts any sealing codec, e.g. {@code ValueTransform.of(codec::seal, codec::open)}. */
    static ValueTransform of(BinaryOperator<byte[]> seal, BinaryOperator<byte[]> open) {
        return new ValueTransform() {
            @Override
            public byte[] seal(byte[] aad, byte[] plain) {
                return seal.apply(aad, plain);
            }

            @Override
            public byte[] open(byte[] aad, byte[] sealed) {
                return open.apply(aad, sealed);
            }
        };
    }

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
