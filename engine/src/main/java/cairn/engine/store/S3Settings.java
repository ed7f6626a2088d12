package cairn.engine.store;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach an S3-compatible service. {@code endpoint} null means AWS for {@code region}; {@code accessKeyId}
 * null means the SDK's default credential chain (environment, profile, instance role).
 */
public record S3Settings(URI endpoint, String region, boolean pathStyle, String accessKeyId, String secretAccessKey,
                         Duration requestTimeout, int connectionsMax) {

    public S3Settings {
        if (region == null || region.isBlank()) throw new IllegalArgumentException("region is required");
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("give both access key id and secret access key, or neither");
        }
        if (connectionsMax <= 0) throw new IllegalArgumentException("connectionsMax must be positive");
    }

    /** AWS in us-east-1, default credential chain, 30 s per request, 64 connections. */
    public static S3Settings defaults() {
        return new S3Settings(null, "us-east-1", false, null, null, Duration.ofSeconds(30), 64);
    }

    /** A non-AWS endpoint (MinIO, Ceph, s3proxy) with path-style addressing. */
    public S3Settings withEndpoint(URI endpoint) {
        return new S3Settings(endpoint, region, true, accessKeyId, secretAccessKey, requestTimeout, connectionsMax);
    }

    public S3Settings withRegion(String region) {
        return new S3Settings(endpoint, region, pathStyle, accessKeyId, secretAccessKey, requestTimeout, connectionsMax);
    }

    public S3Settings withPathStyle(boolean pathStyle) {
        return new S3Settings(endpoint, region, pathStyle, accessKeyId, secretAccessKey, requestTimeout, connectionsMax);
    }

    public S3Settings withStaticCredentials(String accessKeyId, String secretAccessKey) {
        return new S3Settings(endpoint, region, pathStyle, accessKeyId, secretAccessKey, requestTimeout, connectionsMax);
    }

    public S3Settings withRequestTimeout(Duration requestTimeout) {
        return new S3Settings(endpoint, region, pathStyle, accessKeyId, secretAccessKey, requestTimeout, connectionsMax);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyle
                + ", credentials=" + (accessKeyId == null ? "default chain" : "static " + accessKeyId)
                + ", requestTimeout=" + requestTimeout + ", connectionsMax=" + connectionsMax + "]";
    }
}
