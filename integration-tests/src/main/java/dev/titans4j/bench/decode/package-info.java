/**
 * Decode benchmark (issues 7, 14): prefill and decode tokens/s of exported models at 1 and 2 threads, fp32 and
 * int4, on random-weight checkpoints shaped like SmolLM2-135M (A) and Qwen2.5-0.5B with a 32000 vocabulary (B),
 * next to llama.cpp on GGUF files written from the same checkpoints ({@link dev.titans4j.bench.decode.GgufCheckpoint},
 * run through node-llama-cpp's prebuilt binaries by {@link dev.titans4j.bench.decode.LlamaCppPeer}; skipped when
 * they are not installed), Jlama on the same safetensors, and this machine's memory read bandwidth (every decode
 * figure is also a share of its bound: bandwidth, from {@link dev.titans4j.bench.decode.VectorBandwidthProbe},
 * divided by the weight bytes one token reads). Not a test.
 *
 * <p>Run from the repository root, on a quiet machine (load average well under 1; the figures are meaningless
 * while other work shares the cores):
 * <pre>
 * mvn -B -q -pl onnx-export,langchain4j-titans,langchain4j-t2 install -DskipTests
 * mvn -B -q -pl integration-tests -Pbench-jlama compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
 * java -Xmx12g -cp integration-tests/target/classes:$(cat integration-tests/target/bench.classpath) \
 *     dev.titans4j.bench.decode.DecodeBenchmark --jlama-java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * </pre>
 * Checkpoints and exports are written once under {@code integration-tests/target/decode-bench} and reused; add
 * {@code --prepare-only} to create them beforehand (the exports' SVDs take minutes and need not run on a quiet
 * machine). {@code --shapes tinyA,tinyB --prompt 64 --decode 32 --runs 1} is a seconds-long smoke run. Without
 * {@code --jlama-java} the Jlama rows say "not run"; without node-llama-cpp (README) the llama.cpp rows say so.
 * {@code --int4-block-sizes 32,128} also exports and times int4 with MatMulNBits blocks of 128 (folders
 * {@code int4-b128}, {@code int4-b128-plain}; rows {@code titans4j b128}); block 32 keeps the folder names
 * {@code int4}, {@code int4-plain}.
 *
 * <p>Rows {@code titans4j} time a default export as a user without experts gets it (sessions without multipliers
 * run its plain companion {@code model-plain.onnx}); rows {@code titans4j +svf} time the same export with explicit
 * all-ones multipliers, which runs its Transformer² graph {@code model.onnx}, and the "SVF hook vs plain graph"
 * lines compare the two. MB/tok counts the files of the graph each row ran. Cached default exports without a
 * companion (written before it existed) are exported again.
 *
 * <p>Jlama ({@code com.github.tjake:jlama-core}, Maven profile {@code bench-jlama}) is Java 20 bytecode using the
 * incubating Vector API and fixes its thread count once per JVM, so {@link dev.titans4j.bench.decode.JlamaWorker}
 * runs it by reflection in a child JVM per configuration. Jlama cannot quantize F32 safetensors while loading (its
 * attention weights load as views it leaves in F32); its Q4 rows load a quantized copy written once with its own
 * {@code SafeTensorSupport.quantizeModel} (as {@code jlama quantize} does; the embedding table stays F32, which
 * for the tied shape A is also the LM head).
 */
package dev.titans4j.bench.decode;
