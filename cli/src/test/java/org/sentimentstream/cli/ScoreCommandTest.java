package org.sentimentstream.cli;

import org.sentimentstream.testing.SentimentAssertions;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;
import org.sentimentstream.testing.TinyModel;
import org.sentimentstream.testing.WithoutTheHub;
import org.sentimentstream.udf.SentimentOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code score} over TSV and JSONL files with the tiny test model, checked against the transformers logits. */
class ScoreCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL_ID = TinyModel.IDENTITY;

    /**
     * Tokenizes like the reference case with a tab in place of a space (BERT's normalizer treats both as
     * whitespace), so it can stand in a TSV cell.
     */
    private static final String QUOTES_REFERENCE = "He said \"it's fine\"\tbut it wasn't";

    private static final String QUOTES_IN_TSV = "He said \"it's fine\" but it wasn't";

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run score(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "score";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    private static String tinyModel() {
        return TinyModel.dir().toString();
    }

    private static List<JsonNode> readJsonl(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    private static ReferenceCase reference(String text) {
        return TestModels.referenceCases().stream()
                .filter(c -> c.text.equals(text))
                .findFirst()
                .orElseThrow();
    }

    private static void assertScoredLike(JsonNode sentiment, ReferenceCase expected) {
        SentimentAssertions.assertScoredByDefault(sentiment, expected);
    }

    @Test
    void glueTsvKeepsRowsInOrderWithTheirFields() throws Exception {
        List<ReferenceCase> cases = TestModels.referenceCases().stream()
                .filter(c ->
                        !c.text.isBlank() && !c.text.contains("\t") && !c.text.contains("\n") && !c.text.contains("\r"))
                .toList();
        assertThat(cases).hasSizeGreaterThan(100).anyMatch(c -> c.truncated).anyMatch(c -> c.text.contains("'"));

        // rows: every reference text, a row with quotes and apostrophes, a blank sentence, one with no text cell
        List<String> lines = new ArrayList<>();
        List<ReferenceCase> expected = new ArrayList<>();
        lines.add("sentence\tlabel");
        for (int i = 0; i < cases.size(); i++) {
            if (i == 10) {
                lines.add(QUOTES_IN_TSV + "\t0");
                expected.add(reference(QUOTES_REFERENCE));
            }
            if (i == 20) {
                lines.add("\t1");
                expected.add(null);
            }
            if (i == 30) {
                lines.add("   \t0");
                expected.add(null);
            }
            lines.add(cases.get(i).text + "\t" + (i % 2));
            expected.add(cases.get(i));
        }
        Path input = dir.resolve("x.tsv");
        Path output = dir.resolve("y.jsonl");
        Files.write(input, lines, StandardCharsets.UTF_8);

        // the reference is transformers' truncation at 128 tokens
        Run run = score(
                "--model",
                tinyModel(),
                "--long-text",
                "truncate",
                "--input",
                input.toString(),
                "--output",
                output.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        List<JsonNode> rows = readJsonl(output);
        assertThat(rows).hasSize(lines.size() - 1);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String[] cells = lines.get(i + 1).split("\t", -1);
            assertThat(row.get("sentence").asText()).as("row %d in order", i).isEqualTo(cells[0]);
            assertThat(row.get("label").asText()).isEqualTo(cells[1]);
            if (expected.get(i) == null) {
                assertThat(row.has("sentiment")).isFalse();
                assertThat(row.get("error").asText()).contains("sentence");
                assertThat(row.size()).isEqualTo(3);
            } else {
                assertThat(row.has("error")).isFalse();
                assertScoredLike(row.get("sentiment"), expected.get(i));
                assertThat(row.size()).isEqualTo(3);
            }
        }
        assertThat(rows.stream().filter(r -> r.has("error")).count()).isEqualTo(2);
        assertThat(run.err)
                .contains("Scored " + (rows.size() - 2) + " of " + rows.size() + " rows (2 errors)")
                .contains(MODEL_ID);
    }

    @Test
    void tsvTextFieldDefaultsToTextColumnAndShortRowsAreErrors() throws Exception {
        ReferenceCase c = TestModels.referenceCases().get(0);
        Path input = dir.resolve("in.tsv");
        Path output = dir.resolve("out.jsonl");
        Files.writeString(input, "id\ttext\tsentence\n1\t" + c.text + "\tignored\n2\n", StandardCharsets.UTF_8);

        Run run = score("--model", tinyModel(), "--input", input.toString(), "--output", output.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        List<JsonNode> rows = readJsonl(output);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("id").asText()).isEqualTo("1");
        assertThat(rows.get(0).get("sentence").asText()).isEqualTo("ignored");
        assertScoredLike(rows.get(0).get("sentiment"), c);
        assertThat(rows.get(1).get("id").asText()).isEqualTo("2");
        assertThat(rows.get(1).has("error")).isTrue();
    }

    @Test
    void jsonlWithACustomTextField() throws Exception {
        List<ReferenceCase> cases = TestModels.referenceCases();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            ObjectNode line = JSON.createObjectNode()
                    .put("id", "r" + i)
                    .put("review", cases.get(i).text)
                    .put("stars", i % 5);
            line.putObject("meta").put("lang", "en");
            lines.add(JSON.writeValueAsString(line));
        }
        lines.add("{\"id\": \"no-review\", \"text\": \"the default field is not read\"}");
        lines.add("{\"id\": \"number\", \"review\": 5}");
        Path input = dir.resolve("reviews.jsonl");
        Path output = dir.resolve("scored.jsonl");
        Files.write(input, lines, StandardCharsets.UTF_8);

        Run run = score(
                "--model",
                tinyModel(),
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--text-field",
                "review");

        assertThat(run.exitCode).as(run.err).isZero();
        List<JsonNode> rows = readJsonl(output);
        assertThat(rows).hasSize(lines.size());
        int errors = 0;
        for (int i = 0; i < cases.size(); i++) {
            JsonNode row = rows.get(i);
            JsonNode in = JSON.readTree(lines.get(i));
            ObjectNode fields = row.deepCopy();
            fields.remove(List.of("sentiment", "error"));
            assertThat(fields).as("input fields kept").isEqualTo(in);
            if (cases.get(i).text.isBlank()) {
                assertThat(row.get("error").asText()).contains("review");
                assertThat(row.has("sentiment")).isFalse();
                errors++;
            } else {
                assertThat(row.has("error")).isFalse();
                assertScoredLike(row.get("sentiment"), cases.get(i));
            }
        }
        assertThat(errors).isEqualTo(3); // "   ", "\t\n" and ""
        assertThat(rows.get(cases.size()).get("id").asText()).isEqualTo("no-review");
        assertThat(rows.get(cases.size()).get("error").asText()).contains("review");
        assertThat(rows.get(cases.size() + 1).get("id").asText()).isEqualTo("number");
        assertThat(rows.get(cases.size() + 1).get("error").asText()).contains("review");
    }

    @Test
    void jsonlDefaultsToTextElseSentenceAndReportsBadLines() throws Exception {
        ReferenceCase a = TestModels.referenceCases().get(0);
        ReferenceCase b = TestModels.referenceCases().get(1);
        Path input = dir.resolve("in.jsonl");
        Path output = dir.resolve("out.jsonl");
        Files.write(
                input,
                List.of(
                        JSON.writeValueAsString(JSON.createObjectNode().put("text", a.text)),
                        "",
                        JSON.writeValueAsString(JSON.createObjectNode().put("sentence", b.text)),
                        "{not json",
                        "[1, 2]"),
                StandardCharsets.UTF_8);

        Run run = score("--model", tinyModel(), "--input", input.toString(), "--output", output.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        List<JsonNode> rows = readJsonl(output);
        assertThat(rows).hasSize(4);
        assertScoredLike(rows.get(0).get("sentiment"), a);
        assertScoredLike(rows.get(1).get("sentiment"), b);
        assertThat(rows.get(2).get("error").asText()).contains("invalid JSON").contains("line 4");
        assertThat(rows.get(2).get("line").asInt()).isEqualTo(4);
        assertThat(rows.get(3).get("error").asText()).contains("not a JSON object");
    }

    @Test
    void formatOverridesTheExtension() throws Exception {
        ReferenceCase c = TestModels.referenceCases().get(2);
        Path input = dir.resolve("reviews.data"); // not .tsv: JSONL unless told otherwise
        Files.writeString(input, "sentence\tlabel\n" + c.text + "\t1\n", StandardCharsets.UTF_8);

        Path asTsv = dir.resolve("as-tsv.jsonl");
        Run run = score(
                "--model", tinyModel(), "--input", input.toString(), "--output", asTsv.toString(), "--format", "tsv");
        assertThat(run.exitCode).as(run.err).isZero();
        List<JsonNode> rows = readJsonl(asTsv);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("label").asText()).isEqualTo("1");
        assertScoredLike(rows.get(0).get("sentiment"), c);

        Path asJsonl = dir.resolve("as-jsonl.jsonl");
        run = score("--model", tinyModel(), "--input", input.toString(), "--output", asJsonl.toString());
        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(readJsonl(asJsonl)).hasSize(2).allMatch(r -> r.has("error") && !r.has("sentiment"));

        Path jsonlNamedTsv = dir.resolve("actually-jsonl.tsv");
        Files.writeString(
                jsonlNamedTsv,
                JSON.writeValueAsString(JSON.createObjectNode().put("text", c.text)) + "\n",
                StandardCharsets.UTF_8);
        Path out = dir.resolve("out.jsonl");
        run = score(
                "--model",
                tinyModel(),
                "--input",
                jsonlNamedTsv.toString(),
                "--output",
                out.toString(),
                "--format",
                "JSONL");
        assertThat(run.exitCode).as(run.err).isZero();
        assertScoredLike(readJsonl(out).get(0).get("sentiment"), c);
    }

    @Test
    void inferenceSettingsApply() throws Exception {
        ReferenceCase longCase = TestModels.referenceCases().stream()
                .filter(c -> c.truncated)
                .findFirst()
                .orElseThrow();
        Path input = dir.resolve("long.jsonl");
        Path output = dir.resolve("long-out.jsonl");
        Files.writeString(
                input,
                JSON.writeValueAsString(JSON.createObjectNode().put("text", longCase.text)) + "\n",
                StandardCharsets.UTF_8);

        Run run = score(
                "--model",
                tinyModel(),
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--max-sequence-length",
                "32",
                "--max-batch-size",
                "4");

        assertThat(run.exitCode).as(run.err).isZero();
        JsonNode s = readJsonl(output).get(0).get("sentiment");
        int tokens = s.get("tokens").asInt();
        assertThat(tokens).as("the whole text's tokens").isGreaterThan(128);
        // read whole, in windows of 32 tokens: 30 of the text's and [CLS] and [SEP]
        assertThat(s.get("windows").asInt()).isEqualTo((tokens - 2 + 29) / 30);
        assertThat(s.get("truncated").asBoolean()).isFalse();

        run = score(
                "--model",
                tinyModel(),
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--max-sequence-length",
                "32",
                "--long-text",
                "truncate");
        assertThat(run.exitCode).as(run.err).isZero();
        s = readJsonl(output).get(0).get("sentiment");
        assertThat(s.get("tokens").asInt()).isEqualTo(tokens);
        assertThat(s.get("windows").asInt()).isEqualTo(1);
        assertThat(s.get("truncated").asBoolean()).isTrue();
    }

    @Test
    void invalidInferenceSettingExits2() {
        Run run = score(
                "--model",
                tinyModel(),
                "--input",
                dir.resolve("a.tsv").toString(),
                "--output",
                dir.resolve("b.jsonl").toString(),
                "--max-batch-size",
                "0");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).contains("Invalid option '--max-batch-size'").contains("Fix:");
    }

    @Test
    void aMissingModelDirectoryOrInputFileExits2WithOneLine() throws Exception {
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, "{\"text\": \"good\"}\n", StandardCharsets.UTF_8);
        Run noModel = score(
                "--model",
                dir.resolve("no-such-model").toString(),
                "--input",
                input.toString(),
                "--output",
                dir.resolve("o.jsonl").toString());
        assertThat(noModel.exitCode).isEqualTo(2);
        assertThat(noModel.err.strip().lines())
                .singleElement()
                .asString()
                .contains("no-such-model")
                .contains("not a directory")
                .contains("model.onnx, tokenizer.json and config.json");

        Run noInput = score(
                "--model",
                tinyModel(),
                "--input",
                dir.resolve("nope.jsonl").toString(),
                "--output",
                dir.resolve("o.jsonl").toString());
        assertThat(noInput.exitCode).isEqualTo(2);
        assertThat(noInput.err.strip().lines())
                .singleElement()
                .asString()
                .startsWith("Invalid option '--input': no such file: " + dir.resolve("nope.jsonl"))
                .contains("Fix: check the path");
        assertThat(dir.resolve("o.jsonl")).doesNotExist();

        Run verbose = score(
                "--model",
                tinyModel(),
                "--input",
                dir.resolve("nope.jsonl").toString(),
                "--output",
                dir.resolve("o.jsonl").toString(),
                "--verbose");
        assertThat(verbose.exitCode).isEqualTo(2);
        assertThat(verbose.err.lines().findFirst()).contains(noInput.err.strip());
        assertThat(verbose.err).contains("InvalidSettingException").contains("\tat org.sentimentstream.");
    }

    /**
     * Without the hub, the default model cannot be had: `score` says so on stderr and scores with the shipped compact
     * model, as `local` does; a hub model asked for by name is the user's error, in one line.
     */
    @Test
    void withoutTheHubTheDefaultModelFallsBackAndANamedOneIsOneLine() throws Exception {
        Path input = dir.resolve("in.jsonl");
        Files.writeString(
                input,
                "{\"text\": \"This movie was terrible, a complete waste of time.\"}\n"
                        + "{\"text\": \"A wonderful, moving film. I loved every minute of it.\"}\n",
                StandardCharsets.UTF_8);
        Run fallback = WithoutTheHub.call(() -> score(
                "--input",
                input.toString(),
                "--output",
                dir.resolve("fallback.jsonl").toString(),
                "--model-cache-dir",
                dir.resolve("cache").toString()));
        Run named = WithoutTheHub.call(() -> score(
                "--model",
                "hf:someone/some-model",
                "--input",
                input.toString(),
                "--output",
                dir.resolve("named.jsonl").toString(),
                "--model-cache-dir",
                dir.resolve("cache").toString()));

        assertThat(fallback.exitCode).as(fallback.err).isZero();
        assertThat(fallback.err)
                .contains("NOTE: the real DistilBERT SST-2 model (" + SentimentOptions.DEFAULT_MODEL
                        + ") is not available")
                .contains("models/sst2-minilm-l6", "--model DIR");
        List<JsonNode> rows = readJsonl(dir.resolve("fallback.jsonl"));
        assertThat(rows)
                .extracting(r -> r.get("sentiment").get("label").asText())
                .containsExactly("NEGATIVE", "POSITIVE");
        assertThat(rows.get(0).get("sentiment").get("model").asText()).startsWith("sst2-minilm-l6@sha256:");

        assertThat(named.exitCode).isEqualTo(2);
        assertThat(named.err.strip().lines())
                .singleElement()
                .asString()
                .startsWith("Invalid option '--model': cannot fetch hf:someone/some-model: ")
                .contains("Fix: check the network");
    }

    static final List<String> MODELS = TestModels.ALL;

    @ParameterizedTest
    @FieldSource("MODELS")
    void scoresWithTheTinyModelOfEachFamily(String model) throws Exception {
        List<ReferenceCase> cases = TestModels.referenceCases(model).stream()
                .filter(c -> !c.text.isBlank())
                .toList();
        List<String> lines = new ArrayList<>();
        for (ReferenceCase c : cases) {
            lines.add(JSON.writeValueAsString(JSON.createObjectNode().put("text", c.text)));
        }
        Path input = dir.resolve(model + ".jsonl");
        Path output = dir.resolve(model + "-scored.jsonl");
        Files.write(input, lines, StandardCharsets.UTF_8);

        Run run = score(
                "--model",
                TestModels.dir(model).toString(),
                "--input",
                input.toString(),
                "--output",
                output.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        List<JsonNode> rows = readJsonl(output);
        assertThat(rows).hasSize(cases.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).get("text").asText()).isEqualTo(cases.get(i).text);
            assertScoredLike(rows.get(i).get("sentiment"), cases.get(i));
        }
        assertThat(run.err)
                .contains("Scored " + rows.size() + " of " + rows.size())
                .contains(TestModels.identity(model));
    }
}
