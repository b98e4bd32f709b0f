package org.sentimentstream.cli.input;

import org.sentimentstream.embedded.SampleReviews;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reviews to produce to Kafka ({@code local}, {@code produce}): record values, keyed where the input has keys. */
public final class ReviewInput {

    /** The gold labels of the sample, as the summary names them. */
    public static final Gold SAMPLE_GOLD =
            new Gold(SampleReviews.GOLD_FIELD, SampleReviews.GOLD_SOURCE, SampleReviews.GOLD_PARTS);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private final Gold gold;

    private ReviewInput(Gold gold) {
        this.gold = gold;
    }

    /**
     * The project's sample ({@link SampleReviews}): the SST-2 dev sentences and the project's longer reviews, with
     * their gold labels, plus one record for each dead-letter reason.
     */
    public static ReviewInput sample() {
        ReviewInput input = new ReviewInput(SAMPLE_GOLD);
        for (String line : SampleReviews.loadSampleLines()) {
            input.add(idOf(line), line.getBytes(StandardCharsets.UTF_8));
        }
        int i = 0;
        for (byte[] bad : SampleReviews.malformedRecords()) {
            input.add("malformed-" + i++, bad);
        }
        return input;
    }

    /**
     * A user's file, given as {@code --<option>}, read by {@link ReviewFile}; records that have {@code labelField}
     * are compared with it.
     */
    public static ReviewInput fromFile(Path file, String option, ReviewFile.Format format, String labelField)
            throws IOException {
        ReviewInput input = new ReviewInput(new Gold(
                labelField,
                String.format("field \"%s\" of %s, read as %s", labelField, file.getFileName(), GoldLabels.READING),
                Map.of()));
        for (ReviewFile.Row row : ReviewFile.readAll(file, option, format, null)) {
            input.add(row.key(), row.value());
        }
        return input;
    }

    public int size() {
        return values.size();
    }

    /** The key of record {@code i}: its id where it has one, else null. */
    public byte[] key(int i) {
        return keys.get(i);
    }

    public byte[] value(int i) {
        return values.get(i);
    }

    /** The gold labels of this input. */
    public Gold gold() {
        return gold;
    }

    private void add(String key, byte[] value) {
        keys.add(key == null ? null : key.getBytes(StandardCharsets.UTF_8));
        values.add(value);
    }

    private static String idOf(String jsonLine) {
        try {
            JsonNode id = JSON.readTree(jsonLine).get("id");
            return id == null ? null : id.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
