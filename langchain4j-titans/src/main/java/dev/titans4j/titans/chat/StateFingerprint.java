package dev.titans4j.titans.chat;

import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings stored state must match to be read: those that shape what it holds. The neural memory's
 * configuration and the embedding model that wrote the keys (keys of one model read as noise under another of the
 * same dimension). Settings that only bound or present what is stored (window, segment length, archive capacity,
 * recall budget, fusion weights, time zone) are left out, so changing them keeps old state readable.
 */
record StateFingerprint(String neural, String embeddingModel) {

    static StateFingerprint of(String neuralDescription, EmbeddingModel model) {
        return new StateFingerprint(neuralDescription, identify(model));
    }

    /** Class, dimension and (where the model reports one) model name; stable across runs. */
    static String identify(EmbeddingModel model) {
        String type = model.getClass().getName();
        int generated = type.indexOf("$$"); // lambdas and runtime proxies get a per-run suffix
        if (generated >= 0) {
            type = type.substring(0, generated);
        }
        String name = model.modelName();
        boolean named = name != null && !name.isBlank() && !name.equals("unknown");
        return type + " (dimension " + model.dimension() + (named ? ", model " + name : "") + ")";
    }

    /** The text stored in snapshots. */
    String text() {
        return neural + "\n" + embeddingModel;
    }

    static StateFingerprint parse(String text) {
        int at = text.indexOf('\n');
        return at < 0 ? new StateFingerprint(text, "") : new StateFingerprint(text.substring(0, at),
                text.substring(at + 1));
    }

    /** The hash log records carry. */
    int hash() {
        return text().hashCode();
    }

    /** Why {@code stored} cannot be read under this configuration, naming what differs; empty when it can. */
    String mismatch(StateFingerprint stored) {
        List<String> parts = new ArrayList<>();
        if (!stored.embeddingModel.equals(embeddingModel)) {
            parts.add("embedding model (stored " + stored.embeddingModel + ", configured " + embeddingModel + ")");
        }
        if (!stored.neural.equals(neural)) {
            parts.add("neural memory settings (stored " + stored.neural + ", configured " + neural + ")");
        }
        return String.join("; ", parts);
    }
}
