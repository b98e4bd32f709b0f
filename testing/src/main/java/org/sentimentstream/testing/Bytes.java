package org.sentimentstream.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Building record values byte by byte, e.g. with invalid UTF-8 inside. */
public final class Bytes {

    private Bytes() {}

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
