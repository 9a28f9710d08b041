package dev.titans4j.export.onnx;

import dev.titans4j.export.hf.FamilySpec;
import dev.titans4j.export.hf.FamilySpec.Linear;
import dev.titans4j.export.hf.FamilySpec.Norm;
import dev.titans4j.export.hf.FamilySpec.WeightRef;
import dev.titans4j.export.hf.LongRope;
import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.hf.ModelConfig.Dimensions;
import dev.titans4j.export.hf.ModelConfig.LayerAttention;
import dev.titans4j.export.hf.ModelConfig.NormPlacement;
import dev.titans4j.export.hf.ModelConfig.RopeKind;
import dev.titans4j.export.hf.WeightNames;
import dev.titans4j.export.hf.WordEmbeddings;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.safetensors.HalfFloats;
import dev.titans4j.export.svf.SvfLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the ONNX decoder graph of a Llama-style decoder on ONNX Runtime's fused ops, asking the model's
 * {@link FamilySpec} (its graph and weight hooks) where families differ:
 * {@code SimplifiedLayerNormalization}/{@code SkipSimplifiedLayerNormalization} (RMSNorm fused with the residual
 * add), {@code GroupQueryAttention} (rotary embedding, causal/sliding-window attention and the KV cache in BNSH
 * layout, shared past/present buffer capable), SwiGLU MLP, final norm, and an LM head applied only from
 * {@code logits_from} on. Weights are referenced lazily: nothing is read until the model writer streams it.
 *
 * <p>{@code seqlens_k} (total length − 1, int32 [batch]) and {@code total_sequence_length} (int32 scalar) are
 * computed inside the graph from {@code attention_mask}, so callers only feed ids, mask, logits_from and the
 * cache. GroupQueryAttention's fused rotary needs head_dim to be a multiple of 16; smaller heads (e.g. 8) get an
 * explicit rotate_half RoPE in front of the attention op instead.
 *
 * <p>Family variants, all driven by the config and the spec: per-head q/k RMSNorm before RoPE, fused projections
 * (sliced by rows at export), SiLU or tanh-GELU gating, pre or sandwich norm placement, a norm weight offset, an
 * embedding scale, per-layer windows and rotary tables (or none), partial rotary dims, attention scale and
 * softcapping, and final logit softcapping.
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
    private final FamilySpec family;
    private final Dimensions dims;
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
    private String totalSeqLen64; // int64 scalar, for slicing the rows of a longrope table
    private final Map<RopeKind, String[]> rotaryCaches = new EnumMap<>(RopeKind.class); // {cos, sin} [P, rot/2]
    private final Map<RopeKind, String[]> ropeTables = new EnumMap<>(RopeKind.class); // explicit: [S, 1, rot]

    private DecoderGraphBuilder(ModelConfig config, WordEmbeddings wordEmbeddings, WeightSource weights,
                                Options options) {
        this.config = config;
        this.family = config.family();
        this.dims = config.dims();
        this.wordEmbeddings = wordEmbeddings;
        this.weights = weights;
        this.options = options;
        this.act = options.precision() == Precision.fp16 ? ElemType.FLOAT16 : ElemType.FLOAT;
        this.fusedRotary = fusesRotary(dims.headDim(), config.rope().rotaryDim());
        this.linears = new LinearEmitter(g, options.precision(), act, options.int4BlockSize());
    }

    /**
     * Whether the graph of a model with this head size and rotary dim lets GroupQueryAttention apply the rotary
     * embedding (its fused rotary needs multiples of 16). Only then are positions taken per batch row from the
     * attention mask; the explicit rotary derives one position range from the mask's width for the whole batch, so
     * rows of different lengths cannot share a run.
     */
    public static boolean fusesRotary(int headDim, int rotaryDim) {
        return headDim % 16 == 0 && rotaryDim % 16 == 0;
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
                ? linears.transposedWeight("lm_head", dims.vocabSize(), dims.hiddenSize(),
                        () -> read(wordEmbeddings.embedding()))
                : null;
        String embeddings = scaled(tiedTable != null ? embedFromTransposed(tiedTable, inputIds) : embed(inputIds));
        String normed = decoderLayers(embeddings, pasts);
        head(normed, logitsFrom, tiedTable);
    }

    /** past_key_values.N.key/value [batch, kvHeads, past_sequence_length, headDim]; the shared buffer binds here. */
    private List<String[]> pastInputs() {
        List<String[]> pasts = new ArrayList<>();
        for (int layer = 0; layer < dims.numLayers(); layer++) {
            Object[] shape = {"batch_size", (long) dims.numKvHeads(), "past_sequence_length",
                    (long) dims.headDim()};
            pasts.add(new String[] {
                    g.input(String.format(GraphNames.PAST_KEY, layer), act, shape),
                    g.input(String.format(GraphNames.PAST_VALUE, layer), act, shape)});
        }
        return pasts;
    }

    private String embed(String inputIds) {
        long hidden = dims.hiddenSize();
        String table = g.initializer(WeightNames.EMBED_TOKENS, act, new long[] {dims.vocabSize(), hidden},
                activationData(dims.vocabSize() * hidden, () -> read(wordEmbeddings.embedding())));
        return g.op("Gather").in(table, inputIds).name("embed").build();
    }

    /** Embedding rows read as columns of the transposed table: Gather(axis 1) → [hidden, B, S] → [B, S, hidden]. */
    private String embedFromTransposed(String transposedTable, String inputIds) {
        String columns = g.op("Gather").in(transposedTable, inputIds).attr("axis", 1L).name("embed").build();
        return g.op("Transpose").in(columns).ints("perm", 1, 2, 0).build();
    }

    /** The family's embedding scale (Gemma: sqrt(hidden) in the checkpoint's dtype), when it has one. */
    private String scaled(String embeddings) {
        Float scale = family.embeddingScale(config, weights.dtype(wordEmbeddings.embedding()));
        if (scale == null) {
            return embeddings;
        }
        String factor = g.initializer(g.fresh("embed_scale"), act, new long[0],
                activationData(1, () -> new float[] {scale}));
        return g.op("Mul").in(embeddings, factor).name("embed_scale").build();
    }

    /**
     * All layers. Each residual add is fused into the next RMSNorm (SkipSimplifiedLayerNormalization returns the
     * normalised sum and the sum itself); the last one applies the final norm. With sandwich norms each sublayer's
     * output is normalised before its residual add. Returns the final hidden states.
     */
    private String decoderLayers(String embeddings, List<String[]> pasts) {
        String residual = embeddings;
        String normed = plainNorm(embeddings, family.norm(0, Norm.ATTENTION_INPUT), "layers.0.input_layernorm");
        boolean sandwich = config.norms().placement() == NormPlacement.SANDWICH;
        for (int layer = 0; layer < dims.numLayers(); layer++) {
            String attn = attention(layer, normed, pasts.get(layer));
            if (sandwich) {
                attn = plainNorm(attn, family.norm(layer, Norm.ATTENTION_OUTPUT), "layers." + layer + ".attn_norm");
            }
            String[] post = skipNorm(attn, residual, family.norm(layer, Norm.MLP_INPUT),
                    "layers." + layer + ".post_norm");
            String mlp = mlp(layer, post[0]);
            if (sandwich) {
                mlp = plainNorm(mlp, family.norm(layer, Norm.MLP_OUTPUT), "layers." + layer + ".mlp_norm");
            }
            boolean last = layer == dims.numLayers() - 1;
            String[] next = last ? skipNorm(mlp, post[1], WeightNames.FINAL_NORM, "final_norm")
                    : skipNorm(mlp, post[1], family.norm(layer + 1, Norm.ATTENTION_INPUT),
                            "layers." + (layer + 1) + ".input_layernorm");
            normed = next[0];
            residual = next[1];
        }
        return normed;
    }

    /** LM head on positions logits_from.. only; outputs logits, hidden_states and the present caches. */
    private void head(String normed, String logitsFrom, String tiedTable) {
        int hidden = dims.hiddenSize();
        String selected = g.op("Slice").in(normed, logitsFrom, g.constLongs("slice_end", INT64_MAX),
                g.constLongs("slice_axis", 1)).name("logits_from").build();
        String logits = tiedTable != null ? linears.matMul(selected, "lm_head", tiedTable)
                : linears.apply(selected, "lm_head", dims.vocabSize(), hidden,
                        () -> read(wordEmbeddings.head()));
        Double cap = config.embedding().finalLogitSoftcap();
        if (cap != null) {
            logits = softcap(logits, cap.floatValue(), "final_logit_softcap");
        }
        String hiddenStates = normed;
        if (act == ElemType.FLOAT16) {
            logits = g.op("Cast").in(logits).attr("to", (long) ElemType.FLOAT.code()).build();
            hiddenStates = g.op("Cast").in(normed).attr("to", (long) ElemType.FLOAT.code()).build();
        }
        g.op("Identity").in(logits).out(GraphNames.LOGITS).build();
        g.op("Identity").in(hiddenStates).out(GraphNames.HIDDEN_STATES).build();
        g.output(GraphNames.LOGITS, ElemType.FLOAT, "batch_size", "logits_length", (long) dims.vocabSize());
        g.output(GraphNames.HIDDEN_STATES, ElemType.FLOAT, "batch_size", "sequence_length", (long) hidden);
        for (int layer = 0; layer < dims.numLayers(); layer++) {
            Object[] shape = {"batch_size", (long) dims.numKvHeads(), "present_sequence_length",
                    (long) dims.headDim()};
            g.output(String.format(GraphNames.PRESENT_KEY, layer), act, shape);
            g.output(String.format(GraphNames.PRESENT_VALUE, layer), act, shape);
        }
    }

    /** {@code cap * tanh(x / cap)}. */
    private String softcap(String x, float cap, String label) {
        String c = g.initializer(g.fresh(label), act, new long[0], activationData(1, () -> new float[] {cap}));
        String divided = g.op("Div").in(x, c).build();
        String squashed = g.op("Tanh").in(divided).build();
        return g.op("Mul").in(squashed, c).name(label).build();
    }

    /** seqlens_k = sum(mask) − 1 (int32 [batch]); total_sequence_length = mask width (int32 scalar). */
    private void attentionLengths(String inputIds, String mask) {
        String sum = g.op("ReduceSum").in(mask, g.constLongs("axis1", 1)).attr("keepdims", 0L).build();
        String minusOne = g.op("Sub").in(sum, g.constLongs("one", 1)).build();
        seqlensK = g.op("Cast").in(minusOne).attr("to", (long) ElemType.INT32.code()).out("seqlens_k").build();
        String shape = g.op("Shape").in(mask).build();
        String total = g.op("Gather").in(shape, scalarLong("index1", 1)).attr("axis", 0L).build();
        totalSeqLen = g.op("Cast").in(total).attr("to", (long) ElemType.INT32.code()).out("total_seq_len").build();
        totalSeqLen64 = total;
        if (!fusedRotary) {
            String idsShape = g.op("Shape").in(inputIds).build();
            String seqLen = g.op("Gather").in(idsShape, scalarLong("index1b", 1)).attr("axis", 0L).build();
            String start = g.op("Sub").in(total, seqLen).build();
            g.op("Range").in(start, total, scalarLong("step", 1)).out("position_ids").build();
        }
    }

    /** One cos/sin table pair per rotary table a layer uses (global first, then the sliding layers' own). */
    private void rotaryCaches() {
        for (RopeKind kind : List.of(RopeKind.GLOBAL, RopeKind.LOCAL)) {
            boolean used = false;
            for (int layer = 0; layer < dims.numLayers(); layer++) {
                used |= family.layerAttention(config, layer).rope() == kind;
            }
            if (used) {
                rotaryCache(kind, kind == RopeKind.GLOBAL ? "" : "_local");
            }
        }
    }

    private void rotaryCache(RopeKind kind, String suffix) {
        int positions = dims.maxPositionEmbeddings();
        int half = config.rope().rotaryDim() / 2;
        String cos;
        String sin;
        LongRope longRope = config.rope().table(kind).longRope();
        if (longRope != null) {
            cos = longRopeRows(kind, suffix, longRope, true);
            sin = longRopeRows(kind, suffix, longRope, false);
        } else {
            double[] freqs = config.rope().inverseFrequencies(kind);
            cos = g.initializer("cos_cache" + suffix, act, new long[] {positions, half},
                    activationData((long) positions * half, () -> RotaryTables.cos(freqs, positions)));
            sin = g.initializer("sin_cache" + suffix, act, new long[] {positions, half},
                    activationData((long) positions * half, () -> RotaryTables.sin(freqs, positions)));
        }
        rotaryCaches.put(kind, new String[] {cos, sin});
        if (!fusedRotary) {
            ropeTables.put(kind, new String[] {explicitRotaryTable(cos, "rope_cos" + suffix),
                    explicitRotaryTable(sin, "rope_sin" + suffix)});
        }
    }

    /**
     * This run's rows of a longrope table ({@link RotaryTables#longRope}: short rows, then long rows): positions
     * {@code [0, total)} of the long table when the sequence is longer than the original length, of the short table
     * otherwise, as transformers picks inv_freq from {@code max(position_ids) + 1} per forward call. Slicing only
     * {@code total} rows keeps the per-run copy as small as the sequence.
     */
    private String longRopeRows(RopeKind kind, String suffix, LongRope longRope, boolean cos) {
        int positions = dims.maxPositionEmbeddings();
        int original = longRope.originalMaxPositionEmbeddings();
        int rotaryDim = config.rope().rotaryDim();
        double theta = config.rope().table(kind).theta();
        long rows = (long) original + positions;
        String name = (cos ? "cos_cache" : "sin_cache") + suffix;
        String table = g.initializer(name + "_short_long", act, new long[] {rows, rotaryDim / 2},
                activationData(rows * (rotaryDim / 2),
                        () -> RotaryTables.longRope(longRope, theta, rotaryDim, positions, cos)));
        String originalLength = g.constLongs(name + "_original", original);
        String useLong = g.op("Greater").in(totalSeqLen64, originalLength).build();
        String start = g.op("Where").in(useLong, originalLength, g.constLongs(name + "_zero", 0)).build();
        String end = g.op("Add").in(start, totalSeqLen64).build();
        return g.op("Slice").in(table, start, end, g.constLongs(name + "_axis", 0)).name(name).build();
    }

    /** [S, 1, rotaryDim] = the cache rows of this chunk's positions, duplicated for both halves. */
    private String explicitRotaryTable(String cache, String label) {
        String rows = g.op("Gather").in(cache, "position_ids").attr("axis", 0L).build();
        String full = g.op("Concat").in(rows, rows).attr("axis", -1L).build();
        return g.op("Unsqueeze").in(full, g.constLongs(label + "_axes", 1)).out(label).build();
    }

    private String attention(int layer, String x, String[] past) {
        String p = "layers." + layer + ".attn.";
        String q = projection(layer, Linear.Q, x);
        String k = projection(layer, Linear.K, x);
        String v = projection(layer, Linear.V, x);
        if (config.attention().qkNorm()) {
            q = headNorm(q, dims.numHeads(), family.norm(layer, Norm.QUERY), p + "q_norm");
            k = headNorm(k, dims.numKvHeads(), family.norm(layer, Norm.KEY), p + "k_norm");
        }
        LayerAttention kind = family.layerAttention(config, layer);
        boolean rope = kind.rope() != RopeKind.NONE;
        if (!fusedRotary && rope) {
            q = explicitRotary(q, dims.numHeads(), p + "q_rope", ropeTables.get(kind.rope()));
            k = explicitRotary(k, dims.numKvHeads(), p + "k_rope", ropeTables.get(kind.rope()));
        }
        Graph.NodeBuilder gqa = g.msOp("GroupQueryAttention").name(p + "gqa")
                .in(q, k, v, past[0], past[1], seqlensK, totalSeqLen);
        if (fusedRotary && rope) {
            String[] caches = rotaryCaches.get(kind.rope());
            gqa.in(caches[0], caches[1]).attr("do_rotary", 1L).attr("rotary_interleaved", 0L);
        }
        gqa.attr("num_heads", (long) dims.numHeads()).attr("kv_num_heads", (long) dims.numKvHeads());
        if (kind.window() != null) {
            // HF: key j visible from query i iff i - j < window. ORT 1.24.1's CPU kernel attends to the last
            // local_window_size keys (measured against the reference: window - 1 hides one key too many)
            gqa.attr("local_window_size", (long) kind.window());
        }
        if (config.attention().scale() != null) {
            gqa.attr("scale", config.attention().scale().floatValue());
        }
        if (config.attention().softcap() != null) {
            gqa.attr("softcap", config.attention().softcap().floatValue());
        }
        String out = gqa.out(g.fresh(p + "out"), String.format(GraphNames.PRESENT_KEY, layer),
                String.format(GraphNames.PRESENT_VALUE, layer)).build();
        return projection(layer, Linear.O, out);
    }

    /** RMSNorm of each head over head_dim (Qwen3/Gemma 3 q_norm, k_norm) on [B, S, heads·headDim]. */
    private String headNorm(String x, int heads, String weightName, String label) {
        int hd = dims.headDim();
        String shaped = g.op("Reshape").in(x, g.constLongs(label + "_shape", 0, 0, heads, hd)).build();
        String normed = plainNorm(shaped, weightName, hd, label);
        return g.op("Reshape").in(normed, g.constLongs(label + "_flat", 0, 0, -1)).build();
    }

    /**
     * rotate_half RoPE on [B, S, heads·headDim] with the precomputed [S, 1, rotaryDim] tables {cos, sin}; with a
     * partial rotary dim only the leading rotaryDim values of each head rotate, the rest pass through.
     */
    private String explicitRotary(String x, int heads, String label, String[] tables) {
        int hd = dims.headDim();
        int rd = config.rope().rotaryDim();
        String shaped = g.op("Reshape").in(x, g.constLongs(label + "_shape", 0, 0, heads, hd)).build();
        String rotating = shaped;
        String passing = null;
        if (rd < hd) {
            rotating = g.fresh(label + "_rot");
            passing = g.fresh(label + "_pass");
            g.op("Split").in(shaped, g.constLongs(label + "_partial", rd, hd - rd)).attr("axis", -1L)
                    .out(rotating, passing).build();
        }
        String first = g.fresh(label + "_x1");
        String second = g.fresh(label + "_x2");
        g.op("Split").in(rotating, g.constLongs(label + "_split", rd / 2, rd / 2)).attr("axis", -1L)
                .out(first, second).build();
        String negated = g.op("Neg").in(second).build();
        String rotated = g.op("Concat").in(negated, first).attr("axis", -1L).build();
        String a = g.op("Mul").in(rotating, tables[0]).build();
        String b = g.op("Mul").in(rotated, tables[1]).build();
        String sum = g.op("Add").in(a, b).build();
        if (passing != null) {
            sum = g.op("Concat").in(sum, passing).attr("axis", -1L).build();
        }
        return g.op("Reshape").in(sum, g.constLongs(label + "_flat", 0, 0, -1)).build();
    }

    private String projection(int layer, Linear which, String x) {
        int out = Math.toIntExact(which.rows(dims));
        int in = Math.toIntExact(which.columns(dims));
        WeightRef weight = family.linear(config, layer, which);
        String y = linears.apply(x, "layers." + layer + "." + which.llamaName(), out, in, () -> rows(weight, in));
        WeightRef bias = family.linearBias(config, layer, which);
        if (bias != null) {
            // a block of a fused bias goes by its Llama-layout name: initializer names must be unique
            String name = sharedTensor(layer, which, bias, true) ? WeightNames.bias(layer, which.llamaName())
                    : bias.tensor();
            String b = g.initializer(name, act, new long[] {out}, activationData(out, () -> rows(bias, 1)));
            y = g.op("Add").in(y, b).build();
        }
        return y;
    }

    /** Whether another projection of the layer reads the same tensor (a fused qkv or gate_up). */
    private boolean sharedTensor(int layer, Linear which, WeightRef ref, boolean bias) {
        for (Linear other : Linear.values()) {
            WeightRef o = bias ? family.linearBias(config, layer, other) : family.linear(config, layer, other);
            if (other != which && o != null && o.tensor().equals(ref.tensor())) {
                return true;
            }
        }
        return false;
    }

    /** The weight's rows (all of a whole tensor, or the projection's block of a fused one), [rows, columns]. */
    private float[] rows(WeightRef ref, int columns) {
        float[] all = read(ref.tensor());
        long first = ref.firstRow() * columns;
        long end = first + ref.rows() * columns;
        return first == 0 && end == all.length ? all : Arrays.copyOfRange(all, (int) first, (int) end);
    }

    private String mlp(int layer, String x) {
        String gate = adaptedLinear(layer, Linear.GATE, x);
        String up = adaptedLinear(layer, Linear.UP, x);
        String activated;
        switch (config.mlp().activation()) {
            case SILU -> {
                String sig = g.op("Sigmoid").in(gate).build();
                activated = g.op("Mul").in(gate, sig).build();
            }
            case GELU_TANH -> activated = g.op("Gelu").in(gate).attr("approximate", "tanh").build();
            default -> throw new IllegalStateException("activation " + config.mlp().activation());
        }
        String product = g.op("Mul").in(activated, up).build();
        return adaptedLinear(layer, Linear.DOWN, product);
    }

    /**
     * An MLP linear layer; with the Transformer² hook, in the SVD basis with a multiplier input [rank]. A block of
     * a fused tensor goes by its Llama-layout name there, so each adapted matrix keeps a name of its own.
     */
    private String adaptedLinear(int layer, Linear which, String x) {
        int out = Math.toIntExact(which.rows(dims));
        int in = Math.toIntExact(which.columns(dims));
        WeightRef ref = family.linear(config, layer, which);
        String weightName = sharedTensor(layer, which, ref, false) ? WeightNames.weight(layer, which.llamaName())
                : ref.tensor();
        String label = "layers." + layer + "." + which.llamaName();
        Supplier<float[]> weight = () -> rows(ref, in);
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

    /** A hidden-size norm weight, with the family's weight offset folded in. */
    private String norm(String weightName) {
        return norm(weightName, dims.hiddenSize());
    }

    /** A norm weight of {@code size} values, with the family's weight offset folded in. */
    private String norm(String weightName, int size) {
        return g.initializer(weightName, act, new long[] {size},
                activationData(size, () -> family.normWeight(config, read(weightName))));
    }

    /** SimplifiedLayerNormalization (RMSNorm) over the hidden size. */
    private String plainNorm(String x, String weightName, String label) {
        return plainNorm(x, weightName, dims.hiddenSize(), label);
    }

    /** SimplifiedLayerNormalization (RMSNorm) over the last axis, of {@code size} values. */
    private String plainNorm(String x, String weightName, int size, String label) {
        return g.op("SimplifiedLayerNormalization").in(x, norm(weightName, size))
                .attr("axis", -1L).attr("epsilon", (float) config.norms().eps()).attr("stash_type", 1L)
                .name(label).build();
    }

    /** SkipSimplifiedLayerNormalization: returns {normalised(x + skip), x + skip}. */
    private String[] skipNorm(String x, String skip, String weightName, String label) {
        String normed = g.fresh(label);
        String sum = g.fresh(label + "_residual");
        g.msOp("SkipSimplifiedLayerNormalization").name(label).in(x, skip, norm(weightName))
                .attr("epsilon", (float) config.norms().eps()).out(normed, "", "", sum).build();
        return new String[] {normed, sum};
    }

    private String scalarLong(String hint, long value) {
        return g.initializer(g.fresh(hint), ElemType.INT64, new long[0], TensorData.ofLongs(value));
    }

    private TensorData activationData(long elements, Supplier<float[]> values) {
        return LinearEmitter.activationData(act, elements, values);
    }

    /** A checkpoint tensor; for the fp16 graph, one whose every value fits float16 (NaN logits otherwise). */
    private float[] read(String name) {
        try {
            float[] values = weights.floats(name);
            if (act == ElemType.FLOAT16) {
                for (int i = 0; i < values.length; i++) {
                    if (!HalfFloats.fitsHalf(values[i])) {
                        throw new IOException("tensor '" + name + "': value " + values[i] + " at flat index " + i
                                + " does not fit float16 (largest 65504) and would be stored as infinity; export"
                                + " with --precision fp32 or int4");
                    }
                }
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
