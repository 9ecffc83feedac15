package dev.maitre.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls between the engine's packages. {@code engine.http} (the HTTP exchange) and
 * {@code engine.tcp} (the L4 relay) are features that never use each other; what both need lives in
 * shared packages (listener, upstream, pool, http1, relay, proxyprotocol, balance, route, transport), which never reach back into
 * either, and which are layered: listener above upstream above pool and balance above transport.
 */
class EnginePackageWallsTest {

    private static final String HTTP = "dev.maitre.engine.http..";
    private static final String TCP = "dev.maitre.engine.tcp..";
    private static final String LISTENER = "dev.maitre.engine.listener..";
    private static final String UPSTREAM = "dev.maitre.engine.upstream..";
    private static final String POOL = "dev.maitre.engine.pool..";
    private static final String HTTP1 = "dev.maitre.engine.http1..";
    private static final String HTTP2 = "dev.maitre.engine.http2..";
    private static final String RELAY = "dev.maitre.engine.relay..";
    private static final String TLS = "dev.maitre.engine.tls..";
    private static final String PROXY_PROTOCOL = "dev.maitre.engine.proxyprotocol..";
    private static final String[] SHARED = {LISTENER, UPSTREAM, POOL, HTTP1, HTTP2, RELAY, TLS, PROXY_PROTOCOL,
        "dev.maitre.engine.balance..", "dev.maitre.engine.route..", "dev.maitre.engine.transport.."};

    private static JavaClasses engine;

    @BeforeAll
    static void importMainClasses() {
        engine = ModuleWallsTest.mainClasses();
    }

    @Test
    void httpNeverUsesTcp() {
        noClasses().that().resideInAPackage(HTTP).should().dependOnClassesThat().resideInAPackage(TCP)
                .because("what the HTTP exchange shares with the relay belongs in a shared package")
                .check(engine);
    }

    @Test
    void tcpNeverUsesHttp() {
        noClasses().that().resideInAPackage(TCP).should().dependOnClassesThat().resideInAPackage(HTTP)
                .because("what the relay shares with the HTTP exchange belongs in a shared package")
                .check(engine);
    }

    @Test
    void sharedPackagesNeverUseAFeature() {
        noClasses().that().resideInAnyPackage(SHARED).should().dependOnClassesThat().resideInAnyPackage(HTTP, TCP)
                .because("upstream, pool, balance, route and transport serve both features alike")
                .check(engine);
    }

    @Test
    void theSharedPackagesAreLayered() {
        noClasses().that().resideInAnyPackage(UPSTREAM, POOL).should().dependOnClassesThat().resideInAPackage(LISTENER)
                .because("a listener uses the upstream side, not the reverse")
                .check(engine);
        noClasses().that().resideInAPackage(POOL).should().dependOnClassesThat().resideInAPackage(UPSTREAM)
                .because("the pools open and keep connections; picking and retrying is the upstream side's")
                .check(engine);
        noClasses().that().resideInAPackage(HTTP1).should().dependOnClassesThat()
                .resideInAnyPackage(LISTENER, UPSTREAM, POOL, "dev.maitre.engine.balance..", "dev.maitre.engine.route..",
                        "dev.maitre.engine.transport..")
                .because("the HTTP/1 wire format knows bytes, not connections")
                .check(engine);
        noClasses().that().resideInAPackage(HTTP2).should().dependOnClassesThat()
                .resideInAnyPackage(LISTENER, UPSTREAM, POOL, RELAY, TLS, "dev.maitre.engine.balance..",
                        "dev.maitre.engine.route..", "dev.maitre.engine.transport..")
                .because("HTTP/2's header lists and limits are read and written apart from the connections that carry them")
                .check(engine);
        noClasses().that().resideInAPackage(RELAY).should().dependOnClassesThat()
                .resideInAnyPackage(LISTENER, UPSTREAM, POOL, HTTP1, "dev.maitre.engine.balance..", "dev.maitre.engine.route..")
                .because("the relay moves bytes between two connections, whoever paired them and however")
                .check(engine);
        noClasses().that().resideInAPackage(TLS).should().dependOnClassesThat()
                .resideInAnyPackage(LISTENER, UPSTREAM, POOL, HTTP1, RELAY, "dev.maitre.engine.balance..",
                        "dev.maitre.engine.route..", "dev.maitre.engine.transport..")
                .because("TLS is made of files and settings; the listeners and pools that use it know connections")
                .check(engine);
        noClasses().that().resideInAPackage(PROXY_PROTOCOL).should().dependOnClassesThat()
                .resideInAnyPackage(LISTENER, UPSTREAM, POOL, HTTP1, HTTP2, RELAY, TLS, "dev.maitre.engine.balance..",
                        "dev.maitre.engine.route..", "dev.maitre.engine.transport..")
                .because("a PROXY header is read and written by handlers that know nothing of what the connection carries")
                .check(engine);
        noClasses().that().resideInAnyPackage("dev.maitre.engine.balance..", "dev.maitre.engine.route..",
                        "dev.maitre.engine.transport..")
                .should().dependOnClassesThat().resideInAnyPackage(LISTENER, UPSTREAM, POOL)
                .because("balancers, the router and the transport choice know nothing of connections or listeners")
                .check(engine);
    }

    @Test
    void theEnginesPackagesHaveNoCycles() {
        slices().matching("dev.maitre.engine.(*)..").should().beFreeOfCycles().check(engine);
    }
}
