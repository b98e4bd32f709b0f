package org.sentimentstream.cli;

import org.sentimentstream.job.cli.Settings;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.job.config.ModelControlOptions;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.configuration.ConfigOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** {@code bin/sentiment-stream}: the job embedded with its own broker, and the tools around it. */
@Command(
        name = "sentiment-stream",
        mixinStandardHelpOptions = true,
        version = "sentiment-stream 0.1.0",
        description = {
            "Scores reviews with DistilBERT SST-2 (ONNX Runtime): the Flink job on an embedded broker and"
                    + " MiniCluster (local), over files (score, eval, bias-probe), and a producer for a deployed job.",
            "The job itself runs on a Flink cluster: flink run sentiment-stream-job-<version>.jar run ..."
        },
        subcommands = {
            LocalCommand.class,
            ProduceCommand.class,
            ScoreCommand.class,
            EvalCommand.class,
            BiasProbeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; 2 for an invalid setting. */
    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true))
                .execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = Settings.commandLine(new Main(), out, err);
        Settings.addFlags(cmd.getSubcommands().get("local").getCommandSpec(), localOptions());
        for (String fileCommand : List.of("score", "eval", "bias-probe")) {
            Settings.addFlags(cmd.getSubcommands().get(fileCommand).getCommandSpec(), SentimentOptions.ALL);
        }
        return cmd;
    }

    /**
     * `local` runs its own broker, so the bootstrap servers are not a setting there, and neither is a model control
     * topic, which nothing outside this process could write to.
     */
    static List<ConfigOption<?>> localOptions() {
        return JobConfig.allOptions().stream()
                .filter(o -> !o.equals(KafkaOptions.BOOTSTRAP_SERVERS))
                .filter(o -> !ModelControlOptions.ALL.contains(o))
                .toList();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
