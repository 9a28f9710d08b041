package dev.titans4j.bench.decode;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Times Jlama ({@code com.github.tjake:jlama-core}) on a Hugging Face folder, in its own JVM: Jlama needs Java 21+
 * with the incubating Vector API, and fixes its thread count once per JVM. The same steps as Jlama's own
 * {@code generate}: {@code batchForward} for the prompt, then per token {@code forward} and greedy {@code sample}
 * (the LM head). jlama-core is compiled for Java 20, so this project (Java 17) calls it by reflection and never
 * links against it.
 *
 * <p>Arguments: {@code DIR fp32|q4 THREADS PROMPT_TOKENS DECODE_TOKENS RUNS}. Prints
 * {@code RESULT prefill|decode <tokens/s>} lines, one per run.
 */
public final class JlamaWorker {

    static final String RESULT = "RESULT ";
    private static final int MAX_BATCH = 256;

    private final Object model;
    private final int vocab;
    private final Object kvCache;
    private final Method getKvBuffer;
    private final Method batchForward;
    private final Method forward;
    private final Method sample;
    private final Method slice;
    private final Method closeTensor;
    private final Method closeBuffer;
    private final Method increment;
    private final Object logits;

    private JlamaWorker(File dir, boolean q4, int threads) throws ReflectiveOperationException {
        Class<?> support = Class.forName("com.github.tjake.jlama.model.ModelSupport");
        Class<?> abstractModel = Class.forName("com.github.tjake.jlama.model.AbstractModel");
        Class<?> tensor = Class.forName("com.github.tjake.jlama.tensor.AbstractTensor");
        Class<?> cacheClass = Class.forName("com.github.tjake.jlama.tensor.KvBufferCache");
        Class<?> buffer = Class.forName("com.github.tjake.jlama.tensor.KvBufferCache$KvBuffer");
        Object f32 = dtype("F32");
        // Jlama's defaults: F32 working memory; quantized weights multiply against I8-quantized activations
        Object workingQ = dtype(System.getProperty("jlama.workingQType", q4 ? "I8" : "F32"));
        Method load = support.getMethod("loadModel", File.class, File.class, f32.getClass(), f32.getClass(),
                Optional.class, Optional.class);
        // Jlama cannot quantize while loading (its attention weights load as "sparse" views it leaves in F32, and
        // I8 activations then meet F32 weights); its own route is a quantized copy written once, as 'jlama quantize'
        File weights = q4 ? quantizedCopy(dir) : dir;
        model = load.invoke(null, weights, null, f32, workingQ, Optional.empty(), Optional.of(threads));
        Object config = abstractModel.getMethod("getConfig").invoke(model);
        vocab = config.getClass().getField("vocabularySize").getInt(config);
        kvCache = cacheClass.getConstructor(abstractModel).newInstance(model);
        getKvBuffer = cacheClass.getMethod("getKvBuffer", UUID.class);
        batchForward = abstractModel.getMethod("batchForward", int[].class, int.class, buffer);
        forward = abstractModel.getMethod("forward", int.class, int.class, buffer, Optional.class);
        sample = abstractModel.getMethod("sample", tensor, float.class, float.class, tensor);
        slice = tensor.getMethod("slice", int[].class);
        closeTensor = tensor.getMethod("close");
        closeBuffer = buffer.getMethod("close");
        increment = buffer.getMethod("incrementContextPosition");
        logits = abstractModel.getMethod("makeDenseTensor", int[].class).invoke(model, (Object) new int[] {vocab});
    }

    private static File quantizedCopy(File dir) throws ReflectiveOperationException {
        File out = new File(dir.getParentFile(), dir.getName() + "-jlama-Q4");
        String[] weights = out.list((d, name) -> name.endsWith(".safetensors"));
        if (weights == null || weights.length == 0) {
            deleteRecursively(out); // a quantization that failed part-way
            Class<?> support = Class.forName("com.github.tjake.jlama.safetensors.SafeTensorSupport");
            Object q4 = dtype("Q4");
            support.getMethod("quantizeModel", java.nio.file.Path.class, q4.getClass(), String[].class,
                    String[].class, Optional.class).invoke(null, dir.toPath(), q4,
                    new String[] {System.getProperty("jlama.skipQuantize", "model.embed_tokens")}, new String[0],
                    Optional.of(out.toPath()));
        }
        return out;
    }

    private static void deleteRecursively(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteRecursively(child);
            }
        }
        file.delete();
    }

    private static Object dtype(String name) throws ClassNotFoundException {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object value = Enum.valueOf((Class) Class.forName("com.github.tjake.jlama.safetensors.DType"), name);
        return value;
    }

    /** Prompt in one batch; returns tokens/s. */
    private double prefill(int[] prompt) throws ReflectiveOperationException {
        Object kv = getKvBuffer.invoke(kvCache, UUID.randomUUID());
        try {
            long start = System.nanoTime();
            Object out = null;
            int chunk = 0;
            // Jlama's batch buffers hold 256 positions (a 512-token batch fails with an index error): chunked
            for (int from = 0; from < prompt.length; from += MAX_BATCH) {
                if (out != null) {
                    closeTensor.invoke(out);
                }
                int[] part = java.util.Arrays.copyOfRange(prompt, from, Math.min(prompt.length, from + MAX_BATCH));
                out = batchForward.invoke(model, part, from, kv);
                chunk = part.length;
            }
            Object last = slice.invoke(out, (Object) new int[] {chunk - 1});
            sample.invoke(model, last, 0f, 0.5f, logits);
            closeTensor.invoke(out);
            return prompt.length / ((System.nanoTime() - start) / 1e9);
        } finally {
            closeBuffer.invoke(kv);
        }
    }

    /** Greedy decoding of {@code tokens} tokens after a one-token prompt; returns tokens/s. */
    private double decode(int tokens) throws ReflectiveOperationException {
        Object kv = getKvBuffer.invoke(kvCache, UUID.randomUUID());
        try {
            int token = step(1, 0, kv);
            long start = System.nanoTime();
            for (int pos = 1; pos <= tokens; pos++) {
                token = step(token, pos, kv);
            }
            return tokens / ((System.nanoTime() - start) / 1e9);
        } finally {
            closeBuffer.invoke(kv);
        }
    }

    private int step(int token, int pos, Object kv) throws ReflectiveOperationException {
        Object out = forward.invoke(model, token, pos, kv, Optional.empty());
        int next = (int) sample.invoke(model, out, 0f, 0.5f, logits);
        closeTensor.invoke(out);
        increment.invoke(kv);
        return Math.floorMod(next, vocab);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: JlamaWorker DIR fp32|q4 THREADS PROMPT_TOKENS DECODE_TOKENS RUNS");
            System.exit(2);
        }
        File dir = new File(args[0]);
        boolean q4 = args[1].equalsIgnoreCase("q4") || args[1].equalsIgnoreCase("int4");
        int threads = Integer.parseInt(args[2]);
        int promptTokens = Integer.parseInt(args[3]);
        int decodeTokens = Integer.parseInt(args[4]);
        int runs = Integer.parseInt(args[5]);
        try {
            JlamaWorker worker = new JlamaWorker(dir, q4, threads);
            int[] prompt = new SplittableRandom(7).ints(promptTokens, 3, worker.vocab).toArray();
            worker.prefill(new int[] {1, 5, 9, 13, 17, 21, 25, 29});
            worker.decode(8);
            for (int r = 0; r < runs; r++) {
                System.out.printf(Locale.ROOT, RESULT + "prefill %.3f%n", worker.prefill(prompt));
                System.out.printf(Locale.ROOT, RESULT + "decode %.3f%n", worker.decode(decodeTokens));
                System.out.flush();
            }
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        System.exit(0); // Jlama's executor threads are not daemons
    }
}
