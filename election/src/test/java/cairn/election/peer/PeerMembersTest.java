package cairn.election.peer;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which member a dialed raft address belongs to. */
class PeerMembersTest {

    private final PeerMembers members = new PeerMembers("a", Map.of(
            "127.0.0.1:7000", "a", "Node-B.example:7001", "b", "[::1]:7002", "c"));

    @Test
    void anAddressIsMatchedByHostNameOrIpLiteralAndPort() throws Exception {
        assertEquals(Set.of("a", "b", "c"), members.ids());
        assertEquals(Optional.of("a"), members.idAt(new InetSocketAddress("127.0.0.1", 7000)));
        assertEquals(Optional.of("b"), members.idAt(InetSocketAddress.createUnresolved("node-b.example", 7001)));
        assertEquals(Optional.of("c"), members.idAt(new InetSocketAddress(InetAddress.getByName("::1"), 7002)));
        assertEquals(Optional.empty(), members.idAt(new InetSocketAddress("127.0.0.1", 7001)), "another member's port");
        assertEquals(Optional.empty(), members.idAt(new InetSocketAddress("127.0.0.2", 7000)));
    }

    @Test
    void thisNodeMustBeAMember() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PeerMembers("z", Map.of("127.0.0.1:7000", "a")));
        assertEquals("node z is not among the members [a]", e.getMessage());
    }
}
