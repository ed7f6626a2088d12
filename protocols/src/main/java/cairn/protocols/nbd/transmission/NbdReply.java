package cairn.protocols.nbd.transmission;

import java.util.List;

/** Transmission-phase replies: the simple reply and the structured reply chunks. */
public sealed interface NbdReply {
    long handle();

    /** Bytes of data this reply carries (for the memory budget). */
    default int dataBytes() {
        return 0;
    }

    /** A simple reply; {@code data} only for a successful READ. */
    record Simple(long handle, int error, byte[] data) implements NbdReply {
        @Override
        public int dataBytes() {
            return data == null ? 0 : data.length;
        }
    }

    record OffsetData(long handle, boolean done, long offset, byte[] data) implements NbdReply {
        @Override
        public int dataBytes() {
            return data.length;
        }
    }

    record OffsetHole(long handle, boolean done, long offset, int length) implements NbdReply {}

    /** One {@code base:allocation} chunk: consecutive extents from the request offset. */
    record BlockStatus(long handle, boolean done, int contextId, List<Extent> extents) implements NbdReply {}

    /** An extent of a block-status reply; {@code length} is an unsigned 32-bit value. */
    record Extent(long length, int status) {}

    record Error(long handle, boolean done, int error, String message) implements NbdReply {}

    /** The final chunk of a structured reply that carries nothing else. */
    record None(long handle) implements NbdReply {}
}
