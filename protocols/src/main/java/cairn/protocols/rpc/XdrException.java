package cairn.protocols.rpc;

/** Malformed XDR: a read past the end, a length over its cap, a bad boolean or enum. Maps to GARBAGE_ARGS. */
public final class XdrException extends RuntimeException {
    public XdrException(String message) {
        super(message, null, false, false);
    }
}
