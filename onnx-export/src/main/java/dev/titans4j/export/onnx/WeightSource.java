package dev.titans4j.export.onnx;

import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.safetensors.DType;
import java.io.IOException;

/** Float values of a checkpoint tensor by its Hugging Face name ({@code [out, in]} row-major for linear layers). */
@FunctionalInterface
public interface WeightSource {

    float[] floats(String name) throws IOException;

    /** The dtype the tensor is stored in (some rules round constants to it, as transformers does). */
    default DType dtype(String name) {
        return DType.F32;
    }

    /** The tensors of a checkpoint, with their stored dtypes. */
    static WeightSource of(Checkpoint checkpoint) {
        return new WeightSource() {
            @Override
            public float[] floats(String name) throws IOException {
                return checkpoint.floats(name);
            }

            @Override
            public DType dtype(String name) {
                return checkpoint.info(name).dtype();
            }
        };
    }
}
