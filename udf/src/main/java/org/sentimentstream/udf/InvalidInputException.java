package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error the user can fix, in one shape: what is wrong (the problem), how to fix it (the fix) and, when one
 * setting is to blame, that setting ({@link InvalidSettingException}). Every surface prints it as one message, e.g.
 * {@code Invalid option '--model': <problem>. Fix: <fix>.}; command lines exit with 2 and show no stack trace. The
 * problem and the fix may name settings as <code>{sentiment.key}</code>, rendered under each surface's name.
 */
@PublicEvolving
public class InvalidInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private static final Pattern REFERENCE = Pattern.compile("\\{((?:sentiment|kafka)\\.[^}]+)}");

    private final String problem;
    private final String fix;

    public InvalidInputException(String problem, String fix) {
        this(problem, fix, null);
    }

    public InvalidInputException(String problem, String fix, Throwable cause) {
        this(null, SettingSurface.FLINK_KEY, problem, fix, cause);
    }

    InvalidInputException(String key, SettingSurface surface, String problem, String fix, Throwable cause) {
        super(render(surface, key, problem, fix), cause);
        this.problem = problem;
        this.fix = fix;
    }

    /** What is wrong, without the fix; may name settings as <code>{sentiment.key}</code>. */
    public String problem() {
        return problem;
    }

    /** What to do about it. */
    public String fix() {
        return fix;
    }

    /** The message as a user of {@code surface} needs it, with every setting under that surface's name. */
    public String messageFor(SettingSurface surface) {
        return render(surface, null, problem, fix);
    }

    static String render(SettingSurface surface, String key, String problem, String fix) {
        String prefix = key == null ? "" : "Invalid " + surface.noun() + " '" + surface.nameOf(key) + "': ";
        return prefix + sentence(references(surface, problem)) + " Fix: " + sentence(references(surface, fix));
    }

    /** Ends the text with a full stop unless it ends with one already. */
    private static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }

    private static String references(SettingSurface surface, String text) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(surface.nameOf(m.group(1))));
        }
        return m.appendTail(out).toString();
    }
}
