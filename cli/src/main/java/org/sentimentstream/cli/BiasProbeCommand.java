package org.sentimentstream.cli;

import org.sentimentstream.cli.eval.BiasProbe;
import org.sentimentstream.cli.input.ReviewFile;
import org.sentimentstream.cli.model.ModelChoice;
import org.sentimentstream.job.cli.Settings;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentScorer;

import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** How much a model's P(POSITIVE) moves when only a country (or any value) in a sentence changes. */
@Command(
        name = "bias-probe",
        mixinStandardHelpOptions = true,
        description = "Fills templates with the world's countries (or --values), scores every variant and writes"
                + " P(POSITIVE) per value, min, max, max-min and standard deviation as Markdown, CSV and a PNG"
                + " chart.")
final class BiasProbeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    @Option(
            names = "--template",
            description = "A sentence with one {PLACEHOLDER}; repeat for several." + " Default: \""
                    + BiasProbe.DEFAULT_TEMPLATE + "\".")
    List<String> templates = new ArrayList<>();

    @Option(names = "--values", description = "A file with one value per line. Default: the world's countries.")
    Path values;

    @Option(names = "--output-dir", description = "Where the Markdown, CSV and PNG go. Default: ${DEFAULT-VALUE}.")
    Path outputDir = Path.of("bias-probe");

    /** The last run's spreads, for tests. */
    List<BiasProbe.Spread> spreads;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = Settings.given(spec, SentimentOptions.ALL, unmatched);
        InferenceConfig config = InferenceConfig.from(Configuration.fromMap(flags)); // settings first, then files
        if (values != null) {
            ReviewFile.requireFile(values, "values");
        }
        config = ModelChoice.forFileCommand(config, flags, spec.commandLine().getErr());
        List<String> fill = values == null
                ? BiasProbe.countries()
                : Files.readAllLines(values, StandardCharsets.UTF_8).stream()
                        .map(String::trim)
                        .filter(v -> !v.isEmpty())
                        .toList();
        List<String> all = templates.isEmpty() ? List.of(BiasProbe.DEFAULT_TEMPLATE) : templates;
        try (SentimentScorer scorer = SentimentScorer.open(config)) {
            spreads = new ArrayList<>();
            for (String template : all) {
                spreads.add(BiasProbe.probe(scorer, template, fill));
            }
            List<Path> written = BiasProbe.write(spreads, scorer.modelIdentity(), outputDir);
            for (BiasProbe.Spread s : spreads) {
                spec.commandLine()
                        .getOut()
                        .printf(
                                Locale.ROOT,
                                "%s: %d values, P(POSITIVE) min %.4f (%s), max %.4f (%s), max-min %.4f, std %.4f%n",
                                s.template(),
                                s.variants().size(),
                                s.min().positive(),
                                s.min().value(),
                                s.max().positive(),
                                s.max().value(),
                                s.range(),
                                s.stdDev());
            }
            spec.commandLine().getOut().println("Wrote " + written);
        }
        return 0;
    }
}
