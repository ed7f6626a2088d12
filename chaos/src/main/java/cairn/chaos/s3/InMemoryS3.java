package cairn.chaos.s3;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3 protocol server for test clusters: s3proxy on its transient (in-memory) backend, AWS v2/v4
 * signatures with fixed test credentials, and the named buckets created up front. Its data lives as long as
 * the process.
 */
public final class InMemoryS3 implements AutoCloseable {
    public static final String IDENTITY = "cairn-jepsen";
    public static final String CREDENTIAL = "cairn-jepsen-secret";

    private final S3Proxy proxy;

    private InMemoryS3(S3Proxy proxy) {
        this.proxy = proxy;
    }

    /** Starts on {@code endpoint} (an http://host:port URI) with {@code buckets} created. */
    public static InMemoryS3 start(URI endpoint, String... buckets) throws Exception {
        Properties p = new Properties();
        p.setProperty("jclouds.provider", "transient");
        BlobStore blobStore = BlobStores.create("transient", p);
        for (String bucket : buckets) blobStore.createContainer(bucket);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
                .build();
        proxy.start();
        return new InMemoryS3(proxy);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
