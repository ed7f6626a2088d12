package cairn.server.node;

import cairn.election.peer.PeerCrl;
import cairn.election.peer.PeerMembers;
import cairn.election.peer.PeerTls;
import cairn.server.config.ConfigException;
import cairn.server.config.HaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [ha] peer_tls_*}: the raft peer channel's TLS, read and checked when the node starts, before anything
 * else opens, so a bad file is a config error naming key and file: the certificate must name this node's id and
 * the optional CRL ({@code peer_tls_crl}) must be signed by the CA, current, and not revoke this node. Not when the config is read: the key is
 * readable by the service user only, and other commands ({@code cairn status}) read the same config.
 */
final class HaPeerTls {
    private static final Logger log = LoggerFactory.getLogger(HaPeerTls.class);
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private HaPeerTls() {}

    /** The node's peer TLS; empty without the keys (then a raft node warns that its channel is plain). */
    static Optional<PeerTls> load(String source, HaConfig ha) {
        if (ha.peerTls().isEmpty()) {
            if (ha.mode() == HaConfig.Mode.RAFT) {
                log.warn("the raft peer channel is not authenticated: set [ha] peer_tls_cert, peer_tls_key and"
                        + " peer_tls_ca, or keep the raft addresses on a private network (SECURITY.md)");
            }
            return Optional.empty();
        }
        HaConfig.PeerTlsFiles files = ha.peerTls().get();
        var pem = new PemFiles(source);
        List<X509Certificate> chain = pem.certificates("ha.peer_tls_cert", files.cert());
        checkOwnerOnly(source, files.key());
        PrivateKey key = pem.privateKey("ha.peer_tls_key", files.key());
        pem.checkPair("ha.peer_tls_cert", chain.get(0), "ha.peer_tls_key", files.key(), key);
        List<X509Certificate> cas = pem.certificates("ha.peer_tls_ca", files.ca());
        PeerCrl crl = files.crl().map(file -> crl(source, file, cas)).orElseGet(PeerCrl::none);
        try {
            PeerTls tls = PeerTls.of(members(ha), chain, key, cas, crl);
            log.info("raft peer channel: mutual TLS as node {} ({}), peers must present a certificate from {} naming their node id{}",
                    ha.nodeId(), tls.subject(), files.ca(), crl.file().map(f -> ", not revoked by " + f + " (" + crl.revokedCount()
                            + " revoked; re-read when it changes)").orElse(""));
            return Optional.of(tls);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": ha.peer_tls_cert: " + files.cert() + ": " + e.getMessage());
        }
    }

    /** Every {@code peers} entry's node id by its raft address, as the raft elector names them. */
    private static PeerMembers members(HaConfig ha) {
        var byAddress = new HashMap<String, String>();
        for (HaConfig.Peer p : ha.peers()) byAddress.put(p.raftAddress().toString(), p.nodeId());
        return new PeerMembers(ha.nodeId(), byAddress);
    }

    private static PeerCrl crl(String source, Path file, List<X509Certificate> cas) {
        try {
            return PeerCrl.load(file, cas);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": ha.peer_tls_crl: " + file + ": " + e.getMessage());
        }
    }

    /** The key must not be readable or writable by group or others. */
    private static void checkOwnerOnly(String source, Path keyFile) {
        var view = Files.getFileAttributeView(keyFile, PosixFileAttributeView.class);
        if (view == null || !Files.exists(keyFile)) return; // no POSIX modes here; a missing file is PemFiles' error
        try {
            var loose = new java.util.HashSet<>(view.readAttributes().permissions());
            loose.retainAll(OTHERS);
            if (!loose.isEmpty()) {
                throw new ConfigException(source + ": ha.peer_tls_key: " + keyFile + ": readable or writable by others "
                        + loose + "; chmod 600 it");
            }
        } catch (IOException e) {
            throw new ConfigException(source + ": ha.peer_tls_key: " + keyFile + ": " + e.getMessage());
        }
    }
}
