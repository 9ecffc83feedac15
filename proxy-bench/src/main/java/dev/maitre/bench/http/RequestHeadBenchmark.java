package dev.maitre.bench.http;

import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.RequestHeadParser;
import dev.maitre.engine.http1.RequestVerdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of reading one request head: maitre's byte-level {@link RequestHeadParser} ({@code
 * MAITRE}) against Netty's {@code HttpRequestDecoder} with the same strictness settings, which is
 * what a Netty server reads heads with and what maitre read them with before ({@code DIRECT}, so that
 * {@code compare-jmh.py} follows the ratio). Each operation reads one head and what a caller needs of
 * it: the method, the target, the Host value and the body's length. The head is a browser's: a
 * dozen fields, about 500 bytes ({@code BROWSER}), or the two lines a load generator sends ({@code
 * MINIMAL}).
 *
 * <pre>
 * java -jar proxy-bench/target/benchmarks.jar RequestHeadBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@State(Scope.Thread)
public class RequestHeadBenchmark {

    /** Whose reading: maitre's parser, or Netty's decoder (the baseline). */
    @Param({"MAITRE", "DIRECT"})
    public String target;

    @Param({"BROWSER", "MINIMAL"})
    public String head;

    private static final String BROWSER = "GET /static/app/main.3f9c1b.js?v=12 HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: */*\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Referer: https://shop.example.com/cart\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=1\r\n"
            + "Sec-Fetch-Dest: script\r\n"
            + "Sec-Fetch-Mode: no-cors\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Priority: u=1\r\n"
            + "\r\n";
    private static final String MINIMAL = "GET /index.html HTTP/1.1\r\nHost: shop.example.com\r\n\r\n";

    private ByteBuf bytes;
    private final RequestHead parsed = new RequestHead();
    private final RequestHeadParser parser = new RequestHeadParser(8192, 16384);
    private EmbeddedChannel netty;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] text = (head.equals("BROWSER") ? BROWSER : MINIMAL).getBytes(StandardCharsets.ISO_8859_1);
        bytes = Unpooled.unreleasableBuffer(Unpooled.directBuffer(text.length).writeBytes(text));
        netty = new EmbeddedChannel(new HttpRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192).setMaxHeaderSize(16384).setStrictLineParsing(true)
                .setValidateHeaders(true).setAllowDuplicateContentLengths(false).setUseRfc9112TransferEncoding(true)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        netty.finishAndReleaseAll();
    }

    @Benchmark
    public long readHead() {
        return target.equals("MAITRE") ? parse() : decode();
    }

    private long parse() {
        bytes.readerIndex(0);
        if (parser.parse(bytes, parsed) != RequestVerdict.COMPLETE) {
            throw new IllegalStateException("not parsed");
        }
        return parsed.methodEnd() + parsed.targetEnd() + parsed.valueEnd(parsed.hostField()) + parsed.contentLength();
    }

    private long decode() {
        bytes.readerIndex(0);
        netty.writeInbound(bytes.retainedDuplicate());
        long read = 0;
        for (Object msg = netty.readInbound(); msg != null; msg = netty.readInbound()) {
            if (msg instanceof HttpRequest request) {
                read += request.method().name().length() + request.uri().length()
                        + request.headers().get("host").length() + request.headers().getInt("content-length", 0);
            }
            ReferenceCountUtil.release(msg);
        }
        return read;
    }
}
