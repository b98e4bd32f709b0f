package org.sentimentstream.cli.model;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidInputException;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.ModelResolver;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.configuration.Configuration;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the model of a command ({@code local}, {@code score}, {@code eval}, {@code bias-probe}): the configured one (by default the real DistilBERT SST-2 from the Hugging
 * Face hub, downloaded once into the cache); when that default cannot be had, the compact SST-2 model the
 * project ships, said plainly at the top and the bottom of the output.
 */
public final class ModelChoice {

    /** Where the shipped compact model lives, relative to the repository root. */
    public static final String SHIPPED = "models/sst2-minilm-l6";

    /** The chosen model, and, when it is not the one asked for, a banner that says why. */
    public record Choice(Path dir, String banner) {

        public boolean isFallback() {
            return banner != null;
        }

        public void printBanner(PrintStream out) {
            if (banner != null) {
                out.println(banner);
            }
        }
    }

    private ModelChoice() {}

    /**
     * The model to use: the configured one when it can be had; the shipped compact model, with a banner, when the
     * default model is asked for by default and cannot be downloaded. A model given explicitly that cannot be had
     * is the user's error ({@link InvalidSettingException} of {@code --model}) that says what failed and how to fix it.
     */
    public static Choice choose(InferenceConfig config, boolean modelGiven) {
        String spec = config.model();
        if (ModelResolver.isLocalPath(spec) && !Files.isDirectory(Paths.get(spec))) {
            // This process is the TaskManager: a job on a missing directory would only fail after it started.
            throw new InvalidSettingException(
                    SentimentOptions.MODEL.key(),
                    spec + " is not a directory",
                    config.modelWatch() != null
                            ? "pass the root of the model versions (<root>/<version>/model.onnx ...)"
                            : "pass a directory holding model.onnx, tokenizer.json and config.json, or leave {"
                                    + SentimentOptions.MODEL.key() + "} unset for the default model");
        }
        try {
            return new Choice(
                    ModelResolver.forConfig(config).resolve(config.model()).dir(), null);
        } catch (InvalidInputException e) {
            throw e;
        } catch (Exception e) {
            if (modelGiven || !SentimentOptions.DEFAULT_MODEL.equals(config.model())) {
                throw new InvalidSettingException(
                        SentimentOptions.MODEL.key(),
                        "cannot fetch " + config.model() + ": " + describe(e),
                        "check the network (HF_ENDPOINT for a mirror, HF_TOKEN for a gated repo), or put model.onnx,"
                                + " tokenizer.json and config.json in a directory and pass it as {"
                                + SentimentOptions.MODEL.key() + "}",
                        e);
            }
            Path shipped = findShipped()
                    .orElseThrow(() -> new InvalidSettingException(
                            SentimentOptions.MODEL.key(),
                            "the default model " + config.model() + " cannot be downloaded (" + describe(e)
                                    + ") and the compact model " + SHIPPED + " was not found from "
                                    + Paths.get("").toAbsolutePath(),
                            "run bin/sentiment-stream of the distribution, which ships it in models/, or pass {"
                                    + SentimentOptions.MODEL.key() + "} DIR",
                            e));
            String line = "=".repeat(100);
            String banner = line + "\n"
                    + "NOTE: the real DistilBERT SST-2 model (" + SentimentOptions.DEFAULT_MODEL
                    + ") is not available:\n"
                    + "      " + describe(e) + "\n"
                    + "      Using the compact model shipped with this project instead: " + shipped + "\n"
                    + "      (all-MiniLM-L6-v2 fine-tuned on SST-2; see its MODEL_CARD.md). Its scores are real\n"
                    + "      sentiment, but they are not the seed model's. To use the real model, run once with\n"
                    + "      internet access (it is cached in " + ModelResolver.cacheDir(config) + "):\n"
                    + "        bin/sentiment-stream <command> ...\n"
                    + "      or download model.onnx, tokenizer.json and config.json from\n"
                    + "      https://huggingface.co/optimum/distilbert-base-uncased-finetuned-sst-2-english\n"
                    + "      into a directory and pass --model DIR.\n"
                    + line;
            return new Choice(shipped, banner);
        }
    }

    /**
     * The inference settings of a file command ({@code score}, {@code eval}, {@code bias-probe}), read from its
     * {@code flags} into {@code config}: as given, or with the shipped compact model when the default model cannot
     * be had, which the banner on {@code err} says.
     */
    public static InferenceConfig forFileCommand(InferenceConfig config, Map<String, String> flags, PrintWriter err) {
        Choice choice = choose(config, flags.containsKey(SentimentOptions.MODEL.key()));
        if (!choice.isFallback()) {
            return config;
        }
        err.println(choice.banner());
        Map<String, String> withShipped = new HashMap<>(flags);
        withShipped.put(SentimentOptions.MODEL.key(), choice.dir().toString());
        return InferenceConfig.from(Configuration.fromMap(withShipped));
    }

    /** The failure and its causes in one line, e.g. "IOException: ... <- ConnectException". */
    static String describe(Throwable e) {
        StringBuilder why = new StringBuilder();
        String previous = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String step = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            if (step.equals(previous) || (previous != null && previous.endsWith(step))) {
                continue; // a wrapper that repeats its cause adds nothing
            }
            why.append(why.length() > 0 ? " <- " : "").append(step);
            previous = step;
        }
        return why.toString();
    }

    /** The shipped model, looked up from $SENTIMENT_HOME, the working directory and its parents. */
    static Optional<Path> findShipped() {
        String home = System.getProperty("sentiment.home", System.getenv("SENTIMENT_HOME"));
        if (home != null && Files.isRegularFile(Paths.get(home, SHIPPED, "model.onnx"))) {
            return Optional.of(Paths.get(home, SHIPPED).toAbsolutePath().normalize());
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SHIPPED).resolve("model.onnx"))) {
                return Optional.of(dir.resolve(SHIPPED).normalize());
            }
        }
        return Optional.empty();
    }
}
