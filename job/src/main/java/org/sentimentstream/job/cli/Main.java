package org.sentimentstream.job.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;

/**
 * The job jar's entry point on a Flink cluster: {@code flink run job.jar run ...} streams, {@code sql} runs a SQL
 * script. Flink is provided by the cluster, so the jar is no program of its own: the terminal commands (local,
 * score, eval, bias-probe, produce) are in the cli module's distribution.
 */
@Command(
        name = "sentiment-stream-job",
        mixinStandardHelpOptions = true,
        version = "sentiment-stream 0.1.0",
        description = "Scores a Kafka stream of reviews with DistilBERT SST-2 (ONNX Runtime) inside Apache Flink.",
        subcommands = {RunCommand.class, SqlCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    static final String NOT_ON_A_CLUSTER = "This jar is the sentiment-stream Flink job: submit it with"
            + " `flink run <jar> run --bootstrap-servers <host:port>` (Flink provides its runtime). For local, score,"
            + " eval, bias-probe and produce, run bin/sentiment-stream of the distribution"
            + " (cli/target/sentiment-stream-<version>/).";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (!flinkIsProvided()) {
            // `java -jar` on this jar: say what it is for, before anything touches a Flink class
            System.err.println(NOT_ON_A_CLUSTER);
            System.exit(2);
        }
        if (runByAJobManager()) {
            // REST submission to a session cluster, or application mode: System.exit would end the JobManager's
            // process and every job on it. The exception carries the message (setting and fix) to the caller.
            StringWriter err = new StringWriter();
            PrintWriter errors = new PrintWriter(
                    new Writer() {
                        @Override
                        public void write(char[] buf, int off, int len) {
                            err.write(buf, off, len);
                            System.err.print(new String(buf, off, len));
                        }

                        @Override
                        public void flush() {
                            System.err.flush();
                        }

                        @Override
                        public void close() {}
                    },
                    true);
            int code = commandLine(new PrintWriter(System.out, true), errors).execute(args);
            if (code != 0) {
                throw new IllegalArgumentException("sentiment-stream did not start (exit code " + code + "): "
                        + err.toString().trim());
            }
            return;
        }
        int code = execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Whether a JobManager (its REST API's jar run, or application mode) called this, rather than `flink run`. */
    static boolean runByAJobManager() {
        return StackWalker.getInstance()
                .walk(frames -> frames.anyMatch(
                        f -> f.getClassName().startsWith("org.apache.flink.client.deployment.application.")
                                || f.getClassName().startsWith("org.apache.flink.runtime.webmonitor.")));
    }

    /** Runs a command line and returns its exit code; 2 for an invalid setting. */
    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true))
                .execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = Settings.commandLine(new Main(), out, err);
        RunCommand.addFlags(cmd.getSubcommands().get("run").getCommandSpec());
        return cmd;
    }

    static boolean flinkIsProvided() {
        try {
            Class.forName(
                    "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment",
                    false,
                    Main.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
