package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A model that does not meet the model contract: an {@link InvalidSettingException} of {@link
 * SentimentOptions#MODEL} whose problem names the file and what is wrong with it.
 */
@PublicEvolving
public class ModelContractException extends InvalidSettingException {

    private static final long serialVersionUID = 1L;

    public ModelContractException(String problem, String fix) {
        super(SentimentOptions.MODEL.key(), problem, fix);
    }

    public ModelContractException(String problem, String fix, Throwable cause) {
        super(SentimentOptions.MODEL.key(), problem, fix, cause);
    }
}
