package cairn.election.peer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who the raft peers are, for peer TLS: this node's id and every member's id (this node and any witness
 * included) by its raft address ({@code host:port}, as in {@code peers}). A peer certificate must name the id of
 * the member it belongs to ({@link CertNames}).
 */
public record PeerMembers(String self, Map<String, String> idByRaftAddress) {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    public PeerMembers {
        idByRaftAddress = Map.copyOf(idByRaftAddress);
        if (!idByRaftAddress.containsValue(self)) {
            throw new IllegalArgumentException("node " + self + " is not among the members " + new TreeSet<>(idByRaftAddress.values()));
        }
    }

    /** Every member's id, sorted. */
    public Set<String> ids() {
        return new TreeSet<>(idByRaftAddress.values());
    }

    /**
     * The id of the member whose raft address is {@code dialed}: the same host name (case aside) or, for an IP
     * literal, the same address, and the same port.
     */
    public Optional<String> idAt(InetSocketAddress dialed) {
        for (var e : idByRaftAddress.entrySet()) {
            String address = e.getKey();
            int colon = address.lastIndexOf(':');
            if (colon < 0 || !address.substring(colon + 1).equals(Integer.toString(dialed.getPort()))) continue;
            String host = address.substring(0, colon).replace("[", "").replace("]", "");
            if (host.equalsIgnoreCase(dialed.getHostString()) || sameIp(host, dialed.getAddress())) return Optional.of(e.getValue());
        }
        return Optional.empty();
    }

    private static boolean sameIp(String host, InetAddress address) {
        if (address == null || !IP_LITERAL.matcher(host).matches()) return false;
        try {
            return InetAddress.getByName(host).equals(address); // a literal: no name lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
