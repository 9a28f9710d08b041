package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Phi3ForCausalLM} against transformers 5.17 on the {@code hf-fixtures/phi3-*} checkpoints written by
 * {@code src/test/python/phi3_fixtures.py} ({@link HfFixtureGreedyTest} runs their greedy ids at every precision
 * too). What transformers does, read from {@code models/phi3/modeling_phi3.py}, {@code configuration_phi3.py} and
 * {@code modeling_rope_utils.py}, and how the export matches it:
 * <ol>
 * <li><b>qkv_proj</b> is one {@code Linear(hidden, heads·hd + 2·kvHeads·hd)} without bias; its output is cut along
 * the last dim as {@code [:qDim]} query, {@code [qDim : qDim+kvDim]} key, {@code [qDim+kvDim:]} value, so the weight's
 * rows are query, key, value in that order. {@code head_dim} is {@code hidden_size / num_attention_heads} unless
 * config.json sets it.</li>
 * <li><b>gate_up_proj</b> is {@code Linear(hidden, 2·intermediate)}; {@code gate, up = chunk(2, dim=-1)}: rows
 * {@code [0, I)} gate, {@code [I, 2I)} up; output {@code down_proj(up · silu(gate))}.</li>
 * <li><b>partial_rotary_factor</b> (inside the rope object first, else top level as Phi-4-mini ships it; default
 * 1): {@code rotary_dim = int(head_dim · factor)} (Phi-4-mini: 128 · 0.75 = 96). inv_freq has rotary_dim/2 entries,
 * cos/sin are {@code cat(freqs, freqs)} of width rotary_dim, and {@code apply_rotary_pos_emb} rotates
 * {@code q[..., :rotary_dim]} with rotate_half over that part only (pairs i and i + rotary_dim/2) and concatenates
 * {@code q[..., rotary_dim:]} unchanged (not scaled either); the same for k. The export gives GroupQueryAttention a
 * rotary_dim/2-wide cos/sin cache (its CPU kernel does exactly this, see GroupQueryAttentionRotaryContractTest) when
 * rotary_dim is a multiple of 16, and rotates explicitly otherwise.</li>
 * <li><b>longrope</b> ({@code rope_scaling.type} "longrope"; Phi3Config renames "su" and "yarn" to it; any other type
 * but "default" is a ValueError there and a clear error here): {@code inv_freq = 1 / (ext · theta^(arange(0, dim, 2) /
 * dim))} with ext = short_factor or long_factor (rotary_dim/2 each). {@code original_max_position_embeddings} is
 * Phi3Config's top-level field (default 4096), copied over any value inside the rope dict. The switch is made per
 * forward call by {@code dynamic_rope_update}: {@code seq_len = max(position_ids) + 1}, long factors when
 * {@code seq_len > original_max_position_embeddings}, short ones otherwise. The attention factor is computed once at
 * initialisation: {@code attention_factor} if given, else with {@code factor} (or max_position_embeddings / original)
 * {@code sqrt(1 + ln(factor) / ln(original))}, 1 when factor ≤ 1; it multiplies cos and sin of both tables (the long
 * update discards the factor it recomputes), so query·key scores scale by its square. The export folds it into the
 * tables: rows {@code [0, original)} short, then {@code [original, original + max_position_embeddings)} long, and each
 * run slices the rows it needs from total_sequence_length: the long ones when the total exceeds original.</li>
 * <li><b>Keys already cached</b> are stored rotated and never re-rotated. So that a sequence never mixes tables,
 * {@code Phi3ForCausalLM.prepare_inputs_for_generation} drops the cache when the whole sequence so far has at least
 * original + 1 tokens while the cache holds at most original ("enforce re-compute cache"), meaning to re-run the
 * whole sequence with the long factors (onnxruntime-genai rewinds and re-feeds likewise). In 5.17, generate() still
 * slices its input to the newest token, so at the switch the model sees that token alone over an empty cache, and as
 * the returned cache then holds one token (≤ original) it is dropped again at every later step: every token after the
 * switch attends only to itself (the fixtures record these {@code generate_ids}). The export follows the model's
 * defined output instead, one forward pass over the whole sequence: the manifest's {@code kvCache.recomputeBeyond}
 * (= original) makes the runtime re-feed the whole sequence at the one run that crosses it. Prompts already longer
 * than original, and sequences that never cross it, match generate() exactly.</li>
 * <li><b>sliding_window</b> (Phi3Config default None; Phi-3-mini-4k ships 2047, Phi-3.5/Phi-4-mini 262144): when set,
 * {@code create_sliding_window_causal_mask}: key j visible from query i iff i − j &lt; window, as Mistral.</li>
 * <li><b>tie_word_embeddings</b>: Phi3Config default false (Phi-3/3.5-mini untied); Phi-4-mini sets true and ships no
 * lm_head.weight.</li>
 * <li><b>Special tokens</b>: ids from config.json and generation_config.json; Phi3Config's defaults when absent are
 * BOS 1, EOS 32000, PAD 32000. rms_norm_eps defaults to 1e-5, max_position_embeddings to 4096, the activation is
 * SiLU, and the dropouts are identities at inference.</li>
 * </ol>
 */
class Phi3FixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Weight layout of phi3-longrope-partial-tied (hidden 64, 4 heads of 16, 2 KV heads, MLP 96, tied), by hand. */
    @Test
    void fusedProjectionsAreOneTensorEachAndTheTiedHeadIsAbsent() throws Exception {
        ModelConfig c = ModelConfig.load(HfFixture.load("phi3-longrope-partial-tied").folder());
        Map<String, long[]> layer0 = new LinkedHashMap<>();
        c.expectedTensors().forEach((name, shape) -> {
            if (name.startsWith("model.layers.0.")) {
                layer0.put(name.substring("model.layers.0.".length()), shape);
            }
        });
        assertThat(layer0).containsOnlyKeys("input_layernorm.weight", "self_attn.qkv_proj.weight",
                "self_attn.o_proj.weight", "post_attention_layernorm.weight", "mlp.gate_up_proj.weight",
                "mlp.down_proj.weight");
        assertThat(layer0.get("self_attn.qkv_proj.weight")).containsExactly(4 * 16 + 2 * 2 * 16, 64);
        assertThat(layer0.get("mlp.gate_up_proj.weight")).containsExactly(2 * 96, 64);
        assertThat(c.expectedTensors()).doesNotContainKey("lm_head.weight");
        assertThat(c.rope().rotaryDim()).isEqualTo(12); // int(16 * 0.75)
        assertThat(c.rope().global().longRope().originalMaxPositionEmbeddings()).isEqualTo(16);
        assertThat(c.rope().global().longRope().attentionFactor())
                .isEqualTo(Math.sqrt(1 + Math.log(8) / Math.log(16)));
    }

    /**
     * The switch and what the recompute fixes: without it (cached keys keep the short rotation, new positions get the
     * long table, one cache throughout) ONNX Runtime reproduces transformers run the same way exactly, and that
     * differs from the model's output, which the recompute reproduces.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"phi3-longrope-mini", "phi3-longrope-partial-tied", "phi3-longrope-partial-fused"})
    void crossingTheSwitchRecomputesAndAStaleCacheWouldDiffer(String name) throws Exception {
        HfFixture fixture = HfFixture.load(name);
        Path export = fixture.export(dir.resolve("fp32"), Precision.fp32);
        assertThat(ModelManifest.read(export).kvCache().recomputeBeyond()).isEqualTo(16);
        JsonNode crossing = crossingCase(fixture);
        int[] prompt = StoriesExportTest.ints(crossing.get("prompt_ids"));
        int[] greedy = StoriesExportTest.ints(crossing.get("greedy_ids"));
        int[] stale = StoriesExportTest.ints(crossing.get("stale_cache_ids"));
        assertThat(prompt.length).isLessThanOrEqualTo(16);
        assertThat(prompt.length + greedy.length).isGreaterThan(17);
        assertThat(stale).isNotEqualTo(greedy);
        try (OrtDecoder decoder = new OrtDecoder(export, 64, 1)) {
            assertThat(decoder.greedy(prompt, greedy.length)).as("%s with the recompute", name)
                    .containsExactly(greedy);
        }
        try (OrtDecoder decoder = new OrtDecoder(export, 64, 1).keepStaleCache()) {
            assertThat(decoder.greedy(prompt, stale.length)).as("%s keeping the stale cache", name)
                    .containsExactly(stale);
        }
    }

    @Test
    void plainRopeNeedsNoRecompute() throws Exception {
        HfFixture fixture = HfFixture.load("phi3-default-rope");
        Path export = fixture.export(dir.resolve("fp32"), Precision.fp32);
        assertThat(ModelManifest.read(export).kvCache().recomputeBeyond()).isNull();
        assertThat(JSON.readTree(Files.readAllBytes(export.resolve(ModelManifest.FILE_NAME))).get("kvCache")
                .has("recomputeBeyond")).isFalse();
    }

    /** Phi3Config renames the old type names "su" and "yarn" to longrope; the same tables result. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"su", "yarn"})
    void oldTypeNamesAreLongrope(String type) throws Exception {
        Path hf = variant("phi3-longrope-mini", c -> ((ObjectNode) c.get("rope_scaling")).put("type", type));
        ModelConfig c = ModelConfig.load(hf);
        assertThat(c.rope().global().longRope().inverseFrequencies(1e4, 8, true))
                .containsExactly(1 / 3.0, 1 / 50.0, 1 / 800.0, 1 / 10000.0);
    }

    /** transformers 5 saves the same model with one rope_parameters object (rope_type, rope_theta, partial factor). */
    @Test
    void transformers5RopeParametersLayoutReadsTheSame() throws Exception {
        ModelConfig hub = ModelConfig.load(HfFixture.load("phi3-longrope-partial-tied").folder());
        Path saved = variant("phi3-longrope-partial-tied", c -> {
            ObjectNode rope = (ObjectNode) c.remove("rope_scaling");
            rope.remove("type");
            rope.put("rope_type", "longrope").put("rope_theta", c.remove("rope_theta").doubleValue())
                    .put("partial_rotary_factor", c.remove("partial_rotary_factor").doubleValue());
            c.set("rope_parameters", rope);
        });
        ModelConfig t5 = ModelConfig.load(saved);
        assertThat(t5.rope().rotaryDim()).isEqualTo(12);
        assertThat(t5.rope().global().theta()).isEqualTo(1e6);
        for (boolean longContext : new boolean[] {false, true}) {
            assertThat(t5.rope().global().longRope().inverseFrequencies(1e6, 12, longContext))
                    .containsExactly(hub.rope().global().longRope().inverseFrequencies(1e6, 12, longContext));
        }
        assertThat(t5.rope().global().longRope().attentionFactor())
                .isEqualTo(hub.rope().global().longRope().attentionFactor());
    }

    @Test
    void unsupportedRopeTypesAndMalformedFactorsFailWithTheKeyNamed() throws Exception {
        assertConfigError(c -> ((ObjectNode) c.get("rope_scaling")).put("type", "dynamic"),
                "config.json: 'rope_scaling' type 'dynamic' is not supported (supported: longrope, or none)");
        assertConfigError(c -> ((ObjectNode) c.get("rope_scaling")).put("type", "llama3"),
                "config.json: 'rope_scaling' type 'llama3' is not supported (supported: longrope, or none)");
        assertConfigError(c -> ((ArrayNode) c.get("rope_scaling").get("short_factor")).remove(0),
                "config.json: 'rope_scaling' longrope needs 'short_factor' as a list of 4 numbers (rotary dim 8 / 2),"
                        + " found [2.0,4.0,5.0]");
        assertConfigError(c -> ((ArrayNode) c.get("rope_scaling").get("long_factor")).set(1, "x"),
                "config.json: 'rope_scaling' longrope 'long_factor'[1] must be a positive number, found \"x\"");
        assertConfigError(c -> c.put("partial_rotary_factor", 0.1),
                "config.json: 'partial_rotary_factor' 0.1 of head_dim 8 gives rotary dim 0; it must be in (0, 1] and"
                        + " give an even rotary dim of at least 2");
        // int(8 * 0.3) = 2 is a valid rotary dim; the factors then have the wrong length for it
        assertConfigError(c -> c.put("partial_rotary_factor", 0.3),
                "config.json: 'rope_scaling' longrope needs 'short_factor' as a list of 1 numbers (rotary dim 2 / 2),"
                        + " found [1.0,2.0,4.0,5.0]");
    }

    private void assertConfigError(Consumer<ObjectNode> edit, String message) throws IOException {
        Path hf = variant("phi3-longrope-mini", edit);
        assertThatThrownBy(() -> ModelConfig.load(hf)).hasMessage(message);
    }

    /** A copy of a fixture's config files (the weights are not needed to read the config) with {@code edit}. */
    private Path variant(String fixture, Consumer<ObjectNode> edit) throws IOException {
        Path source = HfFixture.load(fixture).folder();
        Path copy = Files.createDirectories(dir.resolve(fixture + "-" + System.nanoTime()));
        for (String f : new String[] {"generation_config.json", "tokenizer_config.json"}) {
            Files.copy(source.resolve(f), copy.resolve(f));
        }
        ObjectNode config = (ObjectNode) JSON.readTree(source.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(copy.resolve("config.json").toFile(), config);
        return copy;
    }

    private static JsonNode crossingCase(HfFixture fixture) throws IOException {
        JsonNode expected = JSON.readTree(fixture.folder().resolve("expected.json").toFile());
        for (JsonNode c : expected.get("cases")) {
            if ("crosses".equals(c.get("case").asText())) {
                return c;
            }
        }
        throw new IllegalStateException(fixture.name() + " has no crossing case");
    }
}
