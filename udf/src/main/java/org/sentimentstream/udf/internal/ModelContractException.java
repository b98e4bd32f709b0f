package org.sentimentstream.udf.internal;

/** A model directory that does not meet the model contract; the message names the file and the problem. */
public class ModelContractException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public ModelContractException(String message) {
        super(message);
    }

    public ModelContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
