package cairn.engine.fs;

/** Major and minor number of a device node. */
public record DeviceNumber(int major, int minor) {
    public static final DeviceNumber NONE = new DeviceNumber(0, 0);
}
