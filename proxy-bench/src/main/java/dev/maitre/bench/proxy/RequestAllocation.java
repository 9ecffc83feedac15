package dev.maitre.bench.proxy;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The bytes the proxy's event loop allocates per small keep-alive request: the engine runs in this
 * JVM in front of {@link BenchBackend} (one worker loop, pooled backend connections, no access log),
 * one client sends GETs one after another on one connection, and the JVM's per-thread allocation
 * counter of the worker loop is read before and after. The counter is exact (no sampling); what the
 * client and the backend allocate is on their own threads and not counted. To see which stage
 * allocates what, record the same run with JFR and group the allocation samples of the
 * {@code maitre-worker} thread by site:
 *
 * <pre>
 * ./mvnw -pl proxy-bench -am package -DskipTests
 * java -cp proxy-bench/target/benchmarks.jar dev.maitre.bench.proxy.RequestAllocation [requests]
 * java -XX:StartFlightRecording=filename=alloc.jfr,settings=profile \
 *      -cp proxy-bench/target/benchmarks.jar dev.maitre.bench.proxy.RequestAllocation
 * jfr view --width 200 allocation-by-site alloc.jfr
 * </pre>
 */
public final class RequestAllocation {

    static final int DEFAULT_REQUESTS = 200_000;
    private static final String WORKER_PREFIX = "maitre-worker";

    private RequestAllocation() {
    }

    /** Bytes allocated so far by the engine's worker threads. */
    static long workerBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(WORKER_PREFIX))
                .mapToLong(Thread::getId)
                .toArray();
        if (ids.length == 0) {
            throw new IllegalStateException("no " + WORKER_PREFIX + " thread is running");
        }
        return Arrays.stream(threads.getThreadAllocatedBytes(ids)).sum();
    }

    /** Sends {@code count} GETs on {@code client}, each answered with {@code HttpProxyBenchmark.BODY_BYTES} bytes. */
    private static void send(BlockingClient client, byte[] request, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            client.get(request);
        }
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_REQUESTS;
        byte[] request = BlockingClient.getRequest(HttpProxyBenchmark.BODY_BYTES);
        try (BenchBackend backend = BenchBackend.start();
             BenchProxy proxy = BenchProxy.http(backend.httpAddress(), 64);
             BlockingClient client = BlockingClient.connect(proxy.address())) {
            // Warm-up: classes loaded, the JIT's work done, the pools and caches of the loop filled.
            send(client, request, requests);
            long before = workerBytes();
            send(client, request, requests);
            long after = workerBytes();
            System.out.printf("%,d keep-alive GETs of %d-byte answers: the worker loop allocated %,d bytes, %.0f per request%n",
                    requests, HttpProxyBenchmark.BODY_BYTES, after - before, (double) (after - before) / requests);
        }
    }
}
