package org.sentimentstream.cli;

import org.sentimentstream.cli.batch.FileScorer;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Scores a TSV or JSONL file through the same path as the stream; for backfills and offline checks. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = "Scores a file: one JSON object per input row, in input order, with a `sentiment` object.")
final class ScoreCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    @Option(
            names = "--input",
            required = true,
            description = "Reviews: JSON Lines, a TSV with a header row (tab-separated, no quoting) or plain text, one"
                    + " review per line.")
    Path input;

    @Option(names = "--output", required = true, description = "JSON Lines output file.")
    Path output;

    @Option(names = "--text-field", description = "Column or field with the text. Default: text, else sentence.")
    String textField;

    @Option(
            names = "--format",
            description = "jsonl, tsv or text. Default: from the extension (.tsv a TSV, .txt text, else jsonl).")
    String format;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = Settings.given(spec, SentimentOptions.ALL, unmatched);
        InferenceConfig config = InferenceConfig.from(Configuration.fromMap(flags)); // settings first, then files
        ReviewFile.requireFile(input, "input");
        ReviewFile.Format fmt = ReviewFile.Format.parse(format, input);
        config = ModelChoice.forFileCommand(config, flags, spec.commandLine().getErr());
        try (SentimentScorer scorer = SentimentScorer.open(config)) {
            FileScorer.Summary s = new FileScorer(scorer).score(input, fmt, textField, output);
            spec.commandLine()
                    .getErr()
                    .printf(
                            "Scored %d of %d rows (%d errors) with %s in %.1f s (%.0f rows/s) -> %s%n",
                            s.scored(),
                            s.rows(),
                            s.errors(),
                            scorer.modelIdentity(),
                            s.nanos() / 1e9,
                            s.rowsPerSecond(),
                            output);
        }
        return 0;
    }
}
