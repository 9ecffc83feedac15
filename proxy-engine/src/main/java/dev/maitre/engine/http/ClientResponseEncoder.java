package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Encodes responses to the client. Since maitre handles one request of a connection at a time, the
 * connection handler tells the encoder when the current response answers a HEAD request, so that
 * its body is omitted while its Content-Length is kept.
 */
final class ClientResponseEncoder extends HttpResponseEncoder {

    private boolean answeringHead;

    void answeringHead(boolean head) {
        answeringHead = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        if (answeringHead && msg.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            return true;
        }
        return super.isContentAlwaysEmpty(msg);
    }
}
