package dev.maitre.chaos.stage;

import dev.maitre.chaos.backend.Backend;
import dev.maitre.chaos.backend.BackendServer;
import dev.maitre.chaos.load.Clients;
import dev.maitre.chaos.load.LoadGenerator;
import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.maitre.AdminClient;
import dev.maitre.chaos.maitre.HealthEvent;
import dev.maitre.chaos.maitre.MaitreConfig;
import dev.maitre.chaos.maitre.StagedMaitre;
import dev.maitre.chaos.report.ChaosReport;
import dev.maitre.chaos.report.Timeline;
import dev.maitre.chaos.timing.HealthRules;
import dev.maitre.chaos.timing.Moment;
import dev.maitre.chaos.toxiproxy.Link;
import dev.maitre.chaos.toxiproxy.ToxiproxyLocator;
import dev.maitre.chaos.toxiproxy.ToxiproxyServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one scenario runs on: its backends (WireMock servers, or the WebSocket echo servers
 * of a WebSocket scenario), a Toxiproxy proxy in front of each, and a maitre process balancing over
 * the proxies. Each of them binds port 0 and tells the port it got
 * (no port is guessed beforehand, so two parts can never be given the same one), and keeps it for
 * the stage's life, so a backend that is stopped and started again is where it was.
 * Closing the stage stops all of it.
 */
public final class Stage implements AutoCloseable {

    private final String name;
    private final HealthRules rules;
    private final List<BackendServer> backends = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final List<Timeline.Mark> marks = new ArrayList<>();
    private final List<Moment> moments = new ArrayList<>();
    private final List<LoadGenerator> loads = new ArrayList<>();
    private StagedMaitre maitre;
    private long startMillis;
    private long startNanos;

    private Stage(String name, HealthRules rules) {
        this.name = name;
        this.rules = rules;
    }

    /**
     * Starts {@code backendCount} backends (b1, b2, ...), their proxies and maitre, and waits until
     * maitre answers; the stage's clock starts then.
     */
    public static Stage start(String name, int backendCount, HealthRules rules, Duration responseTimeout)
            throws IOException, InterruptedException {
        return start(name, backendCount, rules, responseTimeout, Duration.ZERO);
    }

    /** As {@link #start(String, int, HealthRules, Duration)}, with maitre's {@code retries.perTryTimeout}. */
    public static Stage start(String name, int backendCount, HealthRules rules, Duration responseTimeout,
                              Duration perTryTimeout) throws IOException, InterruptedException {
        if (backendCount < 1) {
            throw new IllegalArgumentException("backendCount: " + backendCount + " (expected: >= 1)");
        }
        List<Backend> backends = new ArrayList<>();
        for (int i = 1; i <= backendCount; i++) {
            backends.add(new Backend("b" + i));
        }
        return start(name, backends, rules, responseTimeout, perTryTimeout);
    }

    /**
     * As {@link #start(String, int, HealthRules, Duration)} with the given backends, not yet started;
     * the stage starts them and closes them with the rest.
     */
    public static Stage start(String name, List<? extends BackendServer> backends, HealthRules rules,
                              Duration responseTimeout) throws IOException, InterruptedException {
        return start(name, backends, rules, responseTimeout, Duration.ZERO);
    }

    private static Stage start(String name, List<? extends BackendServer> backends, HealthRules rules,
                               Duration responseTimeout, Duration perTryTimeout) throws IOException, InterruptedException {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("backends: [] (expected: at least one)");
        }
        Stage stage = new Stage(name, rules);
        try {
            ToxiproxyServer toxiproxy = ToxiproxyLocator.shared();
            ChaosReport.toxiproxy(toxiproxy.origin());
            List<String> addresses = new ArrayList<>();
            for (BackendServer backend : backends) {
                stage.backends.add(backend);
                backend.start();
                Link link = toxiproxy.link(name + "-" + backend.name(), backend.port());
                stage.links.add(link);
                addresses.add(link.address());
            }
            stage.maitre = StagedMaitre.start(new MaitreConfig(addresses, rules, responseTimeout, perTryTimeout));
            stage.startMillis = System.currentTimeMillis();
            stage.startNanos = System.nanoTime();
            for (int i = 0; i < backends.size(); i++) {
                stage.awaitPassedCheck(i);
            }
            return stage;
        } catch (IOException | InterruptedException | RuntimeException e) {
            stage.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public HealthRules rules() {
        return rules;
    }

    /** Backend {@code i}, a WireMock one: what every stage started with a backend count has. */
    public Backend backend(int i) {
        if (backends.get(i) instanceof Backend wireMock) {
            return wireMock;
        }
        throw new IllegalStateException(name + ": " + backends.get(i).name() + " is not a WireMock backend");
    }

    public Link link(int i) {
        return links.get(i);
    }

    /** Backend {@code i}'s address as maitre knows it: its proxy's. */
    public String address(int i) {
        return links.get(i).address();
    }

    public int size() {
        return backends.size();
    }

    /** The port maitre's listener bound. */
    public int listenPort() {
        return maitre.listenPort();
    }

    public AdminClient admin() {
        return maitre.admin();
    }

    public StagedMaitre maitre() {
        return maitre;
    }

    /** A load generator of HTTP/1.1 clients against maitre, stopped with the stage at the latest. */
    public LoadGenerator load(String path, String sha256, LoadGenerator.Mode mode, int workers, Duration period,
                              Duration clientTimeout) {
        return load(path, sha256, Clients.http1(mode, workers), period, clientTimeout);
    }

    /** A load generator of {@code clients} against maitre, stopped with the stage at the latest. */
    public LoadGenerator load(String path, String sha256, Clients clients, Duration period, Duration clientTimeout) {
        LoadGenerator load = LoadGenerator.start(listenPort(), path, sha256, clients, period, clientTimeout,
                Duration.ofMinutes(10), 200_000);
        loads.add(load);
        return load;
    }

    /** Does {@code action} now, notes it on the timeline as {@code label}, and returns when it took effect. */
    public Moment act(String label, Moment.Action action) {
        Moment moment = Moment.of(action);
        synchronized (marks) {
            marks.add(new Timeline.Mark(moment.beforeMillis() - startMillis, label));
            moments.add(moment);
        }
        return moment;
    }

    /** Every moment the suite acted on the stage, in order. */
    public List<Moment> moments() {
        synchronized (marks) {
            return List.copyOf(moments);
        }
    }

    /**
     * Waits until backend {@code i}'s latest check passed, so that a fault put on it starts from a
     * clean count, as the DESIGN windows assume. It matters at start-up: the first check of a
     * freshly started maitre is slow (class loading, a first connection: over a second here), and
     * on a loaded machine it can miss its timeout; a fault that strikes before a later check
     * passed would then find one failure already counted and be detected one interval early.
     */
    public void awaitPassedCheck(int i) throws IOException, InterruptedException {
        long timeout = 2 * rules.longWait() + rules.timeout().toMillis() + 10_000;
        long deadline = System.nanoTime() + timeout * 1_000_000;
        while (!admin().lastCheckPassed(address(i))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(backends.get(i).name() + " (" + address(i) + ") passed no check within "
                        + timeout + " ms: " + admin().backendView(address(i)));
            }
            Thread.sleep(50);
        }
    }

    /**
     * Waits for the first transition of {@code backend} to {@code state} stamped at or after
     * {@code sinceMillis} (wall clock) and returns its time, or -1 if none came within {@code timeout}.
     */
    public long awaitTransition(String backend, String state, long sinceMillis, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (HealthEvent e : admin().events()) {
                if (e.backend().equals(backend) && e.isTransitionTo(state) && e.timeMillis() >= sinceMillis) {
                    return e.timeMillis();
                }
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return -1;
    }

    /** Transitions of any backend stamped at or after {@code sinceMillis}. */
    public List<HealthEvent> transitionsSince(long sinceMillis) throws IOException {
        return admin().events().stream()
                .filter(e -> "TRANSITION".equals(e.kind()) && e.timeMillis() >= sinceMillis).toList();
    }

    /**
     * Attempts maitre made on {@code backend} so far, from {@code maitre_backend_requests_total}
     * (every outcome, connect failures included). The count an attempt adds lands when it ends.
     */
    public long attemptsOn(String backend) throws IOException {
        return Math.round(admin().metric("maitre_backend_requests_total", "backend", backend));
    }

    /** Wall-clock milliseconds of a monotonic {@code nanos} taken during the stage. */
    public long wallMillis(long nanos) {
        return startMillis + (nanos - startNanos) / 1_000_000;
    }

    public long startMillis() {
        return startMillis;
    }

    /** The timeline so far: the given requests, each backend's states from maitre's events, the marks. */
    public Timeline timeline(List<Outcome> outcomes) throws IOException {
        long now = System.currentTimeMillis() - startMillis;
        List<Timeline.Request> requests = outcomes.stream()
                .map(o -> new Timeline.Request((o.startNanos() - startNanos) / 1_000_000, o.latencyMillis(), o.label(),
                        o.backend()))
                .toList();
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < size(); i++) {
            labels.put(address(i), backends.get(i).name() + " " + address(i));
        }
        List<Timeline.Band> bands = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            String address = address(i);
            long from = 0;
            String state = "HEALTHY";
            for (HealthEvent e : admin().events()) {
                if (e.backend().equals(address) && "TRANSITION".equals(e.kind())) {
                    long at = Math.max(0, e.timeMillis() - startMillis);
                    bands.add(new Timeline.Band(labels.get(address), from, at, state));
                    from = at;
                    state = e.to();
                }
            }
            bands.add(new Timeline.Band(labels.get(address), from, now, state));
        }
        synchronized (marks) {
            return new Timeline(now, requests, bands, List.copyOf(marks));
        }
    }

    /**
     * Stops the load, maitre, the backends and the proxies, whatever state they are in; maitre's
     * output is kept beside the report.
     */
    @Override
    public void close() {
        for (LoadGenerator load : loads) {
            try {
                load.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (maitre != null) {
            try {
                maitre.stop();
                ChaosReport.keepLog(name, maitre.outputText());
                maitre.close();
            } catch (IOException e) {
                // its temporary files; the OS cleans up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        backends.forEach(BackendServer::close);
        for (Link link : links) {
            try {
                link.delete();
            } catch (IOException ignored) {
                // the server is going away with the run anyway
            }
        }
    }
}
