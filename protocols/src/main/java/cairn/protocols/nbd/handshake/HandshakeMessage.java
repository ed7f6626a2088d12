package cairn.protocols.nbd.handshake;

/** What the client sends during the handshake, as decoded by {@link HandshakeDecoder}. */
public sealed interface HandshakeMessage {

    /** The 32-bit client flags that follow the server greeting. */
    record ClientFlags(int flags) implements HandshakeMessage {}

    /** One option with its data (at most {@link HandshakeDecoder#OPTION_BYTES_MAX} bytes). */
    record OptionRequest(int option, byte[] data) implements HandshakeMessage {}

    /** An option whose data is longer than the server accepts; the data is skipped, never buffered. */
    record OversizedOption(int option, long length) implements HandshakeMessage {}
}
