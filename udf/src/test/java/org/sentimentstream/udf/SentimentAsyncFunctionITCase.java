package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The async function on a real Flink MiniCluster: nothing lost, nothing duplicated, order kept when asked. */
class SentimentAsyncFunctionITCase {

    private static final int RECORDS = 10_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final org.apache.flink.api.common.typeinfo.TypeInformation<Tuple3<Long, String, float[]>> SCORED =
            Types.TUPLE(Types.LONG, Types.STRING, Types.PRIMITIVE_ARRAY(Types.FLOAT));

    private static final List<String> TEXTS = new ArrayList<>();
    private static final Map<String, float[]> EXPECTED = new HashMap<>();
    private static final Map<String, Integer> WINDOWS = new HashMap<>();

    /**
     * The reference texts, and long texts made of them that the default long-text strategy reads in 2 to 12
     * windows; each text's expected logits are its windows' scored alone ({@link AloneScorer}), which for a text
     * that fits one sequence are the transformers reference (ReferenceLogitsTest).
     */
    @BeforeAll
    static void expectedLogits() throws Exception {
        List<TestModels.ReferenceCase> cases = TestModels.referenceCases();
        // the long texts first, so that the first records (the timeout test's) include texts of many windows
        for (int joined : new int[] {10, 25, 60, 100}) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < joined; i++) {
                text.append(cases.get((i * 7) % cases.size()).text).append(' ');
            }
            TEXTS.add(text.toString().strip());
        }
        cases.forEach(c -> TEXTS.add(c.text));
        try (AloneScorer alone = new AloneScorer(config().build())) {
            for (String text : TEXTS) {
                EXPECTED.put(text, alone.logits(text));
                WINDOWS.put(text, alone.windows(text).count());
            }
        }
        assertThat(WINDOWS.values()).contains(1).anyMatch(w -> w >= 8);
    }

    /** Record i carries reference text i mod n; it arrives after a random gap of 0-2 ms. */
    private static DataStream<Tuple2<Long, String>> records(StreamExecutionEnvironment env) {
        DataGeneratorSource<Tuple2<Long, String>> source = new DataGeneratorSource<>(
                index -> {
                    Random random = new Random(index);
                    if (random.nextInt(50) == 0) {
                        TimeUnit.MILLISECONDS.sleep(random.nextInt(3));
                    }
                    return Tuple2.of(index, TEXTS.get((int) (index % TEXTS.size())));
                },
                RECORDS,
                Types.TUPLE(Types.LONG, Types.STRING));
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "reviews")
                .setParallelism(1);
    }

    private static SentimentAsyncFunction<Tuple2<Long, String>, Tuple3<Long, String, float[]>> function(
            InferenceConfig config) {
        return new SentimentAsyncFunction<>(config, t -> t.f1, new ResultHandler());
    }

    static final class ResultHandler
            implements SentimentAsyncFunction.ResultHandler<Tuple2<Long, String>, Tuple3<Long, String, float[]>> {
        @Override
        public Tuple3<Long, String, float[]> onScored(Tuple2<Long, String> in, SentimentResult result) {
            return Tuple3.of(in.f0, in.f1, result.logits());
        }

        @Override
        public Tuple3<Long, String, float[]> onFailure(Tuple2<Long, String> in, Throwable error) {
            return Tuple3.of(in.f0, "FAILED: " + error, new float[0]);
        }
    }

    private static InferenceConfig.Builder config() {
        return InferenceConfig.builder()
                .model(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.MAX_BATCH_SIZE, 16)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(5));
    }

    @Test
    void orderedWaitKeepsOrderAndLosesNothing() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<Tuple3<Long, String, float[]>> scored = AsyncDataStream.orderedWait(
                        records(env), function(config().build()), 30, TimeUnit.SECONDS, 64)
                .returns(SCORED)
                .setParallelism(1);
        List<Tuple3<Long, String, float[]>> out = collect(scored);
        assertThat(out).hasSize(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            assertThat(out.get(i).f0).isEqualTo((long) i);
            assertCorrectLogits(out.get(i));
        }
    }

    @Test
    void unorderedWaitWithTwoSubtasksAndASharedSessionLosesNothingAndDuplicatesNothing() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        InferenceConfig shared = config().set(SentimentOptions.SESSION_SHARING, SentimentOptions.SessionSharing.SHARED)
                .build();
        DataStream<Tuple3<Long, String, float[]>> scored = AsyncDataStream.unorderedWait(
                        records(env).rebalance(), function(shared), 30, TimeUnit.SECONDS, 64)
                .returns(SCORED)
                .setParallelism(2);
        assertEveryIndexOnce(collect(scored));
        assertThat(SessionLease.openSharedScorers())
                .as("shared sessions left open")
                .isZero();
    }

    @Test
    void perSlotSessionsUnorderedWithTwoSubtasks() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<Tuple3<Long, String, float[]>> scored = AsyncDataStream.unorderedWait(
                        records(env).rebalance(), function(config().build()), 30, TimeUnit.SECONDS, 64)
                .returns(SCORED)
                .setParallelism(2);
        assertEveryIndexOnce(collect(scored));
    }

    @Test
    void timedOutRecordsAreCompletedByTimeoutAndTheJobFinishes() throws Exception {
        // The batcher holds texts for 5 s but the async timeout is 50 ms: every record must come out through
        // timeout(), once, whatever its windows, and the operator must not stall.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        InferenceConfig slow = config().set(SentimentOptions.MAX_BATCH_SIZE, 4096)
                .set(SentimentOptions.MAX_BATCH_TOKENS, 4096 * 128)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofSeconds(5))
                .build();
        DataStream<Tuple2<Long, String>> few =
                records(env).filter(t -> t.f0 < 20).setParallelism(1);
        List<Tuple3<Long, String, float[]>> out =
                collect(AsyncDataStream.orderedWait(few, function(slow), 50, TimeUnit.MILLISECONDS, 100)
                        .returns(SCORED)
                        .setParallelism(1));
        // each once, the records of many windows too: one outcome per record, not per window
        assertThat(out).hasSize(20);
        assertThat(out.stream().map(t -> t.f0).distinct()).hasSize(20);
        assertThat(out).allSatisfy(t -> assertThat(t.f1).startsWith("FAILED: java.util.concurrent.TimeoutException"));
        assertThat(WINDOWS.get(TEXTS.get(3))).as("windows of record 3").isGreaterThanOrEqualTo(8);
    }

    private static void assertEveryIndexOnce(List<Tuple3<Long, String, float[]>> out) {
        assertThat(out).hasSize(RECORDS);
        boolean[] seen = new boolean[RECORDS];
        for (Tuple3<Long, String, float[]> t : out) {
            assertThat(seen[t.f0.intValue()]).as("duplicate of %s", t.f0).isFalse();
            seen[t.f0.intValue()] = true;
            assertCorrectLogits(t);
        }
    }

    private static void assertCorrectLogits(Tuple3<Long, String, float[]> t) {
        assertThat(t.f1).as("record %s", t.f0).doesNotStartWith("FAILED");
        float[] expected = EXPECTED.get(t.f1);
        assertThat(t.f2[0]).isCloseTo(expected[0], org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(t.f2[1]).isCloseTo(expected[1], org.assertj.core.data.Offset.offset(1e-4f));
    }

    private static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> out = new ArrayList<>();
        try (CloseableIterator<T> it = stream.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
