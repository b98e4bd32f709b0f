package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;

/**
 * Where a user gives a setting, and so what it is called there. Every setting is declared once, as a
 * {@link ConfigOption} with a {@code sentiment.} key; the other names are derived from it.
 */
@PublicEvolving
public enum SettingSurface {
    /** Flink configuration and job parameters: {@code sentiment.max-batch-size}. */
    FLINK_KEY("setting"),
    /** The command line: {@code --max-batch-size}; Kafka properties as {@code --kafka.<property>}. */
    FLAG("option"),
    /** The options of a SQL {@code CREATE MODEL}: {@code max-batch-size}. */
    SQL_OPTION("model option");

    /** The prefix of every option key; the command line and SQL leave it out. */
    public static final String PREFIX = "sentiment.";

    private final String noun;

    SettingSurface(String noun) {
        this.noun = noun;
    }

    /** What a message calls a setting on this surface: "setting", "option", "model option". */
    public String noun() {
        return noun;
    }

    public String nameOf(ConfigOption<?> option) {
        return nameOf(option.key());
    }

    public String nameOf(String key) {
        String bare = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
        return switch (this) {
            case FLAG -> "--" + bare;
            case SQL_OPTION -> bare;
            case FLINK_KEY -> key;
        };
    }
}
