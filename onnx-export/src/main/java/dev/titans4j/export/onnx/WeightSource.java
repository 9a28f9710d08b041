package dev.titans4j.export.onnx;

import java.io.IOException;

/** Float values of a checkpoint tensor by its Hugging Face name ({@code [out, in]} row-major for linear layers). */
@FunctionalInterface
public interface WeightSource {

    float[] floats(String name) throws IOException;
}
