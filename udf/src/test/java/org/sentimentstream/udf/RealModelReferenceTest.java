package org.sentimentstream.udf;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The real distilbert-base-uncased-finetuned-sst-2-english, run through the full scoring path, reproduces the
 * labels, scores and logits published for it (Hugging Face course and docs, rust-bert, third-party printouts).
 * Runs only where {@code SENTIMENT_MODEL_DIR} names a directory with that model's model.onnx, tokenizer.json and
 * config.json; reported as skipped elsewhere.
 */
@EnabledIfEnvironmentVariable(named = "SENTIMENT_MODEL_DIR", matches = ".+")
class RealModelReferenceTest {

    /** One row of published/reference_outputs.tsv. */
    record Published(String sentence, String label, String score, String kind, String source) {}

    private static final Pattern SENTENCE_PAIR = Pattern.compile("^\\s*\\[\"(.+?)\", \"(.+?)\"\\](.*)$");
    private static final String NUMBER = "(-?\\d+(?:\\.\\d+)?)";
    private static final Pattern LOGIT_PAIR = Pattern.compile(
            "\\[\\[" + NUMBER + ",\\s*" + NUMBER + "\\],\\s*\\[" + NUMBER + ",\\s*" + NUMBER + "\\]\\]");

    private static Path modelDir;
    private static List<Published> outputs;
    private static Map<String, float[]> logits;

    @BeforeAll
    static void load() throws IOException {
        modelDir = Paths.get(System.getenv("SENTIMENT_MODEL_DIR"));
        assertThat(modelDir.resolve("model.onnx")).as("SENTIMENT_MODEL_DIR").isRegularFile();
        outputs = readOutputs();
        logits = readLogits();
        assertThat(outputs).hasSize(16);
        assertThat(logits)
                .containsOnlyKeys(
                        "I've been waiting for a HuggingFace course my whole life.",
                        "I hate this so much!",
                        "We are very happy to show you the Transformers library.",
                        "We hope you don't hate it.");
    }

    private static List<String> lines(String resource) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                RealModelReferenceTest.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            return in.lines().toList();
        }
    }

    /** Tab-separated, a header line, no quoting: a sentence is kept exactly as written. */
    static List<Published> readOutputs() throws IOException {
        List<String> lines = lines("/published/reference_outputs.tsv");
        assertThat(lines.get(0)).isEqualTo("sentence\tlabel\tscore\tkind\tsource");
        List<Published> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            assertThat(f).as(line).hasSize(5);
            rows.add(new Published(f[0], f[1], f[2], f[3], f[4]));
        }
        return rows;
    }

    /**
     * The padded-batch logits of two sentences: {@code ["a", "b"] ... [[x, y], [z, w]]} on one line, or with the
     * numbers on the next line after {@code PT:}.
     */
    static Map<String, float[]> readLogits() throws IOException {
        List<String> lines = lines("/published/reference_logits.txt");
        Map<String, float[]> byText = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher pair = SENTENCE_PAIR.matcher(lines.get(i));
            if (!pair.matches()) {
                continue;
            }
            Matcher numbers = LOGIT_PAIR.matcher(pair.group(3));
            if (!numbers.find() && i + 1 < lines.size()) {
                String next = lines.get(i + 1);
                numbers = LOGIT_PAIR.matcher(next.contains("PT:") ? next.substring(next.indexOf("PT:")) : next);
                if (!numbers.find()) {
                    continue;
                }
            }
            byText.put(
                    pair.group(1),
                    new float[] {Float.parseFloat(numbers.group(1)), Float.parseFloat(numbers.group(2))});
            byText.put(
                    pair.group(2),
                    new float[] {Float.parseFloat(numbers.group(3)), Float.parseFloat(numbers.group(4))});
        }
        return byText;
    }

    private static SentimentScorer open() throws IOException {
        return SentimentScorer.open(
                InferenceConfig.builder().model(modelDir.toString()).build());
    }

    private static String fourDecimals(double value) {
        return new BigDecimal(value).setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void publishedLabelsAndScores() throws Exception {
        try (SentimentScorer scorer = open()) {
            assertThat(scorer.labels()).containsExactly("NEGATIVE", "POSITIVE");
            List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
            for (Published p : outputs) {
                futures.add(scorer.score(p.sentence()));
            }
            for (int i = 0; i < outputs.size(); i++) {
                Published p = outputs.get(i);
                SentimentResult r = futures.get(i).get(60, TimeUnit.SECONDS);
                assertThat(r.label())
                        .as("label of '%s' (%s)", p.sentence(), p.source())
                        .isEqualTo(p.label());
                assertThat(fourDecimals(r.score()))
                        .as("score %s of '%s' (%s)", r.score(), p.sentence(), p.source())
                        .isEqualTo(fourDecimals(Double.parseDouble(p.score())));
                assertThat(r.truncated()).isFalse();
            }
        }
    }

    @Test
    void publishedLogits() throws Exception {
        try (SentimentScorer scorer = open()) {
            for (Map.Entry<String, float[]> e : logits.entrySet()) {
                SentimentResult r = scorer.score(e.getKey()).get(60, TimeUnit.SECONDS);
                assertThat(r.logits()).as("logits of '%s'", e.getKey()).containsExactly(e.getValue(), within(1e-3f));
            }
        }
    }
}
