package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerLimits;
import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.RequestHeadParser;
import dev.maitre.engine.http1.RequestVerdict;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * What reading and answering requests needs, kept per event loop rather than per connection (as
 * HAProxy keeps its pools per thread): parsers, needed only while a head is being read,
 * {@link ClientRequest}s with their heads' offsets, needed only from a head until its exchange
 * ends, and {@link ProxyExchange}s with their parts, needed only while a request is proxied, all
 * reused; and the last Host value and target read as strings, which a loop's requests mostly
 * repeat. An idle keep-alive connection holds none of it, and a request allocates none of it. Used
 * on its own thread only: what is released on another thread is left to the collector.
 */
final class RequestPool {

    private static final FastThreadLocal<RequestPool> LOOP = new FastThreadLocal<>() {
        @Override
        protected RequestPool initialValue() {
            return new RequestPool();
        }
    };

    /** At most this many of each are kept: what that many exchanges in flight at once released. */
    private static final int MAX_KEPT = 256;
    /** Client addresses whose text is kept, a power of two. */
    private static final int ADDRESSES = 64;

    private final Thread thread = Thread.currentThread();
    private final ArrayDeque<ClientRequest> requests = new ArrayDeque<>();
    private final ArrayDeque<RequestHeadParser> parsers = new ArrayDeque<>();
    private final ArrayDeque<ProxyExchange> exchanges = new ArrayDeque<>();
    /** The text of the client addresses seen last, by the address's hash: {@link #ADDRESSES} of them. */
    private final InetAddress[] addresses = new InetAddress[ADDRESSES];
    private final String[] addressTexts = new String[ADDRESSES];
    private String lastHost;
    private String lastTarget;
    /** What the last target parsed (the very string) gave, for an OPTIONS request or not. */
    private String lastParsedText;
    private RequestTarget lastParsed;
    private boolean lastParsedOptions;

    private RequestPool() {
    }

    /** The pool of the calling thread (an event loop's). */
    static RequestPool current() {
        return LOOP.get();
    }

    /** A request to read a head into, with a count of references of one. */
    ClientRequest request() {
        ClientRequest request = requests.poll();
        if (request == null) {
            return new ClientRequest(this);
        }
        request.reuse();
        return request;
    }

    /**
     * A request read from {@code head}, a whole HTTP/1.1 head written by maitre (an HTTP/2 stream's),
     * which the request owns when valid and which is released otherwise; judged within {@code limits}
     * as a client's head read from the wire is.
     */
    ClientRequest read(ByteBuf head, ListenerLimits limits) {
        ClientRequest request = request();
        RequestHeadParser parser = parser(limits.maxRequestLineBytes(), limits.maxHeaderBytes());
        RequestVerdict verdict = parser.parse(head, request.head());
        recycle(parser);
        if (verdict == RequestVerdict.NEED_MORE) {
            verdict = RequestVerdict.MALFORMED;
        }
        if (verdict == RequestVerdict.COMPLETE) {
            request.head().moveTo(head, 0);
        } else {
            head.release();
        }
        return request.read(verdict);
    }

    /** A request released, kept to be filled again. */
    void recycle(ClientRequest request) {
        if (Thread.currentThread() == thread && requests.size() < MAX_KEPT) {
            requests.push(request);
        }
    }

    /** A parser for a head, within these limits. */
    RequestHeadParser parser(int maxRequestLineBytes, int maxHeaderBytes) {
        RequestHeadParser parser = parsers.poll();
        if (parser == null) {
            return new RequestHeadParser(maxRequestLineBytes, maxHeaderBytes);
        }
        parser.limits(maxRequestLineBytes, maxHeaderBytes);
        return parser;
    }

    /** A parser whose head was read (or refused), kept for another. */
    void recycle(RequestHeadParser parser) {
        if (Thread.currentThread() == thread && parsers.size() < MAX_KEPT) {
            parsers.push(parser);
        }
    }

    /** An exchange to {@link ProxyExchange#start start}. */
    ProxyExchange exchange() {
        ProxyExchange exchange = exchanges.poll();
        return exchange != null ? exchange : new ProxyExchange();
    }

    /**
     * An exchange that ended, kept for another request if nothing of it is in flight any more
     * ({@link ProxyExchange#reusable}). Called once the exchange's own calls have returned: never
     * from within one of its methods, which may still read its fields.
     */
    void recycle(ProxyExchange exchange) {
        if (Thread.currentThread() == thread && exchanges.size() < MAX_KEPT && exchange.reusable()) {
            exchange.forget();
            exchanges.push(exchange);
        }
    }

    /**
     * Bytes {@code [from, to)} of {@code head} as a string: the string made last time when they are
     * the same bytes.
     */
    String text(RequestHead head, int from, int to, boolean host) {
        String last = host ? lastHost : lastTarget;
        if (last != null && same(last, head, from, to)) {
            return last;
        }
        String text = head.bytes().toString(from, to - from, StandardCharsets.ISO_8859_1);
        if (host) {
            lastHost = text;
        } else {
            lastTarget = text;
        }
        return text;
    }

    /**
     * {@code address} as text: the text made last time when the address (or an equal one) was seen
     * recently, so that the connections of one client share it and make none per request.
     */
    String text(InetAddress address) {
        int slot = address.hashCode() & (ADDRESSES - 1);
        if (address.equals(addresses[slot])) {
            return addressTexts[slot];
        }
        String text = address.getHostAddress();
        addresses[slot] = address;
        addressTexts[slot] = text;
        return text;
    }

    /** {@code text}, a target, parsed: the last result again when it is the very same string. */
    RequestTarget parsed(String text, boolean options) {
        if (text != lastParsedText || options != lastParsedOptions) {
            lastParsed = RequestTarget.parse(text, options);
            lastParsedText = text;
            lastParsedOptions = options;
        }
        return lastParsed;
    }

    private static boolean same(String text, RequestHead head, int from, int to) {
        if (text.length() != to - from) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != (char) (head.byteAt(from + i) & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
