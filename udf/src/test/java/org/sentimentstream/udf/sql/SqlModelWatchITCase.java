package org.sentimentstream.udf.sql;

import org.sentimentstream.testing.TestModels;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both SQL forms follow a versioned model root ({@code model-watch}): they open the newest version, and a write to
 * {@code LATEST} moves the running query to another version once, never back.
 */
class SqlModelWatchITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = SqlTesting.miniCluster();

    private static final int ROWS = 1200;
    private static final int ROWS_PER_SECOND = 100;

    @TempDir
    static Path tmp;

    private static Path root;
    /** Versions told apart by their labels: 1 is sentiment (NEGATIVE/POSITIVE), 2 is star ratings. */
    private static Path labelledRoot;

    @BeforeAll
    static void versions() {
        root = tmp.resolve("sentiment-versions");
        TestModels.variant(TestModels.tinyModelDir(), root.resolve("1"), "version 1");
        TestModels.variant(TestModels.tinyModelDir(), root.resolve("2"), "version 2");
        labelledRoot = tmp.resolve("labelled-versions");
        TestModels.variant(TestModels.tinyModelDir(), labelledRoot.resolve("1"), "version 1");
        TestModels.variant(TestModels.dir(TestModels.TINY_BERT), labelledRoot.resolve("2"), "version 2");
    }

    /** A table of {@code ROWS} reviews at a steady rate, so that the query is still running when LATEST changes. */
    private static StreamTableEnvironment steadyReviews() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataGeneratorSource<Row> source = new DataGeneratorSource<>(
                index -> Row.of(index, "review " + index + ": a fine film, " + (index % 2 == 0 ? "loved" : "hated")),
                ROWS,
                RateLimiterStrategy.perSecond(ROWS_PER_SECOND),
                Types.ROW_NAMED(new String[] {"id", "text"}, Types.LONG, Types.STRING));
        tEnv.createTemporaryView(
                "reviews", tEnv.fromDataStream(env.fromSource(source, WatermarkStrategy.noWatermarks(), "reviews")));
        return tEnv;
    }

    @Test
    void mlPredictFollowsTheRoot() throws Exception {
        StreamTableEnvironment tEnv = steadyReviews();
        tEnv.executeSql("CREATE TEMPORARY MODEL watched INPUT (text STRING) OUTPUT (model STRING)"
                + " WITH ('provider' = 'onnx', 'model' = '" + root + "', 'model-watch' = '1 s')");
        assertSwitchesOnce(
                tEnv.executeSql("SELECT id, model FROM ML_PREDICT(TABLE reviews, MODEL watched," + " DESCRIPTOR(text))")
                        .collect());
    }

    @Test
    void sentimentFunctionFollowsTheRoot() throws Exception {
        StreamTableEnvironment tEnv = steadyReviews();
        tEnv.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION SENTIMENT AS 'org.sentimentstream.udf.sql.SentimentFunction'");
        tEnv.getConfig()
                .set(
                        "pipeline.global-job-parameters",
                        "sentiment.model:\"" + labelledRoot + "\",sentiment.model-watch:\"1 s\","
                                + "sentiment.model-update.allow-label-change:true");
        // SENTIMENT() returns label and score only: the label set shows the version.
        assertSwitchesOnce(
                labelledRoot,
                tEnv.executeSql("SELECT id, CASE WHEN s.label IN ('NEGATIVE', 'POSITIVE') THEN '1@' ELSE '2@' END"
                                + " FROM (SELECT id, SENTIMENT(text) AS s FROM reviews)")
                        .collect());
    }

    private static void assertSwitchesOnce(CloseableIterator<Row> it) throws Exception {
        assertSwitchesOnce(root, it);
    }

    /** Reads the rows; after the first 100 pins version 1; checks that by id the model goes from 2 to 1 once. */
    private static void assertSwitchesOnce(Path root, CloseableIterator<Row> it) throws Exception {
        Files.deleteIfExists(root.resolve("LATEST"));
        List<Row> rows = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                rows.add(it.next());
                if (rows.size() == 100) {
                    Files.writeString(root.resolve("LATEST"), "1\n");
                }
            }
        } finally {
            Files.deleteIfExists(root.resolve("LATEST"));
        }
        assertThat(rows).hasSize(ROWS);
        rows.sort(Comparator.comparing(row -> row.<Long>getFieldAs(0)));
        List<String> versions = new ArrayList<>();
        for (Row row : rows) {
            String version = row.<String>getFieldAs(1).substring(0, 2);
            if (versions.isEmpty() || !versions.get(versions.size() - 1).equals(version)) {
                versions.add(version);
            }
        }
        assertThat(versions).as("versions in input order").containsExactly("2@", "1@");
    }
}
