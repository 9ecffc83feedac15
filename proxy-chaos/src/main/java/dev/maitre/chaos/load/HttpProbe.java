package dev.maitre.chaos.load;

import dev.maitre.chaos.load.Outcome.ErrorKind;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one socket, written out so that the suite decides exactly when a
 * connection is opened, reused and closed, and sees every failure as the kind it is (refused,
 * reset, closed early, timed out) rather than as a library's retry.
 */
final class HttpProbe implements Probe {

    private final int port;
    private final boolean keepAlive;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;

    HttpProbe(int port, boolean keepAlive, int timeoutMillis) {
        this.port = port;
        this.keepAlive = keepAlive;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Outcome get(String path, String sha256) {
        long start = System.nanoTime();
        boolean reused = socket != null;
        try {
            if (socket == null) {
                socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: chaos.test\r\n"
                    + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Outcome outcome = readResponse(start, sha256, reused);
            if (!keepAlive || closeAfter) {
                close();
            }
            return outcome;
        } catch (ConnectException e) {
            close();
            return Outcome.failed(start, ErrorKind.REFUSED, reused);
        } catch (SocketTimeoutException e) {
            close();
            return Outcome.failed(start, ErrorKind.TIMEOUT, reused);
        } catch (EOFException e) {
            close();
            return Outcome.failed(start, ErrorKind.CLOSED, reused);
        } catch (SocketException e) {
            close();
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            return Outcome.failed(start, message.contains("reset") || message.contains("broken pipe")
                    ? ErrorKind.RESET : ErrorKind.OTHER, reused);
        } catch (IOException e) {
            close();
            return Outcome.failed(start, ErrorKind.OTHER, reused);
        }
    }

    private boolean closeAfter;

    private Outcome readResponse(long start, String sha256, boolean reused) throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long contentLength = -1;
        boolean chunked = false;
        String backend = null;
        closeAfter = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                case "x-backend" -> backend = value;
                default -> { }
            }
        }
        MessageDigest digest = sha256 == null ? null : sha256();
        if (chunked) {
            for (long size = Long.parseLong(line().split(";", 2)[0].trim(), 16); size > 0;
                    size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) {
                body(size, digest);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (contentLength >= 0) {
            body(contentLength, digest);
        } else {
            body(Long.MAX_VALUE, digest);
            closeAfter = true;
        }
        boolean digestOk = digest == null || HexFormat.of().formatHex(digest.digest()).equals(sha256);
        return new Outcome(start, System.nanoTime(), status, ErrorKind.NONE, backend, digestOk, reused);
    }

    private final byte[] buffer = new byte[64 * 1024];

    private void body(long length, MessageDigest digest) throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                if (length == Long.MAX_VALUE) {
                    return;
                }
                throw new EOFException("body ended " + left + " bytes early");
            }
            if (digest != null) {
                digest.update(buffer, 0, n);
            }
            left -= n;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed mid-answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
            socket = null;
            in = null;
        }
    }
}
