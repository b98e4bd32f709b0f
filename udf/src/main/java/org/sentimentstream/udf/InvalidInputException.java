package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Input from a user that cannot work, with a message that says how to fix it: a setting ({@link
 * InvalidSettingException}), a script, a file. Command lines print the message and exit with 2.
 */
@PublicEvolving
public class InvalidInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
