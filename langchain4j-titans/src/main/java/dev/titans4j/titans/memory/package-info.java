/**
 * The Titans neural long-term memory (Behrouz et al., "Titans: Learning to Memorize at Test Time",
 * arXiv 2501.00663, §3) in plain Java, double precision.
 *
 * <ul>
 *   <li>{@link dev.titans4j.titans.memory.MemoryConfig}: shape of the memory MLP and the write rule
 *       (chunk size, θ/η/α gates, clamp, convolution, projections).</li>
 *   <li>{@link dev.titans4j.titans.memory.NeuralMemory}: one memory; {@code write} (test-time learning with
 *       momentum and forgetting, chunked), {@code read} (forward pass, no update), {@code flush}. Not thread-safe.</li>
 *   <li>{@link dev.titans4j.titans.memory.MemoryParameters}: outer-loop parameters (projections, gates, initial
 *       memory), binary file "TTNP"; trained by {@code dev.titans4j.titans.memory.train.OuterLoopTrainer}.</li>
 *   <li>{@link dev.titans4j.titans.memory.NeuralMemoryState}: what a write changes, binary file "TTNS" with a
 *       config fingerprint and CRC32C, for {@code dev.titans4j.titans.store} to persist.</li>
 * </ul>
 *
 * <p>Conventions: inputs are row vectors, projections are {@code x·W}; the loss is ‖M(k) − v‖² (so the linear
 * memory with η = 0 is the gated delta rule with step 2θ); GELU is the tanh approximation; q and k get SiLU then
 * L2 normalisation, v gets SiLU (both switchable); the optional depthwise causal convolution runs over the write
 * stream after the projections and before the activation, and a read's query is convolved with the queries of the
 * last written items.
 *
 * <p>Typical use:
 * <pre>{@code
 * MemoryConfig config = MemoryConfig.builder().inputDimension(384).build();
 * NeuralMemory memory = NeuralMemory.create(config);
 * WriteResult r = memory.write(new double[][] {embedding}, null);   // r.surprise(0): gradient norm
 * memory.flush();                                                    // make the latest chunk readable now
 * double[] recalled = memory.read(questionEmbedding);
 * byte[] saved = memory.stateBytes();                                 // NeuralMemory.restore(config, params, saved)
 * }</pre>
 */
package dev.titans4j.titans.memory;
