package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.MaitreProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bin/maitre, the script users run. */
@Timeout(60)
class LauncherIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    @Test
    void runsTheJarWithTheJavaOfJavaHome() throws Exception {
        ProcessBuilder launcher = new ProcessBuilder(launcher().toString(), "--version");
        launcher.environment().put("JAVA_HOME", System.getProperty("java.home"));
        launcher.environment().put("MAITRE_JAR", MaitreProcess.jar().toString());

        try (MaitreProcess maitre = MaitreProcess.start(launcher)) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isZero();
            assertThat(maitre.stdout()).startsWith("maitre " + System.getProperty("maitre.version") + "\n")
                    .contains("Java " + Runtime.version().feature());
            assertThat(maitre.stderr()).as("no JVM warnings").isEmpty();
        }
    }

    @Test
    void passesItsArgumentsOn() throws Exception {
        ProcessBuilder launcher = new ProcessBuilder(launcher().toString(), "--check");
        launcher.environment().put("JAVA_HOME", System.getProperty("java.home"));
        launcher.environment().put("MAITRE_JAR", MaitreProcess.jar().toString());

        try (MaitreProcess maitre = MaitreProcess.start(launcher)) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isEqualTo(2);
            assertThat(maitre.stderr()).contains("--check needs --config FILE");
        }
    }

    @Test
    void aHeapShareInMaitreJavaOptsTakesThePlaceOfTheFixedHeap() throws Exception {
        assertThat(maxHeapSize("-XX:+PrintFlagsFinal")).as("the default").contains("536870912").contains("{command line}");
        assertThat(maxHeapSize("-XX:MaxRAMPercentage=40 -XX:+PrintFlagsFinal")).as("a share of the memory, as in a pod")
                .contains("{ergonomic}");
        assertThat(maxHeapSize("-Xmx256m -XX:+PrintFlagsFinal")).as("a fixed heap of the user's")
                .contains("268435456").contains("{command line}");
    }

    /** The JVM's MaxHeapSize line when bin/maitre runs with {@code MAITRE_JAVA_OPTS=javaOpts}. */
    private static String maxHeapSize(String javaOpts) throws Exception {
        ProcessBuilder launcher = new ProcessBuilder(launcher().toString(), "--version");
        launcher.environment().put("JAVA_HOME", System.getProperty("java.home"));
        launcher.environment().put("MAITRE_JAR", MaitreProcess.jar().toString());
        launcher.environment().put("MAITRE_JAVA_OPTS", javaOpts);
        try (MaitreProcess maitre = MaitreProcess.start(launcher)) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isZero();
            return maitre.stdout().lines().filter(line -> line.matches("\\s*size_t MaxHeapSize\\s.*"))
                    .findFirst().orElseThrow(() -> new AssertionError("no MaxHeapSize in " + maitre.output()));
        }
    }

    @Test
    void aMissingJarIsSaidInOneLine() throws Exception {
        ProcessBuilder launcher = new ProcessBuilder(launcher().toString(), "--version");
        launcher.environment().put("MAITRE_JAR", "/nonexistent/maitre.jar");

        try (MaitreProcess maitre = MaitreProcess.start(launcher)) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isEqualTo(1);
            assertThat(maitre.stderr()).isEqualTo(
                    "maitre: no jar at /nonexistent/maitre.jar; build it with ./mvnw -pl proxy-server -am package, "
                    + "or set MAITRE_JAR\n");
        }
    }

    private static Path launcher() {
        String launcher = System.getProperty("maitre.launcher");
        assertThat(launcher).as("system property maitre.launcher (set by the failsafe configuration)").isNotNull();
        return Path.of(launcher);
    }
}
