/**
 * Transformer² (arXiv 2501.06252) singular-value fine-tuning at inference time. The exporter factors each MLP
 * matrix as {@code U·diag(s)·Vᵀ} and gives the graph one multiplier input per matrix; an {@link
 * dev.titans4j.t2.svf.SvfExpert} holds one vector per matrix, {@link dev.titans4j.t2.svf.SvfAdapter} mixes experts
 * ({@code z' = Σ α_k z_k}) and applies Sakana's sum-preserving rescale into per-request
 * {@link dev.titans4j.t2.svf.SvfMultipliers}, which travel in
 * {@code OnnxChatRequestParameters.svfMultipliers}: no weight reload, and concurrent requests never share them.
 * Experts are stored by {@link dev.titans4j.t2.svf.SvfExpertFile} (versioned safetensors, checked against the base
 * model on use); Sakana's PyTorch experts are imported by {@code torch.SakanaExpertImporter}; new experts are
 * trained from a reward with forward passes only by {@code train.EsTrainer}.
 */
package dev.titans4j.t2.svf;
