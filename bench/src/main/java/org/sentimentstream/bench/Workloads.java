package org.sentimentstream.bench;

import org.sentimentstream.embedded.Percentiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * The texts of {@link PipelineBenchmark} and the JMH benchmarks ({@link #pipeline}): SST-2 train phrases (the 3,000
 * bundled with the benchmarks, {@value #PHRASES_RESOURCE}), real review sentences and whole IMDB reviews, drawn
 * and joined with fixed seeds; see SOURCE.md beside them.
 */
final class Workloads {

    static final long SEED = 20260102L;
    /** The workloads of {@link PipelineBenchmark}: see {@link #pipeline}. */
    static final List<String> PIPELINE = List.of("phrase", "mixed", "long", "imdb");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Classpath resource of the bundled phrases, one JSON object with a "text" a line. */
    static final String PHRASES_RESOURCE = "/bench/sst2-train-phrases.jsonl";
    /** Classpath resource of the real review sentences (UCI Sentiment Labelled Sentences; see SOURCE.md). */
    static final String REVIEWS_RESOURCE = "/bench/uci-review-sentences.jsonl";
    /** Classpath resource: 300 whole IMDB reviews, median about 220 tokens (see bench/SOURCE.md). */
    static final String IMDB_RESOURCE = "/bench/imdb-reviews.jsonl";

    /** A real review sentence and the site it comes from (amazon, imdb, yelp). */
    record Sentence(String source, String text) {}

    private Workloads() {}

    /** The bundled phrases, shuffled with a fixed seed. */
    static List<String> bundledPhrases() throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode line : jsonLines(PHRASES_RESOURCE)) {
            out.add(line.get("text").asText());
        }
        Collections.shuffle(out, new Random(SEED));
        return out;
    }

    /** The 3,000 real review sentences, shuffled with a fixed seed. */
    static List<Sentence> reviewSentences() throws IOException {
        List<Sentence> out = new ArrayList<>();
        for (JsonNode line : jsonLines(REVIEWS_RESOURCE)) {
            out.add(new Sentence(line.get("source").asText(), line.get("text").asText()));
        }
        Collections.shuffle(out, new Random(SEED));
        return out;
    }

    private static List<JsonNode> jsonLines(String resource) throws IOException {
        InputStream in = Workloads.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("Missing classpath resource " + resource);
        }
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    /**
     * A workload of {@link PipelineBenchmark}; {@code tokens} counts tokens as the scorer does.
     *
     * <ul>
     *   <li>{@code phrase}: the 3,000 bundled SST-2 phrases as they are;
     *   <li>{@code mixed}: real review text: 2,250 review sentences as they are and 750 reviews of 2 or more
     *       sentences of one site joined (30 to 127 tokens), shuffled;
     *   <li>{@code long}: 1,000 reviews of sentences of one site joined to 60 to 127 tokens;
     *   <li>{@code imdb}: 300 whole IMDB reviews, most longer than one sequence: read in windows.
     * </ul>
     */
    static List<String> pipeline(String name, ToIntFunction<String> tokens) throws IOException {
        switch (name) {
            case "phrase":
                return bundledPhrases();
            case "mixed": {
                List<Sentence> sentences = reviewSentences();
                List<String> out = new ArrayList<>();
                for (Sentence s : sentences.subList(0, 2250)) {
                    out.add(s.text());
                }
                out.addAll(joinedReviews(sentences, 750, 30, tokens, SEED + 4));
                Collections.shuffle(out, new Random(SEED + 5));
                return out;
            }
            case "long":
                return joinedReviews(reviewSentences(), 1000, 60, tokens, SEED + 6);
            case "imdb": {
                List<String> out = new ArrayList<>();
                for (JsonNode line : jsonLines(IMDB_RESOURCE)) {
                    out.add(line.get("text").asText());
                }
                return out;
            }
            default:
                throw new IllegalArgumentException("unknown workload '" + name + "', use one of " + PIPELINE);
        }
    }

    /** Reviews of random sentences of one site, joined until each has between {@code min} and 127 tokens. */
    static List<String> joinedReviews(
            List<Sentence> sentences, int count, int min, ToIntFunction<String> tokens, long seed) {
        Random rng = new Random(seed);
        List<String> out = new ArrayList<>(count);
        while (out.size() < count) {
            String site = sentences.get(rng.nextInt(sentences.size())).source();
            int target = min + rng.nextInt(128 - min);
            String text = "";
            for (int tries = 0; tries < 50; tries++) {
                Sentence s = sentences.get(rng.nextInt(sentences.size()));
                if (!s.source().equals(site)) {
                    continue;
                }
                String candidate = text.isEmpty() ? s.text() : text + " " + s.text();
                if (tokens.applyAsInt(candidate) > 127) { // 128 could be a truncated text
                    continue;
                }
                text = candidate;
                if (tokens.applyAsInt(text) >= target) {
                    break;
                }
            }
            if (tokens.applyAsInt(text) >= min) {
                out.add(text);
            }
        }
        return out;
    }

    static String lengthSummary(int[] lengths) {
        double mean = Arrays.stream(lengths).average().orElse(0);
        return String.format(
                "n=%d min=%d p50=%d p90=%d p99=%d max=%d mean=%.1f",
                lengths.length,
                Arrays.stream(lengths).min().orElse(0),
                lengths.length == 0 ? 0 : Percentiles.of(lengths, 50),
                lengths.length == 0 ? 0 : Percentiles.of(lengths, 90),
                lengths.length == 0 ? 0 : Percentiles.of(lengths, 99),
                Arrays.stream(lengths).max().orElse(0),
                mean);
    }
}
