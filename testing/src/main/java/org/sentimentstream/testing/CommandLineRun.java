package org.sentimentstream.testing;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** One execution of a picocli command line: its exit code and what it printed, plus readers of its help text. */
public record CommandLineRun(int exitCode, String out, String err) {

    /** Executes {@code args} on the command line that {@code commandLine} builds for the given out and err. */
    public static CommandLineRun execute(
            BiFunction<PrintWriter, PrintWriter, CommandLine> commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = commandLine
                .apply(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new CommandLineRun(exitCode, out.toString(), err.toString());
    }

    /**
     * The help text of one flag, from the flag to the next flag, without whitespace (picocli wraps lines anywhere,
     * even inside a key); compare it with {@link #squeezed}.
     */
    public static String helpOf(String help, String flag) {
        var m = Pattern.compile("(?s)\\s" + Pattern.quote(flag) + "[=\\s](.*?)(?=\\n\\s+(-\\w, )?--[a-z]|\\z)")
                .matcher(help);
        assertThat(m.find()).as("help lists " + flag).isTrue();
        return squeezed(m.group(1));
    }

    public static String squeezed(String s) {
        return s.replaceAll("\\s+", "");
    }
}
