package dev.titans4j.titans.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.titans4j.titans.memory.GateSpec;
import dev.titans4j.titans.memory.MemoryConfig;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Design-tuning harness (a main, not a test): replays recall-bench datasets through {@link LongTermMemory} variants
 * with cached embeddings, using the benchmark's budget rule (B = 1024, window = longest suffix within 25 %, tokens =
 * ceil(words × 1.3)). Used only on tuning sets generated with other seeds than the reported dev sets.
 * Usage: RecallTuning CACHE_FILE DATASET...
 */
public final class RecallTuning {

    static final class CachedModel implements EmbeddingModel {
        final Map<String, float[]> cache = new HashMap<>();
        EmbeddingModel model;
        boolean dirty;

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            List<Embedding> out = new ArrayList<>();
            for (TextSegment s : segments) {
                float[] v = cache.get(s.text());
                if (v == null) {
                    if (model == null) {
                        model = new AllMiniLmL6V2EmbeddingModel();
                    }
                    v = model.embed(s.text()).content().vector();
                    cache.put(s.text(), v);
                    dirty = true;
                }
                out.add(Embedding.from(v));
            }
            return Response.from(out);
        }

        void load(Path file) throws IOException {
            if (!Files.exists(file)) {
                return;
            }
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    String t = StateCodec.readString(in);
                    float[] v = new float[in.readInt()];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = in.readFloat();
                    }
                    cache.put(t, v);
                }
            }
        }

        void save(Path file) throws IOException {
            if (!dirty) {
                return;
            }
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
                out.writeInt(cache.size());
                for (Map.Entry<String, float[]> e : cache.entrySet()) {
                    StateCodec.writeString(out, e.getKey());
                    out.writeInt(e.getValue().length);
                    for (float f : e.getValue()) {
                        out.writeFloat(f);
                    }
                }
            }
        }
    }

    record Variant(String name, double theta, double alpha, double eta, double context, RecallFusion fusion,
                   boolean writes) {
    }

    static int tokens(String text) {
        String t = text.strip();
        int words = t.isEmpty() ? 0 : t.split("\\s+").length;
        return (words * 13 + 9) / 10;
    }

    public static void main(String[] args) throws Exception {
        Path cacheFile = Path.of(args[0]);
        CachedModel model = new CachedModel();
        model.load(cacheFile);
        List<Variant> variants = variants();
        ObjectMapper json = new ObjectMapper();
        for (int a = 1; a < args.length; a++) {
            JsonNode root = json.readTree(Path.of(args[a]).toFile());
            Map<String, double[]> sums = new java.util.LinkedHashMap<>();
            for (Variant v : variants) {
                sums.put(v.name(), new double[2]);
            }
            Map<String, Map<String, double[]>> categorySums = new HashMap<>();
            for (JsonNode conv : root.get("conversations")) {
                List<String> ids = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                String first = conv.get("turns").get(0).get("speaker").asText();
                List<String> speakers = new ArrayList<>();
                for (JsonNode t : conv.get("turns")) {
                    ids.add(t.get("id").asText());
                    texts.add(t.get("speaker").asText() + ": " + t.get("text").asText());
                    speakers.add(t.get("speaker").asText().equals(first) ? "user" : "ai");
                }
                // the bench window: longest suffix within 256 tokens
                int used = 0;
                int start = texts.size();
                while (start > 0 && used + tokens(texts.get(start - 1)) <= 256) {
                    start--;
                    used += tokens(texts.get(start));
                }
                int left = 1024 - used;
                for (Variant v : variants) {
                    // names starting with "lin" use a linear content memory (the v3 design), others the deep default
                    MemoryConfig base = v.name().startsWith("lin") ? NeuralAddressMemory.defaultContextConfig(384)
                            : NeuralAddressMemory.defaultConfig(384);
                    int codeDim = Integer.getInteger("codeDim", 384);
                    base = base.toBuilder().valueDimension(codeDim).inputDimension(384 + codeDim)
                            .expansion(Integer.getInteger("exp", base.expansion())).build();
                    MemoryConfig config = base.toBuilder().theta(GateSpec.fixed(v.theta()))
                            .alpha(GateSpec.fixed(v.alpha())).eta(GateSpec.fixed(v.eta())).build();
                    LongTermMemory memory = new LongTermMemory(model, config,
                            NeuralAddressMemory.defaultContextConfig(384), v.context(), 200, 100_000, v.fusion(),
                            v.writes());
                    for (int i = 0; i < texts.size(); i++) {
                        memory.memorize(i, speakers.get(i), texts.get(i), true);
                    }
                    for (JsonNode q : conv.get("questions")) {
                        Set<Integer> chosen = new HashSet<>();
                        for (int i = start; i < texts.size(); i++) {
                            chosen.add(i);
                        }
                        int budget = left;
                        for (RecalledSegment s : memory.rank(q.get("question").asText())) {
                            if (budget <= 0) {
                                break;
                            }
                            int i = (int) s.seq();
                            if (!chosen.contains(i) && tokens(texts.get(i)) <= budget) {
                                chosen.add(i);
                                budget -= tokens(texts.get(i));
                            }
                        }
                        int found = 0;
                        Set<String> evidence = new HashSet<>();
                        q.get("evidence").forEach(e -> evidence.add(e.asText()));
                        for (String e : evidence) {
                            if (chosen.contains(ids.indexOf(e))) {
                                found++;
                            }
                        }
                        double r = (double) found / evidence.size();
                        sums.get(v.name())[0] += r;
                        sums.get(v.name())[1]++;
                        double[] c = categorySums.computeIfAbsent(v.name(), k -> new java.util.TreeMap<>())
                                .computeIfAbsent(q.get("category").asText(), k -> new double[2]);
                        c[0] += r;
                        c[1]++;
                    }
                }
            }
            model.save(cacheFile);
            System.out.println("== " + args[a]);
            for (Variant v : variants) {
                double[] s = sums.get(v.name());
                StringBuilder line = new StringBuilder(String.format("%-28s %.4f  ", v.name(), s[0] / s[1]));
                categorySums.get(v.name()).forEach((k, c) -> line.append(String.format(" %s=%.2f",
                        k.length() > 6 ? k.substring(0, 6) : k, c[0] / c[1])));
                System.out.println(line);
            }
        }
    }

    static List<Variant> variants() {
        List<Variant> list = new ArrayList<>();
        String spec = System.getProperty("variants", "");
        if (!spec.isEmpty()) {
            // name:theta:alpha:beta:wContent:wContext:wLexical:hopNeural:hopLexical:writes:depth;...
            for (String v : spec.split(";")) {
                String[] f = v.split(":");
                list.add(new Variant(f[0], d(f[1]), d(f[2]), 0, d(f[3]),
                        new RecallFusion(d(f[4]), d(f[5]), d(f[6]), 0, d(f[7]), d(f[8]), 60,
                                f.length > 10 ? Integer.parseInt(f[10]) : Integer.MAX_VALUE),
                        Boolean.parseBoolean(f[9])));
            }
        }
        return list;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }
}
