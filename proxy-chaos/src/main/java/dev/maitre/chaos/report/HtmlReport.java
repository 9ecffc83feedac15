package dev.maitre.chaos.report;

import dev.maitre.chaos.timing.TimedTransition;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched)
 * with each scenario's figures and its timeline: the backends' states as bands, the suite's actions
 * as marks, and every request as a dot at its send time and latency, coloured by outcome.
 */
final class HtmlReport {

    private static final int WIDTH = 1200;
    private static final int LEFT = 150;
    private static final int PLOT = WIDTH - LEFT - 20;
    private static final int BAND = 18;
    private static final int SCATTER = 200;

    private HtmlReport() {
    }

    static String render(List<ScenarioResult> results, String toxiproxy) {
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>maitre chaos report</title>
                <style>
                body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
                table { border-collapse: collapse; margin: 8px 0 16px; }
                td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
                th { background: #f2f2f2; }
                .pass { color: #1b7f2a; font-weight: bold; } .FAIL { color: #c62828; font-weight: bold; }
                section { margin-bottom: 36px; } svg { background: #fff; border: 1px solid #ddd; }
                .legend span { display: inline-block; margin-right: 14px; }
                .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 5px; }
                </style></head><body>
                <h1>maitre chaos report</h1>
                """);
        long passed = results.stream().filter(ScenarioResult::passed).count();
        html.append("<p>").append(passed).append(" of ").append(results.size())
                .append(" scenarios passed. Toxiproxy: ").append(esc(toxiproxy)).append(".</p>\n");
        html.append("<p class=\"legend\">");
        for (String o : List.of("200", "101", "502", "503", "504", "error")) {
            html.append("<span><i style=\"background:").append(colour(o)).append("\"></i>").append(o).append("</span>");
        }
        html.append("<span><i style=\"background:#a5d6a7\"></i>HEALTHY</span><span><i style=\"background:#ef9a9a\"></i>UNHEALTHY</span>")
                .append("<span><i style=\"background:#bdbdbd\"></i>DRAINING</span></p>\n");
        html.append(summary(results));
        for (ScenarioResult r : results) {
            html.append(section(r));
        }
        return html.append("</body></html>\n").toString();
    }

    private static String summary(List<ScenarioResult> results) {
        StringBuilder t = new StringBuilder("<table><tr><th>scenario</th><th>settings</th><th>transition</th>"
                + "<th>expected window</th><th>measured</th><th>client errors</th><th>verdict</th></tr>\n");
        for (ScenarioResult r : results) {
            String settings = esc(r.summarySettings());
            if (r.transitions().isEmpty()) {
                t.append(tr(link(r), settings, "none expected", "-", "-", ChaosReport.clientErrors(r), verdict(r.verdict())));
            }
            for (TimedTransition x : r.transitions()) {
                t.append(tr(link(r), settings, esc(x.what()), x.window().describe(),
                        x.happened() ? String.format(Locale.ROOT, "%.2f s", x.measuredMillis() / 1000.0) : "never",
                        ChaosReport.clientErrors(r), verdict(x.withinWindow() && r.passed() ? "pass" : "FAIL")));
            }
        }
        return t.append("</table>\n").toString();
    }

    private static String section(ScenarioResult r) {
        StringBuilder s = new StringBuilder("<section id=\"").append(esc(r.id())).append("\"><h2>")
                .append(esc(r.id())).append(": ").append(esc(r.title())).append(" ").append(verdict(r.verdict()))
                .append("</h2>\n<table>");
        r.settings().forEach((k, v) -> s.append(tr(esc(k), esc(v))));
        for (TimedTransition t : r.transitions()) {
            s.append(tr(esc(t.what()), esc(t.describe()) + " " + verdict(t.withinWindow() ? "pass" : "FAIL")));
        }
        for (Check c : r.checks()) {
            s.append(tr(esc(c.name()), esc(c.actual()) + " (expected " + esc(c.expected()) + ") "
                    + verdict(c.passed() ? "pass" : "FAIL")));
        }
        s.append("</table>\n").append(svg(r.timeline())).append("</section>\n");
        return s.toString();
    }

    private static String svg(Timeline timeline) {
        Set<String> backends = new LinkedHashSet<>();
        timeline.bands().forEach(b -> backends.add(b.backend()));
        List<String> rows = List.copyOf(backends);
        int bandsTop = 30;
        int scatterTop = bandsTop + rows.size() * (BAND + 4) + 16;
        int height = scatterTop + SCATTER + 30;
        double duration = Math.max(1, timeline.durationMillis());
        long maxLatency = Math.max(10, timeline.requests().stream().mapToLong(Timeline.Request::latencyMillis).max().orElse(10));
        double logMax = Math.log10(maxLatency + 1);
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH
                + "\" height=\"" + height + "\" font-size=\"11\">\n");
        for (int i = 0; i < rows.size(); i++) {
            int y = bandsTop + i * (BAND + 4);
            svg.append(text(4, y + 13, rows.get(i)));
            for (Timeline.Band b : timeline.bands()) {
                if (b.backend().equals(rows.get(i))) {
                    double x0 = x(b.fromMillis(), duration);
                    double x1 = x(b.toMillis(), duration);
                    svg.append(String.format(Locale.ROOT,
                            "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %s</title></rect>\n",
                            x0, y, Math.max(0.5, x1 - x0), BAND, band(b.state()), esc(b.backend()), b.state()));
                }
            }
        }
        svg.append(text(4, scatterTop + 10, "latency (log)"));
        for (long ms : new long[] {1, 10, 100, 1000, 10000, 100000}) {
            if (ms <= maxLatency * 2) {
                double y = scatterTop + SCATTER - SCATTER * Math.log10(ms + 1) / logMax;
                if (y >= scatterTop) {
                    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>",
                            LEFT, LEFT + PLOT, y, y)).append(text(LEFT - 50, (int) y + 4, ms + " ms"));
                }
            }
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>\n",
                LEFT, scatterTop, PLOT, SCATTER));
        for (Timeline.Request q : timeline.requests()) {
            double y = scatterTop + SCATTER - SCATTER * Math.log10(q.latencyMillis() + 1) / logMax;
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>",
                    x(q.atMillis(), duration), y, colour(q.outcome())));
        }
        svg.append('\n');
        long step = tickStep(duration);
        for (long t = 0; t <= duration; t += step) {
            double x = x(t, duration);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>",
                    x, x, scatterTop + SCATTER, scatterTop + SCATTER + 5))
                    .append(text((int) x - 8, scatterTop + SCATTER + 18, (t / 1000) + " s"));
        }
        int markRow = 0;
        for (Timeline.Mark m : timeline.marks()) {
            double x = x(m.atMillis(), duration);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#1565c0\" stroke-dasharray=\"4 3\"/>",
                    x, x, 12, scatterTop + SCATTER));
            svg.append("<text x=\"").append(String.format(Locale.ROOT, "%.1f", x + 3)).append("\" y=\"")
                    .append(11 + (markRow++ % 2) * 10).append("\" fill=\"#1565c0\">").append(esc(m.label())).append("</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static long tickStep(double duration) {
        for (long step : new long[] {1000, 2000, 5000, 10000, 30000, 60000}) {
            if (duration / step <= 25) {
                return step;
            }
        }
        return 120000;
    }

    private static double x(long millis, double duration) {
        return LEFT + PLOT * Math.min(1, Math.max(0, millis / duration));
    }

    private static String colour(String outcome) {
        return switch (outcome) {
            case "200" -> "#2e7d32";
            case "101" -> "#00897b";
            case "502" -> "#e53935";
            case "503" -> "#fb8c00";
            case "504" -> "#8e24aa";
            default -> "#000000";
        };
    }

    private static String band(String state) {
        return switch (state) {
            case "HEALTHY" -> "#a5d6a7";
            case "UNHEALTHY" -> "#ef9a9a";
            default -> "#bdbdbd";
        };
    }

    private static String text(int x, int y, String s) {
        return "<text x=\"" + x + "\" y=\"" + y + "\">" + esc(s) + "</text>";
    }

    private static String tr(String... cells) {
        StringBuilder row = new StringBuilder("<tr>");
        for (String c : cells) {
            row.append("<td>").append(c).append("</td>");
        }
        return row.append("</tr>\n").toString();
    }

    private static String link(ScenarioResult r) {
        return "<a href=\"#" + esc(r.id()) + "\">" + esc(r.id()) + "</a>";
    }

    private static String verdict(String v) {
        return "<span class=\"" + v + "\">" + v + "</span>";
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
