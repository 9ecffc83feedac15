package dev.maitre.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** maitre's version, written into the build at packaging time, and the JVM it runs on. */
public final class Version implements IVersionProvider {

    private static final String RESOURCE = "version.properties";

    /** The version of maitre, such as {@code 0.1.0}. */
    public static String maitre() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM, such as {@code Java 17.0.15 (Eclipse Adoptium OpenJDK 64-Bit Server VM)}. */
    public static String jvm() {
        return "Java " + System.getProperty("java.runtime.version", System.getProperty("java.version"))
                + " (" + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + ")";
    }

    @Override
    public String[] getVersion() {
        return new String[] {"maitre " + maitre(), jvm()};
    }
}
