package dev.maitre.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /}: the dashboard, one self-contained page that reads {@code /api/clusters},
 * {@code /api/events}, {@code /api/history}, {@code /api/listeners} and {@code /metrics} every two
 * seconds and shows each cluster's charts of the last 15 minutes (requests per second, error rate,
 * latency percentiles, its backends' health states as bands, drawn as SVG by the page's own script),
 * its backends with their states and rates, the listeners and routes, and recent events; its buttons
 * drain and enable backends.
 *
 * <p>The page is served under a Content Security Policy that allows its own inline script and
 * style by their hashes, computed here from the page itself, and nothing else: no other script,
 * no framing, requests to the admin API only.
 */
final class DashboardResource implements AdminResource {

    private static final String PAGE = "dashboard.html";
    private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
    private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

    private final byte[] page;
    private final String policy;

    DashboardResource() {
        try (InputStream in = DashboardResource.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is missing from the jar");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = new String(page, StandardCharsets.UTF_8);
        policy = "default-src 'none'; script-src " + hashes(SCRIPT, text) + "; style-src " + hashes(STYLE, text)
                + "; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches()) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/", "GET");
        }
        return AdminResponse.html(page, policy);
    }

    /** The CSP source of each element {@code element} matches in {@code page}, by its SHA-256. */
    private static String hashes(Pattern element, String page) {
        StringBuilder sources = new StringBuilder();
        Matcher m = element.matcher(page);
        while (m.find()) {
            // browsers hash the element's text as parsed, where every line ends in LF
            byte[] content = m.group(1).replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
            sources.append(sources.length() == 0 ? "" : " ").append("'sha256-")
                    .append(Base64.getEncoder().encodeToString(sha256(content))).append('\'');
        }
        if (sources.length() == 0) {
            throw new IllegalStateException(PAGE + " has no " + element.pattern() + " element to allow");
        }
        return sources.toString();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
