package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Set;

/**
 * One decoder graph of a model folder loaded into ONNX Runtime: the session plus the external-data buffers it reads
 * (null for inline weights). {@code svfInputs} says whether the graph takes Transformer² multipliers.
 */
final class GraphSession implements AutoCloseable {

    private final String file;
    private final OrtSession session;
    private final ExternalInitializers external;
    private final boolean svfInputs;
    private volatile boolean closed;

    GraphSession(String file, OrtSession session, ExternalInitializers external, boolean svfInputs) {
        this.file = file;
        this.session = session;
        this.external = external;
        this.svfInputs = svfInputs;
    }

    OrtSession.Result run(Map<String, OnnxTensor> inputs, Set<String> requestedOutputs,
                          Map<String, OnnxTensor> pinnedOutputs) throws OrtException {
        return session.run(inputs, requestedOutputs, pinnedOutputs);
    }

    /** The file name in the model folder. */
    String file() {
        return file;
    }

    boolean svfInputs() {
        return svfInputs;
    }

    int externalInitializers() {
        return external == null ? 0 : external.size();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(session, external);
        }
    }

    static void closeQuietly(OrtSession session, ExternalInitializers external) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // nothing useful to do while already failing or shutting down
            }
        }
        if (external != null) {
            external.close(); // only after the session: it reads these buffers until then
        }
    }
}
