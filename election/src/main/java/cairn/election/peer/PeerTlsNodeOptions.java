package cairn.election.peer;

import com.alipay.sofa.jraft.option.NodeOptions;

/** A jraft node's options that also carry its peer TLS identity, for {@link PeerTlsRpcFactory}. */
public final class PeerTlsNodeOptions extends NodeOptions {
    private final PeerTls peerTls;

    public PeerTlsNodeOptions(PeerTls peerTls) {
        this.peerTls = peerTls;
    }

    PeerTls peerTls() {
        return peerTls;
    }
}
