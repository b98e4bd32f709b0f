package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.SinkFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model a job switched to is in the scoring operator's state: after a failover the job scores with it, not
 * with the model it was started with, even when the feed no longer names it.
 */
class ModelStateITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** (attempt, model) of each scored record; the MiniCluster runs in this JVM. */
    private static final ConcurrentLinkedQueue<Tuple2<Integer, String>> OUT = new ConcurrentLinkedQueue<>();

    private static final AtomicBoolean FAIL_ONCE = new AtomicBoolean();

    @TempDir
    Path tmp;

    /** A feed that names the model in a file, and none while the file is absent. */
    record FileFeed(String file) implements ModelFeed {
        @Override
        public Duration pollInterval() {
            return Duration.ofMillis(200);
        }

        @Override
        public Reader open() {
            return () -> {
                Path path = Path.of(file);
                return Files.exists(path)
                        ? Optional.of(ModelAnnouncement.fromJson(Files.readString(path)))
                        : Optional.empty();
            };
        }
    }

    @Test
    void aRestoredJobScoresWithTheModelItHadSwitchedTo() throws Exception {
        Path announcement = tmp.resolve("announcement.json");
        Path next = TestModels.variant(TestModels.tinyModelDir(), tmp.resolve("next"), "next version");
        String nextIdentity = "next@sha256:"
                + org.sentimentstream.udf.internal.ModelDirectory.sha256Of(next.resolve("model.onnx"))
                        .substring(0, 12);
        String startIdentity = TestModels.identity(TestModels.TINY);

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(200);
        env.setParallelism(2);
        DataGeneratorSource<String> source = new DataGeneratorSource<>(
                index -> "review number " + index + " was rather good",
                Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(200),
                Types.STRING);
        InferenceConfig config = InferenceConfig.builder()
                .model(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.INTRA_OP_THREADS, 1)
                .build();
        SentimentAsyncFunction<String, String> scorer = new SentimentAsyncFunction<String, String>(
                        config, text -> text, new ModelOf())
                .withModelFeed(new FileFeed(announcement.toString()));
        AsyncDataStream.orderedWait(
                        env.fromSource(source, WatermarkStrategy.noWatermarks(), "reviews"),
                        scorer,
                        30,
                        TimeUnit.SECONDS,
                        64)
                .returns(Types.STRING)
                .uid("score")
                .map(new FailOnce())
                .returns(Types.TUPLE(Types.INT, Types.STRING))
                .addSink(new Collect());
        OUT.clear();
        JobClient job = env.executeAsync("model state");
        try {
            waitFor(r -> r.f1.equals(startIdentity));
            Files.writeString(announcement, new ModelAnnouncement(next.toString(), null, List.of()).toJson());
            waitFor(r -> r.f1.equals(nextIdentity));
            Files.delete(announcement); // from now on only the state knows the model
            Thread.sleep(1500); // several checkpoints after the swap
            FAIL_ONCE.set(true);
            waitFor(r -> r.f0 >= 1);
            Thread.sleep(500);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        List<String> afterRestore =
                OUT.stream().filter(r -> r.f0 >= 1).map(r -> r.f1).distinct().toList();
        assertThat(afterRestore).as("models scored with after the failover").containsExactly(nextIdentity);
    }

    private static void waitFor(Predicate<Tuple2<Integer, String>> seen) throws InterruptedException {
        for (int i = 0; i < 600 && OUT.stream().noneMatch(seen); i++) {
            Thread.sleep(100);
        }
        assertThat(OUT).as("an output within 60 s").anyMatch(seen);
    }

    static final class ModelOf implements SentimentAsyncFunction.ResultHandler<String, String> {
        @Override
        public String onScored(String input, SentimentResult result) {
            return result.model();
        }

        @Override
        public String onFailure(String input, Throwable error) throws Exception {
            throw new AssertionError("no record may fail: " + error, error);
        }
    }

    /** Fails the job once when told to; tags each record with the attempt that scored it. */
    static final class FailOnce extends RichMapFunction<String, Tuple2<Integer, String>> {
        @Override
        public Tuple2<Integer, String> map(String model) {
            if (FAIL_ONCE.compareAndSet(true, false)) {
                throw new IllegalStateException("injected failure");
            }
            return Tuple2.of(getRuntimeContext().getTaskInfo().getAttemptNumber(), model);
        }
    }

    static final class Collect implements SinkFunction<Tuple2<Integer, String>> {
        @Override
        public void invoke(Tuple2<Integer, String> value, Context context) {
            OUT.add(value);
        }
    }
}
