package cairn.engine.lsm.manifest;

/**
 * What the manifest records about one SST: its object id ({@code sst/<id>}), its key range and size.
 * A stand-in for the SST descriptor of {@code cairn.engine.lsm.sst}; the manifest codec is the only place that
 * encodes it, so swapping it for the richer descriptor touches one class.
 */
public record SstHandle(String id, byte[] firstKey, byte[] lastKey, long sizeBytes, long maxSeq) {

    public String objectKey() {
        return "sst/" + id;
    }
}
