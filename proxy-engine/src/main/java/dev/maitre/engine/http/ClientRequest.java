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
 * the messages waiting when the connection closes.
 */
final class ClientRequest extends AbstractReferenceCounted {

    private static final AsciiString HEAD = AsciiString.cached("HEAD");
    private static final AsciiString OPTIONS = AsciiString.cached("OPTIONS");

    private final RequestHead head;
    private final RequestVerdict verdict;
    private final boolean headRequest;
    private final boolean http10;
    /** The Host field's value, read once it is asked for. */
    private String host;

    private ClientRequest(RequestHead head, RequestVerdict verdict) {
        this.head = head;
        this.verdict = verdict;
        boolean lineRead = head.requestLineRead();
        this.headRequest = lineRead && head.methodIs(HEAD);
        this.http10 = !lineRead || head.minorVersion() == 0;
    }

    /** A valid head, which owns {@code head}'s bytes. */
    static ClientRequest accepted(RequestHead head) {
        return new ClientRequest(head, RequestVerdict.COMPLETE);
    }

    /** A head refused with {@code verdict}; nothing of its bytes is kept. */
    static ClientRequest refused(RequestHead head, RequestVerdict verdict) {
        ClientRequest refused = new ClientRequest(head, verdict);
        head.moveTo(null, 0);
        return refused;
    }

    RequestHead head() {
        return head;
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
        return head.target();
    }

    /** The value of the one Host field, or {@code null} when there is none. */
    String host() {
        if (host == null && head.hostField() >= 0) {
            host = head.value(head.hostField());
        }
        return host;
    }

    @Override
    protected void deallocate() {
        ByteBuf bytes = head.bytes();
        if (bytes != null) {
            bytes.release();
        }
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
