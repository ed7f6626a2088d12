package cairn.protocols.nfs;

import cairn.engine.fs.Caller;
import cairn.protocols.rpc.RpcAuth;

import java.net.InetAddress;
import java.util.List;

/**
 * How the volume is exported: read-only, identity squashing (as exports(5): root_squash maps uid 0, all_squash
 * maps everyone, to anonuid/anongid) and the client networks allowed to mount and call. Privileged source
 * ports are never required (guests behind user-mode networking arrive from high ports).
 */
public record NfsExportOptions(boolean readOnly, Squash squash, int anonUid, int anonGid, List<Cidr> allowedClients) {

    public enum Squash { NONE, ROOT, ALL }

    /** Read-write, no squashing, every client: a single-tenant disk. */
    public static final NfsExportOptions DEFAULT =
            new NfsExportOptions(false, Squash.NONE, 65534, 65534, List.of(Cidr.ANY_V4, Cidr.ANY_V6));

    public NfsExportOptions {
        allowedClients = List.copyOf(allowedClients);
    }

    public boolean allows(InetAddress client) {
        for (Cidr c : allowedClients) if (c.contains(client)) return true;
        return false;
    }

    /** The identity a credential acts as after squashing; AUTH_NONE is the anonymous user. */
    public Caller caller(RpcAuth auth) {
        var anonymous = new Caller(anonUid, anonGid, new int[0]);
        return switch (auth) {
            case RpcAuth.None n -> anonymous;
            case RpcAuth.Sys s -> switch (squash) {
                case ALL -> anonymous;
                case ROOT -> s.uid() == 0 ? anonymous : new Caller(s.uid(), s.gid() == 0 ? anonGid : s.gid(), s.gids());
                case NONE -> new Caller(s.uid(), s.gid(), s.gids());
            };
        };
    }

    public NfsExportOptions withReadOnly(boolean value) {
        return new NfsExportOptions(value, squash, anonUid, anonGid, allowedClients);
    }

    public NfsExportOptions withSquash(Squash value) {
        return new NfsExportOptions(readOnly, value, anonUid, anonGid, allowedClients);
    }

    public NfsExportOptions withAllowedClients(List<Cidr> value) {
        return new NfsExportOptions(readOnly, squash, anonUid, anonGid, value);
    }
}
