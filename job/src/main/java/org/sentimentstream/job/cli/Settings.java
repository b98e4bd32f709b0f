package org.sentimentstream.job.cli;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.udf.InvalidInputException;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.OptionDocs;
import org.sentimentstream.udf.SettingSurface;

import org.apache.flink.configuration.ConfigOption;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
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
    private static final String VERBOSE = "--verbose";

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

    /**
     * A picocli command line writing to {@code out} and {@code err} on which every error a user can cause (an {@link
     * InvalidInputException}: a setting, the model contract, a script; a missing or unreadable file) prints as one
     * message, a setting under its flag, and exits with 2. Anything else is a bug: its stack trace and exit 1. Every
     * command gets {@code --verbose}, which adds the stack trace to a user's error too.
     */
    public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(out);
        cmd.setErr(err);
        addVerbose(cmd);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            InvalidInputException invalid = userError(e);
            if (invalid == null) {
                throw e;
            }
            commandLine.getErr().println(invalid.messageFor(FLAG));
            if (isVerbose(parseResult)) {
                e.printStackTrace(commandLine.getErr());
            }
            return 2;
        });
        return cmd;
    }

    /** The user's error that {@code e} is or was caused by, in the one shape; null for a bug. */
    static InvalidInputException userError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException invalid) {
                return invalid;
            }
        }
        if (e instanceof NoSuchFileException missing) {
            return new InvalidInputException(
                    "no such file: " + missing.getFile(),
                    "check the path (a relative path starts from " + Path.of("").toAbsolutePath() + ")");
        }
        if (e instanceof AccessDeniedException denied) {
            return new InvalidInputException(
                    "permission denied: " + denied.getFile(),
                    "make it readable (and its directory writable for an output) by the user running this command");
        }
        return null;
    }

    private static void addVerbose(CommandLine cmd) {
        if (cmd.getCommandSpec().findOption(VERBOSE) == null
                && !(cmd.getCommand() instanceof CommandLine.HelpCommand)) {
            cmd.getCommandSpec()
                    .addOption(OptionSpec.builder(VERBOSE)
                            .arity("0")
                            .type(boolean.class)
                            .description("On an error, print its stack trace too.")
                            .build());
        }
        cmd.getSubcommands().values().forEach(Settings::addVerbose);
    }

    private static boolean isVerbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
