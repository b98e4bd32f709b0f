package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.ModelAnnouncement;
import org.sentimentstream.udf.ModelFeed;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The feed of {@code sentiment.model-watch}: a model root laid out as {@code <root>/<version>/}, on a local path or any
 * Flink file system. The newest version is the one {@code <root>/LATEST} names, if that file exists (so that a
 * rollback is one write), else the highest version name, digit runs compared as numbers ({@code v10} after
 * {@code v9}).
 */
@Internal
public final class VersionedModelFeed implements ModelFeed {

    private static final long serialVersionUID = 1L;

    /** The file that pins the version, in the root. */
    public static final String LATEST = "LATEST";

    private static final Pattern RUN = Pattern.compile("\\d+|\\D+");

    private final String root;
    private final Duration interval;

    public VersionedModelFeed(String root, Duration interval) {
        this.root = root.replaceAll("/+$", "");
        this.interval = interval;
    }

    @Override
    public Duration pollInterval() {
        return interval;
    }

    @Override
    public Reader open() {
        return this::newest;
    }

    /** The newest version's announcement, or empty when the root holds no version yet. */
    Optional<ModelAnnouncement> newest() throws IOException {
        Path rootPath = new Path(root);
        FileSystem fs = rootPath.getFileSystem();
        Path latest = new Path(rootPath, LATEST);
        String version;
        if (fs.exists(latest)) {
            version = readFirstLine(fs, latest);
            if (version.isEmpty() || version.contains("/") || !fs.exists(new Path(rootPath, version))) {
                throw new IOException(latest + " names '" + version + "', which is not a version directory of " + root
                        + "; write the name of one, e.g. `echo 7 > " + latest + "`");
            }
        } else {
            FileStatus[] entries = fs.listStatus(rootPath);
            if (entries == null) {
                throw new IOException(root + " does not exist");
            }
            Optional<String> highest = List.of(entries).stream()
                    .filter(FileStatus::isDir)
                    .map(status -> status.getPath().getName())
                    .filter(name -> !name.startsWith("."))
                    .max(VersionedModelFeed::compareVersions);
            if (highest.isEmpty()) {
                return Optional.empty();
            }
            version = highest.get();
        }
        return Optional.of(new ModelAnnouncement(root + "/" + version, null, List.of()));
    }

    /** The newest version now, for a session that starts: a root without versions is a setting to fix. */
    public ModelAnnouncement requireNewest() throws IOException {
        return newest().orElseThrow(() -> new InvalidSettingException(
                SentimentOptions.MODEL,
                root + " holds no model version, and " + SentimentOptions.MODEL_WATCH.key()
                        + " reads it as a root of <root>/<version>/ directories",
                "put the first version in " + root + "/1/ (model.onnx, tokenizer.json, config.json), or" + " unset "
                        + SentimentOptions.MODEL_WATCH.key() + " to use a model directory"));
    }

    private static String readFirstLine(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            String content = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            return content.lines().findFirst().orElse("").trim();
        }
    }

    /** Orders version names with their digit runs compared as numbers. */
    static int compareVersions(String a, String b) {
        Matcher ma = RUN.matcher(a);
        Matcher mb = RUN.matcher(b);
        while (ma.find() && mb.find()) {
            String ra = ma.group();
            String rb = mb.group();
            int c = Character.isDigit(ra.charAt(0)) && Character.isDigit(rb.charAt(0))
                    ? compareNumbers(ra, rb)
                    : ra.compareTo(rb);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** Digit runs of any length as numbers: without leading zeros, the longer is the larger. */
    private static int compareNumbers(String a, String b) {
        String na = a.replaceFirst("^0+(?=.)", "");
        String nb = b.replaceFirst("^0+(?=.)", "");
        return na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
    }

    @Override
    public String toString() {
        return "versions under " + root + ", checked every " + interval.toSeconds() + " s";
    }
}
