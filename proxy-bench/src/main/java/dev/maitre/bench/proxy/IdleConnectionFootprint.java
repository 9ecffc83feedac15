package dev.maitre.bench.proxy;

import dev.maitre.bench.proxy.LiveHeap.Usage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The live heap one idle keep-alive client connection costs maitre: the engine runs in this JVM in
 * front of {@link BenchBackend}; a child process ({@link IdleClients}) opens N connections, sends one
 * GET on each, reads the answer and keeps them open. The class histogram of this JVM after a full
 * collection, before and after, gives the bytes per connection and the classes they are made of.
 * The clients are sequential, so one pooled backend connection serves them all and nothing but the
 * client connections grows.
 *
 * <pre>
 * ./mvnw -pl proxy-bench -am package -DskipTests
 * java -cp proxy-bench/target/benchmarks.jar dev.maitre.bench.proxy.IdleConnectionFootprint [N]
 * </pre>
 */
public final class IdleConnectionFootprint {

    static final int DEFAULT_CONNECTIONS = 5_000;
    private static final long WAIT_MILLIS = 60_000;

    /** One measurement: the live heap before and after {@code connections} idle connections. */
    record Result(int connections, long heapBefore, long heapAfter, Map<String, Usage> growth) {

        double bytesPerConnection() {
            return (double) (heapAfter - heapBefore) / connections;
        }

        /** The figure and the {@code top} classes that grew most, per connection. */
        String report(int top) {
            StringBuilder out = new StringBuilder(String.format(
                    "%,d idle keep-alive connections: live heap %,d -> %,d bytes, %.0f bytes per connection%n"
                            + "%12s %10s  %s%n", connections, heapBefore, heapAfter, bytesPerConnection(),
                    "bytes/conn", "objs/conn", "class"));
            List<Map.Entry<String, Usage>> largest = growth.entrySet().stream()
                    .sorted(Comparator.comparingLong((Map.Entry<String, Usage> e) -> -Math.abs(e.getValue().bytes())))
                    .limit(top)
                    .toList();
            long shown = 0;
            for (Map.Entry<String, Usage> e : largest) {
                shown += e.getValue().bytes();
                out.append(String.format("%12.1f %10.2f  %s%n", (double) e.getValue().bytes() / connections,
                        (double) e.getValue().instances() / connections, e.getKey()));
            }
            out.append(String.format("%12.1f %10s  (the other %d classes)%n",
                    (double) (heapAfter - heapBefore - shown) / connections, "", Math.max(0, growth.size() - top)));
            return out.toString();
        }
    }

    private IdleConnectionFootprint() {
    }

    /** Opens {@code count} idle connections to {@code proxy}, whose open client connections {@code open} counts. */
    static Result measure(InetSocketAddress proxy, int count, IntSupplier open) throws IOException, InterruptedException {
        awaitOpen(open, 0);
        // A connection leaves the count as it closes, a moment before its handlers have let it go.
        Thread.sleep(200);
        LiveHeap first = LiveHeap.take();
        // The reading after holds one histogram, this one: so does the reading before, the first.
        LiveHeap before = LiveHeap.take();
        first.classes().clear();
        Process clients = startClients(proxy, count);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.equals("ready " + count)) {
                throw new IllegalStateException("the idle clients failed: " + line + "; "
                        + new String(clients.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            awaitOpen(open, count);
            // What the last connections do after their answer is written (arming the idle timeout) is done.
            Thread.sleep(200);
            LiveHeap after = LiveHeap.take();
            return new Result(count, before.bytes(), after.bytes(), before.growthTo(after));
        } finally {
            clients.getOutputStream().close();
            if (!clients.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                clients.destroyForcibly();
            }
            awaitOpen(open, 0);
        }
    }

    private static Process startClients(InetSocketAddress proxy, int count) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(),
                proxy.getHostString(), Integer.toString(proxy.getPort()), Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .start();
    }

    private static void awaitOpen(IntSupplier open, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (open.getAsInt() != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the proxy has " + open.getAsInt() + " client connections open, not "
                        + expected);
            }
            Thread.sleep(20);
        }
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_CONNECTIONS;
        try (BenchBackend backend = BenchBackend.start();
             BenchProxy proxy = BenchProxy.http(backend.httpAddress(), 64)) {
            // A first round loads and compiles what a connection needs, so the second counts only connections.
            measure(proxy.address(), Math.min(count, 1_000), proxy::openConnections);
            System.out.print(measure(proxy.address(), count, proxy::openConnections).report(Integer.getInteger("top", 25)));
        }
    }
}
