package cairn.protocols.nbd.handshake;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FsException;
import cairn.protocols.nbd.NbdContext;
import cairn.protocols.nbd.NbdDevices;
import cairn.protocols.nbd.OpenExport;
import cairn.protocols.nbd.handshake.HandshakeReply.ExportNameReply;
import cairn.protocols.nbd.handshake.HandshakeReply.OptionReply;
import cairn.protocols.nbd.transmission.ExportSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static cairn.protocols.nbd.NbdProtocol.*;

/**
 * The option-haggling state machine of the fixed newstyle handshake: one option in, an {@link Outcome} out.
 * Knows neither bytes nor Netty; it may block on the filesystem (export lookups), so it runs on a virtual thread.
 * TLS is FORCEDTLS when required (every option but STARTTLS and ABORT gets ERR_TLS_REQD), otherwise optional.
 */
final class Negotiation {
    private static final Logger log = LoggerFactory.getLogger(Negotiation.class);
    private static final int CLIENT_FLAGS_KNOWN = FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES;
    private static final int LIST_EXPORTS_MAX = 10_000;
    private static final String DESCRIPTION = "Cairn block device";

    private final NbdContext context;
    private final NegotiationState state = new NegotiationState();

    Negotiation(NbdContext context) {
        this.context = context;
    }

    boolean tlsActive() {
        return state.tls;
    }

    static int handshakeFlags() {
        return FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES;
    }

    Outcome clientFlags(int flags) {
        if ((flags & ~CLIENT_FLAGS_KNOWN) != 0) return Outcome.close();
        state.fixedNewstyle = (flags & FLAG_C_FIXED_NEWSTYLE) != 0;
        state.noZeroes = (flags & FLAG_C_NO_ZEROES) != 0;
        // TLS needs fixed newstyle; a client that cannot do it cannot meet a TLS requirement.
        if (!state.fixedNewstyle && context.options().tlsRequired()) return Outcome.close();
        return Outcome.reply();
    }

    Outcome oversized(int option) {
        if (option == OPT_EXPORT_NAME) return Outcome.close(); // cannot be answered with an error
        return Outcome.reply(OptionReply.error(option, REP_ERR_TOO_BIG, "option data too long"));
    }

    Outcome option(int option, byte[] data) {
        if (++state.options > context.options().optionsMax()) return Outcome.close();
        if (context.options().tlsRequired() && !state.tls && option != OPT_STARTTLS && option != OPT_ABORT) {
            if (option == OPT_EXPORT_NAME) return Outcome.close();
            return Outcome.reply(OptionReply.error(option, REP_ERR_TLS_REQD, "TLS is required; send STARTTLS"));
        }
        try {
            return switch (option) {
                case OPT_EXPORT_NAME -> exportName(data);
                case OPT_ABORT -> Outcome.close(OptionReply.ack(option));
                case OPT_LIST -> list(data);
                case OPT_STARTTLS -> startTls(data);
                case OPT_INFO, OPT_GO -> infoOrGo(option, OptionData.exportQuery(data));
                case OPT_STRUCTURED_REPLY -> structuredReply(data);
                case OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT -> metaContext(option, OptionData.metaQuery(data));
                default -> Outcome.reply(OptionReply.error(option, REP_ERR_UNSUP, "unsupported option " + option));
            };
        } catch (OptionData.InvalidException e) {
            if (option == OPT_EXPORT_NAME) return Outcome.close();
            return Outcome.reply(OptionReply.error(option, REP_ERR_INVALID, e.getMessage()));
        }
    }

    /** Called on the event loop once the TLS handler is in place. */
    void tlsStarted() {
        state.resetForTls();
    }

    private Outcome exportName(byte[] data) throws OptionData.InvalidException {
        String name = OptionData.wholeString(data);
        OpenExport export = open(name);
        if (export == null) return Outcome.close();
        ExportSession session = session(export);
        var reply = new ExportNameReply(export.sizeBytes(), session.transmissionFlags(), !state.noZeroes);
        return new Outcome(List.of(reply), Outcome.Action.TRANSMIT, session);
    }

    private Outcome list(byte[] data) {
        if (data.length != 0) return Outcome.reply(OptionReply.error(OPT_LIST, REP_ERR_INVALID, "LIST takes no data"));
        List<HandshakeReply> replies = new ArrayList<>();
        for (String name : NbdDevices.list(context.fs(), LIST_EXPORTS_MAX)) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            replies.add(new OptionReply(OPT_LIST, REP_SERVER,
                    ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array()));
        }
        replies.add(OptionReply.ack(OPT_LIST));
        return Outcome.replies(replies);
    }

    private Outcome startTls(byte[] data) {
        if (context.options().tls() == null) {
            return Outcome.reply(OptionReply.error(OPT_STARTTLS, REP_ERR_POLICY, "TLS is not configured"));
        }
        if (state.tls || data.length != 0 || !state.fixedNewstyle) {
            return Outcome.reply(OptionReply.error(OPT_STARTTLS, REP_ERR_INVALID, "unexpected STARTTLS"));
        }
        return new Outcome(List.of(OptionReply.ack(OPT_STARTTLS)), Outcome.Action.START_TLS, null);
    }

    private Outcome structuredReply(byte[] data) {
        if (data.length != 0) {
            return Outcome.reply(OptionReply.error(OPT_STRUCTURED_REPLY, REP_ERR_INVALID, "takes no data"));
        }
        state.structured = true;
        return Outcome.reply(OptionReply.ack(OPT_STRUCTURED_REPLY));
    }

    private Outcome infoOrGo(int option, OptionData.ExportQuery query) {
        List<HandshakeReply> replies = new ArrayList<>();
        long sizeBytes;
        OpenExport export = null;
        if (option == OPT_GO) {
            export = open(query.name());
            if (export == null) return unknown(option, query.name());
            sizeBytes = export.sizeBytes();
        } else {
            Long size = peekSize(query.name());
            if (size == null) return unknown(option, query.name());
            sizeBytes = size;
        }
        int flags = ExportSession.transmissionFlags(readOnly(), state.structured);
        replies.add(info(option, ByteBuffer.allocate(12).putShort((short) INFO_EXPORT).putLong(sizeBytes)
                .putShort((short) flags).array()));
        for (int item : query.infos()) {
            switch (item) {
                case INFO_NAME -> replies.add(info(option, stringInfo(INFO_NAME, query.name())));
                case INFO_DESCRIPTION -> replies.add(info(option, stringInfo(INFO_DESCRIPTION, DESCRIPTION)));
                default -> { } // unknown items are ignored, as the spec requires
            }
        }
        // Sent whether asked or not: 512 is the smallest unit, one extent the efficient one.
        replies.add(info(option, ByteBuffer.allocate(14).putShort((short) INFO_BLOCK_SIZE).putInt(BLOCK_SIZE_MIN)
                .putInt(BLOCK_SIZE_PREFERRED).putInt(BLOCK_SIZE_MAX).array()));
        replies.add(OptionReply.ack(option));
        if (option == OPT_INFO) return Outcome.replies(replies);
        return new Outcome(List.copyOf(replies), Outcome.Action.TRANSMIT, session(export));
    }

    private Outcome metaContext(int option, OptionData.MetaQuery query) {
        boolean set = option == OPT_SET_META_CONTEXT;
        if (set) state.metaContextExport = null; // replaced even when this request fails
        if (!state.structured) {
            return Outcome.reply(OptionReply.error(option, REP_ERR_INVALID, "negotiate structured replies first"));
        }
        if (peekSize(query.export()) == null) return unknown(option, query.export());
        boolean selected = !set && query.queries().isEmpty();
        for (String q : query.queries()) {
            if (q.indexOf(':') <= 0) {
                return Outcome.reply(OptionReply.error(option, REP_ERR_INVALID, "query without namespace: " + q));
            }
            if (q.equals(BASE_ALLOCATION) || (!set && q.equals("base:"))) selected = true;
        }
        List<HandshakeReply> replies = new ArrayList<>();
        if (selected) {
            byte[] name = BASE_ALLOCATION.getBytes(StandardCharsets.US_ASCII);
            int id = set ? ExportSession.BASE_ALLOCATION_ID : 0;
            replies.add(new OptionReply(option, REP_META_CONTEXT,
                    ByteBuffer.allocate(4 + name.length).putInt(id).put(name).array()));
            if (set) state.metaContextExport = query.export();
        }
        replies.add(OptionReply.ack(option));
        return Outcome.replies(replies);
    }

    private ExportSession session(OpenExport export) {
        return new ExportSession(export, readOnly(), state.structured,
                state.structured && export.name().equals(state.metaContextExport));
    }

    private boolean readOnly() {
        return context.options().readOnly() || context.fs().readOnly();
    }

    private static Outcome unknown(int option, String name) {
        return Outcome.reply(OptionReply.error(option, REP_ERR_UNKNOWN, "no such export: " + name));
    }

    private static OptionReply info(int option, byte[] payload) {
        return new OptionReply(option, REP_INFO, payload);
    }

    private static byte[] stringInfo(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + bytes.length).putShort((short) type).put(bytes).array();
    }

    /** The export's advertised size, or null if it does not exist. */
    private Long peekSize(String name) {
        try {
            long size = NbdDevices.lookup(context.fs(), name).size();
            return size - size % BLOCK_SIZE_MIN;
        } catch (FsException e) {
            return absent(name, e);
        }
    }

    private OpenExport open(String name) {
        try {
            return NbdDevices.open(context.fs(), context.exports(), name);
        } catch (FsException e) {
            return absent(name, e);
        }
    }

    private static <T> T absent(String name, FsException e) {
        if (e.errno() != Errno.ENOENT && e.errno() != Errno.EINVAL && e.errno() != Errno.ENOTDIR) {
            log.warn("NBD export {} unavailable", name, e);
        }
        return null;
    }
}
