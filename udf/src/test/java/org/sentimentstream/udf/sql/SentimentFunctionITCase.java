package org.sentimentstream.udf.sql;

import org.sentimentstream.embedded.RetainingMetricReporter;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.ScoringRuntime;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.apache.flink.table.api.Expressions.$;
import static org.apache.flink.table.api.Expressions.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sentimentstream.udf.sql.SqlTesting.TEXTS;
import static org.sentimentstream.udf.sql.SqlTesting.assertLabelAndScore;
import static org.sentimentstream.udf.sql.SqlTesting.blank;
import static org.sentimentstream.udf.sql.SqlTesting.collect;
import static org.sentimentstream.udf.sql.SqlTesting.messages;
import static org.sentimentstream.udf.sql.SqlTesting.modelDir;
import static org.sentimentstream.udf.sql.SqlTesting.registerReviews;
import static org.sentimentstream.udf.sql.SqlTesting.tableEnv;
import static org.sentimentstream.udf.sql.SqlTesting.textOf;

/** {@code SENTIMENT(text)}, registered in SQL by class name and from the Table API, on a MiniCluster. */
class SentimentFunctionITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = SqlTesting.miniCluster();

    @BeforeEach
    void clearMetrics() {
        RetainingMetricReporter.clear();
    }

    @Test
    void sqlFunctionByClassNameWithSettingsFromJobParametersScoresInBatches() throws Exception {
        StreamTableEnvironment tEnv = tableEnv(1);
        int rows = TEXTS.size() * 8;
        registerReviews(tEnv, "reviews", rows);
        tEnv.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION SENTIMENT AS 'org.sentimentstream.udf.sql.SentimentFunction'");
        // As SET 'pipeline.global-job-parameters' = '...' does in the SQL client; TableEnvironment has no SET.
        tEnv.getConfig()
                .set(
                        "pipeline.global-job-parameters",
                        "sentiment.model:\"" + modelDir()
                                + "\",sentiment.max-batch-size:16,sentiment.max-batch-delay:\"20 ms\"");
        tEnv.getConfig().set("table.exec.async-scalar.max-concurrent-operations", "64");

        List<Row> out = collect(tEnv.executeSql(
                        "SELECT id, text, s.label, s.score FROM (SELECT id, text, SENTIMENT(text) AS s FROM reviews)")
                .collect());

        assertThat(out).hasSize(rows);
        int withoutText = 0;
        for (Row row : out) {
            String text = row.getFieldAs(1);
            String expectedText = textOf(row.<Long>getFieldAs(0));
            if (expectedText == null) {
                // Flink 2.2.1's AsyncCalc forwards a NULL string column as '' (seen with any async scalar
                // function); SENTIMENT itself got NULL and returned NULL.
                assertThat(text).isIn(null, "");
            } else {
                assertThat(text).isEqualTo(expectedText);
            }
            if (blank(text)) {
                withoutText++;
                assertThat(row.getField(2)).isNull();
                assertThat(row.getField(3)).isNull();
            } else {
                assertLabelAndScore(text, row.getFieldAs(2), row.getFieldAs(3));
            }
        }
        assertThat(RetainingMetricReporter.sum("recordsScored"))
                .as("each text scored once")
                .isEqualTo(rows - withoutText);
        // Flink does not call the function for a NULL argument (the result is NULL all the same); the blank
        // ones it does call are counted.
        long blankNotNull = out.stream()
                .map(r -> textOf(r.<Long>getFieldAs(0)))
                .filter(t -> t != null && t.isBlank())
                .count();
        assertThat(RetainingMetricReporter.sum(ScoringRuntime.RECORDS_WITHOUT_TEXT))
                .isEqualTo(blankNotNull);
        assertThat(RetainingMetricReporter.max("batchSize"))
                .as("largest batch (sentiment.batchSize)")
                .isGreaterThan(1);
    }

    @Test
    void tableApiFunctionWithAnExplicitConfigReturnsARow() throws Exception {
        StreamTableEnvironment tEnv = tableEnv(1);
        registerReviews(tEnv, "reviews", TEXTS.size() * 2);
        tEnv.createTemporarySystemFunction(
                "SENTIMENT",
                new SentimentFunction(InferenceConfig.builder()
                        .model(modelDir())
                        .set(SentimentOptions.MAX_BATCH_SIZE, 8)
                        .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(5))
                        .build()));
        tEnv.getConfig().set("table.exec.async-scalar.max-concurrent-operations", "32");

        Table scored = tEnv.from("reviews")
                .select($("id"), $("text"), call("SENTIMENT", $("text")).as("s"));
        List<Row> out = collect(scored.execute().collect());

        assertThat(out).hasSize(TEXTS.size() * 2);
        for (Row row : out) {
            String text = row.getFieldAs("text");
            assertThat(text)
                    .isIn(textOf(row.<Long>getFieldAs("id")), textOf(row.<Long>getFieldAs("id")) == null ? "" : null);
            Row s = row.getFieldAs("s");
            if (blank(text)) {
                assertThat(s).isNull();
            } else {
                assertThat(s.getArity()).isEqualTo(2);
                assertLabelAndScore(text, s.getFieldAs("label"), s.getFieldAs("score"));
            }
        }
    }

    @Test
    void aBadJobParameterFailsTheJobWithAMessageNamingIt() {
        StreamTableEnvironment tEnv = tableEnv(1);
        registerReviews(tEnv, "reviews", 10);
        tEnv.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION SENTIMENT AS 'org.sentimentstream.udf.sql.SentimentFunction'");
        tEnv.getConfig()
                .set(
                        "pipeline.global-job-parameters",
                        "sentiment.model:\"" + modelDir() + "\",sentiment.max-batch-size:0");
        assertThatThrownBy(() -> collect(
                        tEnv.executeSql("SELECT SENTIMENT(text) FROM reviews").collect()))
                .satisfies(e -> assertThat(messages(e))
                        .contains(
                                "Invalid setting 'sentiment.max-batch-size': must be between 1 and 4096, was 0. Fix:"));
    }
}
