package org.sentimentstream.cli.eval;

import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Fills templates such as "This film was filmed in {COUNTRY}." with many values, scores every variant and
 * reports how far P(POSITIVE) moves with nothing but the value changed.
 */
public final class BiasProbe {

    public static final String DEFAULT_TEMPLATE = "This film was filmed in {COUNTRY}.";
    private static final int CHART_EACH_SIDE = 12;

    /** P(positive) of one filled template. */
    public record Variant(String template, String value, String text, double positive) {}

    /** The spread of one template over all values, most positive first. */
    public record Spread(String template, List<Variant> variants) {

        public Variant max() {
            return variants.get(0);
        }

        public Variant min() {
            return variants.get(variants.size() - 1);
        }

        public double range() {
            return max().positive() - min().positive();
        }

        public double mean() {
            return variants.stream().mapToDouble(v -> v.positive()).average().orElse(0);
        }

        /** Population standard deviation of P(positive). */
        public double stdDev() {
            double mean = mean();
            return Math.sqrt(variants.stream()
                    .mapToDouble(v -> (v.positive() - mean) * (v.positive() - mean))
                    .average()
                    .orElse(0));
        }
    }

    private BiasProbe() {}

    /** The world's countries: English names of the ISO 3166-1 codes the JDK knows (territories included). */
    public static List<String> countries() {
        Set<String> names = new LinkedHashSet<>();
        for (String code : Locale.getISOCountries()) {
            names.add(new Locale("", code).getDisplayCountry(Locale.ENGLISH));
        }
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(String::compareTo);
        return sorted;
    }

    /** The placeholder of a template: the first {NAME}. */
    static String placeholder(String template) {
        int open = template.indexOf('{');
        int close = template.indexOf('}', open + 1);
        if (open < 0 || close < 0) {
            throw new IllegalArgumentException(
                    "The template '" + template + "' has no {PLACEHOLDER}. Fix: e.g. " + DEFAULT_TEMPLATE);
        }
        return template.substring(open, close + 1);
    }

    public static Spread probe(SentimentScorer scorer, String template, List<String> values) throws Exception {
        String placeholder = placeholder(template);
        int positive = positiveIndex(scorer.labels());
        List<CompletableFuture<SentimentResult>> futures = new ArrayList<>();
        for (String value : values) {
            futures.add(scorer.score(template.replace(placeholder, value)));
        }
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            SentimentResult r = futures.get(i).get();
            variants.add(new Variant(
                    template,
                    values.get(i),
                    template.replace(placeholder, values.get(i)),
                    r.probabilities().get(r.labels().get(positive))));
        }
        variants.sort(Comparator.comparingDouble((Variant v) -> v.positive()).reversed());
        return new Spread(template, variants);
    }

    /** The index of the POSITIVE label, else the last label. */
    static int positiveIndex(List<String> labels) {
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).equalsIgnoreCase("POSITIVE")) {
                return i;
            }
        }
        return labels.size() - 1;
    }

    /** Writes bias-probe.md, bias-probe.csv and one bias-probe-<n>.png chart per template. */
    public static List<Path> write(List<Spread> spreads, String model, Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("template,value,text,p_positive\n");
        StringBuilder md = new StringBuilder("# Bias probe\n\nModel: `" + model + "`. P(POSITIVE) of each filled"
                + " template; only the value changes, so any spread is the model's association with the value.\n");
        List<Path> written = new ArrayList<>();
        for (int t = 0; t < spreads.size(); t++) {
            Spread s = spreads.get(t);
            md.append(String.format(
                    Locale.ROOT,
                    "%n## `%s`%n%n- values: %d%n- min: %.4f (%s)%n- max: %.4f (%s)%n"
                            + "- max - min: %.4f%n- mean: %.4f%n- standard deviation: %.4f%n%n| rank | value |"
                            + " P(POSITIVE) |%n|---|---|---|%n",
                    s.template(),
                    s.variants().size(),
                    s.min().positive(),
                    s.min().value(),
                    s.max().positive(),
                    s.max().value(),
                    s.range(),
                    s.mean(),
                    s.stdDev()));
            for (int i = 0; i < s.variants().size(); i++) {
                Variant v = s.variants().get(i);
                md.append(String.format(Locale.ROOT, "| %d | %s | %.4f |%n", i + 1, v.value(), v.positive()));
                csv.append(csvCell(v.template()))
                        .append(',')
                        .append(csvCell(v.value()))
                        .append(',')
                        .append(csvCell(v.text()))
                        .append(',')
                        .append(String.format(Locale.ROOT, "%.6f", v.positive()))
                        .append('\n');
            }
            Path png = dir.resolve("bias-probe-" + (t + 1) + ".png");
            chart(s, model).ifPresent(c -> {
                try {
                    ChartUtils.saveChartAsPNG(png.toFile(), c, 900, 700);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            written.add(png);
        }
        Path mdFile = dir.resolve("bias-probe.md");
        Path csvFile = dir.resolve("bias-probe.csv");
        Files.writeString(mdFile, md, StandardCharsets.UTF_8);
        Files.writeString(csvFile, csv, StandardCharsets.UTF_8);
        written.add(0, csvFile);
        written.add(0, mdFile);
        return written;
    }

    private static java.util.Optional<JFreeChart> chart(Spread s, String model) {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        int n = s.variants().size();
        List<Variant> shown = new ArrayList<>(s.variants().subList(0, Math.min(CHART_EACH_SIDE, n)));
        for (Variant v : s.variants().subList(Math.max(shown.size(), n - CHART_EACH_SIDE), n)) {
            shown.add(v);
        }
        for (Variant v : shown) {
            data.addValue(v.positive(), "P(POSITIVE)", v.value());
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "Most positive and most negative: " + s.template(),
                "value",
                "P(POSITIVE)",
                data,
                PlotOrientation.HORIZONTAL,
                false,
                false,
                false);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle(
                model + "; spread " + String.format(Locale.ROOT, "%.3f", s.range())));
        chart.getCategoryPlot().getRangeAxis().setRange(0, 1);
        return java.util.Optional.of(chart);
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
