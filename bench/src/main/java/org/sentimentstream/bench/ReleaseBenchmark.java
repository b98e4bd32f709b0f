package org.sentimentstream.bench;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentScorer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * How long a cancel and a stop-with-savepoint take when the job's async queues are full on a slow model: the time
 * its slots stay taken after the request. Every ending runs {@code --repeat} times, each on a new job.
 */
@Command(
        name = "ReleaseBenchmark",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Seconds from cancel / stop-with-savepoint to a finished job, with full async queues.")
public final class ReleaseBenchmark implements Callable<Integer> {

    @Option(names = "--model", description = "The model directory (default: the DistilBERT-base shape).")
    Path model = Path.of(".cache/distilbert-base-shape");

    @Option(names = "--workload", description = "Texts the job gets (see Workloads).")
    String workload = "long";

    @Option(names = "--records", description = "Records produced at once: well above the queues' capacity.")
    int records = 1500;

    @Option(names = "--scored-first", description = "Records visible before the job is ended (its queues are full).")
    int scoredFirst = 20;

    @Option(names = "--repeat")
    int repeat = 1;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A job setting.")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReleaseBenchmark()).execute(args)); // Flink leaves non-daemon threads
    }

    @Override
    public Integer call() throws Exception {
        List<String> texts;
        try (SentimentScorer reader = SentimentScorer.open(
                InferenceConfig.builder().model(model.toString()).build(), 1)) {
            List<String> pool = Workloads.pipeline(workload, s -> reader.tokenIds(s).length);
            texts = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                texts.add(pool.get(i % pool.size()));
            }
        }
        Path savepoints = Files.createTempDirectory("bench-savepoints");
        E2eHarness.JobSpec spec =
                new E2eHarness.JobSpec("release", E2eHarness.Scoring.PIPELINE, 2, model.toString(), settings);
        try (E2eHarness harness = new E2eHarness(Duration.ofSeconds(1), Path.of(".cache/bench-logs/broker.log"))) {
            for (int i = 1; i <= repeat; i++) {
                for (E2eHarness.Ending ending : E2eHarness.Ending.values()) {
                    double seconds = harness.releaseTime(spec, texts, scoredFirst, ending, savepoints);
                    PipelineBenchmark.log(
                            "release %d: %s took %.2f s (%s, %s, %d records produced, ended after %d visible)",
                            i, ending, seconds, model, workload, records, scoredFirst);
                }
            }
        }
        return 0;
    }
}
