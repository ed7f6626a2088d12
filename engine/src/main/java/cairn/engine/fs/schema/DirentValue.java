package cairn.engine.fs.schema;

import cairn.engine.fs.FileType;

import java.nio.ByteBuffer;

/** Value of a directory entry key (dir|name): the child, its type and its readdir cookie. */
public record DirentValue(long ino, FileType type, long cookie) {
    private static final int BYTES = 17;

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putLong(ino).put(TypeCodes.code(type)).putLong(cookie).array();
    }

    public static DirentValue decode(byte[] v) {
        if (v.length != BYTES) throw new IllegalStateException("corrupt dirent value: " + v.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(v);
        return new DirentValue(b.getLong(), TypeCodes.type(b.get()), b.getLong());
    }
}
