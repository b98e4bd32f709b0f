package org.sentimentstream.job.cli;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;

import org.apache.flink.configuration.ConfigOption;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/** The job jar's entry point: {@code run} on a cluster, {@code local} embedded, {@code score} over files. */
@Command(
        name = "sentiment-stream",
        mixinStandardHelpOptions = true,
        version = "sentiment-stream 0.1.0",
        description = "Scores a Kafka stream of reviews with DistilBERT SST-2 (ONNX Runtime) inside Apache Flink.",
        subcommands = {RunCommand.class, LocalCommand.class, ProduceCommand.class, ScoreCommand.class, EvalCommand.class, BiasProbeCommand.class, SqlCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = execute(args);
        // Returning normally matters in Flink application mode, where System.exit would stop the JobManager.
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command line and returns its exit code; 2 for an invalid setting. */
    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Main());
        Settings.addFlags(cmd.getSubcommands().get("run").getCommandSpec(), JobConfig.allOptions());
        Settings.addFlags(cmd.getSubcommands().get("local").getCommandSpec(), localOptions());
        for (String fileCommand : List.of("score", "eval", "bias-probe")) {
            Settings.addFlags(cmd.getSubcommands().get(fileCommand).getCommandSpec(),
                    Arrays.asList(InferenceConfig.allOptions()));
        }
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

    /** `local` runs its own broker, so the bootstrap servers are not a setting there. */
    static List<ConfigOption<?>> localOptions() {
        return JobConfig.allOptions().stream()
                .filter(o -> !o.key().equals("sentiment.bootstrap-servers"))
                .toList();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
