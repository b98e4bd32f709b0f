package org.sentimentstream.udf.sql;

import org.sentimentstream.embedded.RetainingMetricReporter;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;
import org.sentimentstream.udf.ScoringRuntime;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Model;
import org.apache.flink.table.api.ModelDescriptor;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.flink.table.api.Expressions.$;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.sentimentstream.udf.sql.SqlTesting.TEXTS;
import static org.sentimentstream.udf.sql.SqlTesting.assertLabelAndScore;
import static org.sentimentstream.udf.sql.SqlTesting.assertLogits;
import static org.sentimentstream.udf.sql.SqlTesting.blank;
import static org.sentimentstream.udf.sql.SqlTesting.collect;
import static org.sentimentstream.udf.sql.SqlTesting.messages;
import static org.sentimentstream.udf.sql.SqlTesting.modelDir;
import static org.sentimentstream.udf.sql.SqlTesting.registerReviews;
import static org.sentimentstream.udf.sql.SqlTesting.tableEnv;
import static org.sentimentstream.udf.sql.SqlTesting.textOf;

/** {@code ML_PREDICT} over the {@code 'onnx'} model provider, in SQL and the Table API, on a MiniCluster. */
class OnnxModelProviderITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = SqlTesting.miniCluster();

    private static final String ALL_COLUMNS = "label STRING, score DOUBLE, probabilities MAP<STRING, DOUBLE>,"
            + " logits ARRAY<FLOAT>, tokens INT, windows INT, truncated BOOLEAN, model STRING";

    @BeforeEach
    void clearMetrics() {
        RetainingMetricReporter.clear();
    }

    private static String createModel(String name, String output, String options) {
        return "CREATE TEMPORARY MODEL " + name + "\n"
                + "  INPUT (text STRING)\n"
                + "  OUTPUT (" + output + ")\n"
                + "  WITH ('provider' = 'onnx', 'model' = '" + modelDir() + "', 'max-batch-size' = '16',"
                + " 'max-batch-delay' = '20 ms'" + options + ")";
    }

    @Test
    void sqlMlPredictGivesEveryRowItsReferenceResultInBatches() throws Exception {
        StreamTableEnvironment tEnv = tableEnv(1);
        int rows = TEXTS.size() * 8;
        registerReviews(tEnv, "reviews", rows);
        tEnv.executeSql(createModel("review_sentiment", ALL_COLUMNS, ""));

        List<Row> out = collect(tEnv.executeSql(
                        "SELECT id, text, label, score, probabilities, logits, tokens, windows, truncated, model\n"
                                + "FROM ML_PREDICT(TABLE reviews, MODEL review_sentiment, DESCRIPTOR(text),\n"
                                + "                MAP['max-concurrent-operations', '64'])")
                .collect());

        assertThat(out).hasSize(rows);
        Set<Long> ids = new HashSet<>();
        int withoutText = 0;
        int windowed = 0;
        for (Row row : out) {
            long id = row.<Long>getFieldAs("id");
            assertThat(ids.add(id)).as("id %s once", id).isTrue();
            String text = row.getFieldAs("text");
            assertThat(text).isEqualTo(textOf(id));
            if (blank(text)) {
                withoutText++;
                for (String column : List.of(
                        "label", "score", "probabilities", "logits", "tokens", "windows", "truncated", "model")) {
                    assertThat(row.getField(column))
                            .as("%s of the blank or NULL text %s", column, text)
                            .isNull();
                }
                continue;
            }
            assertLabelAndScore(text, row.getFieldAs("label"), row.getFieldAs("score"));
            Float[] logits = row.getFieldAs("logits");
            assertLogits(text, new float[] {logits[0], logits[1]});
            Map<String, Double> probabilities = row.getFieldAs("probabilities");
            double[] p = SqlTesting.referenceProbabilities(
                    SqlTesting.BY_TEXT.get(text).logits());
            assertThat(probabilities).containsOnlyKeys("NEGATIVE", "POSITIVE");
            assertThat(probabilities.get("NEGATIVE")).isCloseTo(p[0], org.assertj.core.data.Offset.offset(1e-4));
            assertThat(probabilities.get("POSITIVE")).isCloseTo(p[1], org.assertj.core.data.Offset.offset(1e-4));
            assertThat(row.<Integer>getFieldAs("tokens"))
                    .isEqualTo(SqlTesting.BY_TEXT.get(text).tokens());
            assertThat(row.<Integer>getFieldAs("windows"))
                    .isEqualTo(SqlTesting.BY_TEXT.get(text).windows());
            windowed += row.<Integer>getFieldAs("windows") > 1 ? 1 : 0;
            assertThat(row.<Boolean>getFieldAs("truncated"))
                    .isEqualTo(SqlTesting.BY_TEXT.get(text).truncated());
            assertThat(row.<String>getFieldAs("model")).startsWith("tiny-distilbert");
        }
        assertThat(withoutText).as("NULL and blank texts among the rows").isGreaterThan(8);
        assertThat(windowed).as("rows of long texts, read in windows").isGreaterThan(8);
        assertThat(RetainingMetricReporter.sum("recordsScored")).isEqualTo(rows - withoutText);
        assertThat(RetainingMetricReporter.sum(ScoringRuntime.RECORDS_WITHOUT_TEXT))
                .isEqualTo(withoutText);
        assertThat(RetainingMetricReporter.max("batchSize"))
                .as("largest batch (sentiment.batchSize)")
                .isGreaterThan(1);
        assertThat(RetainingMetricReporter.sum("batches")).as("batches").isLessThan(rows - withoutText);
    }

    @Test
    void tableApiPredictWithAModelDescriptorAndASharedSessionOnTwoSubtasks() throws Exception {
        StreamTableEnvironment tEnv = tableEnv(2);
        int rows = TEXTS.size() * 4;
        registerReviews(tEnv, "reviews", rows, 2);
        tEnv.createTemporaryModel(
                "shared_sentiment",
                ModelDescriptor.forProvider("onnx")
                        .inputSchema(Schema.newBuilder()
                                .column("text", DataTypes.STRING())
                                .build())
                        .outputSchema(Schema.newBuilder()
                                .column("label", DataTypes.STRING())
                                .column("score", DataTypes.DOUBLE())
                                .column("logits", DataTypes.ARRAY(DataTypes.FLOAT()))
                                .build())
                        .option("model", modelDir())
                        .option("session-sharing", "SHARED")
                        .option("max-batch-delay", "5 ms")
                        .build());
        Model model = tEnv.fromModel("shared_sentiment");
        Table scored = model.predict(
                tEnv.from("reviews"),
                ColumnList.of("text"),
                Map.of("max-concurrent-operations", "32", "output-mode", "ALLOW_UNORDERED"));

        List<Row> out = collect(scored.select($("id"), $("text"), $("label"), $("score"), $("logits"))
                .execute()
                .collect());

        assertThat(out).hasSize(rows);
        assertThat(out.stream().map(r -> r.<Long>getFieldAs("id")).distinct().count())
                .isEqualTo(rows);
        for (Row row : out) {
            String text = row.getFieldAs("text");
            assertThat(text).isEqualTo(textOf(row.getFieldAs("id")));
            if (blank(text)) {
                assertThat(row.getField("label")).isNull();
                assertThat(row.getField("score")).isNull();
                assertThat(row.getField("logits")).isNull();
            } else {
                assertLabelAndScore(text, row.getFieldAs("label"), row.getFieldAs("score"));
                Float[] logits = row.getFieldAs("logits");
                assertLogits(text, new float[] {logits[0], logits[1]});
            }
        }
    }

    @Test
    void outputColumnsMayBeFewerAndNamedInAnyCaseAndAClashWithAnInputColumnIsRenamed() throws Exception {
        StreamTableEnvironment tEnv = tableEnv(1);
        registerReviews(tEnv, "reviews", TEXTS.size());
        tEnv.executeSql(createModel("scores_only", "score DOUBLE, Label STRING", ""));
        tEnv.executeSql("CREATE TEMPORARY VIEW rated AS SELECT id, text, 0.5 AS score FROM reviews");

        // ML_PREDICT keeps the input's 'score' and renames the model's to 'score0'.
        List<Row> out = collect(tEnv.executeSql("SELECT id, text, score, score0, Label"
                        + " FROM ML_PREDICT(TABLE rated, MODEL scores_only, DESCRIPTOR(text))")
                .collect());

        assertThat(out).hasSize(TEXTS.size());
        for (Row row : out) {
            String text = row.getFieldAs("text");
            assertThat(row.getField("score").toString()).isEqualTo("0.5");
            if (blank(text)) {
                assertThat(row.getField("score0")).isNull();
                assertThat(row.getField("Label")).isNull();
            } else {
                assertLabelAndScore(text, row.getFieldAs("Label"), row.getFieldAs("score0"));
            }
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'max-batch-size' = '0'         | Invalid model option 'max-batch-size': must be between 1 and 4096, was 0",
                "'max-batch-delay' = 'soon'     | 'max-batch-delay'",
                "'max-batch-tokens' = '64'      | Invalid model option 'max-batch-tokens': must be at least max-sequence-length (128)",
                "'length-buckets' = '64,32'     | Invalid model option 'length-buckets'",
                "'session-sharing' = 'GLOBAL'   | 'session-sharing'",
                "'model-sha256' = 'abc'         | Invalid model option 'model-sha256'",
                "'multi-label-threshold' = '1'  | Invalid model option 'multi-label-threshold': must be between 0 and 1",
                "'max-batch-sise' = '16'        | max-batch-sise",
                "'task' = 'embedding'           | 'task'",
            })
    void aBadOptionFailsThePlanWithAMessageNamingIt(String option, String expected) {
        StreamTableEnvironment tEnv = tableEnv(1);
        registerReviews(tEnv, "reviews", 10);
        assertThatThrownBy(() -> {
                    tEnv.executeSql(createModel("bad", "label STRING, score DOUBLE", ", " + option));
                    tEnv.executeSql("SELECT * FROM ML_PREDICT(TABLE reviews, MODEL bad, DESCRIPTOR(text))");
                })
                .satisfies(e -> assertThat(messages(e)).contains(expected).contains("bad"));
    }

    @ParameterizedTest(name = "OUTPUT ({0})")
    @CsvSource(
            delimiter = '|',
            value = {
                "sentiment STRING           | unknown OUTPUT column 'sentiment'",
                "label STRING, score STRING | OUTPUT column 'score' has type STRING. Fix: declare it as score DOUBLE",
                "logits ARRAY<INT>          | OUTPUT column 'logits'",
                "labels STRING              | OUTPUT column 'labels' has type STRING. Fix: declare it as labels ARRAY<STRING>",
                "label STRING NOT NULL      | drop NOT NULL",
            })
    void aBadOutputColumnFailsThePlanWithAMessageNamingIt(String output, String expected) {
        StreamTableEnvironment tEnv = tableEnv(1);
        registerReviews(tEnv, "reviews", 10);
        assertThatThrownBy(() -> {
                    tEnv.executeSql(createModel("bad", output, ""));
                    tEnv.executeSql("SELECT * FROM ML_PREDICT(TABLE reviews, MODEL bad, DESCRIPTOR(text))");
                })
                .satisfies(e -> assertThat(messages(e)).contains(expected));
    }

    @Test
    void aMultiLabelModelFillsTheLabelsColumnWithTheLabelsAboveTheThreshold() throws Exception {
        StreamTableEnvironment tEnv = tableEnv(1);
        List<ReferenceCase> cases = TestModels.referenceCases(TestModels.TINY_MULTILABEL).stream()
                .filter(c -> !blank(c.text))
                .limit(40)
                .toList();
        tEnv.createTemporaryView(
                "texts",
                tEnv.fromValues(
                        DataTypes.ROW(DataTypes.FIELD("text", DataTypes.STRING())),
                        cases.stream().map(c -> Row.of(c.text)).toArray()));
        tEnv.executeSql("CREATE TEMPORARY MODEL emotions\n"
                + "  INPUT (text STRING)\n"
                + "  OUTPUT (label STRING, score DOUBLE, labels ARRAY<STRING>, probabilities MAP<STRING, DOUBLE>)\n"
                + "  WITH ('provider' = 'onnx', 'model' = '" + TestModels.dir(TestModels.TINY_MULTILABEL)
                + "', 'multi-label-threshold' = '0.6')");

        List<Row> out = collect(tEnv.executeSql("SELECT text, label, score, labels, probabilities"
                        + " FROM ML_PREDICT(TABLE texts, MODEL emotions, DESCRIPTOR(text))")
                .collect());

        assertThat(out).hasSize(cases.size());
        Set<Integer> labelCounts = new HashSet<>();
        for (Row row : out) {
            ReferenceCase c = cases.stream()
                    .filter(r -> r.text.equals(row.getField("text")))
                    .findFirst()
                    .orElseThrow();
            List<String> above = new java.util.ArrayList<>();
            int best = 0;
            for (int i = 0; i < c.labels.size(); i++) {
                if (c.probabilities[i] > 0.6) {
                    above.add(c.labels.get(i));
                }
                best = c.probabilities[i] > c.probabilities[best] ? i : best;
            }
            assertThat(row.<String[]>getFieldAs("labels")).as("labels of %s", c).containsExactlyElementsOf(above);
            assertThat(row.<String>getFieldAs("label")).isEqualTo(c.labels.get(best));
            assertThat(row.<Double>getFieldAs("score")).isCloseTo(c.probabilities[best], within(1e-4));
            Map<String, Double> probabilities = row.getFieldAs("probabilities");
            for (int i = 0; i < c.labels.size(); i++) {
                assertThat(probabilities.get(c.labels.get(i))).isCloseTo(c.probabilities[i], within(1e-4));
            }
            labelCounts.add(above.size());
        }
        assertThat(labelCounts)
                .as("texts with none, one and several labels")
                .contains(0, 1)
                .hasSizeGreaterThan(2);
    }
}
