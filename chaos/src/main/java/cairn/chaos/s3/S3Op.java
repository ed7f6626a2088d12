package cairn.chaos.s3;

import java.net.URI;
import java.util.Map;

/** The S3 operation a request performs, classified from its method, query and conditional headers. */
public enum S3Op {
    GET, HEAD, LIST, PUT, PUT_IF_ABSENT, PUT_IF_MATCH, DELETE, OTHER;

    public static S3Op classify(String method, URI uri, Map<String, String> headersLowerCase) {
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        return switch (method) {
            case "GET" -> query.contains("list-type") || objectKey(uri).isEmpty() ? LIST : GET;
            case "HEAD" -> HEAD;
            case "DELETE" -> DELETE;
            case "PUT" -> headersLowerCase.containsKey("if-none-match") ? PUT_IF_ABSENT
                    : headersLowerCase.containsKey("if-match") ? PUT_IF_MATCH : PUT;
            default -> OTHER;
        };
    }

    /** The object key of a path-style request ({@code /bucket/key}); empty for bucket-level requests. */
    public static String objectKey(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        int slash = path.indexOf('/', 1);
        return slash < 0 ? "" : java.net.URLDecoder.decode(path.substring(slash + 1), java.nio.charset.StandardCharsets.UTF_8);
    }
}
