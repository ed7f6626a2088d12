package cairn.engine.lsm.manifest;

/**
 * What the manifest records about one SST: its object id ({@code sst/<id>}), key range, size, highest seq, and
 * the table format's own opaque descriptor (for the block format: the encoded {@code SstInfo}, so the SST
 * opens without a footer read).
 */
public record SstHandle(String id, byte[] firstKey, byte[] lastKey, long sizeBytes, long maxSeq, byte[] descriptor) {

    public String objectKey() {
        return "sst/" + id;
    }
}
