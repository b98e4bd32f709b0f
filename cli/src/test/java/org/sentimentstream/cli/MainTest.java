package org.sentimentstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;

/** bin/sentiment-stream's command line as a user meets it: the commands, their help texts and exit codes. */
class MainTest {

    /** One command line execution: its exit code and what it printed. */
    private static final class Execution {
        final int exitCode;
        final String out;
        final String err;
        final CommandLine cmd;

        Execution(int exitCode, String out, String err, CommandLine cmd) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
            this.cmd = cmd;
        }
    }

    private static Execution execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        int exitCode = cmd.execute(args);
        return new Execution(exitCode, out.toString(), err.toString(), cmd);
    }

    /**
     * The help text of one flag, from the flag to the next flag, without whitespace (picocli wraps lines anywhere,
     * even inside a key); compare it with {@link #squeezed}.
     */
    private static String helpOf(String help, String flag) {
        var m = Pattern.compile("(?s)\\s" + Pattern.quote(flag) + "[=\\s](.*?)(?=\\n\\s+(-\\w, )?--[a-z]|\\z)")
                .matcher(help);
        assertThat(m.find()).as("help lists " + flag).isTrue();
        return squeezed(m.group(1));
    }

    private static String squeezed(String s) {
        return s.replaceAll("\\s+", "");
    }

    @Test
    void rootHelpListsTheTerminalCommands() {
        Execution e = execute("--help");

        assertThat(e.exitCode).isZero();
        assertThat(e.out).contains("local").contains("produce").contains("score").contains("eval")
                .contains("bias-probe").contains("--version");
        assertThat(e.err).isEmpty();
    }

    @Test
    void noArgumentsPrintsTheUsage() {
        Execution e = execute();

        assertThat(e.exitCode).isZero();
        assertThat(e.out).contains("local").contains("score");
    }

    @Test
    void unknownOptionOrCommandFails() {
        Execution e = execute("score", "--input", "a.tsv", "--output", "b.jsonl", "--bogus", "1");
        assertThat(e.exitCode).isEqualTo(2);
        assertThat(e.err).contains("--bogus");

        e = execute("frobnicate");
        assertThat(e.exitCode).isEqualTo(2);
        assertThat(e.err).contains("frobnicate");
    }

    @Test
    void localHelpHasNoBootstrapServers() {
        Execution e = execute("local", "--help");

        assertThat(e.exitCode).isZero();
        assertThat(e.out).doesNotContain("--bootstrap-servers")
                .contains("--reviews").contains("--follow").contains("--parallelism");
        assertThat(helpOf(e.out, "--max-batch-size")).contains(squeezed("Default: 8."));
        assertThat(helpOf(e.out, "--input-format")).contains(squeezed("Default: JSON."));
        assertThat(helpOf(e.out, "--model")).contains(squeezed("Flink key: sentiment.model"));
    }

    @Test
    void scoreHelpHasTheInferenceOptions() {
        Execution e = execute("score", "--help");

        assertThat(e.exitCode).isZero();
        assertThat(e.out).contains("--input").contains("--output").contains("--text-field").contains("--format")
                .doesNotContain("--bootstrap-servers").doesNotContain("--input-format")
                .doesNotContain("--delivery-guarantee");
        assertThat(helpOf(e.out, "--max-batch-size")).contains(squeezed("Default: 8."));
        assertThat(helpOf(e.out, "--max-sequence-length")).contains(squeezed("Default: 128."));
        assertThat(helpOf(e.out, "--length-buckets")).contains(squeezed("Default: 16,32,64."));
    }

    @Test
    void localInvalidValueExits2BeforeStartingAnything() {
        Execution e = execute("local", "--model", "/nonexistent-model-dir", "--delivery-guarantee", "MAYBE");

        assertThat(e.exitCode).isEqualTo(2);
        assertThat(e.err).contains("sentiment.delivery-guarantee").contains("Fix:");
    }

    @Test
    void scoreWithoutRequiredOptionsFails() {
        Execution e = execute("score", "--input", "a.tsv");

        assertThat(e.exitCode).isEqualTo(2);
        assertThat(e.err).contains("--output");
    }
}
