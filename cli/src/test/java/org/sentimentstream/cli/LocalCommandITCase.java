package org.sentimentstream.cli;

import org.sentimentstream.cli.input.GoldLabels;
import org.sentimentstream.cli.input.ReviewInput;
import org.sentimentstream.cli.local.LocalSummary;
import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TinyModel;
import org.sentimentstream.testing.WithoutTheHub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code local} end to end, as a user runs it: in-process broker, MiniCluster, sample in, summary out. */
class LocalCommandITCase {

    /** What one `local` run printed and summarised. */
    private record Run(int exitCode, String stdout, String err, LocalSummary summary) {}

    private static Run local(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exitCode;
        CommandLine cmd = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exitCode = cmd.execute(args);
        } finally {
            System.setOut(original);
        }
        String stdout = captured.toString(StandardCharsets.UTF_8);
        original.println(stdout); // for the test report
        LocalCommand command = cmd.getSubcommands().get("local").getCommand();
        return new Run(exitCode, stdout + out, err.toString(), command.summary);
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void sampleEndToEnd() {
        Run run = local("local", "--model", TinyModel.dir().toString(), "--parallelism", "2");

        assertThat(run.exitCode).as(run.err).isZero();
        LocalSummary s = run.summary;
        assertThat(s).isNotNull();
        int sample = SampleReviews.loadSampleLines().size();
        assertThat(sample).isEqualTo(1012);
        assertThat(s.recordsIn).isEqualTo(1020);
        assertThat(s.scored).isEqualTo(1012);
        assertThat(s.deadLettersByReason)
                .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                        "BLANK_TEXT",
                        1,
                        "INVALID_JSON",
                        1,
                        "INVALID_UTF8",
                        1,
                        "MISSING_TEXT",
                        1,
                        "NON_STRING_TEXT",
                        1,
                        "NOT_AN_OBJECT",
                        2,
                        "NULL_TEXT",
                        1)));
        assertThat(s.deadLetters()).isEqualTo(8);
        assertThat(s.recordsIn).isEqualTo(s.scored + s.deadLetters());
        assertThat(s.recordsScoredMetric).as("the job's recordsScored metric").isEqualTo(s.scored);
        assertThat(s.batches).isPositive();
        assertThat(s.meanBatchSize()).isGreaterThan(1.0);
        assertThat(s.realTokens).isPositive();
        assertThat(s.computedTokens).isGreaterThanOrEqualTo(s.realTokens);
        assertThat(s.paddingEfficiency()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(s.latenciesMs).hasSize(s.scored);
        assertThat(s.latenciesMs).allMatch(ms -> ms >= 0);
        assertThat(s.withGold).as("every sample line has a gold label").isEqualTo(1012);
        assertThat(s.otherGoldValues).isZero();
        assertThat(s.gold).isEqualTo(ReviewInput.SAMPLE_GOLD);
        int[] dev = s.agreementByPart.get("SST-2 dev");
        int[] longer = s.agreementByPart.get("longer reviews");
        int[] imdb = s.agreementByPart.get("IMDB reviews");
        assertThat(dev[1]).isEqualTo(872);
        assertThat(longer[1]).isEqualTo(40);
        assertThat(imdb[1]).isEqualTo(100);
        assertThat(dev[0] + longer[0] + imdb[0]).isEqualTo(s.agreeWithGold);
        // the IMDB reviews are read whole, in windows
        assertThat(s.scoredRecords.stream()
                        .filter(r -> r.path("id").asText().startsWith(SampleReviews.IMDB_ID_PREFIX))
                        .filter(r -> r.get("sentiment").get("windows").asInt() > 1))
                .hasSizeGreaterThan(60);
        assertThat(s.positive).isBetween(0, s.scored);
        assertThat(s.seconds).isPositive();

        String printed = run.stdout;
        assertThat(printed)
                .containsPattern("LABEL\\s+SCORE\\s+GOLD\\s+REVIEW")
                .contains("Produced 1020 records")
                .contains("Summary")
                .contains("records in           1020")
                .contains(String.format(
                        "scored               1012 (%d POSITIVE, %d NEGATIVE)", s.positive, 1012 - s.positive))
                .contains("dead letters         8 {BLANK_TEXT=1, INVALID_JSON=1, INVALID_UTF8=1, MISSING_TEXT=1,"
                        + " NON_STRING_TEXT=1, NOT_AN_OBJECT=2, NULL_TEXT=1}")
                .contains("in = scored + dead   yes")
                .contains(String.format("agree with gold      %d of 1012 (", s.agreeWithGold))
                .contains("; gold: " + SampleReviews.GOLD_SOURCE + ")")
                .contains(String.format("    SST-2 dev          %d of 872 (", dev[0]))
                .contains(String.format("    longer reviews     %d of 40 (", longer[0]))
                .contains(String.format("    IMDB reviews       %d of 100 (", imdb[0]))
                .doesNotContain("SST-2 train")
                .contains(String.format("mean batch size      %.1f (%d batches)", s.meanBatchSize(), s.batches))
                .contains(String.format("padding efficiency   %.2f", s.paddingEfficiency()))
                .contains("burst of 1020");
        // the table: 15 scored reviews
        Matcher rows = Pattern.compile("(?m)^(POSITIVE|NEGATIVE)\\s+[01]\\.\\d{4}\\s+(pos|neg)\\s+\\S")
                .matcher(printed);
        int tableRows = 0;
        while (rows.find()) {
            tableRows++;
        }
        assertThat(tableRows).isEqualTo(15);
        assertThat(printed).as("no fallback banner: the model was given").doesNotContain("NOTE:");
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void reviewsFromAPlainTextFile(@TempDir Path dir) throws Exception {
        List<String> texts = TestModels.referenceCases().stream()
                .map(c -> c.text)
                .filter(t ->
                        !t.isBlank() && t.length() < 80 && !t.contains("\n") && !t.contains("\t") && !t.contains("\r"))
                .limit(3)
                .toList();
        assertThat(texts).hasSize(3);
        Path file = dir.resolve("mine.txt");
        Files.write(file, List.of(texts.get(0), "", texts.get(1), "   ", texts.get(2)), StandardCharsets.UTF_8);

        Run run = local("local", "--model", TinyModel.dir().toString(), "--reviews", file.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.summary.recordsIn).isEqualTo(3);
        assertThat(run.summary.scored).isEqualTo(3);
        assertThat(run.summary.deadLettersByReason).isEmpty();
        assertThat(run.summary.recordsScoredMetric).isEqualTo(3);
        assertThat(run.summary.latenciesMs).hasSize(3);
        assertThat(run.summary.withGold).isZero();
        assertThat(run.stdout)
                .contains("Produced 3 records")
                .contains("records in           3")
                .contains("in = scored + dead   yes")
                .doesNotContain("agree with gold")
                .doesNotContain("gold:");
        for (String text : texts) {
            assertThat(run.stdout).contains(text);
        }
    }

    /**
     * A labelled JSON Lines file: the summary compares the field named by --label-field, says which field and how its
     * values were read, and counts the values it could not read; records without the field are not compared.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void reviewsFromALabelledFileNameTheLabelField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"id\": \"a\", \"text\": \"a first review\", \"stars\": \"positive\", \"label\": 7}",
                        "{\"id\": \"b\", \"text\": \"a second review\", \"stars\": 0}",
                        "{\"id\": \"c\", \"text\": \"a third review\", \"stars\": \"meh\"}",
                        "{\"id\": \"d\", \"text\": \"a fourth review\"}"),
                StandardCharsets.UTF_8);

        Run run = local(
                "local", "--model", TinyModel.dir().toString(), "--reviews", file.toString(), "--label-field", "stars");

        assertThat(run.exitCode).as(run.err).isZero();
        LocalSummary s = run.summary;
        assertThat(s.scored).isEqualTo(4);
        assertThat(s.withGold).isEqualTo(2);
        assertThat(s.otherGoldValues).isEqualTo(1);
        assertThat(run.stdout)
                .contains(String.format("agree with gold      %d of 2 (", s.agreeWithGold))
                .contains("gold: field \"stars\" of mine.jsonl, read as " + GoldLabels.READING + ")")
                .contains("; 1 record with another value in \"stars\" not compared")
                .doesNotContain("SST-2");
        // the table's GOLD column reads the same field: pos, neg, ? (unreadable) and blank (no field)
        Matcher rows = Pattern.compile("(?m)^(?:POSITIVE|NEGATIVE)\\s+[01]\\.\\d{4}  (pos|neg|\\?|) +(a \\w+ review)$")
                .matcher(run.stdout);
        Map<String, String> gold = new java.util.HashMap<>();
        while (rows.find()) {
            gold.put(rows.group(2), rows.group(1));
        }
        assertThat(gold)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "a first review",
                        "pos",
                        "a second review",
                        "neg",
                        "a third review",
                        "?",
                        "a fourth review",
                        ""));
    }

    /**
     * Offline, the default model (the real DistilBERT from the hub) cannot be had: `local` says so at the top and
     * the bottom and scores with the shipped compact model, which gives real sentiment.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void withoutTheHubFallsBackToTheShippedModelAndSaysSo(@TempDir Path dir) throws Exception {
        Path reviews = dir.resolve("reviews.txt");
        Files.write(
                reviews,
                List.of(
                        "This movie was terrible, a complete waste of time.",
                        "A wonderful, moving film. I loved every minute of it."),
                StandardCharsets.UTF_8);
        Run run = WithoutTheHub.call(() -> local(
                "local",
                "--reviews",
                reviews.toString(),
                "--model-cache-dir",
                dir.resolve("cache").toString()));

        assertThat(run.exitCode).as(run.err).isZero();
        String banner =
                "NOTE: the real DistilBERT SST-2 model (hf:optimum/distilbert-base-uncased-finetuned-sst-2-english)"
                        + " is not available";
        assertThat(run.stdout).startsWith("=").contains(banner, "models/sst2-minilm-l6", "--model DIR");
        assertThat(run.stdout.indexOf(banner)).isLessThan(run.stdout.indexOf("Summary"));
        assertThat(run.stdout.lastIndexOf(banner)).isGreaterThan(run.stdout.indexOf("Summary"));
        Map<String, String> labels = new java.util.HashMap<>();
        run.summary.scoredRecords.forEach(r -> labels.put(
                r.get("text").asText(), r.get("sentiment").get("label").asText()));
        assertThat(labels)
                .containsEntry("This movie was terrible, a complete waste of time.", "NEGATIVE")
                .containsEntry("A wonderful, moving film. I loved every minute of it.", "POSITIVE");
        assertThat(run.summary
                        .scoredRecords
                        .get(0)
                        .get("sentiment")
                        .get("model")
                        .asText())
                .startsWith("sst2-minilm-l6@sha256:");
    }

    /** --follow: after the file, each line typed on stdin is scored and answered; a blank line is skipped. */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void followScoresWhatIsTyped(@TempDir Path dir) throws Exception {
        Path reviews = dir.resolve("one.txt");
        Files.write(reviews, List.of("a first review"), StandardCharsets.UTF_8);
        java.io.InputStream stdin = System.in;
        System.setIn(new java.io.ByteArrayInputStream(
                "I hate this so much!\n\nWe hope you don't hate it.\n".getBytes(StandardCharsets.UTF_8)));
        Run run;
        try {
            run = local("local", "--model", TinyModel.dir().toString(), "--reviews", reviews.toString(), "--follow");
        } finally {
            System.setIn(stdin);
        }

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.stdout).contains("Type a review and press Enter");
        Matcher answers = Pattern.compile("(?m)^(?:> )*  (POSITIVE|NEGATIVE) (0\\.\\d{4})  \\((\\d+) tokens\\)$")
                .matcher(run.stdout);
        List<String> tokens = new java.util.ArrayList<>();
        while (answers.find()) {
            tokens.add(answers.group(3));
        }
        // the published ids: "I hate this so much!" is 8 tokens, "We hope you don't hate it." 11
        assertThat(tokens).containsExactly("8", "11");
    }
}
