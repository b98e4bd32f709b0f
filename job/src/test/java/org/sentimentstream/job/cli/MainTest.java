package org.sentimentstream.job.cli;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.testing.CommandLineRun;
import org.sentimentstream.udf.SettingSurface;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sentimentstream.testing.CommandLineRun.helpOf;
import static org.sentimentstream.testing.CommandLineRun.squeezed;

/** The job jar's command line as `flink run` meets it: help texts, exit codes, and pass-through Kafka properties. */
class MainTest {

    private static CommandLineRun execute(String... args) {
        return CommandLineRun.execute(Main::commandLine, args);
    }

    @Test
    void rootHelp() {
        CommandLineRun e = execute("--help");

        assertThat(e.exitCode()).isZero();
        assertThat(e.out())
                .contains("sentiment-stream-job")
                .contains("run")
                .contains("sql")
                .contains("--help")
                .contains("--version")
                .doesNotContain("local")
                .doesNotContain("score");
        assertThat(e.err()).isEmpty();
    }

    @Test
    void noArgumentsPrintsTheUsage() {
        CommandLineRun e = execute();

        assertThat(e.exitCode()).isZero();
        assertThat(e.out()).contains("run").contains("sql");
    }

    @Test
    void version() {
        CommandLineRun e = execute("--version");

        assertThat(e.exitCode()).isZero();
        assertThat(e.out()).contains("sentiment-stream 0.1.0");
    }

    @Test
    void runHelpListsEveryOptionWithItsDefault() {
        CommandLineRun e = execute("run", "--help");

        assertThat(e.exitCode()).isZero();
        for (var option : JobConfig.allOptions()) {
            assertThat(e.out()).contains(SettingSurface.FLAG.nameOf(option));
        }
        assertThat(helpOf(e.out(), "--bootstrap-servers"))
                .contains(squeezed("Flink key: sentiment.bootstrap-servers"))
                .doesNotContain(squeezed("Default:"));
        assertThat(helpOf(e.out(), "--max-batch-size"))
                .contains(squeezed("Default: 64."))
                .contains(squeezed("Flink key: sentiment.max-batch-size"));
        assertThat(helpOf(e.out(), "--input-format")).contains(squeezed("Default: JSON."));
        assertThat(helpOf(e.out(), "--delivery-guarantee")).contains(squeezed("Default: exactly-once."));
        assertThat(helpOf(e.out(), "--transaction-timeout")).contains(squeezed("Default: 600 s."));
        assertThat(helpOf(e.out(), "--max-batch-delay")).contains(squeezed("Default: 5 ms."));
        assertThat(helpOf(e.out(), "--async-capacity")).contains(squeezed("Default: 256."));
        assertThat(helpOf(e.out(), "--text-field")).contains(squeezed("Default: text."));
        assertThat(e.out()).contains("--kafka.<property>=<value>");
    }

    @Test
    void helpSubcommandGivesTheSameText() {
        assertThat(execute("help", "run").out())
                .isEqualTo(execute("run", "--help").out());
    }

    @Test
    void runWithoutBootstrapServersExits2() {
        CommandLineRun e = execute("run");

        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("\'--bootstrap-servers\'").contains("Fix:");
    }

    @Test
    void invalidValueExits2() {
        CommandLineRun e = execute("run", "--bootstrap-servers", "127.0.0.1:1", "--max-batch-size", "lots");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("\'--max-batch-size\'").contains("Fix:");

        e = execute("run", "--bootstrap-servers", "127.0.0.1:1", "--max-batch-size", "0");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("\'--max-batch-size\'").contains("Fix:");

        e = execute("run", "--bootstrap-servers", "127.0.0.1:1", "--delivery-guarantee", "MAYBE");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("\'--delivery-guarantee\'").contains("Fix:");

        e = execute("run", "--bootstrap-servers", "127.0.0.1:1", "--kafka.transactional.id", "x");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("'--kafka.transactional.id'").contains("Fix:");

        e = execute("run", "--bootstrap-servers", "127.0.0.1:1", "--input-topic", "t", "--output-topic", "t");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("\'--input-topic\'").contains("Fix:");
    }

    @Test
    void unknownOptionFails() {
        CommandLineRun e = execute("run", "--bootstrap-servers", "127.0.0.1:1", "--max-batch", "8");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("--max-batch");

        e = execute("--bogus");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("--bogus");

        e = execute("frobnicate");
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("frobnicate");
    }

    @Test
    void kafkaOptionWithoutValueFails() {
        CommandLineRun e = execute("run", "--bootstrap-servers", "127.0.0.1:1", "--kafka.security.protocol");

        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.err()).contains("--kafka.security.protocol").contains("Fix:");
    }

    /** Parses a `run` command line (without running it) and returns the settings it gives the job. */
    private static Map<String, String> runSettings(String... args) {
        CommandLine cmd = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        CommandLine.ParseResult parsed = cmd.parseArgs(args);
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("run");
        RunCommand run = cmd.getSubcommands().get("run").getCommand();
        return Settings.given(run.spec, JobConfig.allOptions(), run.unmatched);
    }

    @Test
    void kafkaPropertiesPassThroughInBothForms() {
        Map<String, String> equalsForm = runSettings(
                "run",
                "--bootstrap-servers",
                "b:9092",
                "--kafka.security.protocol=SASL_SSL",
                "--max-batch-size",
                "8",
                "--kafka.sasl.jaas.config=a=b c=\"d\";");
        Map<String, String> spaceForm = runSettings(
                "run",
                "--kafka.security.protocol",
                "SASL_SSL",
                "--bootstrap-servers",
                "b:9092",
                "--max-batch-size=8",
                "--kafka.sasl.jaas.config",
                "a=b c=\"d\";");

        for (Map<String, String> settings : java.util.List.of(equalsForm, spaceForm)) {
            assertThat(settings)
                    .containsEntry("kafka.security.protocol", "SASL_SSL")
                    .containsEntry("kafka.sasl.jaas.config", "a=b c=\"d\";")
                    .containsEntry("sentiment.bootstrap-servers", "b:9092")
                    .containsEntry("sentiment.max-batch-size", "8")
                    .hasSize(4);
            JobConfig config = JobConfig.of(settings).requireBootstrapServers();
            assertThat(config.kafkaProperties())
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.jaas.config", "a=b c=\"d\";");
            assertThat(config.get(KafkaOptions.BOOTSTRAP_SERVERS)).isEqualTo("b:9092");
            assertThat(config.inference().maxBatchSize()).isEqualTo(8);
            assertThat(config.toString())
                    .contains("kafka.security.protocol=SASL_SSL")
                    .doesNotContain("c=\"d\"");
        }
    }

    @Test
    void flagsNotGivenAreNotSettings() {
        assertThat(runSettings("run")).isEmpty();
    }
}
