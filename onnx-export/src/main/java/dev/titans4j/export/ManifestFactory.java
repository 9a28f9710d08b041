package dev.titans4j.export;

import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.manifest.FileDigest;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.onnx.DecoderGraphBuilder;
import dev.titans4j.export.onnx.GraphNames;
import dev.titans4j.export.onnx.OnnxModelWriter;
import dev.titans4j.export.svf.SvfLedger;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills {@link ModelManifest} from the config (chat and generation settings included), the options and what was
 * written.
 */
final class ManifestFactory {

    private ManifestFactory() {
    }

    /**
     * {@code plain} is what was written for the plain companion graph, or null when there is none; {@code digests}
     * has every file written, copied tokenizer files included, by name.
     */
    static ModelManifest create(ModelConfig c, Path input, ExportOptions options, OnnxModelWriter.Written written,
                                OnnxModelWriter.Written plain, Map<String, FileDigest> digests,
                                List<String> svfWeights, SvfLedger svfLedger) {
        ModelConfig.Dimensions d = c.dims();
        ModelManifest.Dimensions dims = new ModelManifest.Dimensions(d.hiddenSize(), d.intermediateSize(),
                d.numLayers(), d.numHeads(), d.numKvHeads(), d.headDim(), d.vocabSize(), d.maxPositionEmbeddings(),
                c.attention().slidingWindow(), c.norms().eps(), c.rope().global().theta(), c.embedding().tied(),
                c.attention().qkvBias());
        ModelConfig.Tokens t = c.tokens();
        ModelManifest.Tokens tokens = new ModelManifest.Tokens(t.bosTokenId(), t.eosTokenIds(), t.padTokenId(),
                t.addBosToken());
        ModelManifest.Files files = new ModelManifest.Files(OnnxExporter.MODEL_FILE,
                written.dataFile() == null ? null : written.dataFile().getFileName().toString(),
                digests.containsKey("tokenizer.json") ? "tokenizer.json" : null,
                digests.containsKey("tokenizer_config.json") ? "tokenizer_config.json" : null,
                digests.containsKey("generation_config.json") ? "generation_config.json" : null);
        ModelManifest.PlainCompanion companion = plain == null ? null : new ModelManifest.PlainCompanion(
                plain.modelFile().getFileName().toString(),
                plain.dataFile() == null ? null : plain.dataFile().getFileName().toString());
        ModelManifest.Inputs inputs = new ModelManifest.Inputs(GraphNames.INPUT_IDS, GraphNames.ATTENTION_MASK,
                GraphNames.LOGITS_FROM, GraphNames.PAST_KEY, GraphNames.PAST_VALUE);
        ModelManifest.Outputs outputs = new ModelManifest.Outputs(GraphNames.LOGITS, GraphNames.PRESENT_KEY,
                GraphNames.PRESENT_VALUE, GraphNames.HIDDEN_STATES);
        dev.titans4j.export.hf.LongRope longRope = c.rope().global().longRope();
        ModelManifest.KvCache kv = new ModelManifest.KvCache(OnnxExporter.kvDtype(options.precision()), "BNSH", true,
                longRope == null ? null : longRope.originalMaxPositionEmbeddings(),
                longRope == null && DecoderGraphBuilder.fusesRotary(d.headDim(), c.rope().rotaryDim()));
        ModelManifest.Svf svf;
        if (options.svfEnabled()) {
            List<ModelManifest.SvfMatrix> matrices = svfWeights.stream().map(w -> {
                int[] shape = svfLedger.shape(w); // a block of a fused tensor has no checkpoint shape of its own
                int rows = shape[0];
                int cols = shape[1];
                return new ModelManifest.SvfMatrix(w, GraphNames.svfInput(w), Math.min(rows, cols), rows, cols);
            }).toList();
            svf = new ModelManifest.Svf(true, options.svfForm().id(), OnnxExporter.SVF_FILE, matrices);
        } else {
            svf = new ModelManifest.Svf(false, null, null, List.of());
        }
        return new ModelManifest(ModelManifest.FORMAT, ModelManifest.CURRENT_VERSION, OnnxExporter.VERSION,
                c.architecture(), c.modelType(), input.toAbsolutePath().normalize().getFileName().toString(),
                options.precision(), dims, tokens, ChatFormat.detect(c.chatTemplate()), files, inputs, outputs, kv,
                svf, options.precision() == ModelManifest.Precision.int4 ? options.int4BlockSize() : null,
                companion, Collections.unmodifiableMap(new LinkedHashMap<>(digests)), c.chat(), c.generation());
    }
}
