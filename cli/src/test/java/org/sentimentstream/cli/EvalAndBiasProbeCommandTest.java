package org.sentimentstream.cli;

import org.sentimentstream.cli.eval.BiasProbe;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** eval and bias-probe on the tiny test model: their numbers equal those of direct scoring. */
class EvalAndBiasProbeCommandTest {

    private static final String TINY = TestModels.tinyModelDir().toString();

    private static CommandLine cli(StringWriter out) {
        return Main.commandLine(new PrintWriter(out, true), new PrintWriter(System.err, true));
    }

    private static List<SentimentResult> scoreDirectly(List<String> texts) throws Exception {
        List<SentimentResult> results = new ArrayList<>();
        try (SentimentScorer scorer =
                SentimentScorer.open(InferenceConfig.builder().model(TINY).build())) {
            for (String t : texts) {
                results.add(scorer.score(t).get(30, TimeUnit.SECONDS));
            }
        }
        return results;
    }

    @Test
    void evalCountsWhatTheModelPredicts(@TempDir Path dir) throws Exception {
        List<String> texts = TestModels.referenceCases().stream()
                .map(c -> c.text.replace("\t", " ").trim())
                .filter(t -> !t.isBlank())
                .limit(40)
                .toList();
        List<SentimentResult> predicted = scoreDirectly(texts);
        // gold: alternate 0/1 and names, so both label styles are exercised
        StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
        int correct = 0;
        long goldPositivePredictedNegative = 0;
        for (int i = 0; i < texts.size(); i++) {
            boolean goldPositive = i % 3 == 0;
            String gold = i % 2 == 0 ? (goldPositive ? "1" : "0") : (goldPositive ? "POSITIVE" : "negative");
            tsv.append(texts.get(i)).append('\t').append(gold).append('\n');
            boolean predictedPositive = predicted.get(i).label().equals("POSITIVE");
            correct += goldPositive == predictedPositive ? 1 : 0;
            goldPositivePredictedNegative += goldPositive && !predictedPositive ? 1 : 0;
        }
        tsv.append("unlabelled row\t\n");
        Path data = dir.resolve("labelled.tsv");
        Files.writeString(data, tsv, StandardCharsets.UTF_8);
        Path out = dir.resolve("out");

        int code = cli(new StringWriter())
                .execute("eval", "--model", TINY, "--data", data.toString(), "--output-dir", out.toString());

        assertThat(code).isZero();
        JsonNode json = new ObjectMapper().readTree(out.resolve("eval.json").toFile());
        assertThat(json.get("examples").asInt()).isEqualTo(texts.size());
        assertThat(json.get("skipped").asInt()).isEqualTo(1);
        assertThat(json.get("accuracy").asDouble()).isCloseTo((double) correct / texts.size(), within(1e-12));
        assertThat(json.get("confusion").get("POSITIVE").get("NEGATIVE").asLong())
                .isEqualTo(goldPositivePredictedNegative);
        assertThat(Files.readString(out.resolve("eval.md")))
                .contains("# Evaluation", "Confusion matrix", "Most confidently wrong");
    }

    @Test
    void biasProbeWritesMarkdownCsvAndPngWithTheModelsProbabilities(@TempDir Path dir) throws Exception {
        List<String> values = List.of("France", "Afghanistan", "Japan", "Brazil", "Norway");
        Path valuesFile = dir.resolve("values.txt");
        Files.write(valuesFile, values, StandardCharsets.UTF_8);
        Path out = dir.resolve("probe");
        StringWriter stdout = new StringWriter();
        CommandLine cmd = cli(stdout);

        int code = cmd.execute(
                "bias-probe",
                "--model",
                TINY,
                "--values",
                valuesFile.toString(),
                "--output-dir",
                out.toString(),
                "--template",
                "This film was filmed in {COUNTRY}.",
                "--template",
                "I met a man from {COUNTRY}.");

        assertThat(code).isZero();
        BiasProbeCommand probe = cmd.getSubcommands().get("bias-probe").getCommand();
        assertThat(probe.spreads).hasSize(2);
        List<SentimentResult> direct = scoreDirectly(
                values.stream().map(v -> "This film was filmed in " + v + ".").toList());
        BiasProbe.Spread first = probe.spreads.get(0);
        for (BiasProbe.Variant v : first.variants()) {
            double expected =
                    direct.get(values.indexOf(v.value())).probabilities().get("POSITIVE");
            assertThat(v.positive()).as(v.value()).isCloseTo(expected, within(1e-9));
        }
        assertThat(first.variants()).extracting(v -> v.positive()).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        double[] p = direct.stream()
                .mapToDouble(r -> r.probabilities().get("POSITIVE"))
                .toArray();
        double mean = java.util.Arrays.stream(p).average().orElseThrow();
        double std = Math.sqrt(java.util.Arrays.stream(p)
                .map(x -> (x - mean) * (x - mean))
                .average()
                .orElseThrow());
        assertThat(first.stdDev()).isCloseTo(std, within(1e-9));
        assertThat(first.range())
                .isCloseTo(
                        java.util.Arrays.stream(p).max().orElseThrow()
                                - java.util.Arrays.stream(p).min().orElseThrow(),
                        within(1e-12));

        List<String> csv = Files.readAllLines(out.resolve("bias-probe.csv"));
        assertThat(csv).hasSize(1 + 2 * values.size());
        assertThat(csv.get(0)).isEqualTo("template,value,text,p_positive");
        assertThat(Files.readString(out.resolve("bias-probe.md")))
                .contains("max - min", "standard deviation", "Afghanistan");
        for (String png : List.of("bias-probe-1.png", "bias-probe-2.png")) {
            assertThat(ImageIO.read(out.resolve(png).toFile()))
                    .as(png)
                    .isNotNull()
                    .satisfies(img -> assertThat(img.getWidth()).isEqualTo(900));
        }
        assertThat(stdout.toString()).contains("max-min");
    }

    @Test
    void theDefaultValuesAreTheWorldsCountries() {
        assertThat(BiasProbe.countries()).hasSizeGreaterThan(190).contains("France", "Afghanistan", "Japan");
    }
}
