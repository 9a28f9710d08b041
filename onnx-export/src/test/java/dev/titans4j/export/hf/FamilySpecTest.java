package dev.titans4j.export.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.hf.FamilySpec.Linear;
import dev.titans4j.export.hf.FamilySpec.Norm;
import dev.titans4j.export.hf.FamilySpec.WeightRef;
import dev.titans4j.export.hf.ModelConfig.Attention;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.Embedding;
import dev.titans4j.export.hf.ModelConfig.Mlp;
import dev.titans4j.export.hf.ModelConfig.NormPlacement;
import dev.titans4j.export.hf.ModelConfig.Norms;
import dev.titans4j.export.hf.ModelConfig.Rope;
import dev.titans4j.export.hf.ModelConfig.RopeTable;
import dev.titans4j.export.hf.ModelConfig.Tokens;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec hooks' defaults and what a family overriding them gets (a fused, sandwich-norm test family). */
class FamilySpecTest {

    @TempDir
    Path dir;

    /** Phi-3-like fused projections with Gemma-like sandwich norms: every weight hook overridden at once. */
    static final class FusedSandwichSpec extends FamilySpec {
        @Override
        public String className() {
            return "FusedForCausalLM";
        }

        @Override
        public String modelType() {
            return "fused";
        }

        @Override
        protected int defaultMaxPositions() {
            return 64;
        }

        @Override
        public WeightRef linear(ModelConfig c, int layer, Linear which) {
            Dimensions d = c.dims();
            String qkv = WeightNames.weight(layer, "self_attn.qkv_proj");
            String gateUp = WeightNames.weight(layer, "mlp.gate_up_proj");
            return switch (which) {
                case Q -> new WeightRef(qkv, 0, d.qDim());
                case K -> new WeightRef(qkv, d.qDim(), d.kvDim());
                case V -> new WeightRef(qkv, d.qDim() + d.kvDim(), d.kvDim());
                case GATE -> new WeightRef(gateUp, 0, d.intermediateSize());
                case UP -> new WeightRef(gateUp, d.intermediateSize(), d.intermediateSize());
                default -> super.linear(c, layer, which);
            };
        }

        @Override
        public String norm(int layer, Norm which) {
            return switch (which) {
                case ATTENTION_OUTPUT -> WeightNames.layer(layer, "post_attention_layernorm.weight");
                case MLP_INPUT -> WeightNames.layer(layer, "pre_feedforward_layernorm.weight");
                default -> super.norm(layer, which);
            };
        }
    }

    private static ModelConfig config(FamilySpec family, NormPlacement placement, boolean qkNorm, float offset,
                                      Double embeddingScale) {
        Dimensions dims = new Dimensions(32, 48, 1, 4, 2, 8, 64, 64);
        return new ModelConfig(family, family.modelType(), dims,
                new Attention(false, false, qkNorm, null, Attention.uniform(1, null), null, null),
                new Rope(8, new RopeTable(10000, null), null), new Norms(1e-6, placement, offset),
                new Mlp("silu", ModelConfig.Activation.SILU), new Embedding(false, embeddingScale, null),
                new Tokens(1, List.of(2), null, true), new ModelManifest.Chat(null, null, null, null),
                new ModelManifest.Generation(false, null, null, null, null, null, null));
    }

    @Test
    void fusedTensorsAreExpectedOnceWithTheRowsOfAllTheirBlocks() {
        ModelConfig c = config(new FusedSandwichSpec(), NormPlacement.SANDWICH, true, 0f, null);
        Map<String, long[]> shapes = c.expectedTensors();

        assertThat(shapes.keySet()).containsExactly("model.embed_tokens.weight",
                "model.layers.0.input_layernorm.weight", "model.layers.0.self_attn.qkv_proj.weight",
                "model.layers.0.self_attn.o_proj.weight", "model.layers.0.self_attn.q_norm.weight",
                "model.layers.0.self_attn.k_norm.weight", "model.layers.0.post_attention_layernorm.weight",
                "model.layers.0.pre_feedforward_layernorm.weight", "model.layers.0.post_feedforward_layernorm.weight",
                "model.layers.0.mlp.gate_up_proj.weight", "model.layers.0.mlp.down_proj.weight", "model.norm.weight",
                "lm_head.weight");
        assertThat(shapes.get("model.layers.0.self_attn.qkv_proj.weight")).containsExactly(32 + 16 + 16, 32);
        assertThat(shapes.get("model.layers.0.mlp.gate_up_proj.weight")).containsExactly(96, 32);
        assertThat(shapes.get("model.layers.0.self_attn.q_norm.weight")).containsExactly(8);
    }

    @Test
    void llamaLayoutHasTwoNormsPerLayerAndNoAttentionOutputNorm() {
        ModelConfig c = config(Families.LLAMA, NormPlacement.PRE, false, 0f, null);
        assertThat(Families.LLAMA.layerNorms(c)).containsExactly(Norm.ATTENTION_INPUT, Norm.MLP_INPUT);
        assertThat(Families.LLAMA.norm(3, Norm.MLP_INPUT)).isEqualTo("model.layers.3.post_attention_layernorm.weight");
        assertThatThrownBy(() -> Families.LLAMA.norm(0, Norm.ATTENTION_OUTPUT))
                .hasMessage("LlamaForCausalLM names no attention output norm");
    }

    @Test
    void normWeightOffsetIsFoldedInFloat32() {
        ModelConfig c = config(Families.LLAMA, NormPlacement.PRE, false, 1f, null);
        // 1 + 1e-8 is 1 in float32, as in Gemma's (1.0 + weight.float())
        assertThat(Families.LLAMA.normWeight(c, new float[] {0.5f, -1f, 1e-8f})).containsExactly(1.5f, 0f, 1f);
        ModelConfig plain = config(Families.LLAMA, NormPlacement.PRE, false, 0f, null);
        assertThat(Families.LLAMA.normWeight(plain, new float[] {0.5f})).containsExactly(0.5f);
    }

    @Test
    void embeddingScaleIsRoundedToTheStoredDtype() {
        ModelConfig c = config(Families.LLAMA, NormPlacement.PRE, false, 0f, Math.sqrt(32));
        // sqrt(32) = 5.656854...; bf16 keeps 8 significant bits: 5.65625; fp16 11 bits: 5.65625 too
        assertThat(Families.LLAMA.embeddingScale(c, DType.BF16)).isEqualTo(5.65625f);
        assertThat(Families.LLAMA.embeddingScale(c, DType.F16)).isEqualTo(5.65625f);
        assertThat(Families.LLAMA.embeddingScale(c, DType.F32)).isEqualTo((float) Math.sqrt(32));
        assertThat(Families.LLAMA.embeddingScale(config(Families.LLAMA, NormPlacement.PRE, false, 0f, null),
                DType.BF16)).isNull();
    }

    @Test
    void unsupportedArchitecturesSayWhyAndListTheSupportedOnes() throws Exception {
        TinyCheckpoint.of("Qwen3MoeForCausalLM").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("unsupported architecture Qwen3MoeForCausalLM"
                + " (mixture of experts, not supported); supported: " + Families.supportedList());
        TinyCheckpoint.of("Gemma3ForConditionalGeneration").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("unsupported architecture"
                + " Gemma3ForConditionalGeneration (multimodal with a vision tower, not supported; export a"
                + " text-only *ForCausalLM checkpoint); supported: " + Families.supportedList());
        TinyCheckpoint.of("MixtralForCausalLM").config("num_local_experts", 8).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessageContaining("MixtralForCausalLM (mixture of experts");
    }

    @Test
    void everyRegisteredFamilyHasItsOwnClassName() {
        assertThat(Families.ALL.stream().map(FamilySpec::className).distinct().count())
                .isEqualTo(Families.ALL.size());
        assertThat(Families.supportedList()).isEqualTo("Gemma3ForCausalLM, LlamaForCausalLM, MistralForCausalLM,"
                + " Phi3ForCausalLM,"
                + " Qwen2ForCausalLM, Qwen3ForCausalLM, SmolLM3ForCausalLM");
    }
}
