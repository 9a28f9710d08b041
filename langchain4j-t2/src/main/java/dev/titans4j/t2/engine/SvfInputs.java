package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Transformer² multiplier inputs of one graph for one mix: the model's identity tensors with a tensor of its own
 * for each given input. Closing it frees only the tensors it made (the identity tensors belong to the model).
 */
final class SvfInputs implements AutoCloseable {

    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> owned;

    private SvfInputs(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> owned) {
        this.inputs = Collections.unmodifiableMap(inputs);
        this.owned = owned;
    }

    /** {@code multipliers} were checked by the model; a graph without SVF inputs gets none. */
    static SvfInputs of(OnnxModel model, GraphSession graph, Map<String, float[]> multipliers) {
        if (!graph.svfInputs()) {
            return new SvfInputs(Map.of(), Map.of());
        }
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>(model.identitySvf());
        Map<String, OnnxTensor> owned = new HashMap<>();
        for (Map.Entry<String, float[]> e : multipliers.entrySet()) {
            long rank = inputs.get(e.getKey()).getInfo().getShape()[0];
            try {
                OnnxTensor t = OnnxTensor.createTensor(model.environment(), FloatBuffer.wrap(e.getValue()),
                        new long[] {rank});
                owned.put(e.getKey(), t);
                inputs.put(e.getKey(), t);
            } catch (OrtException ex) {
                owned.values().forEach(OnnxTensor::close);
                throw new EngineException("Could not create SVF input '" + e.getKey() + "'", ex);
            }
        }
        return new SvfInputs(inputs, owned);
    }

    /** Input name to tensor, every SVF input of the graph included. */
    Map<String, OnnxTensor> inputs() {
        return inputs;
    }

    @Override
    public void close() {
        owned.values().forEach(OnnxTensor::close);
    }
}
