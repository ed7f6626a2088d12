package cairn.server.config;

import java.nio.file.Path;

/**
 * {@code [raft_tls]}: mutual TLS on the raft peer channel. {@code keystore} is a PKCS#12 file holding this
 * node's private key and certificate and the cluster CA as a trusted certificate; a peer is accepted only with a
 * certificate that CA signed (sofa-bolt's SSL, both directions).
 */
public record RaftTlsConfig(Path keystore, String password) {
    @Override
    public String toString() {
        return "RaftTlsConfig[keystore=" + keystore + ", password=***]";
    }
}
