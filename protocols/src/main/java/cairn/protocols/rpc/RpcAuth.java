package cairn.protocols.rpc;

import io.netty.buffer.Unpooled;

/** The credential of a call: the flavors Cairn accepts (RFC 5531 section 8 and appendix A). */
public sealed interface RpcAuth {
    int FLAVOR_NONE = 0;
    int FLAVOR_SYS = 1;
    /** RFC 5531: credential and verifier bodies are at most 400 bytes. */
    int BODY_BYTES_MAX = 400;
    /** AUTH_SYS carries at most 16 supplementary groups. */
    int GROUPS_MAX = 16;
    int MACHINE_NAME_BYTES_MAX = 255;

    int flavor();

    record None() implements RpcAuth {
        public int flavor() {
            return FLAVOR_NONE;
        }
    }

    record Sys(int stamp, String machine, int uid, int gid, int[] gids) implements RpcAuth {
        public Sys {
            gids = gids.clone();
        }

        public int flavor() {
            return FLAVOR_SYS;
        }
    }

    RpcAuth NONE = new None();

    /** Encodes the credential (flavor and body). */
    static void write(XdrWriter w, RpcAuth auth) {
        switch (auth) {
            case None n -> w.writeInt(FLAVOR_NONE).writeInt(0);
            case Sys s -> {
                var body = Unpooled.buffer(64);
                var b = new XdrWriter(body);
                b.writeInt(s.stamp()).writeString(s.machine()).writeInt(s.uid()).writeInt(s.gid())
                        .writeInt(s.gids().length);
                for (int g : s.gids()) b.writeInt(g);
                byte[] bytes = new byte[body.readableBytes()];
                body.readBytes(bytes);
                body.release();
                w.writeInt(FLAVOR_SYS).writeOpaque(bytes);
            }
        }
    }
}
