package org.sentimentstream.job.pipeline;

import org.sentimentstream.udf.SentimentResult;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code sentiment} object of every output: the same in the stream and in file scoring. */
public final class SentimentJson {

    private SentimentJson() {}

    public static ObjectNode toJson(SentimentResult result) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("label", result.label());
        s.put("score", result.score());
        ObjectNode probabilities = s.putObject("probabilities");
        result.probabilities().forEach(probabilities::put);
        var logits = s.putArray("logits");
        for (float l : result.logits()) {
            logits.add(l);
        }
        s.put("tokens", result.tokens());
        s.put("truncated", result.truncated());
        s.put("model", result.model());
        return s;
    }
}
