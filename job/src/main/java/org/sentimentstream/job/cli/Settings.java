package org.sentimentstream.job.cli;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.udf.InvalidSettingException;

import org.sentimentstream.udf.InferenceConfig;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exposes typed options as command-line flags: {@code sentiment.max-batch-size} becomes
 * {@code --max-batch-size}, with the option's description and default in {@code --help}. Kafka client properties
 * pass through as {@code --kafka.<property>=<value>}. Shared by the job's entry point and the cli module's.
 */
public final class Settings {

    static final String PREFIX = "sentiment.";

    private Settings() {}

    static String flagOf(ConfigOption<?> option) {
        return "--" + option.key().substring(PREFIX.length());
    }

    public static void addFlags(CommandSpec spec, Collection<ConfigOption<?>> options) {
        for (ConfigOption<?> option : options) {
            String description = textOf(option)
                    + (option.hasDefaultValue() ? " Default: " + Defaults.describe(option.defaultValue()) + "." : "")
                    + " Flink key: " + option.key() + ".";
            spec.addOption(OptionSpec.builder(flagOf(option))
                    .paramLabel("<" + option.key().substring(PREFIX.length()) + ">")
                    .type(String.class)
                    .description(description.replace("%", "%%"))
                    .build());
        }
    }

    /** An option's description as plain text. */
    static String textOf(ConfigOption<?> option) {
        StringBuilder text = new StringBuilder();
        for (BlockElement block : option.description().getBlocks()) {
            if (block instanceof TextElement) {
                text.append(((TextElement) block).getFormat());
            }
        }
        return text.toString().replaceAll("\\s+", " ").trim();
    }

    /** The flags given on the command line, as option keys, plus {@code kafka.*} pass-through properties. */
    public static Map<String, String> given(CommandSpec spec, Collection<ConfigOption<?>> options, List<String> unmatched) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (ConfigOption<?> option : options) {
            OptionSpec flag = spec.findOption(flagOf(option));
            if (flag != null && flag.getValue() != null) {
                settings.put(option.key(), flag.getValue());
            }
        }
        for (int i = 0; i < unmatched.size(); i++) {
            String arg = unmatched.get(i);
            if (!arg.startsWith("--" + JobConfig.KAFKA_PREFIX)) {
                throw new InvalidSettingException("Unknown option '" + arg + "'. Fix: see --help; Kafka client"
                        + " properties are passed as --kafka.<property>=<value>.");
            }
            String keyValue = arg.substring(2);
            int eq = keyValue.indexOf('=');
            if (eq > 0) {
                settings.put(keyValue.substring(0, eq), keyValue.substring(eq + 1));
            } else if (i + 1 < unmatched.size()) {
                settings.put(keyValue, unmatched.get(++i));
            } else {
                throw new InvalidSettingException("Option '" + arg + "' has no value. Fix: " + arg + "=<value>.");
            }
        }
        return settings;
    }

    /** The inference settings of a file command (score, eval, bias-probe): its flags plus nothing else. */
    public static InferenceConfig inferenceConfig(CommandSpec spec, List<String> unmatched) {
        return InferenceConfig.fromConfiguration(
                Configuration.fromMap(given(spec, Arrays.asList(InferenceConfig.allOptions()), unmatched)));
    }

    /**
     * A picocli command line writing to {@code out} and {@code err}, on which an {@link InvalidSettingException}
     * prints its message (naming the setting and the fix) and exits with 2.
     */
    public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof InvalidSettingException) {
                commandLine.getErr().println(e.getMessage());
                return 2;
            }
            throw e;
        });
        return cmd;
    }

    /** Human-readable defaults for help texts. */
    static final class Defaults {
        private Defaults() {}

        static String describe(Object value) {
            if (value instanceof java.time.Duration) {
                java.time.Duration d = (java.time.Duration) value;
                return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
            }
            return String.valueOf(value);
        }
    }
}
