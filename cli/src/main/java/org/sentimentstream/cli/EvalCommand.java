package org.sentimentstream.cli;

import org.sentimentstream.cli.batch.FileScorer;
import org.sentimentstream.cli.eval.Evaluation;
import org.sentimentstream.cli.input.GoldLabels;
import org.sentimentstream.cli.input.ReviewFile;
import org.sentimentstream.cli.model.ModelChoice;
import org.sentimentstream.job.cli.Settings;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;
import org.sentimentstream.udf.SettingSurface;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Accuracy of a model on a labelled file, scored through the streaming job's path. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Scores a labelled TSV or JSONL file and reports accuracy, the confusion matrix, precision,"
                + " recall and F1 per label, and the slowest and most confidently wrong examples (Markdown and"
                + " JSON). Labels may be indexes (0/1) or the model's label names.")
final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    @Option(
            names = "--data",
            required = true,
            description = "Labelled reviews: JSON Lines or a TSV with a header row (tab-separated, no quoting).")
    Path data;

    @Option(names = "--text-field", description = "Text column or field. Default: text, else sentence.")
    String textField;

    @Option(
            names = "--label-field",
            description = "Label column or field: " + GoldLabels.READING + ". Default: ${DEFAULT-VALUE}.")
    String labelField = "label";

    @Option(
            names = "--format",
            description = "jsonl, tsv or text. Default: from the extension (.tsv a TSV, .txt text, else jsonl).")
    String format;

    @Option(names = "--output-dir", description = "Where eval.md and eval.json go. Default: ${DEFAULT-VALUE}.")
    Path outputDir = Path.of("eval-results");

    /** The last evaluation, for tests. */
    Evaluation evaluation;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = Settings.given(spec, SentimentOptions.ALL, unmatched);
        InferenceConfig config = InferenceConfig.from(Configuration.fromMap(flags)); // settings first, then files
        ReviewFile.requireFile(data, "data");
        ReviewFile.Format fmt = ReviewFile.Format.parse(format, data);
        config = ModelChoice.forFileCommand(config, flags, spec.commandLine().getErr());
        try (SentimentScorer scorer = SentimentScorer.open(config)) {
            Evaluation eval = new Evaluation(scorer.labels());
            GoldLabels labels = new GoldLabels(scorer.labels());
            new FileScorer(scorer).forEachRow(data, "data", fmt, textField, window -> {
                for (FileScorer.Row row : window) {
                    String gold = labels.read(row.fields.get(labelField));
                    if (row.error != null || gold == null) {
                        eval.skip();
                        continue;
                    }
                    try {
                        SentimentResult r = row.result();
                        eval.add(
                                new Evaluation.Example(row.text, gold, r.label(), r.score(), row.latencyNanos() / 1e6));
                    } catch (Exception e) {
                        eval.skip();
                    }
                }
            });
            if (eval.size() == 0) {
                spec.commandLine()
                        .getErr()
                        .println(new InvalidSettingException(
                                        "label-field",
                                        "no row of " + data + " has a label in '" + labelField + "' ("
                                                + GoldLabels.READING + ")",
                                        "name the label column with --label-field")
                                .messageFor(SettingSurface.FLAG));
                return 2;
            }
            Files.createDirectories(outputDir);
            String md = eval.toMarkdown(scorer.modelIdentity(), data.toString());
            Files.writeString(outputDir.resolve("eval.md"), md, StandardCharsets.UTF_8);
            new ObjectMapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValue(
                            outputDir.resolve("eval.json").toFile(),
                            eval.toJson(scorer.modelIdentity(), data.toString()));
            spec.commandLine().getOut().println(md);
            spec.commandLine()
                    .getOut()
                    .printf("Wrote %s and %s%n", outputDir.resolve("eval.md"), outputDir.resolve("eval.json"));
            evaluation = eval;
        }
        return 0;
    }
}
