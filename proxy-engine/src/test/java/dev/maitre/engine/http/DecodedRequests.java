package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerLimits;
import dev.maitre.engine.http1.RequestHead;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes run through the listener's request decoder on an embedded channel, and what came out of it,
 * released on close. Text is taken as ISO-8859-1, so that every byte value can be written. Each
 * request head comes out as an {@code HttpRequest} that shows what the {@link ClientRequest} read
 * (a refused head as one whose decoder result is the failure), so that tests read it as any request.
 */
final class DecodedRequests implements AutoCloseable {

    private final List<HttpObject> objects = new ArrayList<>();
    private final List<ClientRequest> heads = new ArrayList<>();

    private DecodedRequests(ListenerLimits limits, List<byte[]> writes) {
        EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(limits, null));
        try {
            for (byte[] write : writes) {
                channel.writeInbound(Unpooled.wrappedBuffer(write));
                drain(channel);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** The first request head decoded from {@code text}, which must exist; the caller releases it. */
    static ClientRequest head(ListenerLimits limits, String text) {
        try (DecodedRequests decoded = of(limits, text)) {
            if (decoded.heads.isEmpty()) {
                throw new AssertionError("no request decoded from " + text);
            }
            ClientRequest first = decoded.heads.get(0);
            first.retain();
            return first;
        }
    }

    static ClientRequest head(String text) {
        return head(ListenerLimits.defaults(), text);
    }

    /** What the listener answers to the first request of {@code text} before routing it: its rejection or null. */
    static Rejection validated(ListenerLimits limits, String text) {
        ClientRequest request = head(limits, text);
        try {
            RequestTarget target = request.valid() ? RequestTarget.parse(request.target(), request.options()) : null;
            return RequestValidator.validate(request, target, limits.maxBodyBytes());
        } finally {
            request.release();
        }
    }

    /** The bytes of {@code request}'s head, as a client would send it. */
    static String text(HttpRequest request) {
        StringBuilder text = new StringBuilder().append(request.method().name()).append(' ').append(request.uri())
                .append(' ').append(request.protocolVersion().text()).append("\r\n");
        request.headers().forEach(field -> text.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n"));
        return text.append("\r\n").toString();
    }

    /** Each string arrives as one read. */
    static DecodedRequests of(String... writes) {
        return of(ListenerLimits.defaults(), writes);
    }

    static DecodedRequests of(ListenerLimits limits, String... writes) {
        List<byte[]> bytes = new ArrayList<>();
        for (String write : writes) {
            bytes.add(write.getBytes(StandardCharsets.ISO_8859_1));
        }
        return new DecodedRequests(limits, bytes);
    }

    /** Every byte of {@code text} arrives as a read of its own. */
    static DecodedRequests byteByByte(String text) {
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            bytes.add(new byte[] {b});
        }
        return new DecodedRequests(ListenerLimits.defaults(), bytes);
    }

    private void drain(EmbeddedChannel channel) {
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            if (msg instanceof ClientRequest request) {
                heads.add(request);
                objects.add(view(request));
            } else if (msg instanceof HttpObject object) {
                objects.add(object);
            } else {
                ReferenceCountUtil.release(msg);
                throw new AssertionError("decoder produced " + msg);
            }
        }
    }

    List<HttpRequest> requests() {
        List<HttpRequest> requests = new ArrayList<>();
        for (HttpObject object : objects) {
            if (object instanceof HttpRequest request) {
                requests.add(request);
            }
        }
        return requests;
    }

    /** The first request, which must exist. */
    HttpRequest first() {
        List<HttpRequest> requests = requests();
        if (requests.isEmpty()) {
            throw new AssertionError("no request decoded from the bytes; got " + objects);
        }
        return requests.get(0);
    }

    /** True when the decoder refused the bytes: its first request carries a failure. */
    boolean rejected() {
        return first().decoderResult().isFailure();
    }

    /** The body of the {@code index}th request, as text, up to its last content. */
    String body(int index) {
        StringBuilder body = new StringBuilder();
        int seen = -1;
        for (HttpObject object : objects) {
            if (object instanceof HttpRequest) {
                seen++;
            }
            if (seen == index && object instanceof HttpContent content) {
                body.append(content.content().toString(StandardCharsets.ISO_8859_1));
                if (content instanceof LastHttpContent) {
                    break;
                }
            }
        }
        return body.toString();
    }

    /** The last content of the {@code index}th request, or null when it has not been decoded. */
    LastHttpContent last(int index) {
        int seen = -1;
        for (HttpObject object : objects) {
            if (object instanceof HttpRequest) {
                seen++;
            }
            if (seen == index && object instanceof LastHttpContent last) {
                return last;
            }
        }
        return null;
    }

    /** Whether any decoded part (a request or a piece of body) carries a failure. */
    boolean anyFailure() {
        for (HttpObject object : objects) {
            if (object.decoderResult().isFailure()) {
                return true;
            }
        }
        return false;
    }

    List<HttpObject> objects() {
        return objects;
    }

    /** {@code request} as an {@code HttpRequest}: method, target, version and fields as read, or the refusal. */
    static HttpRequest view(ClientRequest request) {
        if (!request.valid()) {
            HttpRequest refused = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
            refused.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(request.verdict().name())));
            return refused;
        }
        RequestHead head = request.head();
        HttpRequest view = new DefaultHttpRequest(head.minorVersion() == 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(head.method()), head.target());
        for (int i = 0; i < head.fieldCount(); i++) {
            view.headers().add(head.name(i), head.value(i));
        }
        return view;
    }

    @Override
    public void close() {
        for (HttpObject object : objects) {
            ReferenceCountUtil.release(object);
        }
        objects.clear();
        for (ClientRequest request : heads) {
            request.release();
        }
        heads.clear();
    }
}
