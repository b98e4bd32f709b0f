package org.sentimentstream.udf.internal;

import org.apache.flink.annotation.Internal;

/**
 * Turns the failure to load a native library a second time, from a second user-code classloader of the same
 * JVM (a job resubmitted to a Flink session cluster), into a message that says how to fix the deployment.
 */
@Internal
public final class NativeLibraries {

    public static final String FIX =
            "The DJL tokenizer (and ONNX Runtime) hold native libraries that a JVM can load in one classloader"
                    + " only, and this job jar bundles them, so a second job or a resubmitted job in the same"
                    + " TaskManager cannot load them again. Fix: put ai.djl.huggingface:tokenizers, ai.djl:api and"
                    + " com.microsoft.onnxruntime:onnxruntime with their dependencies into Flink's lib/ directory"
                    + " (the build stages them in job/target/flink-lib/; the production image does this) and submit"
                    + " the job's -cluster jar, which leaves them out; or restart the TaskManagers between"
                    + " submissions.";

    private NativeLibraries() {}

    /** Returns a {@link NativeLibraryConflictException} if the failure is that conflict, else rethrows it. */
    public static RuntimeException explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            boolean secondLoader =
                    t instanceof UnsatisfiedLinkError && message.contains("already loaded in another classloader");
            boolean poisonedClass =
                    t instanceof NoClassDefFoundError && message.contains("ai.djl.huggingface.tokenizers.jni");
            if (secondLoader || poisonedClass) {
                return new NativeLibraryConflictException(FIX + " (cause: " + t + ")", failure);
            }
        }
        if (failure instanceof RuntimeException) {
            return (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        return new IllegalStateException(failure);
    }

    /** The native library is already owned by another classloader of this JVM. */
    public static final class NativeLibraryConflictException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NativeLibraryConflictException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
