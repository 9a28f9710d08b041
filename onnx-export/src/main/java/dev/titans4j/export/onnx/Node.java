package dev.titans4j.export.onnx;

import java.util.List;

/** One operator application; an empty input name marks an omitted optional input. */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                   List<Attribute> attributes) {

    ProtoBuffer encode() {
        ProtoBuffer p = new ProtoBuffer();
        for (String in : inputs) {
            p.string(OnnxProto.NODE_INPUT, in);
        }
        for (String out : outputs) {
            p.string(OnnxProto.NODE_OUTPUT, out);
        }
        p.string(OnnxProto.NODE_NAME, name).string(OnnxProto.NODE_OP_TYPE, opType);
        if (!domain.isEmpty()) {
            p.string(OnnxProto.NODE_DOMAIN, domain);
        }
        for (Attribute a : attributes) {
            p.message(OnnxProto.NODE_ATTRIBUTE, a.encode());
        }
        return p;
    }
}
