package cairn.election.peer;

import com.alipay.remoting.Connection;
import io.netty.channel.Channel;
import java.util.Optional;

/**
 * The member an accepted raft connection authenticated as, kept on Bolt's connection object: jraft hands that
 * object to its request processors (as {@link com.alipay.sofa.jraft.rpc.Connection}), so the server side's
 * handshake guard records the member here and {@link SenderCheckedProcessor} reads it for every request. Bolt
 * makes the object when it sets the channel up, before any TLS handshake can complete.
 */
final class ConnectionMember {
    static final String ATTRIBUTE = "cairn.peer-tls.member";

    private ConnectionMember() {}

    /** Records that {@code channel} authenticated as member {@code id}; false if Bolt has no connection on it. */
    static boolean record(Channel channel, String id) {
        Connection connection = channel.attr(Connection.CONNECTION).get();
        if (connection == null) return false;
        connection.setAttribute(ATTRIBUTE, id);
        return true;
    }

    /** The member {@code connection} (null: none) authenticated as, if it did. */
    static Optional<String> of(com.alipay.sofa.jraft.rpc.Connection connection) {
        if (connection != null && connection.getAttribute(ATTRIBUTE) instanceof String id) return Optional.of(id);
        return Optional.empty();
    }
}
