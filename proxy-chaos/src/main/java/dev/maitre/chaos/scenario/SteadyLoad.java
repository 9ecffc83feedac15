package dev.maitre.chaos.scenario;

import dev.maitre.chaos.load.ClientProtocol;
import dev.maitre.chaos.load.Clients;
import dev.maitre.chaos.load.LoadGenerator;
import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.stage.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The load of the failover scenarios, over one client protocol: clients on kept-alive connections
 * and one opening a connection per request, at once, each sending one GET per period. Over HTTP/1.1,
 * 3 keep-alive clients; over HTTP/2, 6 clients multiplexed on 2 connections, so that a connection
 * carries the streams of several clients.
 */
public record SteadyLoad(ClientProtocol protocol, Duration period) {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    public Clients keptAlive() {
        return protocol == ClientProtocol.HTTP_2 ? Clients.http2(6, 2) : Clients.http1(LoadGenerator.Mode.KEEP_ALIVE, 3);
    }

    public Clients fresh() {
        return protocol == ClientProtocol.HTTP_2
                ? Clients.http2NewConnections(1) : Clients.http1(LoadGenerator.Mode.NEW_CONNECTION, 1);
    }

    /** How many requests may be in flight at once: one per client. */
    public int clients() {
        return keptAlive().count() + fresh().count();
    }

    /** For the report's settings. */
    public String describe() {
        return keptAlive().describe() + " + " + fresh().describe() + ", one GET each per " + period.toMillis() + " ms";
    }

    /** Starts both kinds of clients against the stage's maitre. */
    public Running start(Stage stage) {
        return new Running(List.of(stage.load("/app/ka", null, keptAlive(), period, CLIENT_TIMEOUT),
                stage.load("/app/new", null, fresh(), period, CLIENT_TIMEOUT)));
    }

    /** The load while it runs. */
    public static final class Running {
        private final List<LoadGenerator> generators;

        private Running(List<LoadGenerator> generators) {
            this.generators = generators;
        }

        /** Stops every client and returns all outcomes in the order the requests were sent. */
        public List<Outcome> stop() throws InterruptedException {
            List<Outcome> outcomes = new ArrayList<>();
            for (LoadGenerator generator : generators) {
                outcomes.addAll(generator.stop());
            }
            outcomes.sort(Comparator.comparingLong(Outcome::startNanos));
            return outcomes;
        }
    }
}
