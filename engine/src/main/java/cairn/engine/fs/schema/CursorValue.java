package cairn.engine.fs.schema;

import cairn.engine.fs.FileType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Value of a directory cursor key (dir|cookie): what readdir returns for that cookie. Only (name, ino, type),
 * never a copy of the inode, so attribute changes never rewrite directory keys.
 */
public record CursorValue(long ino, FileType type, String name) {

    public byte[] encode() {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(9 + n.length).putLong(ino).put(TypeCodes.code(type)).put(n).array();
    }

    public static CursorValue decode(byte[] v) {
        if (v.length < 10) throw new IllegalStateException("corrupt cursor value: " + v.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(v);
        long ino = b.getLong();
        FileType type = TypeCodes.type(b.get());
        return new CursorValue(ino, type, new String(v, 9, v.length - 9, StandardCharsets.UTF_8));
    }
}
