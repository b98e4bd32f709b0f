package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Open and close of {@link SentimentAsyncFunction} on a MiniCluster: once a job has ended, finished or failed,
 * no batcher thread and no shared session is left in the TaskManager.
 */
class SentimentAsyncFunctionLifecycleITCase {

    private static final int RECORDS = 300;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final List<String> TEXTS = new ArrayList<>();

    static {
        TestModels.referenceCases().forEach(c -> TEXTS.add(c.text));
    }

    @BeforeEach
    @AfterEach
    void nothingOpen() {
        assertThat(ScorerLifecycleTest.liveBatcherThreads()).isEmpty();
        assertThat(SessionLease.openSharedScorers()).isZero();
    }

    private static InferenceConfig.Builder config() {
        return InferenceConfig.builder()
                .model(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.MAX_BATCH_SIZE, 16)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(5));
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    private static DataStream<Tuple2<Long, String>> records(StreamExecutionEnvironment env) {
        DataGeneratorSource<Tuple2<Long, String>> source = new DataGeneratorSource<>(
                index -> Tuple2.of(index, TEXTS.get((int) (index % TEXTS.size()))),
                RECORDS,
                Types.TUPLE(Types.LONG, Types.STRING));
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "reviews")
                .setParallelism(1);
    }

    /** Scores into "index label", or "index FAILED" (there should be none). */
    static final class Handler implements SentimentAsyncFunction.ResultHandler<Tuple2<Long, String>, String> {
        @Override
        public String onScored(Tuple2<Long, String> in, SentimentResult result) {
            return in.f0 + " " + result.label();
        }

        @Override
        public String onFailure(Tuple2<Long, String> in, Throwable error) {
            return in.f0 + " FAILED " + error;
        }
    }

    private static DataStream<String> scored(StreamExecutionEnvironment env, InferenceConfig config) {
        return AsyncDataStream.unorderedWait(
                        records(env).rebalance(),
                        new SentimentAsyncFunction<>(config, t -> t.f1, new Handler()),
                        30,
                        TimeUnit.SECONDS,
                        32)
                .returns(Types.STRING)
                .setParallelism(2);
    }

    /** Runs the job to its end (all tasks closed) and returns what it emitted. */
    private static List<String> runToTheEnd(StreamExecutionEnvironment env, DataStream<String> out) throws Exception {
        CloseableIterator<String> it = out.collectAsync();
        JobClient client = env.executeAsync();
        List<String> results = new ArrayList<>();
        try (it) {
            it.forEachRemaining(results::add);
        }
        client.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        return results;
    }

    @Test
    void perSlotSessionsAreClosedWithTheJobThreeTimesOver() throws Exception {
        for (int round = 0; round < 3; round++) {
            StreamExecutionEnvironment env = env();
            List<String> out = runToTheEnd(env, scored(env, config().build()));
            assertThat(out).hasSize(RECORDS).noneMatch(s -> s.contains("FAILED"));
            assertThat(ScorerLifecycleTest.liveBatcherThreads())
                    .as("round %s", round)
                    .isEmpty();
        }
    }

    @Test
    void aSharedSessionIsClosedWithTheJob() throws Exception {
        StreamExecutionEnvironment env = env();
        InferenceConfig shared = config().set(SentimentOptions.SESSION_SHARING, SentimentOptions.SessionSharing.SHARED)
                .build();
        List<String> out = runToTheEnd(env, scored(env, shared));
        assertThat(out).hasSize(RECORDS).noneMatch(s -> s.contains("FAILED"));
        assertThat(SessionLease.openSharedScorers()).isZero();
        assertThat(ScorerLifecycleTest.liveBatcherThreads()).isEmpty();
    }

    @Test
    void sessionsAreClosedWhenTheJobFails() throws Exception {
        for (SentimentOptions.SessionSharing sharing : SentimentOptions.SessionSharing.values()) {
            StreamExecutionEnvironment env = env();
            DataStream<String> failing = scored(
                            env,
                            config().set(SentimentOptions.SESSION_SHARING, sharing)
                                    .build())
                    .map(s -> {
                        if (s.startsWith("150 ")) {
                            throw new IllegalStateException("downstream failure at record 150");
                        }
                        return s;
                    })
                    .setParallelism(2);
            CloseableIterator<String> it = failing.collectAsync();
            JobClient client = env.executeAsync();
            Throwable t = catchThrowable(() -> {
                try (it) {
                    it.forEachRemaining(s -> {});
                }
            });
            Throwable result =
                    catchThrowable(() -> client.getJobExecutionResult().get(2, TimeUnit.MINUTES));
            assertThat(t != null ? t : result).as("%s job fails", sharing).isNotNull();
            assertThat(result)
                    .as("%s job result", sharing)
                    .isNotNull()
                    .hasStackTraceContaining("downstream failure at record 150");
            assertThat(ScorerLifecycleTest.liveBatcherThreads())
                    .as("%s", sharing)
                    .isEmpty();
            assertThat(SessionLease.openSharedScorers()).as("%s", sharing).isZero();
        }
    }
}
