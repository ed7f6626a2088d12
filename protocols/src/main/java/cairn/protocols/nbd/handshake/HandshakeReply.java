package cairn.protocols.nbd.handshake;

import cairn.protocols.nbd.NbdProtocol;

import java.nio.charset.StandardCharsets;

/** What the server sends during the handshake, encoded by {@link HandshakeEncoder}. */
public sealed interface HandshakeReply {

    /** NBDMAGIC, IHAVEOPT and the 16-bit handshake flags. */
    record Greeting(int handshakeFlags) implements HandshakeReply {}

    /** A fixed-newstyle option reply. */
    record OptionReply(int option, int type, byte[] data) implements HandshakeReply {
        public static OptionReply ack(int option) {
            return new OptionReply(option, NbdProtocol.REP_ACK, new byte[0]);
        }

        public static OptionReply error(int option, int type, String message) {
            return new OptionReply(option, type, message.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The answer to NBD_OPT_EXPORT_NAME: size, transmission flags and, unless NO_ZEROES, 124 zero bytes. */
    record ExportNameReply(long sizeBytes, int transmissionFlags, boolean zeroes) implements HandshakeReply {}
}
