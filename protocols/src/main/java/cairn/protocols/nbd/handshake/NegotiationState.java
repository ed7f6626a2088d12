package cairn.protocols.nbd.handshake;

/**
 * What the client has negotiated so far on one connection. Touched by one option at a time (the decoder pauses
 * between options), first on a virtual thread, then on the event loop, with a happens-before edge between.
 */
final class NegotiationState {
    boolean fixedNewstyle;
    boolean noZeroes;
    boolean tls;
    boolean structured;
    /** The export for which {@code base:allocation} was selected, or null. */
    String metaContextExport;
    int options;

    /** STARTTLS forgets everything negotiated in plaintext. */
    void resetForTls() {
        tls = true;
        structured = false;
        metaContextExport = null;
    }
}
