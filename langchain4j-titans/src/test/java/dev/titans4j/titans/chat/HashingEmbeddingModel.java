package dev.titans4j.titans.chat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;

import java.util.ArrayList;
import java.util.List;

/** A fast deterministic stand-in encoder for contract tests: hashed bag of lower-cased words, L2-normalised. */
class HashingEmbeddingModel implements EmbeddingModel {

    static final int DIMENSION = 64;

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<Embedding> out = new ArrayList<>();
        for (TextSegment s : segments) {
            out.add(Embedding.from(vector(s.text())));
        }
        return Response.from(out);
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    static float[] vector(String text) {
        float[] v = new float[DIMENSION];
        for (String w : text.toLowerCase().split("[^a-z0-9]+")) {
            if (!w.isEmpty()) {
                int h = w.hashCode();
                v[Math.floorMod(h, DIMENSION)] += 1f;
                v[Math.floorMod(h * 31 + 7, DIMENSION)] += 0.5f;
            }
        }
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        if (n == 0) {
            v[0] = 1;
            return v;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }
}
