package cairn.server.config;

import java.util.Optional;

/** {@code [aws]}: S3 client settings; absent values fall back to the AWS SDK's default chain. */
public record AwsConfig(
        Optional<String> endpoint,
        Optional<String> region,
        Optional<String> accessKeyId,
        Optional<String> secretAccessKey,
        boolean pathStyle) {

    public static final AwsConfig DEFAULT =
            new AwsConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);

    @Override
    public String toString() {
        return "AwsConfig[endpoint=" + endpoint + ", region=" + region + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=" + secretAccessKey.map(s -> "***") + ", pathStyle=" + pathStyle + "]";
    }
}
