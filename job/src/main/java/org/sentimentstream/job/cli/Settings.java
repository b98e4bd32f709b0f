package org.sentimentstream.job.cli;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidInputException;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.OptionDocs;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SettingSurface;
import org.sentimentstream.udf.internal.ModelContractException;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    private static final SettingSurface FLAG = SettingSurface.FLAG;

    private Settings() {}

    public static void addFlags(CommandSpec spec, Collection<ConfigOption<?>> options) {
        for (ConfigOption<?> option : options) {
            String description = OptionDocs.text(option)
                    + (option.hasDefaultValue() ? " Default: " + OptionDocs.describe(option.defaultValue()) + "." : "")
                    + " Flink key: " + option.key() + ".";
            spec.addOption(OptionSpec.builder(FLAG.nameOf(option))
                    .paramLabel("<" + SettingSurface.SQL_OPTION.nameOf(option) + ">")
                    .type(String.class)
                    .description(description.replace("%", "%%"))
                    .build());
        }
    }

    /** The flags given on the command line, as option keys, plus {@code kafka.*} pass-through properties. */
    public static Map<String, String> given(
            CommandSpec spec, Collection<ConfigOption<?>> options, List<String> unmatched) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (ConfigOption<?> option : options) {
            OptionSpec flag = spec.findOption(FLAG.nameOf(option));
            if (flag != null && flag.getValue() != null) {
                settings.put(option.key(), flag.getValue());
            }
        }
        for (int i = 0; i < unmatched.size(); i++) {
            String arg = unmatched.get(i);
            if (!arg.startsWith("--" + JobConfig.KAFKA_PREFIX)) {
                throw new InvalidSettingException(
                        arg.replaceFirst("^-+", ""),
                        "is not an option of this command",
                        "see --help; Kafka client properties are passed as --kafka.<property>=<value>");
            }
            String keyValue = arg.substring(2);
            int eq = keyValue.indexOf('=');
            if (eq > 0) {
                settings.put(keyValue.substring(0, eq), keyValue.substring(eq + 1));
            } else if (i + 1 < unmatched.size()) {
                settings.put(keyValue, unmatched.get(++i));
            } else {
                throw new InvalidSettingException(keyValue, "has no value", "write " + arg + "=<value>");
            }
        }
        return settings;
    }

    /** The inference settings of a file command (score, eval, bias-probe): its flags plus nothing else. */
    public static InferenceConfig inferenceConfig(CommandSpec spec, List<String> unmatched) {
        return InferenceConfig.from(Configuration.fromMap(given(spec, SentimentOptions.ALL, unmatched)));
    }

    /**
     * A picocli command line writing to {@code out} and {@code err}, on which an {@link InvalidInputException}, a
     * {@link ModelContractException} or a missing file prints one message (a setting's under its flag) and exits
     * with 2.
     */
    public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof InvalidInputException invalid) {
                commandLine
                        .getErr()
                        .println(
                                invalid instanceof InvalidSettingException setting
                                        ? setting.messageFor(FLAG)
                                        : invalid.getMessage());
                return 2;
            }
            // a model directory that breaks the contract, and a file that is not there, are the user's to fix
            if (e instanceof ModelContractException contract) {
                commandLine.getErr().println(contract.getMessage());
                return 2;
            }
            if (e instanceof NoSuchFileException missing) {
                commandLine
                        .getErr()
                        .println("No such file: " + missing.getFile() + ". Fix: check the path (a relative path starts"
                                + " from " + Path.of("").toAbsolutePath() + ").");
                return 2;
            }
            throw e;
        });
        return cmd;
    }
}
