package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A setting with a value that cannot work: which setting, what is wrong, and how to fix it. The setting is held by
 * its Flink key; each surface renders it under its own name ({@link #messageFor(SettingSurface)}): a command line
 * says {@code --max-batch-size}, a SQL model {@code 'max-batch-size'}. The problem and the fix may name other
 * settings as <code>{sentiment.key}</code>, which are rendered the same way.
 */
@PublicEvolving
public class InvalidSettingException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    private static final Pattern REFERENCE = Pattern.compile("\\{((?:sentiment|kafka)\\.[^}]+)}");

    private final String key;
    private final String problem;
    private final String fix;

    public InvalidSettingException(String key, String problem, String fix) {
        this(SettingSurface.FLINK_KEY, key, problem, fix);
    }

    private InvalidSettingException(SettingSurface surface, String key, String problem, String fix) {
        super(render(surface, key, problem, fix));
        this.key = key;
        this.problem = problem;
        this.fix = fix;
    }

    public InvalidSettingException(ConfigOption<?> option, String problem, String fix) {
        this(option.key(), problem, fix);
    }

    /** The Flink key of the setting, e.g. {@code sentiment.max-batch-size} or {@code kafka.acks}. */
    public String key() {
        return key;
    }

    /** The same error, with its message as {@link #messageFor} renders it for {@code surface}. */
    public InvalidSettingException on(SettingSurface surface) {
        InvalidSettingException e = new InvalidSettingException(surface, key, problem, fix);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The message as a user of {@code surface} needs it, with every setting under that surface's name. */
    public String messageFor(SettingSurface surface) {
        return render(surface, key, problem, fix);
    }

    private static String render(SettingSurface surface, String key, String problem, String fix) {
        return "Invalid " + surface.noun() + " '" + surface.nameOf(key) + "': " + references(surface, problem)
                + ". Fix: " + references(surface, fix) + ".";
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
