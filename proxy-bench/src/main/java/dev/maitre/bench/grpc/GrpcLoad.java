package dev.maitre.bench.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop gRPC load client for the comparison harness: {@code concurrency} calls of
 * {@code bench.Echo/Say} in flight at all times, spread over {@code connections} channels (HTTP/2
 * connections, in clear text), each call started as the one before it ended, for a warm-up and then a
 * measured number of seconds. Prints one line: {@code calls N errors E calls/s R}, counting only the
 * calls that ended in the measured window. Exits 1 when any call failed.
 *
 * <pre>java -cp benchmarks.jar dev.maitre.bench.grpc.GrpcLoad host:port connections concurrency seconds [warmupSeconds] [payloadBytes]</pre>
 */
public final class GrpcLoad {

    private GrpcLoad() {
    }

    public static void main(String[] args) throws Exception {
        String[] target = args[0].split(":");
        int connections = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int payload = args.length > 5 ? Integer.parseInt(args[5]) : 100;
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            channels.add(NettyChannelBuilder.forAddress(target[0], Integer.parseInt(target[1])).usePlaintext()
                    .build());
        }
        Run run = new Run(new byte[payload]);
        long start = System.nanoTime();
        run.measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        run.end = run.measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            run.next(channels.get(i % connections), done);
        }
        if (!done.await(warmup + seconds + 30L, TimeUnit.SECONDS)) {
            System.out.println("calls " + run.calls.get() + " errors " + run.errors.get() + " calls/s 0 (stuck)");
            System.exit(1);
        }
        double rate = run.calls.get() / (double) seconds;
        System.out.printf("calls %d errors %d calls/s %.0f%n", run.calls.get(), run.errors.get(), rate);
        if (run.firstError != null) {
            System.out.println("first error: " + run.firstError);
        }
        channels.forEach(ManagedChannel::shutdownNow);
        System.exit(run.errors.get() == 0 ? 0 : 1);
    }

    private static final class Run {
        final byte[] message;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        volatile long measureFrom;
        volatile long end;
        volatile Status firstError;

        Run(byte[] message) {
            this.message = message;
        }

        void next(ManagedChannel channel, CountDownLatch done) {
            if (System.nanoTime() >= end) {
                done.countDown();
                return;
            }
            ClientCalls.asyncUnaryCall(channel.newCall(EchoMethod.SAY, CallOptions.DEFAULT), message,
                    new StreamObserver<>() {
                        @Override
                        public void onNext(byte[] value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            errors.incrementAndGet();
                            if (firstError == null) {
                                firstError = Status.fromThrowable(t);
                            }
                            next(channel, done);
                        }

                        @Override
                        public void onCompleted() {
                            long now = System.nanoTime();
                            if (now >= measureFrom && now < end) {
                                calls.incrementAndGet();
                            }
                            next(channel, done);
                        }
                    });
        }
    }
}
