package dev.maitre.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.x message read off a socket byte by byte, exactly as it arrived: start line, header
 * lines (repeated names kept), body and trailers. Used by tests on both sides of the proxy.
 */
public final class HttpMessage {

    private final String startLine;
    private final List<String[]> headers;
    private final byte[] body;
    private final List<String[]> trailers;

    HttpMessage(String startLine, List<String[]> headers, byte[] body, List<String[]> trailers) {
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
        this.trailers = trailers;
    }

    public String startLine() {
        return startLine;
    }

    /** The status code of a response. */
    public int status() {
        return Integer.parseInt(startLine.split(" ")[1]);
    }

    public String method() {
        return startLine.split(" ")[0];
    }

    public String target() {
        return startLine.split(" ")[1];
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    public String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                values.add(h[1]);
            }
        }
        return values;
    }

    public Map<String, String> headerMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String[] h : headers) {
            map.merge(h[0].toLowerCase(Locale.ROOT), h[1], (a, b) -> a + ", " + b);
        }
        return map;
    }

    public String trailer(String name) {
        for (String[] h : trailers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    public byte[] body() {
        return body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return startLine + " " + headerMap() + " (" + body.length + " body bytes)";
    }

    /** Reads a request (no body unless framed by Content-Length or chunked). */
    public static HttpMessage readRequest(InputStream in) throws IOException {
        return read(in, false, false);
    }

    /**
     * Reads a response; {@code bodyless} for answers to HEAD. 1xx answers are returned as they are.
     * A response without framing is read until the connection closes.
     */
    public static HttpMessage readResponse(InputStream in, boolean bodyless) throws IOException {
        return read(in, true, bodyless);
    }

    /**
     * Reads a message's start line and header fields only, leaving its body in {@code in}: for
     * bodies too large to hold, or that only come after an interim answer.
     */
    public static HttpMessage readHead(InputStream in) throws IOException {
        String start = readLine(in);
        if (start == null) {
            throw new EOFException("connection closed before a message");
        }
        return new HttpMessage(start, readFields(in), new byte[0], List.of());
    }

    /** True when the message's body is framed by chunked transfer coding. */
    public boolean isChunked() {
        String te = header("transfer-encoding");
        return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** The Content-Length of the message, or -1 when it has none. */
    public long contentLength() {
        String cl = header("content-length");
        return cl == null ? -1 : Long.parseLong(cl.trim());
    }

    private static HttpMessage read(InputStream in, boolean response, boolean bodyless) throws IOException {
        String start = readLine(in);
        if (start == null) {
            throw new EOFException("connection closed before a message");
        }
        List<String[]> headers = readFields(in);
        String te = null;
        String cl = null;
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase("transfer-encoding")) {
                te = h[1];
            } else if (h[0].equalsIgnoreCase("content-length")) {
                cl = h[1];
            }
        }
        List<String[]> trailers = new ArrayList<>();
        byte[] body;
        int status = response ? Integer.parseInt(start.split(" ")[1]) : 0;
        if (bodyless || (response && (status < 200 || status == 204 || status == 304))) {
            body = new byte[0];
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new EOFException("connection closed in a chunked body");
                }
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    trailers = readFields(in);
                    break;
                }
                out.write(in.readNBytes(size));
                readLine(in);
            }
            body = out.toByteArray();
        } else if (cl != null) {
            int length = Integer.parseInt(cl.trim());
            body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
            }
        } else if (response) {
            body = in.readAllBytes();
        } else {
            body = new byte[0];
        }
        return new HttpMessage(start, headers, body, trailers);
    }

    private static List<String[]> readFields(InputStream in) throws IOException {
        List<String[]> fields = new ArrayList<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
        }
        return fields;
    }

    /** A line without its CRLF, or null at end of stream. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
