package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;
import org.sentimentstream.udf.internal.ReviewTokenizer;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The tokenizer yields exactly the ids published for the real model (Hugging Face course and docs). */
class PublishedTokenIdsTest {

    private static final Pattern LINE = Pattern.compile("^(.+?)\\s+\\[(\\d+(?:,\\d+)*)\\]\\s+\\(.*\\)$");

    @Test
    void idsEqualThePublishedOnes() throws Exception {
        Map<String, long[]> published = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/published/reference_logits.txt"), StandardCharsets.UTF_8))) {
            boolean inIds = false;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("# Published token ids")) {
                    inIds = true;
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (inIds && m.matches()) {
                    published.put(
                            m.group(1),
                            Arrays.stream(m.group(2).split(","))
                                    .mapToLong(Long::parseLong)
                                    .toArray());
                }
            }
        }
        assertThat(published).hasSize(7).containsKey("I hate this so much!");
        try (ReviewTokenizer tokenizer =
                ReviewTokenizer.open(TestModels.tinyModelDir().resolve("tokenizer.json"), 128)) {
            published.forEach((text, ids) ->
                    assertThat(tokenizer.encode(text).ids()).as(text).containsExactly(ids));
        }
    }
}
