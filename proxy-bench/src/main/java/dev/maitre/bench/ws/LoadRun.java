package dev.maitre.bench.ws;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The state of one load run, confined to its event loop: which tunnels are open, the phase (warming
 * up, measuring, draining), the messages echoed and their latencies, the errors seen. The phases are
 * timed by the loop's own scheduler, so no other thread touches the counters while messages flow.
 */
final class LoadRun {

    private static final int MAX_ERROR_KINDS = 10;

    private enum Phase { OPENING, WARMING_UP, MEASURING, DRAINING }

    private final WebSocketLoad.Settings settings;
    private final EventLoop loop;
    private final List<EchoTunnel> tunnels = new ArrayList<>();
    private final LatencyHistogram latencies = new LatencyHistogram();
    private final Map<String, Integer> errors = new LinkedHashMap<>();
    private final Promise<Void> settled;
    private final Promise<Void> stopped;
    private final Promise<Void> drained;
    private Phase phase = Phase.OPENING;
    private int notOpened;
    private int inFlight;
    private long startedAt;
    private long measuringFrom;
    private long stoppedAt;
    private long measured;
    private long echoed;

    LoadRun(WebSocketLoad.Settings settings, EventLoop loop) {
        this.settings = settings;
        this.loop = loop;
        this.settled = loop.newPromise();
        this.stopped = loop.newPromise();
        this.drained = loop.newPromise();
    }

    /** Done when every connection opened its WebSocket or failed to. */
    Promise<Void> settled() {
        return settled;
    }

    /** Done when the measured window ended. */
    Promise<Void> stopped() {
        return stopped;
    }

    /** Done when, after the window, every tunnel got the echo of its last message. */
    Promise<Void> drained() {
        return drained;
    }

    void opened(EchoTunnel tunnel) {
        tunnels.add(tunnel);
        checkSettled();
    }

    void notOpened(String why) {
        notOpened++;
        error(why);
        checkSettled();
    }

    private void checkSettled() {
        if (tunnels.size() + notOpened >= settings.connections()) {
            settled.trySuccess(null);
        }
    }

    /** Every open tunnel sends its first message; the warm-up and the window are timed from now. */
    void start() {
        startedAt = System.nanoTime();
        long warmUpNanos = settings.warmUp().toNanos();
        if (warmUpNanos == 0) {
            beginMeasuring();
        } else {
            phase = Phase.WARMING_UP;
            loop.schedule(this::beginMeasuring, warmUpNanos, TimeUnit.NANOSECONDS);
        }
        loop.schedule(this::stop, warmUpNanos + settings.duration().toNanos(), TimeUnit.NANOSECONDS);
        for (EchoTunnel tunnel : tunnels) {
            if (tunnel.open()) {
                inFlight++;
                tunnel.send();
            }
        }
    }

    private void beginMeasuring() {
        measuringFrom = System.nanoTime();
        phase = Phase.MEASURING;
    }

    private void stop() {
        stoppedAt = System.nanoTime();
        phase = Phase.DRAINING;
        stopped.trySuccess(null);
        checkDrained();
    }

    void echoed(EchoTunnel tunnel, long now, long latencyNanos) {
        inFlight--;
        echoed++;
        if (phase == Phase.MEASURING) {
            measured++;
            latencies.record(latencyNanos);
        }
        if (phase == Phase.DRAINING) {
            checkDrained();
        } else {
            inFlight++;
            tunnel.send();
        }
    }

    void lost(EchoTunnel tunnel, String why) {
        if (tunnel.awaitingEcho()) {
            inFlight--;
            checkDrained();
        }
        error(why);
    }

    private void checkDrained() {
        if (phase == Phase.DRAINING && inFlight == 0) {
            drained.trySuccess(null);
        }
    }

    void error(String what) {
        if (errors.containsKey(what) || errors.size() < MAX_ERROR_KINDS) {
            errors.merge(what, 1, Integer::sum);
        } else {
            errors.merge("other errors", 1, Integer::sum);
        }
    }

    /** Starts the closing handshake of every tunnel; returns the tunnels asked. */
    List<EchoTunnel> closeAll() {
        for (EchoTunnel tunnel : tunnels) {
            tunnel.close();
        }
        return List.copyOf(tunnels);
    }

    WebSocketLoad.Result result() {
        long end = stoppedAt != 0 ? stoppedAt : System.nanoTime();
        double seconds = measuringFrom == 0 ? 0 : (end - measuringFrom) / 1e9;
        double activeSeconds = startedAt == 0 ? 0 : (end - startedAt) / 1e9;
        int errorCount = errors.values().stream().mapToInt(Integer::intValue).sum();
        List<String> errorText = new ArrayList<>();
        errors.forEach((what, count) -> errorText.add(count + " × " + what));
        return new WebSocketLoad.Result(settings.connections(), settings.messageBytes(), tunnels.size(), seconds,
                measured, measured / Math.max(seconds, 1e-9), echoed, activeSeconds,
                millis(latencies.percentileNanos(50)), millis(latencies.percentileNanos(90)),
                millis(latencies.percentileNanos(99)), millis(latencies.percentileNanos(99.9)),
                millis(latencies.maxNanos()), errorCount, errorText);
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
