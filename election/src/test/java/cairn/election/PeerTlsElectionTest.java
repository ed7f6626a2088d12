package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.election.peer.PeerTls;
import cairn.election.peer.TestPki;
import cairn.engine.testing.Await;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcRequests;
import com.alipay.sofa.jraft.rpc.impl.BoltRaftRpcFactory;
import com.alipay.sofa.jraft.util.Endpoint;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The raft peer channel with mutual TLS ({@link PeerTls}): authenticated peers elect and fail over as over
 * plain TCP; a node whose certificate another CA signed can neither vote nor lead; a raft request over a plain
 * connection is refused before jraft sees it, while the very same request deposes a plain node's leader.
 */
class PeerTlsElectionTest {

    private static final int ELECTION_TIMEOUT_MS = 600;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private TestPki cluster;
    private final Map<String, PeerTls> tls = new HashMap<>();

    @BeforeEach
    void pki() throws Exception {
        cluster = TestPki.ca("cluster");
    }

    private Optional<PeerTls> member(String id) throws Exception {
        PeerTls t = cluster.issue(id).peerTls(cluster.cert());
        tls.put(id, t);
        return Optional.of(t);
    }

    @Test
    void threeAuthenticatedNodesElectOneLeaderAndReElectWhenItDies() throws Exception {
        try (var group = new RaftGroup(dir, 3, ELECTION_TIMEOUT_MS)) {
            for (RaftPeer p : group.peers) group.start(p.nodeId(), member(p.nodeId()));
            Await.until("a leader", DEADLINE, () -> group.leaders().size() == 1);
            String first = group.leaders().get(0);
            assertEquals(first, group.elector(first).leaderNodeId());
            assertTrue(group.elector(first).describe().endsWith("peer-tls"));
            group.stop(first);
            Await.until("a new leader", DEADLINE, () -> group.leaders().size() == 1);
            assertNotEquals(first, group.leaders().get(0));
        }
    }

    @Test
    void aNodeWithACertificateFromAnotherCaNeitherVotesNorLeads() throws Exception {
        // The strongest outsider: a well-formed certificate of its own CA, and it trusts the cluster's CA too.
        TestPki rogueCa = TestPki.ca("rogue");
        PeerTls rogue = rogueCa.issue("n2").peerTls(cluster.cert(), rogueCa.cert());
        try (var group = new RaftGroup(dir, 3, ELECTION_TIMEOUT_MS)) {
            group.start("n2", Optional.of(rogue));
            group.start("n0", member("n0"));
            group.start("n1", member("n1"));
            Await.until("a leader among n0 and n1", DEADLINE, () -> group.leaders().size() == 1);
            assertTrue(List.of("n0", "n1").contains(group.leaders().get(0)), group.leaders().toString());
            // both sides of every link to n2 refuse it: n0/n1 refuse its certificate, it refuses theirs
            Await.until("n0 and n1 refusing n2", DEADLINE,
                    () -> tls.get("n0").refusedConnections() > 0 && tls.get("n1").refusedConnections() > 0);
            Await.until("n2 refused by its peers", DEADLINE, () -> rogue.refusedConnections() > 0);
            RaftElector n2 = group.elector("n2");
            boolean n2Joined = Await.holdsWithin(Duration.ofMillis(5L * ELECTION_TIMEOUT_MS),
                    () -> group.heard("n2") != null || n2.leaderNodeId() != null);
            assertFalse(n2Joined, "n2 led or learnt the leader: " + group.heard("n2") + " " + n2.describe());
        }
    }

    @Test
    void aRaftRequestOverAPlainConnectionIsRefusedButDeposesAPlainLeader() throws Exception {
        try (var plain = new RaftGroup(dir.resolve("plain"), 1, ELECTION_TIMEOUT_MS);
             var secure = new RaftGroup(dir.resolve("secure"), 1, ELECTION_TIMEOUT_MS)) {
            plain.start("n0", Optional.empty());
            secure.start("n0", member("n0"));
            Await.until("both single-node groups lead", DEADLINE,
                    () -> plain.leaders().size() == 1 && secure.leaders().size() == 1);
            RaftGroup.Heard before = secure.heard("n0");

            RpcClient client = new BoltRaftRpcFactory().createRpcClient();
            client.init(new RpcOptions());
            try {
                // an outsider claims leadership at a far higher term: a plain node steps down at once
                assertNotNull(client.invokeSync(endpoint(plain), heartbeat(plain), 10_000));
                Await.until("the plain node deposed by the forged heartbeat", DEADLINE,
                        () -> plain.heard("n0").term() > 1000 || !plain.heard("n0").leading());

                long refusedBefore = tls.get("n0").refusedConnections();
                assertThrows(Exception.class, () -> client.invokeSync(endpoint(secure), heartbeat(secure), 10_000));
                Await.until("the plain connection refused and counted", DEADLINE,
                        () -> tls.get("n0").refusedConnections() > refusedBefore);
                assertEquals(before, secure.heard("n0"), "the TLS node's leadership must not change");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void connectionsBeyondThePendingHandshakeCapAreClosedAndTheSlotsComeBack() throws Exception {
        try (var secure = new RaftGroup(dir, 1, ELECTION_TIMEOUT_MS)) {
            secure.start("n0", member("n0"));
            PeerTls tls = this.tls.get("n0");
            var address = new InetSocketAddress("127.0.0.1", endpoint(secure).getPort());
            var silent = new ArrayList<Socket>();
            try {
                // silent clients hold a handshake slot each (until the 10 s handshake timeout)
                for (int i = 0; i <= PeerTls.PENDING_HANDSHAKES_MAX; i++) {
                    var socket = new Socket();
                    silent.add(socket);
                    socket.connect(address, 10_000);
                }
                Await.until("a connection over the cap refused", DEADLINE, () -> tls.refusedConnections() >= 1);
            } finally {
                for (Socket socket : silent) socket.close();
            }
            // the closed clients give their slots back (as their close reaches the server): a member gets in again
            SSLContext member = memberContext("n1");
            Await.until("a member's handshake succeeds again", DEADLINE, () -> handshakes(member, address));
        }
    }

    /** A client TLS context with a certificate for cluster member {@code cn}. */
    private SSLContext memberContext(String cn) throws Exception {
        var id = cluster.issue(cn);
        return ((JdkSslContext) SslContextBuilder.forClient().keyManager(id.key(), id.cert())
                .trustManager(cluster.cert()).endpointIdentificationAlgorithm(null).sslProvider(SslProvider.JDK)
                .build()).context();
    }

    /** True if a TLS handshake with {@code address} completes and the server presents a cluster certificate. */
    private static boolean handshakes(SSLContext context, InetSocketAddress address) {
        try (var socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            return socket.getSession().getPeerPrincipal().getName().equals("CN=n0");
        } catch (IOException e) {
            return false; // refused: a slot not given back yet
        }
    }

    private static Endpoint endpoint(RaftGroup group) {
        PeerId id = new PeerId();
        assertTrue(id.parse(group.peer("n0").raftAddress()));
        return id.getEndpoint();
    }

    /** An empty AppendEntries from a made-up leader at term 1000+. */
    private static RpcRequests.AppendEntriesRequest heartbeat(RaftGroup group) {
        return RpcRequests.AppendEntriesRequest.newBuilder()
                .setGroupId("cairn")
                .setServerId("127.0.0.1:1")
                .setPeerId(group.peer("n0").raftAddress())
                .setTerm(1001)
                .setPrevLogTerm(0)
                .setPrevLogIndex(0)
                .setCommittedIndex(0)
                .build();
    }
}
