package cairn.election.peer;

import com.alipay.remoting.config.BoltClientOption;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRaftRpcFactory;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.alipay.sofa.jraft.util.SPI;

/**
 * jraft's Bolt transport, with {@link PeerTls} on the connections a node opens to its peers when its options
 * carry it ({@link PeerTlsNodeOptions}); plain Bolt otherwise.
 *
 * <p>jraft makes each node's RPC client through the one {@code RaftRpcFactory} it finds by {@link SPI} (the
 * highest priority wins; jraft's own is 0), and hands the factory that node's options. The options object is
 * the node's own, so each node of a JVM gets its own TLS identity: unlike Bolt's {@code bolt.*.ssl.*} system
 * properties, which are one setting for every node in the JVM.
 */
@SPI(priority = 10)
public class PeerTlsRpcFactory extends BoltRaftRpcFactory {

    @Override
    public ConfigHelper<RpcClient> defaultJRaftClientConfigHelper(RpcOptions opts) {
        ConfigHelper<RpcClient> inherited = super.defaultJRaftClientConfigHelper(opts);
        if (!(opts instanceof PeerTlsNodeOptions tls)) return inherited;
        return client -> {
            if (inherited != null) inherited.config(client);
            ((BoltRpcClient) client).getRpcClient()
                    .option(BoltClientOption.EXTENDED_NETTY_CHANNEL_HANDLER, tls.peerTls().clientHandlers());
        };
    }

    /** Fails unless jraft picked this factory (or a subclass): without it the client side would not use TLS. */
    public static void requireInstalled() {
        var factory = RpcFactoryHelper.rpcFactory();
        if (!(factory instanceof PeerTlsRpcFactory)) {
            throw new IllegalStateException("peer TLS needs jraft's RPC factory to be " + PeerTlsRpcFactory.class.getName()
                    + " (META-INF/services/com.alipay.sofa.jraft.rpc.RaftRpcFactory), but it is " + factory.getClass().getName());
        }
    }
}
