package cairn.protocols.nbd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static cairn.protocols.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.*;

/** Handshake variants and option errors, byte for byte. */
class NbdHandshakeTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(NbdOptions.defaults());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private RawNbd connect(int clientFlags) throws Exception {
        RawNbd raw = new RawNbd(server.address);
        assertEquals(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES, raw.greet(clientFlags));
        return raw;
    }

    @Test
    void exportNameWithNoZeroesGoesStraightToTransmission() throws Exception {
        try (RawNbd raw = connect(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) {
            raw.option(OPT_EXPORT_NAME, "disk".getBytes(StandardCharsets.UTF_8));
            assertEquals(TestServer.SIZE, raw.in.readLong());
            int flags = raw.in.readUnsignedShort();
            assertEquals(0, flags & FLAG_SEND_DF, "no DF without structured replies");
            raw.request(0, CMD_FLUSH, 77, 0, 0);
            assertEquals(SIMPLE_REPLY_MAGIC, raw.in.readInt(), "no 124 zero bytes were sent");
            assertEquals(0, raw.in.readInt());
            assertEquals(77, raw.in.readLong());
        }
    }

    @Test
    void exportNameWithoutNoZeroesSendsThePadding() throws Exception {
        try (RawNbd raw = connect(FLAG_C_FIXED_NEWSTYLE)) {
            raw.option(OPT_EXPORT_NAME, "disk".getBytes(StandardCharsets.UTF_8));
            raw.in.readLong();
            raw.in.readUnsignedShort();
            assertArrayEquals(new byte[124], raw.in.readNBytes(124));
            raw.request(0, CMD_DISC, 1, 0, 0);
            assertTrue(raw.closedByServer(), "DISC closes the connection");
        }
    }

    @Test
    void unknownExportNameClosesTheConnection() throws Exception {
        try (RawNbd raw = connect(FLAG_C_FIXED_NEWSTYLE)) {
            raw.option(OPT_EXPORT_NAME, "nope".getBytes(StandardCharsets.UTF_8));
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void unknownClientFlagsCloseTheConnection() throws Exception {
        try (RawNbd raw = connect(FLAG_C_FIXED_NEWSTYLE | 1 << 7)) {
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void badOptionMagicClosesTheConnection() throws Exception {
        try (RawNbd raw = connect(FLAG_C_FIXED_NEWSTYLE)) {
            raw.out.writeLong(0x1234);
            raw.out.writeLong(0);
            raw.out.flush();
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void optionErrorsKeepTheNegotiationGoing() throws Exception {
        try (RawNbd raw = connect(FLAG_C_FIXED_NEWSTYLE)) {
            raw.option(99, new byte[] {1, 2});
            assertEquals(REP_ERR_UNSUP, raw.reply().type());
            raw.option(OPT_LIST, new byte[] {1});
            assertEquals(REP_ERR_INVALID, raw.reply().type());
            raw.option(OPT_STRUCTURED_REPLY, new byte[] {1});
            assertEquals(REP_ERR_INVALID, raw.reply().type());
            raw.option(OPT_STARTTLS, new byte[0]);
            assertEquals(REP_ERR_POLICY, raw.reply().type(), "no TLS configured");
            raw.option(OPT_GO, ByteBuffer.allocate(6).putInt(100).putShort((short) 0).array());
            assertEquals(REP_ERR_INVALID, raw.reply().type(), "name length beyond the data");
            raw.option(OPT_INFO, RawNbd.exportQuery("nope"));
            RawNbd.Reply unknown = raw.reply();
            assertEquals(REP_ERR_UNKNOWN, unknown.type());
            assertTrue(unknown.text().contains("nope"));
            raw.option(OPT_SET_META_CONTEXT, RawNbd.metaQuery("disk", BASE_ALLOCATION));
            assertEquals(REP_ERR_INVALID, raw.reply().type(), "meta contexts need structured replies first");
            // Oversized option data is skipped, answered, and the session continues.
            raw.option(OPT_INFO, new byte[100_000]);
            assertEquals(REP_ERR_TOO_BIG, raw.reply().type());
            raw.option(OPT_LIST, new byte[0]);
            List<String> names = new ArrayList<>();
            for (RawNbd.Reply r = raw.reply(); r.type() != REP_ACK; r = raw.reply()) {
                assertEquals(REP_SERVER, r.type());
                names.add(new String(r.data(), 4, r.data().length - 4, StandardCharsets.UTF_8));
            }
            assertTrue(names.contains("disk"), names.toString());
            raw.option(OPT_ABORT, new byte[0]);
            assertEquals(REP_ACK, raw.reply().type());
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void infoThenGoWithMetaContext() throws Exception {
        try (RawNbd raw = connect(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) {
            raw.option(OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(REP_ACK, raw.reply().type());
            raw.option(OPT_LIST_META_CONTEXT, RawNbd.metaQuery("disk"));
            RawNbd.Reply listed = raw.reply();
            assertEquals(REP_META_CONTEXT, listed.type());
            assertEquals(BASE_ALLOCATION, new String(listed.data(), 4, listed.data().length - 4, StandardCharsets.UTF_8));
            assertEquals(REP_ACK, raw.reply().type());
            raw.option(OPT_SET_META_CONTEXT, RawNbd.metaQuery("disk", "base:", "x-other:thing", BASE_ALLOCATION));
            RawNbd.Reply selected = raw.reply();
            assertEquals(REP_META_CONTEXT, selected.type());
            int contextId = ByteBuffer.wrap(selected.data()).getInt();
            assertEquals(REP_ACK, raw.reply().type());

            raw.option(OPT_INFO, RawNbd.exportQuery("disk", INFO_NAME, INFO_DESCRIPTION, 999));
            boolean sawExport = false, sawName = false, sawDescription = false, sawBlockSize = false;
            for (RawNbd.Reply r = raw.reply(); r.type() != REP_ACK; r = raw.reply()) {
                assertEquals(REP_INFO, r.type());
                ByteBuffer b = ByteBuffer.wrap(r.data());
                switch (b.getShort()) {
                    case INFO_EXPORT -> {
                        sawExport = true;
                        assertEquals(TestServer.SIZE, b.getLong());
                        assertNotEquals(0, b.getShort() & FLAG_SEND_DF);
                    }
                    case INFO_NAME -> sawName = new String(r.data(), 2, r.data().length - 2).equals("disk");
                    case INFO_DESCRIPTION -> sawDescription = true;
                    case INFO_BLOCK_SIZE -> {
                        sawBlockSize = true;
                        assertEquals(512, b.getInt());
                        assertEquals(32768, b.getInt());
                        assertEquals(32 << 20, b.getInt());
                    }
                    default -> fail("unexpected info");
                }
            }
            assertTrue(sawExport && sawName && sawDescription && sawBlockSize);

            raw.option(OPT_GO, RawNbd.exportQuery("disk"));
            for (RawNbd.Reply r = raw.reply(); r.type() != REP_ACK; r = raw.reply()) assertEquals(REP_INFO, r.type());
            raw.request(0, CMD_BLOCK_STATUS, 5, 0, 4096);
            assertEquals(STRUCTURED_REPLY_MAGIC, raw.in.readInt());
            assertEquals(REPLY_FLAG_DONE, raw.in.readUnsignedShort());
            assertEquals(REPLY_TYPE_BLOCK_STATUS, raw.in.readUnsignedShort());
            assertEquals(5, raw.in.readLong());
            assertEquals(12, raw.in.readInt());
            assertEquals(contextId, raw.in.readInt());
            assertEquals(4096, raw.in.readInt());
            assertEquals(STATE_HOLE | STATE_ZERO, raw.in.readInt());
        }
    }

    @Test
    void idleHandshakeTimesOut() throws Exception {
        try (TestServer quick = new TestServer(new FakeBlockFileSystem(false),
                NbdOptions.defaults().withHandshakeTimeoutMs(200), true);
             RawNbd raw = new RawNbd(quick.address)) {
            raw.in.readNBytes(18);
            assertTrue(raw.closedByServer());
        }
    }
}
