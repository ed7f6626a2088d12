package cairn.election.peer;

import static org.junit.jupiter.api.Assertions.*;

import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.rpc.Connection;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcRequests;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.ConnectionClosedEventListener;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A raft request is processed only if the sender it claims ({@code serverId}) is the member its connection
 * authenticated as; otherwise it is answered with EPERM, logged and counted, and its connection is closed.
 */
class SenderCheckedProcessorTest {

    private static final String A = "127.0.0.1:7000";
    private static final PeerMembers MEMBERS = new PeerMembers("a", Map.of(
            A, "a", "Node-B.example:7001", "b", "[::1]:7002", "c"));

    /** Every jraft request that names its sender, built claiming {@code serverId}. */
    private static final List<Function<String, Message>> SENDER_NAMING = List.of(
            id -> RpcRequests.RequestVoteRequest.newBuilder().setServerId(id).buildPartial(),
            id -> RpcRequests.AppendEntriesRequest.newBuilder().setServerId(id).buildPartial(),
            id -> RpcRequests.InstallSnapshotRequest.newBuilder().setServerId(id).buildPartial(),
            id -> RpcRequests.TimeoutNowRequest.newBuilder().setServerId(id).buildPartial(),
            id -> RpcRequests.ReadIndexRequest.newBuilder().setServerId(id).buildPartial());

    private final Refusals refusals = new Refusals();
    private final Recorder processor = new Recorder();
    private final SenderCheckedProcessor<Message> checked = new SenderCheckedProcessor<>(processor, MEMBERS, refusals);

    @Test
    void aRequestFromTheAuthenticatedMemberIsProcessed() {
        for (var request : SENDER_NAMING) {
            var ctx = new Context("a");
            checked.handleRequest(ctx, request.apply(A));
            assertFalse(ctx.connection.closed);
            assertNull(ctx.response, "the processor answers, not the check");
        }
        assertEquals(SENDER_NAMING.size(), processor.handled.size());
        assertEquals(0, refusals.count());
    }

    @Test
    void membersAreMatchedAsJraftWritesTheirAddresses() {
        for (var claim : Map.of("node-b.example:7001", "b", "[::1]:7002", "c", A + ":0", "a").entrySet()) {
            checked.handleRequest(new Context(claim.getValue()), SENDER_NAMING.get(0).apply(claim.getKey()));
        }
        assertEquals(3, processor.handled.size());
        assertEquals(0, refusals.count(), refusals.last());
    }

    @Test
    void aRequestClaimingAnotherMemberIsRefusedAndItsConnectionClosed() {
        for (var request : SENDER_NAMING) {
            var ctx = new Context("a");
            Message forged = request.apply("node-b.example:7001");
            checked.handleRequest(ctx, forged);
            assertRefused(ctx);
            assertEquals("raft peer channel: refused a " + forged.getClass().getSimpleName() + " from 127.0.0.1:40000: the connection"
                    + " authenticated as node a, but the request claims to come from node b (serverId 'node-b.example:7001');"
                    + " connection closed", refusals.last());
        }
        assertEquals(List.of(), processor.handled);
        assertEquals(SENDER_NAMING.size(), refusals.count());
    }

    @Test
    void aSenderThatIsNoMemberOrNoAddressIsRefused() {
        var claims = List.of("127.0.0.1:7009", "127.0.0.2:7000", "", "not an address", "[::1", "[nonsense]:7002",
                "127.0.0.1:99999", "127.0.0.1:7000\nforged log line" + "x".repeat(100));
        for (String claim : claims) {
            var ctx = new Context("a");
            checked.handleRequest(ctx, SENDER_NAMING.get(1).apply(claim));
            assertRefused(ctx);
            assertTrue(refusals.last().contains("claims to come from no member (serverId '"), refusals.last());
        }
        assertFalse(refusals.last().contains("\n"), "a peer's string is shown without control characters");
        assertTrue(refusals.last().length() < 400, "and shortened: " + refusals.last());
        assertEquals(List.of(), processor.handled);
    }

    @Test
    void aConnectionThatRecordedNoMemberGetsNoRaftRequestThrough() {
        var ctx = new Context(null);
        checked.handleRequest(ctx, SENDER_NAMING.get(0).apply(A));
        assertRefused(ctx);
        assertTrue(refusals.last().contains("the connection authenticated as no member, but the request claims to come from node a"),
                refusals.last());
    }

    @Test
    void aRequestThatNamesNoSenderPasses() {
        var ctx = new Context("a");
        checked.handleRequest(ctx, RpcRequests.PingRequest.newBuilder().setSendTimestamp(1).build());
        checked.handleRequest(ctx, RpcRequests.GetFileRequest.newBuilder().setReaderId(1).setFilename("f").setCount(1)
                .setOffset(0).build());
        assertEquals(2, processor.handled.size());
        assertFalse(ctx.connection.closed);
    }

    @Test
    void everyRaftProcessorIsRegisteredBehindTheCheckWithItsOwnExecutors() {
        var registered = new ArrayList<RpcProcessor<?>>();
        var listeners = new ArrayList<ConnectionClosedEventListener>();
        RpcServer server = new SenderCheckedRpcServer(new Registry(registered, listeners), MEMBERS, refusals);
        RaftRpcServerFactory.addRaftRequestProcessors(server);

        assertFalse(registered.isEmpty());
        assertTrue(registered.stream().allMatch(p -> p instanceof SenderCheckedProcessor<?>), registered.toString());
        assertTrue(registered.stream().anyMatch(p -> p.interest().equals(RpcRequests.RequestVoteRequest.class.getName())));
        var append = registered.stream().filter(p -> p.interest().equals(RpcRequests.AppendEntriesRequest.class.getName()))
                .findFirst().orElseThrow();
        assertNotNull(append.executorSelector(), "AppendEntries keeps its per-peer executors (jraft's pipelining)");
        assertEquals(1, listeners.size(), "and its connection-closed listener");
    }

    private void assertRefused(Context ctx) {
        var error = assertInstanceOf(RpcRequests.ErrorResponse.class, ctx.response);
        assertEquals(RaftError.EPERM.getNumber(), error.getErrorCode());
        assertTrue(ctx.connection.closed, "the connection is closed");
    }

    /** A processor that only records what reached it. */
    private static final class Recorder implements RpcProcessor<Message> {
        final List<Message> handled = new ArrayList<>();

        @Override
        public void handleRequest(RpcContext ctx, Message request) {
            handled.add(request);
        }

        @Override
        public String interest() {
            return Message.class.getName();
        }
    }

    /** A request's context on a connection that authenticated as {@code member} (null: none recorded). */
    private static final class Context implements RpcContext {
        final FakeConnection connection = new FakeConnection();
        Object response;

        Context(String member) {
            if (member != null) connection.setAttribute(ConnectionMember.ATTRIBUTE, member);
        }

        @Override
        public void sendResponse(Object response) {
            assertNull(this.response, "one response per request");
            this.response = response;
        }

        @Override
        public Connection getConnection() {
            return connection;
        }

        @Override
        public String getRemoteAddress() {
            return "127.0.0.1:40000";
        }
    }

    private static final class FakeConnection implements Connection {
        final Map<String, Object> attributes = new ConcurrentHashMap<>();
        boolean closed;

        @Override
        public Object getAttribute(String key) {
            return attributes.get(key);
        }

        @Override
        public void setAttribute(String key, Object value) {
            attributes.put(key, value);
        }

        @Override
        public Object setAttributeIfAbsent(String key, Object value) {
            return attributes.putIfAbsent(key, value);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** An RPC server that only records what is registered on it. */
    private record Registry(List<RpcProcessor<?>> processors, List<ConnectionClosedEventListener> listeners) implements RpcServer {
        @Override
        public void registerProcessor(RpcProcessor<?> processor) {
            processors.add(processor);
        }

        @Override
        public void registerConnectionClosedEventListener(ConnectionClosedEventListener listener) {
            listeners.add(listener);
        }

        @Override
        public int boundPort() {
            return 0;
        }

        @Override
        public boolean isStarted() {
            return false;
        }

        @Override
        public boolean init(Void opts) {
            return true;
        }

        @Override
        public void shutdown() {}
    }
}
