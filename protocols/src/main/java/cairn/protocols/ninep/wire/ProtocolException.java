package cairn.protocols.ninep.wire;

/** Bytes that do not form a valid 9P message: the connection is closed. */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
