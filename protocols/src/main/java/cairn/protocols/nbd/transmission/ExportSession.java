package cairn.protocols.nbd.transmission;

import cairn.protocols.nbd.NbdProtocol;
import cairn.protocols.nbd.OpenExport;

/**
 * What the handshake settled for one connection's transmission phase.
 *
 * @param structured     structured replies were negotiated
 * @param baseAllocation {@code base:allocation} was selected for this export (BLOCK_STATUS allowed)
 */
public record ExportSession(OpenExport export, boolean readOnly, boolean structured, boolean baseAllocation) {

    /** Context id the server hands out for {@code base:allocation}. */
    public static final int BASE_ALLOCATION_ID = 1;

    public int transmissionFlags() {
        return transmissionFlags(readOnly, structured);
    }

    public static int transmissionFlags(boolean readOnly, boolean structured) {
        // FLUSH is syncfs, a barrier for the whole volume, so every connection sees it: CAN_MULTI_CONN is honest.
        int flags = NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH | NbdProtocol.FLAG_SEND_CACHE
                | NbdProtocol.FLAG_CAN_MULTI_CONN;
        if (structured) flags |= NbdProtocol.FLAG_SEND_DF;
        if (readOnly) return flags | NbdProtocol.FLAG_READ_ONLY;
        return flags | NbdProtocol.FLAG_SEND_FUA | NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES
                | NbdProtocol.FLAG_SEND_FAST_ZERO;
    }
}
