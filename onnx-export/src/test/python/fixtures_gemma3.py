"""Gemma3ForCausalLM (text) fixtures, on hf_fixture.build (stories260K tokenizer, transformers' greedy ids):

  gemma3-hub-tied            config.json rewritten to the form of the Hub's gemma-3-1b/270m files (transformers
                             4.50: rope_theta, rope_local_base_freq, rope_scaling null, sliding_window_pattern, no
                             layer_types); 6 layers with pattern 3 (sliding, sliding, full, ...); query_pre_attn_scalar
                             24 with head_dim 16; the reference is rerun on the rewritten file and must agree.
  gemma3-untied-bf16-sharded transformers 5's own form (layer_types, rope_parameters per layer type), bf16 weights in
                             shards, untied, linear rope_scaling factor 4 (full layers only), hidden 48 (sqrt(48) is not
                             a bf16 value: see stored_dtype_scale), MQA, head_dim 32.
  gemma3-hd8-softcap         head_dim 8 (the explicit rotary path), final_logit_softcapping 3, attn_logit_softcapping 1
                             (transformers 5.17 never passes it to the attention function: no effect there).

Each prompt (6-14 tokens) is longer than the sliding window (4), and 16 generated tokens cross it again. Besides
expected.json, each folder gets logits.f32: float32 little-endian [positions, 512], transformers' logits over the
longest prompt followed by its greedy ids, in one uncached forward (all positions, so a window off by one or a wrong
rotary base on any layer shows). Checked here before writing: sdpa gives the same ids as eager, and the uncached
argmax equals generate's cached greedy.

    TITANS4J_SHARED=/path/to/shared ~/.cache/titans4j/pyref/bin/python onnx-export/src/test/python/fixtures_gemma3.py
"""
import json
import struct

import torch
from transformers import AutoModelForCausalLM

from hf_fixture import _dump, build, reference

BASE = {"architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text", "hidden_size": 32,
        "intermediate_size": 48, "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "num_attention_heads": 2,
        "num_key_value_heads": 1, "head_dim": 16, "sliding_window": 4}
NEW_TOKENS = 16


def stored_dtype_scale(dtype):
    """transformers multiplies the embeddings by embed_scale.to(weight.dtype): loaded as stored (transformers 5's
    default dtype "auto"), a bf16 checkpoint uses sqrt(hidden) rounded to bf16 (sqrt(48) = 6.928 -> 6.9375), the
    value Gemma was trained with, and the export's. The float32 reference keeps that rounding."""
    def prepare(model):
        embed = model.model.embed_tokens
        embed.embed_scale.fill_(torch.tensor(embed.scalar_embed_scale).to(dtype).item())
    return prepare


def to_hub_form(folder, pattern):
    """Rewrites config.json the way google/gemma-3-1b-it's (transformers 4.50) reads."""
    path = folder / "config.json"
    c = json.loads(path.read_text())
    rope = c.pop("rope_parameters")
    c.pop("layer_types")
    c.pop("_sliding_window_pattern", None)
    c.update(rope_theta=rope["full_attention"]["rope_theta"],
             rope_local_base_freq=rope["sliding_attention"]["rope_theta"], rope_scaling=None,
             sliding_window_pattern=pattern, torch_dtype=c.pop("dtype"), transformers_version="4.50.0.dev0")
    path.write_text(json.dumps(c, indent=2, sort_keys=True))


def cross_checks_and_logits(folder, expected, prepare=None):
    """sdpa = eager, uncached argmax = cached greedy; writes logits.f32 for the longest prompt."""
    eager = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    sdpa = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="sdpa").eval()
    for m in (eager, sdpa):
        if prepare is not None:
            prepare(m)
    with torch.no_grad():
        for case in expected["cases"]:
            ids = torch.tensor([case["prompt_ids"]])
            gen = sdpa.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=NEW_TOKENS, do_sample=False)
            assert gen[0, ids.shape[1]:].tolist() == case["greedy_ids"], f"{folder.name}: sdpa differs from eager"
            seq = case["prompt_ids"] + case["greedy_ids"]
            steps = eager(torch.tensor([seq])).logits[0, len(case["prompt_ids"]) - 1:-1]
            n = len(case["greedy_ids"])
            assert steps.argmax(-1).tolist()[:n] == case["greedy_ids"], f"{folder.name}: uncached argmax differs"
        longest = max(expected["cases"], key=lambda c: len(c["prompt_ids"]))
        logits = eager(torch.tensor([longest["prompt_ids"] + longest["greedy_ids"]])).logits[0]
    (folder / "logits.f32").write_bytes(struct.pack("<%df" % logits.numel(), *logits.flatten().tolist()))
    return longest["text"], list(logits.shape)


def gemma3(name, config, pattern=None, dtype="float32", max_shard_size=None, seed=0, prepare=None):
    folder = build(name, {**BASE, **config}, dtype=dtype, max_shard_size=max_shard_size, seed=seed,
                   new_tokens=NEW_TOKENS, norm_center=0.0, embed_std=config.get("hidden_size", 32) ** -0.5,
                   prepare=prepare)
    expected = json.loads((folder / "expected.json").read_text())
    if pattern is not None:
        to_hub_form(folder, pattern)
        again = reference(folder, [c["text"] for c in expected["cases"]], NEW_TOKENS, prepare=prepare)
        assert [c["greedy_ids"] for c in again["cases"]] == [c["greedy_ids"] for c in expected["cases"]], \
            f"{name}: transformers reads the Hub form differently"
    text, shape = cross_checks_and_logits(folder, expected, prepare)
    expected.update(logits_f32={"text": text, "shape": shape})
    (folder / "expected.json").write_text(_dump(expected))


gemma3("gemma3-hub-tied", {"num_hidden_layers": 6, "sliding_window_pattern": 3, "query_pre_attn_scalar": 24,
                           "rope_theta": 1000.0, "rope_local_base_freq": 50.0, "tie_word_embeddings": True},
       pattern=3, seed=1)
gemma3("gemma3-untied-bf16-sharded", {
    "hidden_size": 48, "intermediate_size": 64, "num_hidden_layers": 5, "head_dim": 32, "query_pre_attn_scalar": 40,
    "layer_types": ["sliding_attention", "sliding_attention", "full_attention", "sliding_attention",
                    "full_attention"],
    "rope_theta": 5000.0, "rope_local_base_freq": 100.0, "rope_scaling": {"rope_type": "linear", "factor": 4.0},
    "tie_word_embeddings": False}, dtype="bfloat16", max_shard_size="100KB", seed=9,
    prepare=stored_dtype_scale(torch.bfloat16))
gemma3("gemma3-hd8-softcap", {"num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 2,
                              "head_dim": 8, "query_pre_attn_scalar": 8, "sliding_window_pattern": 2,
                              "rope_local_base_freq": 10.0, "final_logit_softcapping": 3.0,
                              "attn_logit_softcapping": 1.0, "tie_word_embeddings": True}, seed=7)
