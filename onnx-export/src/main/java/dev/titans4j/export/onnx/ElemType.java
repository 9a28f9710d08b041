package dev.titans4j.export.onnx;

/** ONNX tensor element types used by the exported graphs (TensorProto.DataType codes). */
public enum ElemType {
    FLOAT(1, 4), UINT8(2, 1), INT32(6, 4), INT64(7, 8), FLOAT16(10, 2);

    private final int code;
    private final int bytes;

    ElemType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    public int bytes() {
        return bytes;
    }
}
