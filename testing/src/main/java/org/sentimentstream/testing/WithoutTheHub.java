package org.sentimentstream.testing;

import java.util.concurrent.Callable;

/**
 * Runs code as on a machine without the Hugging Face hub: the resolver's endpoint ({@code sentiment.hf-endpoint})
 * points at the discard port of loopback, where nothing listens, and is put back afterwards.
 */
public final class WithoutTheHub {

    private static final String ENDPOINT = "sentiment.hf-endpoint";

    private WithoutTheHub() {}

    public static <T> T call(Callable<T> body) throws Exception {
        String endpoint = System.getProperty(ENDPOINT);
        System.setProperty(ENDPOINT, "http://127.0.0.1:9");
        try {
            return body.call();
        } finally {
            if (endpoint == null) {
                System.clearProperty(ENDPOINT);
            } else {
                System.setProperty(ENDPOINT, endpoint);
            }
        }
    }
}
