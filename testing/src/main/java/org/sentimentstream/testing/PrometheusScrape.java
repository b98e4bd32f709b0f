package org.sentimentstream.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus endpoint in the text exposition format (what Flink's Prometheus reporter serves on
 * {@code GET :9249/metrics}), parsed into samples. Reusable against any endpoint: a MiniCluster's reporter or a
 * container's.
 */
public final class PrometheusScrape {

    /** One sample line: {@code name{label="value",...} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String text;
    private final List<Sample> samples;

    private PrometheusScrape(String text, List<Sample> samples) {
        this.text = text;
        this.samples = Collections.unmodifiableList(samples);
    }

    /** GETs {@code url} (e.g. {@code http://localhost:9249/metrics}) and parses the answer. */
    public static PrometheusScrape fetch(String url) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** One scrape of several endpoints (e.g. a JobManager's and a TaskManager's), as Prometheus would see them. */
    public static PrometheusScrape fetchAll(String... urls) throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        for (String url : urls) {
            text.append(fetch(url).text()).append('\n');
        }
        return parse(text.toString());
    }

    public static PrometheusScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("Not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            samples.add(new Sample(m.group(1), labels, parseValue(m.group(3))));
        }
        return new PrometheusScrape(text, samples);
    }

    private static double parseValue(String v) {
        switch (v) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(v);
        }
    }

    public String text() {
        return text;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Every metric name in the scrape. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The label names that samples of {@code name} carry. */
    public Set<String> labelNames(String name) {
        Set<String> labels = new TreeSet<>();
        samples(name).forEach(s -> labels.addAll(s.labels().keySet()));
        return labels;
    }

    /** The sum of the finite values of {@code name} (0 if absent). */
    public double sum(String name) {
        return samples(name).stream()
                .mapToDouble(Sample::value)
                .filter(Double::isFinite)
                .sum();
    }

    /** The largest finite value of {@code name}, or NaN. */
    public double max(String name) {
        return samples(name).stream()
                .mapToDouble(Sample::value)
                .filter(Double::isFinite)
                .max()
                .orElse(Double.NaN);
    }
}
