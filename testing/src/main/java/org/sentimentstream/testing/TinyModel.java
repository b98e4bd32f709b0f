package org.sentimentstream.testing;

import java.nio.file.Path;

/** The udf's tiny test model (random weights: not sentiment) and the identity its results carry. */
public final class TinyModel {

    /** Name and short sha256 of model.onnx, as every result of the tiny model carries it. */
    public static final String IDENTITY = "tiny-distilbert@sha256:d1a6bf72edb9";

    private TinyModel() {}

    public static Path dir() {
        return TestModels.tinyModelDir();
    }
}
