package dev.maitre.engine.http;

import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.RequestVerdict;
import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCounted;

/**
 * A request head from a client, as {@link RequestDecoder} read it: its bytes (a copy it owns), the
 * {@link RequestHead} over them, and the parser's verdict. Released when its exchange ends, or with
 * the messages waiting when the connection closes; it then goes back to its event loop's
 * {@link RequestPool} to be filled again for a later head.
 */
final class ClientRequest extends AbstractReferenceCounted {

    private static final AsciiString HEAD = AsciiString.cached("HEAD");
    private static final AsciiString OPTIONS = AsciiString.cached("OPTIONS");

    private final RequestHead head = new RequestHead();
    /** Where it goes back when released, and what reads its strings. */
    private final RequestPool pool;
    private RequestVerdict verdict;
    private boolean headRequest;
    private boolean http10;
    private boolean http2;
    private boolean upgrade;
    private String host;
    private String target;

    ClientRequest(RequestPool pool) {
        this.pool = pool;
    }

    /** The event loop's pool it came from and goes back to. */
    RequestPool pool() {
        return pool;
    }

    /** The head to parse into, for a request being read. */
    RequestHead head() {
        return head;
    }

    /** The head is read: a valid one, which owns its bytes, or one refused with {@code verdict}, which keeps none. */
    ClientRequest read(RequestVerdict outcome) {
        verdict = outcome;
        boolean lineRead = head.requestLineRead();
        headRequest = lineRead && head.methodIs(HEAD);
        http10 = !lineRead || head.minorVersion() == 0;
        http2 = false;
        upgrade = false;
        host = null;
        target = null;
        if (outcome != RequestVerdict.COMPLETE) {
            head.moveTo(null, 0);
        }
        return this;
    }

    /** Taken again from its pool, its count of references is one again. */
    void reuse() {
        setRefCnt(1);
    }

    RequestVerdict verdict() {
        return verdict;
    }

    boolean valid() {
        return verdict == RequestVerdict.COMPLETE;
    }

    /** Whether the method is HEAD: the answer has no body. */
    boolean headRequest() {
        return headRequest;
    }

    /** Marks the request as asking for an upgrade its listener passes on ({@link Upgrades}). */
    void upgrade(boolean asked) {
        upgrade = asked;
    }

    /** Whether the request asks for an upgrade its listener passes on: a {@code 101} may turn the connection into a tunnel. */
    boolean upgrade() {
        return upgrade;
    }

    /** Marks the request as one of an HTTP/2 stream, whose head was written as HTTP/1.1 for the core. */
    void http2(boolean value) {
        http2 = value;
    }

    /** Whether the client sent the request on an HTTP/2 stream. */
    boolean http2() {
        return http2;
    }

    /** An HTTP/1.0 request (or one refused before its version was read). */
    boolean http10() {
        return http10;
    }

    boolean options() {
        return head.methodIs(OPTIONS);
    }

    /** Whether the request has no body: it is complete with its head. */
    boolean bodiless() {
        return !head.chunked() && head.contentLength() <= 0;
    }

    /** The request target as the client sent it. */
    String target() {
        if (target == null) {
            target = pool.text(head, head.targetStart(), head.targetEnd(), false);
        }
        return target;
    }

    /** The target parsed ({@link RequestTarget#parse}), or null when it is invalid. */
    RequestTarget parsedTarget() {
        return pool.parsed(target(), options());
    }

    /** The value of the one Host field, or {@code null} when there is none. */
    String host() {
        int field = head.hostField();
        if (host == null && field >= 0) {
            host = pool.text(head, head.valueStart(field), head.valueEnd(field), true);
        }
        return host;
    }

    @Override
    protected void deallocate() {
        ByteBuf bytes = head.bytes();
        if (bytes != null) {
            head.moveTo(null, 0);
            bytes.release();
        }
        pool.recycle(this);
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }

    @Override
    public String toString() {
        return "ClientRequest(" + verdict + (valid() ? ", " + head.method() + " " + head.target() : "") + ")";
    }
}
