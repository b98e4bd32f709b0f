package org.sentimentstream.cli;

import org.sentimentstream.cli.input.GoldLabels;
import org.sentimentstream.cli.input.ReviewFile;
import org.sentimentstream.cli.input.ReviewInput;
import org.sentimentstream.cli.local.LocalCluster;
import org.sentimentstream.cli.local.LocalConsole;
import org.sentimentstream.cli.local.LocalSummary;
import org.sentimentstream.cli.model.ModelChoice;
import org.sentimentstream.job.cli.Settings;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.udf.SentimentOptions;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The embedded default: broker, job and sample data in one process. */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        description = "Runs the whole pipeline on this machine: an in-process Kafka broker (KRaft), the job on a"
                + " local Flink MiniCluster, and a sample of real reviews (or yours), then prints scored reviews"
                + " and a summary. Everything binds to 127.0.0.1.")
final class LocalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    @Option(
            names = "--reviews",
            description = "Score this file instead of the sample: JSON Lines (a `text` field), a TSV with a header"
                    + " (`text` or `sentence` column), or plain text, one review per line.")
    Path reviews;

    @Option(
            names = "--format",
            description = "With --reviews: jsonl, tsv or text. Default: from the extension (.tsv a TSV, .txt text,"
                    + " else jsonl).")
    String format;

    @Option(
            names = "--label-field",
            description = "With --reviews: the field (JSON Lines) or column (TSV) of gold labels, if the file has them,"
                    + " read as " + GoldLabels.READING + " of SST-2 (0 negative, 1 positive); the summary prints the"
                    + " agreement. Default: ${DEFAULT-VALUE}.")
    String labelField = "label";

    @Option(names = "--follow", description = "Keep running after the sample and score reviews typed on stdin.")
    boolean follow;

    @Option(names = "--parallelism", description = "Parallel scoring subtasks. Default: ${DEFAULT-VALUE}.")
    int parallelism = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    /** The last run's summary, for tests. */
    LocalSummary summary;

    @Override
    public Integer call() throws Exception {
        Map<String, String> given = Settings.given(spec, Main.localOptions(), unmatched);
        JobConfig config = JobConfig.of(given);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ReviewInput input = reviews == null
                ? ReviewInput.sample()
                : ReviewInput.fromFile(reviews, "reviews", ReviewFile.Format.parse(format, reviews), labelField);
        ModelChoice.Choice model =
                ModelChoice.choose(config.inference(), given.containsKey(SentimentOptions.MODEL.key()));
        BufferedReader console = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        model.printBanner(out);
        try (LocalCluster cluster = LocalCluster.start(config, model.dir(), parallelism, out)) {
            summary = new LocalConsole(cluster, out).run(input, follow, console);
        }
        model.printBanner(out);
        return summary.recordsIn == summary.scored + summary.deadLetters() ? 0 : 1;
    }
}
