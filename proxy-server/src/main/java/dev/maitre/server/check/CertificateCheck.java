package dev.maitre.server.check;

import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ConfigError;
import dev.maitre.api.config.ConfigException;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.tls.ServedCertificate;
import dev.maitre.engine.tls.ServerTls;
import dev.maitre.engine.tls.TicketKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates {@code maitre --check} looks at: every TLS listener's, loaded and checked as the
 * engine loads them at start (the files parse, the key matches its certificate), and their dates. One
 * that cannot be served, or that has already expired, fails the check; one that expires within
 * {@link #WARNING} is reported with a warning.
 */
public final class CertificateCheck {

    /** A certificate that expires sooner than this is reported with a warning. */
    public static final Duration WARNING = Duration.ofDays(30);

    /** A certificate listener {@code listener} (its key in the file: {@code path}) serves. */
    public record Listed(String listener, String path, ServedCertificate certificate) {
    }

    private CertificateCheck() {
    }

    /**
     * Loads the certificates of every listener with {@code tls} in {@code config}.
     *
     * @throws ConfigException with one error per certificate that cannot be served or that expired before {@code now}
     */
    public static List<Listed> load(ProxyConfig config, Instant now) throws ConfigException {
        List<Listed> listed = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig listener = config.listeners().get(i);
            if (listener.tls() == null) {
                continue;
            }
            List<CertificateFiles> files = listener.tls().certificates();
            int errorsBefore = errors.size();
            for (int j = 0; j < files.size(); j++) {
                String path = "listeners[" + i + "].tls" + (files.size() > 1 ? ".certificates[" + j + "]" : "");
                ServedCertificate certificate;
                try {
                    certificate = ServedCertificate.load(files.get(j));
                } catch (IllegalArgumentException e) {
                    errors.add(new ConfigError(path, 0, e.getMessage()));
                    continue;
                }
                if (!certificate.notAfter().isAfter(now)) {
                    errors.add(new ConfigError(path, 0, "certFile " + certificate.files().certFile() + ": "
                            + certificate.subject() + " expired on " + certificate.notAfter() + ", "
                            + days(Duration.between(certificate.notAfter(), now)) + " ago"
                            + " (expected: a certificate valid now; renew it)"));
                    continue;
                }
                listed.add(new Listed(listener.name(), path, certificate));
            }
            if (errors.size() == errorsBefore) {
                // Everything else the listener's start would do with them: the client CAs, the contexts.
                try {
                    ServerTls.build(listener.tls(), listener.protocol(), listener.http2(), new TicketKeys());
                } catch (IllegalArgumentException e) {
                    errors.add(new ConfigError("listeners[" + i + "].tls", 0, e.getMessage()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return List.copyOf(listed);
    }

    /** The report's lines on {@code certificates}, each ending in {@code \n}: one per certificate, and its warning. */
    static void report(List<Listed> certificates, Instant now, StringBuilder out) {
        for (Listed listed : certificates) {
            ServedCertificate certificate = listed.certificate();
            Duration left = Duration.between(now, certificate.notAfter());
            out.append("  ").append(listed.listener()).append(": ").append(certificate.files().certFile())
                    .append(" (key ").append(certificate.files().keyFile()).append("); subject ")
                    .append(certificate.subject()).append("; names ")
                    .append(certificate.names().isEmpty() ? "none" : String.join(", ", certificate.names()))
                    .append("; ").append(certificate.keyType()).append(" key; expires ")
                    .append(certificate.notAfter().truncatedTo(ChronoUnit.SECONDS))
                    .append(" (in ").append(days(left)).append(")\n");
            if (left.compareTo(WARNING) < 0) {
                out.append("    warning: ").append(listed.path()).append(": certFile ")
                        .append(certificate.files().certFile()).append(" expires in ").append(days(left))
                        .append(" (recommended: renewed more than ").append(WARNING.toDays())
                        .append(" days before it expires)\n");
            }
        }
    }

    /** {@code 12 days}, {@code 1 day}, or {@code less than a day}. */
    private static String days(Duration duration) {
        long days = duration.toDays();
        return days == 0 ? "less than a day" : days == 1 ? "1 day" : days + " days";
    }
}
