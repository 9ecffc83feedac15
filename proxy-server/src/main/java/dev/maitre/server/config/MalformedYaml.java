package dev.maitre.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.maitre.api.config.ConfigError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the YAML parser's report of malformed text into one {@link ConfigError}: the problem on one
 * line, at the line where it was found, with what the parser was reading and where that began.
 *
 * <p>The parser reports {@code [context, its mark,] problem, its mark}, each mark being a line such
 * as {@code  in 'reader', line 4, column 1:}, a snippet of the text and a caret.
 */
final class MalformedYaml {

    private static final Pattern MARK = Pattern.compile("^ in '.*', line (\\d+), column \\d+:$");

    private MalformedYaml() {
    }

    static ConfigError describe(JsonProcessingException e, String sourceName) {
        String[] lines = e.getOriginalMessage().split("\n");
        List<Integer> markIndexes = new ArrayList<>();
        List<Integer> markLines = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = MARK.matcher(lines[i]);
            if (m.matches()) {
                markIndexes.add(i);
                markLines.add(Integer.parseInt(m.group(1)));
            }
        }
        int line = e.getLocation() != null ? Math.max(e.getLocation().getLineNr(), 0) : 0;
        String problem = lines[0].strip();
        String context = "";
        if (!markIndexes.isEmpty()) {
            int last = markIndexes.size() - 1;
            problem = lines[Math.max(markIndexes.get(last) - 1, 0)].strip();
            line = markLines.get(last);
            if (markIndexes.size() > 1 && markIndexes.get(0) > 0) {
                context = " (" + lines[markIndexes.get(0) - 1].strip() + " from line " + markLines.get(0) + ")";
            }
        }
        return new ConfigError("", line, sourceName + ": not valid YAML: " + problem + context);
    }
}
