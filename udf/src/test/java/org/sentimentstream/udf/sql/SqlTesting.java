package org.sentimentstream.udf.sql;

import org.sentimentstream.embedded.RetainingMetricReporter;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;
import org.sentimentstream.udf.AloneScorer;
import org.sentimentstream.udf.InferenceConfig;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.assertj.core.data.Offset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared by the SQL ITCases: the MiniCluster, a reviews table over the reference texts, reference checks. */
final class SqlTesting {

    static final List<ReferenceCase> CASES = TestModels.referenceCases();
    /** The reference texts, then a NULL: the text of row i is {@code TEXTS.get(i % TEXTS.size())}. */
    static final List<String> TEXTS;

    /** What the model's options with their defaults give for a text: its windows scored alone ({@link AloneScorer}). */
    record Expected(String text, float[] logits, int tokens, int windows, boolean truncated) {}

    static final Map<String, Expected> BY_TEXT = new HashMap<>();

    static {
        List<String> texts = new ArrayList<>();
        try (AloneScorer alone =
                new AloneScorer(InferenceConfig.builder().model(modelDir()).build())) {
            for (ReferenceCase c : CASES) {
                texts.add(c.text);
                var windows = alone.windows(c.text);
                BY_TEXT.put(
                        c.text,
                        new Expected(
                                c.text, alone.logits(c.text), windows.tokens(), windows.count(), windows.truncated()));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        texts.add(null);
        TEXTS = Collections.unmodifiableList(texts);
    }

    private SqlTesting() {}

    static MiniClusterExtension miniCluster() {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.sqltest.factory.class", RetainingMetricReporter.class.getName());
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    static String modelDir() {
        return TestModels.tinyModelDir().toString();
    }

    /** The environment of the last {@link #tableEnv}: a table's DataStream must come from the same one. */
    private static StreamExecutionEnvironment env;

    static StreamTableEnvironment tableEnv(int parallelism) {
        env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        return StreamTableEnvironment.create(env);
    }

    /** Registers {@code name (id BIGINT, text STRING)} with {@code rows} rows; row i has {@code TEXTS[i % n]}. */
    static void registerReviews(StreamTableEnvironment tEnv, String name, long rows) {
        registerReviews(tEnv, name, rows, 1);
    }

    /** The same, read by {@code parallelism} source subtasks (ML_PREDICT runs with its input's parallelism). */
    static void registerReviews(StreamTableEnvironment tEnv, String name, long rows, int parallelism) {
        DataGeneratorSource<Row> source = new DataGeneratorSource<>(
                index -> Row.of(index, TEXTS.get((int) (index % TEXTS.size()))),
                rows,
                Types.ROW_NAMED(new String[] {"id", "text"}, Types.LONG, Types.STRING));
        tEnv.createTemporaryView(
                name,
                tEnv.fromDataStream(env.fromSource(source, WatermarkStrategy.noWatermarks(), name)
                        .setParallelism(parallelism)));
    }

    static String textOf(long id) {
        return TEXTS.get((int) (id % TEXTS.size()));
    }

    static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    static List<Row> collect(CloseableIterator<Row> it) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (it) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    /** Softmax of the reference logits, in double precision like the scorer. */
    static double[] referenceProbabilities(float[] logits) {
        double max = Math.max(logits[0], logits[1]);
        double e0 = Math.exp(logits[0] - max);
        double e1 = Math.exp(logits[1] - max);
        return new double[] {e0 / (e0 + e1), e1 / (e0 + e1)};
    }

    /**
     * The label and score of a row equal those the expected logits give; the label only where the logits are
     * not a near tie (the tiny model has random weights).
     */
    static void assertLabelAndScore(String text, String label, Double score) {
        Expected c = BY_TEXT.get(text);
        assertThat(c).as("a reference text: %s", text).isNotNull();
        double[] p = referenceProbabilities(c.logits());
        assertThat(score).as("score of %s", c).isCloseTo(Math.max(p[0], p[1]), Offset.offset(1e-4));
        if (Math.abs(c.logits()[0] - c.logits()[1]) > 1e-3) {
            assertThat(label).as("label of %s", c).isEqualTo(c.logits()[0] > c.logits()[1] ? "NEGATIVE" : "POSITIVE");
        }
    }

    static void assertLogits(String text, float[] logits) {
        Expected c = BY_TEXT.get(text);
        assertThat(logits).as("logits of %s", c).hasSize(2);
        assertThat(logits[0]).as("logit 0 of %s", c).isCloseTo(c.logits()[0], Offset.offset(1e-4f));
        assertThat(logits[1]).as("logit 1 of %s", c).isCloseTo(c.logits()[1], Offset.offset(1e-4f));
    }

    /** The whole chain of messages of an exception. */
    static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable e = t; e != null; e = e.getCause()) {
            all.append(e.getClass().getName())
                    .append(": ")
                    .append(e.getMessage())
                    .append('\n');
        }
        return all.toString();
    }
}
