/**
 * Constrained decoding: token masks that keep a model's output valid JSON for a LangChain4j
 * {@link dev.langchain4j.model.chat.request.json.JsonSchema}, plain JSON, or a JSON value framed by literal text
 * (tool-call syntax).
 *
 * <h2>Use</h2>
 * <pre>{@code
 * TokenVocabulary vocab = TokenVocabulary.fromTokenizerJson(dir.resolve("tokenizer.json")).prepare(); // per model
 * JsonConstraint c = JsonConstraint.forSchema(schema);                                              // per schema, reuse
 * ConstrainedDecoder d = c.start(vocab);                                                            // per request
 * while (!d.isFinished()) { d.maskLogits(logits); int t = sample(logits); d.accept(t); if (vocab.isEos(t)) break; }
 * }</pre>
 *
 * <h2>Design</h2>
 * <ul>
 *   <li>The grammar is a nondeterministic pushdown automaton over UTF-8 <em>bytes</em> (frames on an immutable,
 *       shared-tail stack), so any tokenizer works: a token is
 *       allowed iff all its bytes are accepted. {@code anyOf} alternatives run in parallel until bytes decide
 *       (at most {@code ConstrainedDecoder.MAX_PARSES} between tokens).</li>
 *   <li>Masks: depth-first walk of a byte trie of the vocabulary, stepping the automaton per edge and pruning
 *       rejected prefixes. Inside string bodies (the common, expensive case) content tokens come from a
 *       precomputed table and only tokens containing {@code "} or {@code \} are walked. Masks are cached per
 *       state with every budget clamped to the longest token (+8), so positions deep in a string, array or
 *       whitespace run share one entry.</li>
 *   <li>Termination: {@link dev.titans4j.t2.constrain.ConstraintLimits} caps string bytes, digits, array items,
 *       whitespace runs and depth; at a cap only closing bytes remain. Containers open (and optional
 *       properties/items are offered) only if their smallest completion fits under the depth cap, so a
 *       started value can always be finished.</li>
 *   <li>Objects: declared order, all required properties, optional ones may be skipped, never undeclared
 *       ones. Numbers: JSON grammar (integers without fraction/exponent). Strings: valid UTF-8, JSON escapes,
 *       no raw control characters, no lone surrogate escapes.</li>
 * </ul>
 *
 * <p>Measured (thread CPU time, {@code MaskCostBenchmark}: random-logit generations over the 54 corpus schemas,
 * default limits, {@code maskLogits} over the whole logit vector plus {@code accept}): mean 7-11 µs/token on the
 * 512-token stories260K vocabulary, 16-22 µs on a synthetic 49,152-token and 30-36 µs on a synthetic
 * 151,936-token byte-level vocabulary (p99 0.2 / 0.7 ms, max 1.2 ms); building the trie and string tables for
 * 151,936 tokens takes about 0.45 s CPU once per vocabulary.
 */
package dev.titans4j.t2.constrain;
