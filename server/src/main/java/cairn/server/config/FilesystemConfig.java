package cairn.server.config;

/** {@code [filesystem]}: the quota ({@code ENOSPC} beyond it) and the extent size. */
public record FilesystemConfig(long maxSizeBytes, int extentBytes) {
    public static final FilesystemConfig DEFAULT = new FilesystemConfig(1L << 40, 32 << 10);
}
