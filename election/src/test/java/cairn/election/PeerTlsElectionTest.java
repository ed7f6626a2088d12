package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.election.peer.PeerCrl;
import cairn.election.peer.PeerTls;
import cairn.election.peer.PeerTlsNodeOptions;
import cairn.election.peer.PeerTlsRpcFactory;
import cairn.election.peer.TestPki;
import cairn.engine.testing.Await;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcRequests;
import com.alipay.sofa.jraft.rpc.impl.BoltRaftRpcFactory;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.Message;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The raft peer channel with mutual TLS ({@link PeerTls}): authenticated peers elect and fail over as over
 * plain TCP; a node whose certificate another CA signed can neither vote nor lead; a raft request over a plain
 * connection is refused before jraft sees it, while the very same request deposes a plain node's leader. Node
 * identity: a server at a member's address with another member's certificate, and a client whose certificate
 * names no member, are refused; a member's raft request that claims another member as its sender is refused and
 * its connection closed. Revocation: a peer the CRL lists is refused, and a CRL changed while the nodes run cuts
 * the revoked peer off.
 */
class PeerTlsElectionTest {

    private static final int ELECTION_TIMEOUT_MS = 600;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** The term of forged requests: far above any term a test group reaches by itself. */
    private static final long FORGED_TERM = 1001;

    @TempDir
    Path dir;
    private TestPki cluster;
    private final Map<String, PeerTls> tls = new HashMap<>();
    private final Map<String, X509Certificate> certs = new HashMap<>();

    @BeforeEach
    void pki() throws Exception {
        cluster = TestPki.ca("cluster");
    }

    private Optional<PeerTls> member(RaftGroup group, String id) throws Exception {
        return member(group, id, PeerCrl.none());
    }

    private Optional<PeerTls> member(RaftGroup group, String id, PeerCrl crl) throws Exception {
        var identity = cluster.issue(id);
        PeerTls t = identity.peerTls(group.members(id), crl, cluster.cert());
        tls.put(id, t);
        certs.put(id, identity.cert());
        return Optional.of(t);
    }

    private boolean refused(String id, String why) {
        String last = tls.get(id).lastRefusal();
        return last != null && last.contains(why);
    }

    @Test
    void threeAuthenticatedNodesElectOneLeaderAndReElectWhenItDies() throws Exception {
        try (var group = new RaftGroup(dir, 3, ELECTION_TIMEOUT_MS)) {
            for (RaftPeer p : group.peers) group.start(p.nodeId(), member(group, p.nodeId()));
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
        try (var group = new RaftGroup(dir, 3, ELECTION_TIMEOUT_MS)) {
            PeerTls rogue = rogueCa.issue("n2").peerTls(group.members("n2"), cluster.cert(), rogueCa.cert());
            group.start("n2", Optional.of(rogue));
            group.start("n0", member(group, "n0"));
            group.start("n1", member(group, "n1"));
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
            secure.start("n0", member(secure, "n0"));
            Await.until("both single-node groups lead", DEADLINE,
                    () -> plain.leaders().size() == 1 && secure.leaders().size() == 1);
            RaftGroup.Heard before = secure.heard("n0");

            RpcClient client = new BoltRaftRpcFactory().createRpcClient();
            client.init(new RpcOptions());
            try {
                // an outsider claims leadership at a far higher term: a plain node steps down at once
                assertNotNull(client.invokeSync(endpoint(plain), heartbeat(plain), 10_000));
                Await.until("the plain node deposed by the forged heartbeat", DEADLINE,
                        () -> plain.heard("n0").term() >= FORGED_TERM || !plain.heard("n0").leading());

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
    void aMemberCannotSendRaftRequestsAsAnotherMember() throws Exception {
        try (var group = new RaftGroup(dir, 3, ELECTION_TIMEOUT_MS)) {
            for (RaftPeer p : group.peers) group.start(p.nodeId(), member(group, p.nodeId()));
            Await.until("a leader every node knows", DEADLINE, () -> group.leaders().size() == 1
                    && group.peers.stream().allMatch(p -> group.elector(p.nodeId()).leaderNodeId() != null));
            String n0 = group.peer("n0").raftAddress();
            String n1 = group.peer("n1").raftAddress();
            String n2 = group.peer("n2").raftAddress();
            Endpoint target = endpoint(group.peer("n0"));
            RpcClient client = tlsClient(tls.get("n1")); // member n1's own, valid certificate
            try {
                // as n2, at a far higher term: processed, either one would make n0 adopt that term
                for (Message forged : List.of(requestVote(n2, n0, FORGED_TERM), appendEntries(n2, n0, FORGED_TERM))) {
                    long refusedBefore = tls.get("n0").refusedConnections();
                    var error = assertInstanceOf(RpcRequests.ErrorResponse.class, client.invokeSync(target, forged, 30_000));
                    assertEquals(RaftError.EPERM.getNumber(), error.getErrorCode(), error.getErrorMsg());
                    Await.until("n0 closing the connection", DEADLINE, () -> !client.checkConnection(target, false));
                    Await.until("n0 counting and logging the refusal", DEADLINE, () -> tls.get("n0").refusedConnections() > refusedBefore
                            && refused("n0", "refused a " + forged.getClass().getSimpleName() + " from ")
                            && refused("n0", ": the connection authenticated as node n1, but the request claims to come from node n2"
                                    + " (serverId '" + n2 + "'); connection closed"));
                }
                // as itself (a stale term, so the group is left alone) the same client is answered by raft, which
                // also shows that n0 never took the forged term
                var vote = assertInstanceOf(RpcRequests.RequestVoteResponse.class, client.invokeSync(target, requestVote(n1, n0, 0), 30_000));
                assertFalse(vote.getGranted());
                assertTrue(vote.getTerm() > 0 && vote.getTerm() < FORGED_TERM, "n0's term: " + vote.getTerm());
                var append = assertInstanceOf(RpcRequests.AppendEntriesResponse.class,
                        client.invokeSync(target, appendEntries(n1, n0, 0), 30_000));
                assertFalse(append.getSuccess());
                assertTrue(append.getTerm() < FORGED_TERM, "n0's term: " + append.getTerm());
                Await.until("a leader", DEADLINE, () -> group.leaders().size() == 1);
                assertTrue(group.heard(group.leaders().get(0)).term() < FORGED_TERM, "elected at " + group.heard(group.leaders().get(0)));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void connectionsBeyondThePendingHandshakeCapAreClosedAndTheSlotsComeBack() throws Exception {
        try (var secure = new RaftGroup(dir, 1, ELECTION_TIMEOUT_MS)) {
            secure.start("n0", member(secure, "n0"));
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

    @Test
    void aServerPresentingAnotherMembersCertificateIsRefusedByTheNodeThatDialedIt() throws Exception {
        try (var group = new RaftGroup(dir, 2, ELECTION_TIMEOUT_MS);
             var impostor = new Impostor(group.peer("n1"), cluster.issue("n0"))) {
            group.start("n0", member(group, "n0"));
            // n0 dials n1's raft address; a certificate the cluster CA signed answers, but one for another member
            Await.until("n0 refusing the impostor at n1's address", DEADLINE,
                    () -> refused("n0", "could not authenticate peer ") && refused("n0", "CertificateException: expected node n1,"
                            + " but the certificate names node n0 (subject CN=n0)"));
            assertNull(group.elector("n0").leaderNodeId(), "a one-of-two node cannot lead");
        }
    }

    @Test
    void aNodeDialsNoAddressButItsMembers() throws Exception {
        try (var group = new RaftGroup(dir, 1, ELECTION_TIMEOUT_MS)) {
            RpcClient client = tlsClient(member(group, "n0").orElseThrow());
            try {
                var stranger = new Endpoint("127.0.0.1", RaftGroup.freePort());
                assertThrows(Exception.class, () -> client.invokeSync(stranger, heartbeat(group), 2_000));
                Await.until("the dial refused", DEADLINE, () -> refused("n0", "could not authenticate peer ")
                        && refused("n0", "127.0.0.1:" + stranger.getPort() + ": no member has this raft address (members [n0])"));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aClientWhoseCertificateNamesNoMemberIsRefused() throws Exception {
        try (var group = new RaftGroup(dir, 1, ELECTION_TIMEOUT_MS)) {
            group.start("n0", member(group, "n0"));
            var address = new InetSocketAddress("127.0.0.1", endpoint(group).getPort());
            SSLContext outsider = memberContext("n7"); // the cluster CA signed it; n7 is in no peers list
            try (var socket = (SSLSocket) outsider.getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
                socket.setSoTimeout(30_000);
                socket.startHandshake(); // TLS 1.3: the client is done before the server has judged its certificate
                assertThrows(IOException.class, () -> {
                    if (socket.getInputStream().read() < 0) throw new IOException("closed");
                }, "the server ends the connection");
            }
            Await.until("n0 refusing the outsider", DEADLINE, () -> refused("n0", "refused connection from ")
                    && refused("n0", "the certificate names no member id (subject CN=n7); members: [n0]"));
        }
    }

    @Test
    void aRevokedPeerNeitherVotesNorLeads() throws Exception {
        try (var group = new RaftGroup(dir, 3, ELECTION_TIMEOUT_MS)) {
            var n2 = cluster.issue("n2");
            Path file = TestPki.writeCrls(dir.resolve("crl.pem"), cluster.crl(n2.cert()));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> n2.peerTls(group.members("n2"), PeerCrl.load(file, List.of(cluster.cert())), cluster.cert()));
            assertTrue(e.getMessage().startsWith("the certificate is revoked"), "with the CRL, n2 would not even start: " + e.getMessage());
            PeerTls revoked = n2.peerTls(group.members("n2"), cluster.cert());
            group.start("n2", Optional.of(revoked));
            group.start("n0", member(group, "n0", PeerCrl.load(file, List.of(cluster.cert()))));
            group.start("n1", member(group, "n1", PeerCrl.load(file, List.of(cluster.cert()))));
            Await.until("a leader among n0 and n1", DEADLINE, () -> group.leaders().size() == 1);
            assertTrue(List.of("n0", "n1").contains(group.leaders().get(0)), group.leaders().toString());
            Await.until("n0 and n1 refusing n2 as revoked", DEADLINE,
                    () -> refused("n0", "certificate CN=n2 (serial ") && refused("n1", "was revoked on "));
            boolean n2Joined = Await.holdsWithin(Duration.ofMillis(5L * ELECTION_TIMEOUT_MS),
                    () -> group.heard("n2") != null || group.elector("n2").leaderNodeId() != null);
            assertFalse(n2Joined, "n2 led or learnt the leader: " + group.heard("n2") + " " + group.elector("n2").describe());
        }
    }

    @Test
    void aCrlUpdatedAtRunTimeCutsTheRevokedPeerOff() throws Exception {
        try (var group = new RaftGroup(dir, 3, ELECTION_TIMEOUT_MS)) {
            Path file = TestPki.writeCrls(dir.resolve("crl.pem"), cluster.crl());
            for (RaftPeer p : group.peers) group.start(p.nodeId(), member(group, p.nodeId(), PeerCrl.load(file, List.of(cluster.cert()))));
            Await.until("a leader every node knows", DEADLINE, () -> group.leaders().size() == 1
                    && group.peers.stream().allMatch(p -> group.elector(p.nodeId()).leaderNodeId() != null));

            TestPki.writeCrls(file, cluster.crl(certs.get("n2"))); // the operator revokes n2; no node restarts
            Await.until("n2 cut off and a leader among n0 and n1", DEADLINE, () -> group.elector("n2").leaderNodeId() == null
                    && group.leaders().size() == 1 && !group.leaders().contains("n2"));
            assertTrue(refused("n0", "was revoked on ") || refused("n1", "was revoked on "),
                    tls.get("n0").lastRefusal() + " / " + tls.get("n1").lastRefusal());
            boolean n2Back = Await.holdsWithin(Duration.ofMillis(5L * ELECTION_TIMEOUT_MS),
                    () -> group.elector("n2").leaderNodeId() != null || group.leaders().contains("n2"));
            assertFalse(n2Back, "n2 rejoined: " + group.elector("n2").describe());
        }
    }

    /** A TLS server on a member's raft address that presents {@code identity} and hangs up after each handshake. */
    private final class Impostor implements AutoCloseable {
        private final SSLServerSocket server;
        private final Thread acceptor;

        Impostor(RaftPeer at, TestPki.Identity identity) throws Exception {
            SSLContext context = ((JdkSslContext) SslContextBuilder.forServer(identity.key(), identity.cert())
                    .trustManager(cluster.cert()).clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).build()).context();
            var address = endpoint(at);
            server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(address.getPort(), 16,
                    InetAddress.getByName(address.getIp()));
            acceptor = Thread.ofVirtual().start(this::serve);
        }

        private void serve() {
            while (!server.isClosed()) {
                try (var socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                } catch (IOException e) {
                    // the dialer refused us (or the test is over): next
                }
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join();
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

    /** A jraft RPC client that dials over peer TLS as {@code identity}, like a node's own client. */
    private static RpcClient tlsClient(PeerTls identity) {
        var factory = new PeerTlsRpcFactory();
        RpcClient client = factory.createRpcClient(factory.defaultJRaftClientConfigHelper(new PeerTlsNodeOptions(identity)));
        client.init(new RpcOptions());
        return client;
    }

    private static Endpoint endpoint(RaftGroup group) {
        return endpoint(group.peer("n0"));
    }

    private static Endpoint endpoint(RaftPeer peer) {
        PeerId id = new PeerId();
        assertTrue(id.parse(peer.raftAddress()));
        return id.getEndpoint();
    }

    /** An empty AppendEntries to n0 from a made-up leader at a far higher term. */
    private static RpcRequests.AppendEntriesRequest heartbeat(RaftGroup group) {
        return appendEntries("127.0.0.1:1", group.peer("n0").raftAddress(), FORGED_TERM);
    }

    /** An empty AppendEntries ({@code from}, {@code to}: raft addresses) at {@code term}. */
    private static RpcRequests.AppendEntriesRequest appendEntries(String from, String to, long term) {
        return RpcRequests.AppendEntriesRequest.newBuilder()
                .setGroupId("cairn")
                .setServerId(from)
                .setPeerId(to)
                .setTerm(term)
                .setPrevLogTerm(0)
                .setPrevLogIndex(0)
                .setCommittedIndex(0)
                .build();
    }

    /** A RequestVote (not a pre-vote) from candidate {@code from} at {@code term}, with an empty log. */
    private static RpcRequests.RequestVoteRequest requestVote(String from, String to, long term) {
        return RpcRequests.RequestVoteRequest.newBuilder()
                .setGroupId("cairn")
                .setServerId(from)
                .setPeerId(to)
                .setTerm(term)
                .setLastLogTerm(0)
                .setLastLogIndex(0)
                .setPreVote(false)
                .build();
    }
}
