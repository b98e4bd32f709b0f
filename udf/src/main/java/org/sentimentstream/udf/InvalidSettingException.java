package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;

/**
 * An {@link InvalidInputException} with the one setting to blame. The setting is held by its Flink key; each surface
 * renders it under its own name ({@link #messageFor(SettingSurface)}): a command line says {@code --max-batch-size},
 * a SQL model {@code 'max-batch-size'}. A command's own flag (say {@code --input}) is a key without the
 * {@code sentiment.} prefix.
 */
@PublicEvolving
public class InvalidSettingException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidSettingException(String key, String problem, String fix) {
        this(key, problem, fix, null);
    }

    public InvalidSettingException(String key, String problem, String fix, Throwable cause) {
        this(SettingSurface.FLINK_KEY, key, problem, fix, cause);
    }

    public InvalidSettingException(ConfigOption<?> option, String problem, String fix) {
        this(option.key(), problem, fix);
    }

    private InvalidSettingException(SettingSurface surface, String key, String problem, String fix, Throwable cause) {
        super(key, surface, problem, fix, cause);
        this.key = key;
    }

    /** Throws the error of {@code option} unless {@code ok}: the one way settings are checked. */
    public static void require(boolean ok, ConfigOption<?> option, String problem, String fix) {
        if (!ok) {
            throw new InvalidSettingException(option, problem, fix);
        }
    }

    /** The Flink key of the setting, e.g. {@code sentiment.max-batch-size} or {@code kafka.acks}. */
    public String key() {
        return key;
    }

    /** The same error, with its message as {@link #messageFor} renders it for {@code surface}. */
    public InvalidSettingException on(SettingSurface surface) {
        InvalidSettingException e = new InvalidSettingException(surface, key, problem(), fix(), getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    @Override
    public String messageFor(SettingSurface surface) {
        return render(surface, key, problem(), fix());
    }
}
