/**
 * The Hugging Face side of an export: {@link dev.titans4j.export.hf.ModelConfig} (config.json,
 * generation_config.json and tokenizer_config.json with transformers' per-architecture defaults), one
 * {@link dev.titans4j.export.hf.FamilySpec} per architecture (config defaults, weight names and the graph hooks
 * {@code DecoderGraphBuilder} calls; registered in {@link dev.titans4j.export.hf.Families}),
 * {@link dev.titans4j.export.hf.WeightNames}, and {@link dev.titans4j.export.hf.CheckpointValidator}, which checks a
 * checkpoint's tensors against the configuration before anything is built. Unsupported or malformed configurations
 * raise {@link dev.titans4j.export.hf.ModelConfigException}; weights that do not fit the configuration raise
 * {@link dev.titans4j.export.hf.CheckpointMismatchException}. Both are {@code IOException}s with user-facing
 * messages.
 */
package dev.titans4j.export.hf;
