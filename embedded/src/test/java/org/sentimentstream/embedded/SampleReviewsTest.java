package org.sentimentstream.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The `local` sample holds only reviews that no shipped model was trained on, with their gold labels. */
class SampleReviewsTest {

    /**
     * sha256 of {@code <line>\t<text>\t<label>\n} over the rows of GLUE SST-2 dev.tsv (872 rows, lines 2-873, text
     * stripped), as make_sample.py printed it from the file; see sample/SOURCE.md.
     */
    private static final String SST2_DEV_FINGERPRINT =
            "6095c986bf30dc1133ab396a9717c0e541368164208c71acde03e9b7c7a1efe3";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> sample() throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String line : SampleReviews.loadSampleLines()) {
            records.add(JSON.readTree(line));
        }
        return records;
    }

    @Test
    void theSst2PartIsExactlyTheDevSetAndNothingElseComesFromSst2() throws Exception {
        TreeMap<Integer, JsonNode> dev = new TreeMap<>();
        int longer = 0;
        int imdb = 0;
        for (JsonNode r : sample()) {
            String id = r.get("id").asText();
            if (id.startsWith(SampleReviews.SST2_DEV_ID_PREFIX)) {
                int line = Integer.parseInt(id.substring(SampleReviews.SST2_DEV_ID_PREFIX.length()));
                assertThat(dev.put(line, r)).as("duplicate " + id).isNull();
            } else if (id.startsWith(SampleReviews.IMDB_ID_PREFIX)) {
                // IMDB train reviews: not SST-2's train split, which holds Rotten Tomatoes phrases
                assertThat(id).matches("imdb-train-(pos|neg)-\\d+_\\d+");
                assertThat(r.get("label").asInt()).isEqualTo(id.contains("-pos-") ? 1 : 0);
                imdb++;
            } else {
                assertThat(id).matches("long-\\d\\d");
                longer++;
            }
        }
        assertThat(imdb).isEqualTo(100);
        assertThat(dev).hasSize(872);
        assertThat(dev.firstKey()).isEqualTo(2);
        assertThat(dev.lastKey()).isEqualTo(873);
        assertThat(longer).isEqualTo(40);

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        dev.forEach((line, r) -> sha.update(String.format(
                        "%d\t%s\t%d\n",
                        line, r.get("text").asText(), r.get("label").asInt())
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(HexFormat.of().formatHex(sha.digest()))
                .as("the texts and labels of SST-2 dev.tsv")
                .isEqualTo(SST2_DEV_FINGERPRINT);
    }

    @Test
    void everyRecordHasAnIdTextAndBinaryLabel() throws Exception {
        List<JsonNode> records = sample();
        assertThat(records).hasSize(1012);
        Set<String> texts = new HashSet<>();
        int positive = 0;
        for (JsonNode r : records) {
            assertThat(r.get("id").isTextual()).isTrue();
            assertThat(r.get("text").asText()).isNotBlank();
            assertThat(r.get("label").isInt()).isTrue();
            assertThat(r.get("label").asInt()).isIn(0, 1);
            assertThat(texts.add(r.get("text").asText())).as("distinct texts").isTrue();
            positive += r.get("label").asInt();
        }
        assertThat(positive).isEqualTo(444 + 20 + 53);
    }

    @Test
    void theLongerReviewsAreMultiSentenceAndBothPolarities() throws Exception {
        List<JsonNode> longer = sample().stream()
                .filter(r -> r.get("id").asText().startsWith(SampleReviews.LONG_ID_PREFIX))
                .toList();
        assertThat(longer).hasSize(40);
        assertThat(longer).allSatisfy(r -> {
            String text = r.get("text").asText();
            assertThat(text.split("\\s+").length).as(text).isBetween(40, 170);
            assertThat(text.split("[.!?](\\s|$)").length).as(text).isGreaterThanOrEqualTo(3);
        });
        assertThat(longer.stream().filter(r -> r.get("label").asInt() == 1)).hasSize(20);
    }

    @Test
    void theImdbReviewsAreRealLongReviewsOfBothPolarities() throws Exception {
        List<JsonNode> imdb = sample().stream()
                .filter(r -> r.get("id").asText().startsWith(SampleReviews.IMDB_ID_PREFIX))
                .toList();
        assertThat(imdb).hasSize(100);
        assertThat(imdb.stream().filter(r -> r.get("label").asInt() == 1)).hasSize(53);
        // most are longer than one 128-token sequence (about 100 words): their verdict may come at the end
        assertThat(imdb.stream().filter(r -> r.get("text").asText().split("\\s+").length > 150))
                .hasSizeGreaterThan(60);
    }

    @Test
    void theGoldSourceIsNamed() {
        assertThat(SampleReviews.GOLD_FIELD).isEqualTo("label");
        assertThat(SampleReviews.GOLD_SOURCE)
                .contains("SST-2 dev (GLUE, human labels)")
                .contains("40 longer reviews written and labelled for this demo by the project")
                .contains("100 IMDB reviews")
                .contains("none of them in the training data");
        assertThat(SampleReviews.GOLD_PARTS).containsOnlyKeys("sst2-dev-", "long-", "imdb-");
    }
}
