package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestPullTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final List<Object> handled = new ArrayList<>();
    private final RequestPull pull = new RequestPull(channel.pipeline().firstContext(), null, new RequestPull.Consumer() {
        @Override
        public void handle(Object msg) {
            handled.add(msg);
        }

        @Override
        public void noMoreInput() {
            handled.add("end of input");
        }

        @Override
        public boolean readsAhead() {
            return false;
        }
    });

    @AfterEach
    void release() {
        pull.releaseHeld();
        channel.finishAndReleaseAll();
    }

    @Test
    void messagesNotAskedForWaitAndComeOutOldestFirstOnePerRequest() {
        HttpContent one = piece();
        HttpContent two = piece();
        DefaultLastHttpContent three = new DefaultLastHttpContent();
        pull.onMessage(one);
        pull.onMessage(two);
        pull.onMessage(three);
        assertThat(handled).isEmpty();

        pull.request();
        assertThat(handled).containsExactly(one);
        pull.request();
        pull.request();
        assertThat(handled).containsExactly(one, two, three);
        handled.forEach(msg -> ((HttpContent) msg).release());
    }

    @Test
    void aMessageArrivingWhileOthersWaitQueuesBehindThem() {
        HttpContent one = piece();
        HttpContent two = piece();
        HttpContent three = piece();
        pull.onMessage(one);
        pull.onMessage(two);
        pull.request();
        pull.onMessage(three);
        pull.request();
        pull.request();

        assertThat(handled).containsExactly(one, two, three);
        handled.forEach(msg -> ((HttpContent) msg).release());
    }

    @Test
    void theEndOfARequestIsSeenWhetherItWaitsFirstOrBehindAnother() {
        DefaultLastHttpContent end = new DefaultLastHttpContent();
        pull.onMessage(end);
        assertThat(pull.holdsRequestEnd()).isTrue();
        pull.request();
        assertThat(pull.holdsRequestEnd()).isFalse();

        pull.onMessage(piece());
        pull.onMessage(new DefaultLastHttpContent());
        assertThat(pull.holdsRequestEnd()).isTrue();
        assertThat(pull.inputPending()).as("no request waits, and there is no decoder").isFalse();
        end.release();
    }

    @Test
    void whatWaitsIsReleasedWithTheConnection() {
        HttpContent one = piece();
        HttpContent two = piece();
        pull.onMessage(one);
        pull.onMessage(two);

        pull.releaseHeld();

        assertThat(one.refCnt()).isZero();
        assertThat(two.refCnt()).isZero();
        pull.request();
        assertThat(handled).isEmpty();
    }

    private static HttpContent piece() {
        return new DefaultHttpContent(Unpooled.buffer(4).writeInt(1));
    }
}
