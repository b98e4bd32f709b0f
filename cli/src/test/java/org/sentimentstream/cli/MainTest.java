package org.sentimentstream.cli;

import org.sentimentstream.testing.CommandLineRun;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sentimentstream.testing.CommandLineRun.helpOf;
import static org.sentimentstream.testing.CommandLineRun.squeezed;

/** bin/sentiment-stream's command line as a user meets it: the commands, their help texts and exit codes. */
class MainTest {

    private static CommandLineRun execute(String... args) {
        return CommandLineRun.execute(Main::commandLine, args);
    }

    @Test
    void rootHelpListsTheTerminalCommands() {
        CommandLineRun e = execute("--help");

        assertThat(e.exitCode()).isZero();
        assertThat(e.out())
                .contains("local")
                .contains("produce")
                .contains("score")
                .contains("eval")
                .contains("bias-probe")
                .contains("--version");
        assertThat(e.err()).isEmpty();
    }

    @Test
    void noArgumentsPrintsTheUsage() {
        CommandLineRun e = execute();

        assertThat(e.exitCode()).isZero();
        assertThat(e.out()).contains("local").contains("score");
    }

    @Test
    void unknownOptionOrCommandFails() {
        CommandLineRun e = execute("score", "--input", "a.tsv", "--output", "b.jsonl", "--bogus", "1");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("--bogus");

        e = execute("frobnicate");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("frobnicate");
    }

    @Test
    void localHelpHasNoBootstrapServers() {
        CommandLineRun e = execute("local", "--help");

        assertThat(e.exitCode()).isZero();
        assertThat(e.out())
                .doesNotContain("--bootstrap-servers")
                .doesNotContain("--model-control-topic")
                .contains("--model-watch")
                .contains("--reviews")
                .contains("--follow")
                .contains("--parallelism");
        assertThat(helpOf(e.out(), "--max-batch-size")).contains(squeezed("Default: 64."));
        assertThat(helpOf(e.out(), "--input-format")).contains(squeezed("Default: JSON."));
        assertThat(helpOf(e.out(), "--model")).contains(squeezed("Flink key: sentiment.model"));
    }

    @Test
    void scoreHelpHasTheInferenceOptions() {
        CommandLineRun e = execute("score", "--help");

        assertThat(e.exitCode()).isZero();
        assertThat(e.out())
                .contains("--input")
                .contains("--output")
                .contains("--text-field")
                .contains("--format")
                .doesNotContain("--bootstrap-servers")
                .doesNotContain("--input-format")
                .doesNotContain("--delivery-guarantee");
        assertThat(helpOf(e.out(), "--max-batch-size")).contains(squeezed("Default: 64."));
        assertThat(helpOf(e.out(), "--max-sequence-length")).contains(squeezed("Default: 128."));
        assertThat(helpOf(e.out(), "--max-batch-tokens")).contains(squeezed("Default: 512."));
    }

    @Test
    void localInvalidValueExits2BeforeStartingAnything() {
        CommandLineRun e = execute("local", "--model", "/nonexistent-model-dir", "--delivery-guarantee", "MAYBE");

        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("Invalid option '--delivery-guarantee'").contains("Fix:");
    }

    @Test
    void scoreWithoutRequiredOptionsFails() {
        CommandLineRun e = execute("score", "--input", "a.tsv");

        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("--output");
    }
}
