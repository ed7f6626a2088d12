package cairn.protocols.ninep.wire;

import java.nio.charset.StandardCharsets;

/** One Rreaddir entry; {@code offset} is the cookie that resumes the listing after it. */
public record Dirent(Qid qid, long offset, int type, String name) {

    /** qid[13] offset[8] type[1] name[s]. */
    public int wireBytes() {
        return Qid.BYTES + 8 + 1 + 2 + name.getBytes(StandardCharsets.UTF_8).length;
    }
}
