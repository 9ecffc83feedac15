package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.ListenerLimits;
import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.RequestHeadParser;
import dev.maitre.engine.http1.RequestVerdict;
import dev.maitre.engine.testing.FuzzInputs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

/**
 * The byte-level request head parser against the decoding it is to replace (the strict Netty
 * decoder and the request validation): for every input, the same verdict, the same answer when
 * refused, and the same request line and fields when accepted. Inputs are the requests the decoding
 * tests send, the fuzz seeds, and variations of them with bytes changed, added and removed.
 */
class RequestHeadDifferentialTest {

    private static final ListenerLimits LIMITS = new ListenerLimits(64, 256, 1 << 20, 10);
    private static final ListenerLimits ROOMY = new ListenerLimits(8192, 16384, 1 << 20, 10);
    private static final Path TESTS = Path.of("src/test/java/dev/maitre/engine/http");
    private static final Path SEEDS = Path.of("src/test/resources/dev/maitre/engine/http/RequestDecodingFuzzTestInputs");
    private static final byte[] INTERESTING = " \t\r\n:,;0a\u0000\u000b\u007f\u0080\u00ff/HTtp.-".getBytes(StandardCharsets.ISO_8859_1);

    private final RequestHead head = new RequestHead();
    /** How often each verdict was reached: every one must be, or the inputs miss a rule. */
    private final EnumMap<RequestVerdict, Integer> seen = new EnumMap<>(RequestVerdict.class);

    @Test
    void agreesOnTheDecodingTestsInputsAndTheFuzzSeeds() throws IOException {
        List<byte[]> inputs = collectedInputs();
        assertThat(inputs).hasSizeGreaterThan(100);
        for (byte[] input : inputs) {
            assertAgree(input, LIMITS);
            assertAgree(input, ROOMY);
        }
    }

    @Test
    void agreesOnVariationsOfThem() throws IOException {
        List<byte[]> bases = collectedInputs();
        Random random = new Random(42);
        for (int n = 0; n < 60_000; n++) {
            byte[] input = vary(bases.get(random.nextInt(bases.size())), random);
            assertAgree(input, n % 2 == 0 ? LIMITS : ROOMY);
        }
    }

    @Test
    void agreesOnHeadsPutTogetherFromTrickyParts() {
        Random random = new Random(7);
        for (int n = 0; n < 40_000; n++) {
            StringBuilder text = new StringBuilder();
            text.append(pick(random, LEADING)).append(pick(random, METHODS)).append(' ')
                    .append(pick(random, TARGETS)).append(' ').append(pick(random, VERSIONS)).append("\r\n");
            int fields = random.nextInt(5);
            for (int f = 0; f < fields; f++) {
                text.append(pick(random, FIELDS)).append(pick(random, ENDS));
            }
            text.append(pick(random, ENDS)).append(pick(random, AFTER));
            byte[] input = bytes(text.toString());
            assertAgree(input, n % 3 == 0 ? LIMITS : ROOMY);
            if (n % 4 == 0) {
                assertAgree(vary(input, random), ROOMY);
            }
        }
        assertThat(seen.keySet()).containsAll(EnumSet.complementOf(EnumSet.of(
                RequestVerdict.REQUEST_LINE_TOO_LONG, RequestVerdict.HEAD_TOO_LARGE)));
    }

    private static final String[] LEADING = {"", "", "", "\r\n", "\n", "\r\n\r\n"};
    private static final String[] METHODS = {"GET", "POST", "HEAD", "CONNECT", "connect", "PUT", "G@T", "GET\u00e9",
        "M-SEARCH", "PRI", "!#$%&'*+-.^_`|~"};
    private static final String[] TARGETS = {"/", "/a?b=c", "*", "http://a.example/x", "a.example:443", "/%2e%2e/",
        "/a;b/../c", "/\u00e9", "//x", "/a#f", "/a b"};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/1.9", "HTTP/2.0", "HTTP/0.9",
        "http/1.1", "HTTP/1.10", "HTTP/1.", "HTTP/11", "HTTP/1.1 ", "HTTP/a.1", "HTTP/9.9", "HTTP/1.1x"};
    private static final String[] FIELDS = {"Host: a.example", "Host: a.example", "host: b.example:8080", "Host:",
        "Host: [::1]:80", "Host: a b", "Content-Length: 5", "Content-Length: 0", "content-length:  7 ",
        "Content-Length: 05", "Content-Length: +5", "Content-Length: 5, 5", "Content-Length: 1234567890123456789",
        "Content-Length: 99999999999999999999", "Content-Length:", "Content-Length: -1",
        "Transfer-Encoding: chunked", "transfer-encoding: CHUNKED", "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: chunked, gzip", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, chunked",
        "Transfer-Encoding:", "Transfer-Encoding: ,chunked", "Transfer-Encoding: chunked,", "Transfer-Encoding: identity",
        "Connection: close", "Connection: keep-alive", "Connection: Keep-Alive, Upgrade", "Connection: x, close",
        "X-A: b", "X-A:b", "X-A:\tb\t", "X-A: \u00e9", "X-A: a\u0001b", "X-A: a\u007fb", "X-A : b", " X-A: b",
        "X-A b", ":b", "X\u00e9: b", "X-A: \u000bb", "X-A:\u001cb", "X-A: b\rc", "X-A: b\u0000"};
    private static final String[] ENDS = {"\r\n", "\r\n", "\r\n", "\n", "\r", ""};
    private static final String[] AFTER = {"", "", "hello", "0\r\n\r\n", "GET / HTTP/1.1\r\n\r\n"};

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    @Test
    void agreesAroundTheLimits() {
        for (int length = 50; length < 80; length++) {
            String target = "/" + "a".repeat(length - 16);
            assertAgree(bytes("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n"), LIMITS);
            assertAgree(bytes("\r\n".repeat(length / 2) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), LIMITS);
            assertAgree(bytes("\r\n".repeat(length / 2)), LIMITS);
            assertAgree(bytes("GET " + target), LIMITS);
        }
        for (int length = 230; length < 270; length++) {
            String value = "v".repeat(length - 20);
            assertAgree(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + value + "\r\n\r\n"), LIMITS);
            assertAgree(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + value), LIMITS);
            assertAgree(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + value + "\n\r\n"), LIMITS);
        }
        assertThat(seen).containsKeys(RequestVerdict.REQUEST_LINE_TOO_LONG, RequestVerdict.HEAD_TOO_LARGE,
                RequestVerdict.COMPLETE, RequestVerdict.NEED_MORE, RequestVerdict.MALFORMED);
    }

    /** Arbitrary bytes; {@code JAZZER_FUZZ=1} fuzzes (see README), otherwise the seeds are replayed. */
    @FuzzTest(maxDuration = "60s")
    void agreesOnArbitraryBytes(byte[] input) {
        assertAgree(input, LIMITS);
        assertAgree(input, ROOMY);
    }

    private void assertAgree(byte[] input, ListenerLimits limits) {
        String today = today(input, limits);
        ByteBuf buffer = Unpooled.wrappedBuffer(input);
        RequestVerdict verdict = new RequestHeadParser(limits.maxRequestLineBytes(), limits.maxHeaderBytes())
                .parse(buffer, head);
        seen.merge(verdict, 1, Integer::sum);
        String parsed = verdict == RequestVerdict.COMPLETE ? describe(head) : verdict.name();
        assertThat(parsed).as("%s (limits %d/%d)", FuzzInputs.printable(input), limits.maxRequestLineBytes(),
                limits.maxHeaderBytes()).isEqualTo(today);
        // In pieces, without the empty lines before the request line: they count against its limit
        // however they arrive, which the whole input checks; Netty's decoder counted only those that
        // came in the same read as the line.
        int leading = 0;
        while (leading < input.length && (input[leading] == '\r' || input[leading] == '\n')) {
            leading++;
        }
        byte[] rest = java.util.Arrays.copyOfRange(input, leading, input.length);
        int[] cuts = FuzzInputs.cuts(rest, 1 + rest.length / 3);
        assertThat(inPieces(rest, cuts, limits)).as("in pieces %s: %s", java.util.Arrays.toString(cuts),
                FuzzInputs.printable(rest)).isEqualTo(today(rest, cuts, limits));
    }

    /**
     * The same bytes in pieces, resuming after each, and moved to another buffer at another reader
     * index between some of them (as a cumulation is copied): the first verdict that is not
     * NEED_MORE, as {@link #assertAgree} describes it.
     */
    private String inPieces(byte[] input, int[] cuts, ListenerLimits limits) {
        RequestHeadParser parser = new RequestHeadParser(limits.maxRequestLineBytes(), limits.maxHeaderBytes());
        ByteBuf buffer = Unpooled.buffer();
        int from = 0;
        RequestVerdict verdict = RequestVerdict.NEED_MORE;
        try {
            for (int piece = 0; piece <= cuts.length && verdict == RequestVerdict.NEED_MORE; piece++) {
                int to = piece < cuts.length ? from + cuts[piece] : input.length;
                if (piece % 2 == 1) {
                    ByteBuf moved = Unpooled.buffer();
                    moved.writeZero(piece % 5).readerIndex(piece % 5).writeBytes(buffer);
                    buffer.release();
                    buffer = moved;
                }
                buffer.writeBytes(input, from, to - from);
                from = to;
                verdict = parser.resume(buffer, head);
            }
            return verdict == RequestVerdict.COMPLETE ? describe(head) : verdict.name();
        } finally {
            buffer.release();
        }
    }

    /** Today's reading: the rejection's name in the parser's terms, NEED_MORE, or the request described. */
    private static String today(byte[] input, ListenerLimits limits) {
        return today(input, new int[] {input.length}, limits);
    }

    /** As {@link #today(byte[], ListenerLimits)}, the input arriving in pieces of these lengths. */
    private static String today(byte[] input, int[] cuts, ListenerLimits limits) {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(StrictRequestDecoder.decoderConfig(limits)));
        try {
            Object first = null;
            int from = 0;
            for (int piece = 0; piece < cuts.length && first == null; piece++) {
                channel.writeInbound(Unpooled.wrappedBuffer(input, from, cuts[piece]));
                from += cuts[piece];
                first = channel.readInbound();
            }
            if (first == null) {
                return RequestVerdict.NEED_MORE.name();
            }
            try {
                HttpRequest request = (HttpRequest) first;
                Rejection rejection = ReferenceValidation.validate(request);
                if (rejection == null || semantic(request, rejection)) {
                    return describe(request);
                }
                return switch (rejection) {
                    case URI_TOO_LONG -> RequestVerdict.REQUEST_LINE_TOO_LONG.name();
                    case HEADERS_TOO_LARGE -> RequestVerdict.HEAD_TOO_LARGE.name();
                    default -> rejection.name();
                };
            } finally {
                ReferenceCountUtil.release(first);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Refused on what the head's values mean (Host, the target's form): the parser leaves that to its caller. */
    private static boolean semantic(HttpRequest request, Rejection rejection) {
        if (request.decoderResult().isFailure()) {
            return false;
        }
        return rejection == Rejection.BAD_HOST || rejection == Rejection.AMBIGUOUS_PATH
                || (rejection == Rejection.MALFORMED && RequestValidator.isToken(request.method().name())
                        && ReferenceValidation.target(request) == null);
    }

    private static String describe(HttpRequest request) {
        StringBuilder out = new StringBuilder();
        out.append(request.method().name()).append(' ').append(request.uri()).append(" HTTP/1.")
                .append(request.protocolVersion().minorVersion()).append('\n');
        for (Map.Entry<String, String> field : request.headers()) {
            out.append(field.getKey()).append(": ").append(field.getValue()).append('\n');
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        out.append("length ").append(chunked ? -1 : HttpUtil.getContentLength(request, -1L))
                .append(" chunked ").append(chunked)
                .append(" keep-alive ").append(HttpUtil.isKeepAlive(request))
                .append(" hosts ").append(request.headers().getAll(HttpHeaderNames.HOST).size());
        return out.toString();
    }

    private static String describe(RequestHead head) {
        StringBuilder out = new StringBuilder();
        out.append(head.method()).append(' ').append(head.target()).append(" HTTP/1.")
                .append(head.minorVersion()).append('\n');
        for (int i = 0; i < head.fieldCount(); i++) {
            out.append(head.name(i)).append(": ").append(head.value(i)).append('\n');
        }
        out.append("length ").append(head.contentLength())
                .append(" chunked ").append(head.chunked())
                .append(" keep-alive ").append(head.keepAlive())
                .append(" hosts ").append(head.hostCount());
        return out.toString();
    }

    /** One to three bytes changed, added or removed, or the input cut short. */
    private static byte[] vary(byte[] base, Random random) {
        byte[] input = base;
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes && input.length > 0; c++) {
            int at = random.nextInt(input.length);
            byte b = INTERESTING[random.nextInt(INTERESTING.length)];
            switch (random.nextInt(4)) {
                case 0 -> {
                    input = input.clone();
                    input[at] = b;
                }
                case 1 -> {
                    byte[] longer = new byte[input.length + 1];
                    System.arraycopy(input, 0, longer, 0, at);
                    longer[at] = b;
                    System.arraycopy(input, at, longer, at + 1, input.length - at);
                    input = longer;
                }
                case 2 -> {
                    byte[] shorter = new byte[input.length - 1];
                    System.arraycopy(input, 0, shorter, 0, at);
                    System.arraycopy(input, at + 1, shorter, at, input.length - at - 1);
                    input = shorter;
                }
                default -> {
                    byte[] cut = new byte[at];
                    System.arraycopy(input, 0, cut, 0, at);
                    input = cut;
                }
            }
        }
        return input;
    }

    /** The fuzz seeds, and the string literals (joined where concatenated) of the decoding tests. */
    private static List<byte[]> collectedInputs() throws IOException {
        List<byte[]> inputs = new ArrayList<>();
        try (Stream<Path> seeds = Files.list(SEEDS)) {
            for (Path seed : (Iterable<Path>) seeds::iterator) {
                if (!Files.isRegularFile(seed)) {
                    // A fuzzing run's own corpus directory.
                    continue;
                }
                inputs.add(Files.readAllBytes(seed));
            }
        }
        Pattern literals = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"(?:\\s*\\+\\s*\"((?:[^\"\\\\]|\\\\.)*)\")*");
        Pattern one = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String test : List.of("RequestDecoderTest.java", "RequestValidatorTest.java", "StrictParsingIT.java")) {
            Matcher joined = literals.matcher(Files.readString(TESTS.resolve(test)));
            while (joined.find()) {
                StringBuilder text = new StringBuilder();
                Matcher parts = one.matcher(joined.group());
                while (parts.find()) {
                    text.append(unescape(parts.group(1)));
                }
                if (text.indexOf("HTTP") >= 0 || text.indexOf("\n") >= 0) {
                    inputs.add(text.toString().getBytes(StandardCharsets.ISO_8859_1));
                    inputs.add((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        }
        return inputs;
    }

    private static String unescape(String literal) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c != '\\' || i + 1 == literal.length()) {
                out.append(c);
                continue;
            }
            char e = literal.charAt(++i);
            switch (e) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '0' -> out.append('\0');
                case 'u' -> {
                    out.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
