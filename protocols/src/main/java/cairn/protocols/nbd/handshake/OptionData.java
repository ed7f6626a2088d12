package cairn.protocols.nbd.handshake;

import cairn.protocols.nbd.NbdProtocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Parses the data of INFO/GO and of the metadata-context options; every length is checked against the data. */
final class OptionData {
    private OptionData() {}

    /** Option data that does not parse: answered with {@code NBD_REP_ERR_INVALID}. */
    static final class InvalidException extends Exception {
        InvalidException(String message) {
            super(message, null, false, false);
        }
    }

    /** INFO and GO: the export name and the NBD_INFO items asked for. */
    record ExportQuery(String name, List<Integer> infos) {}

    /** LIST_META_CONTEXT and SET_META_CONTEXT: the export name and the queries. */
    record MetaQuery(String export, List<String> queries) {}

    static ExportQuery exportQuery(byte[] data) throws InvalidException {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (!need(b, 4)) throw new InvalidException("missing export name length");
        String name = string(b, b.getInt() & 0xffffffffL);
        if (!need(b, 2)) throw new InvalidException("missing information request count");
        int count = b.getShort() & 0xffff;
        if (b.remaining() != 2L * count) throw new InvalidException("information requests do not match the length");
        List<Integer> infos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) infos.add(b.getShort() & 0xffff);
        return new ExportQuery(name, infos);
    }

    static MetaQuery metaQuery(byte[] data) throws InvalidException {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (!need(b, 4)) throw new InvalidException("missing export name length");
        String export = string(b, b.getInt() & 0xffffffffL);
        if (!need(b, 4)) throw new InvalidException("missing query count");
        long count = b.getInt() & 0xffffffffL;
        if (count > b.remaining() / 4) throw new InvalidException("query count exceeds the data");
        List<String> queries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            if (!need(b, 4)) throw new InvalidException("missing query length");
            queries.add(string(b, b.getInt() & 0xffffffffL));
        }
        if (b.hasRemaining()) throw new InvalidException("trailing bytes after the queries");
        return new MetaQuery(export, queries);
    }

    /** A name given as the whole option data (EXPORT_NAME). */
    static String wholeString(byte[] data) throws InvalidException {
        return string(ByteBuffer.wrap(data), data.length);
    }

    private static boolean need(ByteBuffer b, int bytes) {
        return b.remaining() >= bytes;
    }

    private static String string(ByteBuffer b, long length) throws InvalidException {
        if (length > NbdProtocol.STRING_BYTES_MAX) throw new InvalidException("string longer than 4096 bytes");
        if (length > b.remaining()) throw new InvalidException("string length exceeds the data");
        ByteBuffer slice = b.slice(b.position(), (int) length);
        b.position(b.position() + (int) length);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
            if (s.indexOf('\0') >= 0) throw new InvalidException("string contains NUL");
            return s;
        } catch (CharacterCodingException e) {
            throw new InvalidException("string is not UTF-8");
        }
    }
}
