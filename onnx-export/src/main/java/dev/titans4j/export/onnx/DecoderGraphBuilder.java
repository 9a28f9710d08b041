package dev.titans4j.export.onnx;

import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.hf.WeightNames;
import dev.titans4j.export.hf.WordEmbeddings;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.svf.SvfLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds the ONNX decoder graph of a Llama-family model (Llama, Mistral, Qwen2) on ONNX Runtime's fused ops:
 * {@code SimplifiedLayerNormalization}/{@code SkipSimplifiedLayerNormalization} (RMSNorm fused with the residual
 * add), {@code GroupQueryAttention} (rotary embedding, causal/sliding-window attention and the KV cache in BNSH
 * layout, shared past/present buffer capable), SwiGLU MLP, final norm, and an LM head applied only from
 * {@code logits_from} on. Weights are referenced lazily: nothing is read until the model writer streams it.
 *
 * <p>{@code seqlens_k} (total length − 1, int32 [batch]) and {@code total_sequence_length} (int32 scalar) are
 * computed inside the graph from {@code attention_mask}, so callers only feed ids, mask, logits_from and the
 * cache. GroupQueryAttention's fused rotary needs head_dim to be a multiple of 16; smaller heads (e.g. 8) get an
 * explicit rotate_half RoPE in front of the attention op instead.
 */
public final class DecoderGraphBuilder {

    /**
     * What to build. {@code svfForm} null: no Transformer² hook. {@code int4BlockSize} is the MatMulNBits block of
     * every int4 linear, the Transformer² factors included (ignored by the other precisions).
     */
    public record Options(Precision precision, SvfForm svfForm, int int4BlockSize) {

        public Options {
            Int4Quantizer.checkBlockSize(int4BlockSize);
        }

        public Options(Precision precision, SvfForm svfForm) {
            this(precision, svfForm, Int4Quantizer.DEFAULT_BLOCK_SIZE);
        }
    }

    /** The graph plus the Transformer² bookkeeping the exporter writes out after the weights. */
    public record Result(Graph graph, List<String> svfWeights, SvfLedger svf) {
    }

    private static final long INT64_MAX = Long.MAX_VALUE;

    private final ModelConfig config;
    private final WordEmbeddings wordEmbeddings;
    private final WeightSource weights;
    private final Options options;
    private final Graph g = new Graph("titans4j_decoder");
    private final ElemType act;
    private final boolean fusedRotary;
    private final List<String> svfWeights = new ArrayList<>();
    private final SvfLedger ledger = new SvfLedger();
    private final LinearEmitter linears;

    private String seqlensK;
    private String totalSeqLen;
    private String cosCache;
    private String sinCache;
    private String ropeCos; // explicit-rotary path: [S, 1, headDim]
    private String ropeSin;

    private DecoderGraphBuilder(ModelConfig config, WordEmbeddings wordEmbeddings, WeightSource weights,
                                Options options) {
        this.config = config;
        this.wordEmbeddings = wordEmbeddings;
        this.weights = weights;
        this.options = options;
        this.act = options.precision() == Precision.fp16 ? ElemType.FLOAT16 : ElemType.FLOAT;
        this.fusedRotary = fusesRotary(config.headDim());
        this.linears = new LinearEmitter(g, options.precision(), act, options.int4BlockSize());
    }

    /**
     * Whether the graph of a model with this head size lets GroupQueryAttention apply the rotary embedding (its fused
     * rotary needs a multiple of 16). Only then are positions taken per batch row from the attention mask; the
     * explicit rotary derives one position range from the mask's width for the whole batch, so rows of different
     * lengths cannot share a run.
     */
    public static boolean fusesRotary(int headDim) {
        return headDim % 16 == 0;
    }

    /** {@code wordEmbeddings}: the stored tensors that serve as the token embedding and the LM head. */
    public static Result build(ModelConfig config, WordEmbeddings wordEmbeddings, WeightSource weights,
                               Options options) {
        DecoderGraphBuilder b = new DecoderGraphBuilder(config, wordEmbeddings, weights, options);
        b.buildGraph();
        return new Result(b.g, List.copyOf(b.svfWeights), b.ledger);
    }

    private void buildGraph() {
        String inputIds = g.input(GraphNames.INPUT_IDS, ElemType.INT64, "batch_size", "sequence_length");
        String mask = g.input(GraphNames.ATTENTION_MASK, ElemType.INT64, "batch_size", "total_sequence_length");
        String logitsFrom = g.input(GraphNames.LOGITS_FROM, ElemType.INT64, 1L);
        List<String[]> pasts = pastInputs();
        attentionLengths(inputIds, mask);
        rotaryCaches();
        // tied float weights: one [hidden, vocab] matrix serves both the LM head and the embedding lookup
        String tiedTable = wordEmbeddings.shared() && linears.storesFloatMatrices()
                ? linears.transposedWeight("lm_head", config.vocabSize(), config.hiddenSize(),
                        () -> read(wordEmbeddings.embedding()))
                : null;
        String embeddings = tiedTable != null ? embedFromTransposed(tiedTable, inputIds) : embed(inputIds);
        String normed = decoderLayers(embeddings, pasts);
        head(normed, logitsFrom, tiedTable);
    }

    /** past_key_values.N.key/value [batch, kvHeads, past_sequence_length, headDim]; the shared buffer binds here. */
    private List<String[]> pastInputs() {
        List<String[]> pasts = new ArrayList<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            Object[] dims = {"batch_size", (long) config.numKvHeads(), "past_sequence_length",
                    (long) config.headDim()};
            pasts.add(new String[] {
                    g.input(String.format(GraphNames.PAST_KEY, layer), act, dims),
                    g.input(String.format(GraphNames.PAST_VALUE, layer), act, dims)});
        }
        return pasts;
    }

    private String embed(String inputIds) {
        long hidden = config.hiddenSize();
        String table = g.initializer(WeightNames.EMBED_TOKENS, act, new long[] {config.vocabSize(), hidden},
                activationData(config.vocabSize() * hidden, () -> read(wordEmbeddings.embedding())));
        return g.op("Gather").in(table, inputIds).name("embed").build();
    }

    /** Embedding rows read as columns of the transposed table: Gather(axis 1) → [hidden, B, S] → [B, S, hidden]. */
    private String embedFromTransposed(String transposedTable, String inputIds) {
        String columns = g.op("Gather").in(transposedTable, inputIds).attr("axis", 1L).name("embed").build();
        return g.op("Transpose").in(columns).ints("perm", 1, 2, 0).build();
    }

    /**
     * All layers. Each residual add is fused into the next RMSNorm (SkipSimplifiedLayerNormalization returns the
     * normalised sum and the sum itself); the last one applies the final norm. Returns the final hidden states.
     */
    private String decoderLayers(String embeddings, List<String[]> pasts) {
        String residual = embeddings;
        String normed = g.op("SimplifiedLayerNormalization")
                .in(embeddings, norm(WeightNames.layer(0, WeightNames.INPUT_LAYERNORM)))
                .attr("axis", -1L).attr("epsilon", (float) config.rmsNormEps()).attr("stash_type", 1L)
                .name("layers.0.input_layernorm").build();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            String attn = attention(layer, normed, pasts.get(layer));
            String[] post = skipNorm(attn, residual,
                    WeightNames.layer(layer, WeightNames.POST_ATTENTION_LAYERNORM), "layers." + layer + ".post_norm");
            String mlp = mlp(layer, post[0]);
            boolean last = layer == config.numLayers() - 1;
            String[] next = last ? skipNorm(mlp, post[1], WeightNames.FINAL_NORM, "final_norm")
                    : skipNorm(mlp, post[1], WeightNames.layer(layer + 1, WeightNames.INPUT_LAYERNORM),
                            "layers." + (layer + 1) + ".input_layernorm");
            normed = next[0];
            residual = next[1];
        }
        return normed;
    }

    /** LM head on positions logits_from.. only; outputs logits, hidden_states and the present caches. */
    private void head(String normed, String logitsFrom, String tiedTable) {
        int hidden = config.hiddenSize();
        String selected = g.op("Slice").in(normed, logitsFrom, g.constLongs("slice_end", INT64_MAX),
                g.constLongs("slice_axis", 1)).name("logits_from").build();
        String logits = tiedTable != null ? linears.matMul(selected, "lm_head", tiedTable)
                : linears.apply(selected, "lm_head", config.vocabSize(), hidden,
                        () -> read(wordEmbeddings.head()));
        String hiddenStates = normed;
        if (act == ElemType.FLOAT16) {
            logits = g.op("Cast").in(logits).attr("to", (long) ElemType.FLOAT.code()).build();
            hiddenStates = g.op("Cast").in(normed).attr("to", (long) ElemType.FLOAT.code()).build();
        }
        g.op("Identity").in(logits).out(GraphNames.LOGITS).build();
        g.op("Identity").in(hiddenStates).out(GraphNames.HIDDEN_STATES).build();
        g.output(GraphNames.LOGITS, ElemType.FLOAT, "batch_size", "logits_length", (long) config.vocabSize());
        g.output(GraphNames.HIDDEN_STATES, ElemType.FLOAT, "batch_size", "sequence_length", (long) hidden);
        for (int layer = 0; layer < config.numLayers(); layer++) {
            Object[] dims = {"batch_size", (long) config.numKvHeads(), "present_sequence_length",
                    (long) config.headDim()};
            g.output(String.format(GraphNames.PRESENT_KEY, layer), act, dims);
            g.output(String.format(GraphNames.PRESENT_VALUE, layer), act, dims);
        }
    }

    /** seqlens_k = sum(mask) − 1 (int32 [batch]); total_sequence_length = mask width (int32 scalar). */
    private void attentionLengths(String inputIds, String mask) {
        String sum = g.op("ReduceSum").in(mask, g.constLongs("axis1", 1)).attr("keepdims", 0L).build();
        String minusOne = g.op("Sub").in(sum, g.constLongs("one", 1)).build();
        seqlensK = g.op("Cast").in(minusOne).attr("to", (long) ElemType.INT32.code()).out("seqlens_k").build();
        String shape = g.op("Shape").in(mask).build();
        String total = g.op("Gather").in(shape, scalarLong("index1", 1)).attr("axis", 0L).build();
        totalSeqLen = g.op("Cast").in(total).attr("to", (long) ElemType.INT32.code()).out("total_seq_len").build();
        if (!fusedRotary) {
            String idsShape = g.op("Shape").in(inputIds).build();
            String seqLen = g.op("Gather").in(idsShape, scalarLong("index1b", 1)).attr("axis", 0L).build();
            String start = g.op("Sub").in(total, seqLen).build();
            g.op("Range").in(start, total, scalarLong("step", 1)).out("position_ids").build();
        }
    }

    private void rotaryCaches() {
        int positions = config.maxPositionEmbeddings();
        int half = config.headDim() / 2;
        double[] freqs = config.ropeInverseFrequencies();
        cosCache = g.initializer("cos_cache", act, new long[] {positions, half},
                activationData((long) positions * half, () -> RotaryTables.cos(freqs, positions)));
        sinCache = g.initializer("sin_cache", act, new long[] {positions, half},
                activationData((long) positions * half, () -> RotaryTables.sin(freqs, positions)));
        if (!fusedRotary) {
            ropeCos = explicitRotaryTable(cosCache, "rope_cos");
            ropeSin = explicitRotaryTable(sinCache, "rope_sin");
        }
    }

    /** [S, 1, headDim] = the cache rows of this chunk's positions, duplicated for both halves. */
    private String explicitRotaryTable(String cache, String label) {
        String rows = g.op("Gather").in(cache, "position_ids").attr("axis", 0L).build();
        String full = g.op("Concat").in(rows, rows).attr("axis", -1L).build();
        return g.op("Unsqueeze").in(full, g.constLongs(label + "_axes", 1)).out(label).build();
    }

    private String attention(int layer, String x, String[] past) {
        int hidden = config.hiddenSize();
        String p = "layers." + layer + ".attn.";
        String q = projection(layer, WeightNames.Q_PROJ, x, config.qDim(), hidden, config.attentionBias());
        String k = projection(layer, WeightNames.K_PROJ, x, config.kvDim(), hidden, config.attentionBias());
        String v = projection(layer, WeightNames.V_PROJ, x, config.kvDim(), hidden, config.attentionBias());
        if (!fusedRotary) {
            q = explicitRotary(q, config.numHeads(), p + "q_rope");
            k = explicitRotary(k, config.numKvHeads(), p + "k_rope");
        }
        Graph.NodeBuilder gqa = g.msOp("GroupQueryAttention").name(p + "gqa")
                .in(q, k, v, past[0], past[1], seqlensK, totalSeqLen);
        if (fusedRotary) {
            gqa.in(cosCache, sinCache).attr("do_rotary", 1L).attr("rotary_interleaved", 0L);
        }
        gqa.attr("num_heads", (long) config.numHeads()).attr("kv_num_heads", (long) config.numKvHeads());
        if (config.slidingWindow() != null) {
            // HF: key j visible from query i iff i - j < window. ORT 1.24.1's CPU kernel attends to the last
            // local_window_size keys (measured against the reference: window - 1 hides one key too many)
            gqa.attr("local_window_size", (long) config.slidingWindow());
        }
        String out = gqa.out(g.fresh(p + "out"), String.format(GraphNames.PRESENT_KEY, layer),
                String.format(GraphNames.PRESENT_VALUE, layer)).build();
        return projection(layer, WeightNames.O_PROJ, out, hidden, config.qDim(), config.attentionOutputBias());
    }

    /** rotate_half RoPE on [B, S, heads·headDim] with the precomputed [S, 1, headDim] tables. */
    private String explicitRotary(String x, int heads, String label) {
        int hd = config.headDim();
        String shaped = g.op("Reshape").in(x, g.constLongs(label + "_shape", 0, 0, heads, hd)).build();
        String first = g.fresh(label + "_x1");
        String second = g.fresh(label + "_x2");
        g.op("Split").in(shaped, g.constLongs(label + "_split", hd / 2, hd / 2)).attr("axis", -1L)
                .out(first, second).build();
        String negated = g.op("Neg").in(second).build();
        String rotated = g.op("Concat").in(negated, first).attr("axis", -1L).build();
        String a = g.op("Mul").in(shaped, ropeCos).build();
        String b = g.op("Mul").in(rotated, ropeSin).build();
        String sum = g.op("Add").in(a, b).build();
        return g.op("Reshape").in(sum, g.constLongs(label + "_flat", 0, 0, -1)).build();
    }

    private String projection(int layer, String projection, String x, int out, int in, boolean bias) {
        String weightName = WeightNames.weight(layer, projection);
        String y = linears.apply(x, "layers." + layer + "." + projection, out, in, () -> read(weightName));
        if (bias) {
            String biasName = WeightNames.bias(layer, projection);
            String b = g.initializer(biasName, act, new long[] {out}, activationData(out, () -> read(biasName)));
            y = g.op("Add").in(y, b).build();
        }
        return y;
    }

    private String mlp(int layer, String x) {
        int hidden = config.hiddenSize();
        int inter = config.intermediateSize();
        String gate = adaptedLinear(layer, WeightNames.GATE_PROJ, x, inter, hidden);
        String up = adaptedLinear(layer, WeightNames.UP_PROJ, x, inter, hidden);
        String sig = g.op("Sigmoid").in(gate).build();
        String silu = g.op("Mul").in(gate, sig).build();
        String product = g.op("Mul").in(silu, up).build();
        return adaptedLinear(layer, WeightNames.DOWN_PROJ, product, hidden, inter);
    }

    /** An MLP linear layer; with the Transformer² hook, in the SVD basis with a multiplier input [rank]. */
    private String adaptedLinear(int layer, String projection, String x, int out, int in) {
        String weightName = WeightNames.weight(layer, projection);
        String label = "layers." + layer + "." + projection;
        Supplier<float[]> weight = () -> read(weightName);
        if (options.svfForm() == null) {
            return linears.apply(x, label, out, in, weight);
        }
        int rank = Math.min(out, in);
        svfWeights.add(weightName);
        String m = g.input(GraphNames.svfInput(weightName), ElemType.FLOAT, (long) rank);
        if (options.svfForm() == SvfForm.RESIDUAL) {
            m = g.op("Sub").in(m, g.constScalarFloat("svf_one", 1f)).build();
        }
        if (act != ElemType.FLOAT) {
            m = g.op("Cast").in(m).attr("to", (long) act.code()).build();
        }
        ledger.register(weightName, weight, out, in);
        String projected = linears.apply(x, label + ".svf_v", rank, in,
                () -> ledger.factors(weightName).firstAsFloats());
        String scaled = g.op("Mul").in(projected, m).build();
        String y = linears.apply(scaled, label + ".svf_u", out, rank,
                () -> ledger.factors(weightName).secondAsFloats());
        if (options.svfForm() == SvfForm.RESIDUAL) {
            y = g.op("Add").in(linears.apply(x, label, out, in, weight), y).build();
        }
        return y;
    }

    private String norm(String weightName) {
        int hidden = config.hiddenSize();
        return g.initializer(weightName, act, new long[] {hidden}, activationData(hidden, () -> read(weightName)));
    }

    /** SkipSimplifiedLayerNormalization: returns {normalised(x + skip), x + skip}. */
    private String[] skipNorm(String x, String skip, String weightName, String label) {
        String normed = g.fresh(label);
        String sum = g.fresh(label + "_residual");
        g.msOp("SkipSimplifiedLayerNormalization").name(label).in(x, skip, norm(weightName))
                .attr("epsilon", (float) config.rmsNormEps()).out(normed, "", "", sum).build();
        return new String[] {normed, sum};
    }

    private String scalarLong(String hint, long value) {
        return g.initializer(g.fresh(hint), ElemType.INT64, new long[0], TensorData.ofLongs(value));
    }

    private TensorData activationData(long elements, Supplier<float[]> values) {
        return LinearEmitter.activationData(act, elements, values);
    }

    private float[] read(String name) {
        try {
            return weights.floats(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
