"""Tiny random-weight Phi3ForCausalLM checkpoints and what real transformers does with them.

Run with the reference venv (never at build time; the outputs are committed as test resources):

    ~/.cache/titans4j/pyref/bin/python onnx-export/src/test/python/phi3_fixtures.py

Writes onnx-export/src/test/resources/hf-fixtures/phi3-*/ (read by HfFixture like every family's fixtures, with
hf_fixture.py's tokenizer files and expected.json layout): a Hugging Face folder in the hub's own config format
(``rope_scaling`` with ``type: longrope``, top-level ``rope_theta``/``partial_rotary_factor``, as
Phi-3.5-mini/Phi-4-mini ship it), stories260K's tokenizer files (vocabulary 512), and ``expected.json``. Not
hf_fixture.build(): that one writes transformers 5's own config layout and takes generate()'s ids, which are not
the model's output once a cached generation crosses the longrope switch (below). expected.json holds:

* ``rope``: transformers' own short/long inverse frequencies and attention factor (Phi3RotaryEmbedding after its
  longrope update at a short and at a long position), for the Java tests to compare with their hand-derived values;
* ``cases``: greedy continuations of random-id prompts (``text``: their decoding). ``greedy_ids`` is the model's
  defined output: each next token from one forward pass over the whole sequence (no cache), which is what Phi3ForCausalLM.prepare_inputs_for_generation intends when
  it drops the cache at the short->long switch ("enforce re-compute cache"). Where transformers' own
  ``generate()`` (default DynamicCache) agrees it is the source (``generate_ids`` equals it); in transformers 5.17 it
  does not agree once a cached generation crosses original_max_position_embeddings: the override drops the cache but
  generate() still feeds only the newest token, and the dropped cache is dropped again every later step, so each
  token after the switch sees only itself. ``generate_ids`` records that output as measured.
  ``stale_cache_ids``: a decoder that keeps the short-rotated keys already in the cache and rotates only the new
  positions with the long table (one cache, never dropped) -- what an export produces without re-prefilling;
* ``last_logits``: the logits after each prompt (fp32 compute).

bf16 checkpoints are run in float32 on their bf16-rounded weights (the export computes in float32 too).
"""
import copy
import json
import math
import os
import shutil
import sys
from pathlib import Path

import torch
import transformers
from transformers import AutoTokenizer, Phi3Config, Phi3ForCausalLM
from transformers.cache_utils import DynamicCache

from hf_fixture import FIXTURES, TOKENIZER_FILES, TOKENIZER_SOURCE, VOCAB, _dump

VARIANTS = {
    # Phi-3(.5)-mini-like: full rotary (head_dim 8: the explicit rotate_half path), MHA, untied, float32,
    # sliding window; base 10^4 over rotary dim 8 makes base^(2i/8) = 10^i, so inv_freq_i = 1/(factor_i * 10^i)
    "phi3-longrope-mini": dict(
        hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
        tie_word_embeddings=False, max_position_embeddings=64, original_max_position_embeddings=16,
        rope_theta=10000.0, partial_rotary_factor=None, sliding_window=20,
        short_factor=[1.0, 2.0, 4.0, 5.0], long_factor=[3.0, 5.0, 8.0, 10.0],
        dtype=torch.float32, shards=1, seed=11),
    # Phi-4-mini-like: partial_rotary_factor 0.75 of head_dim 16 = rotary dim 12 (GroupQueryAttention's fused
    # rotary), GQA 4/2, tied, bf16, two shards; base 10^6 over dim 12 makes base^(2i/12) = 10^i again
    "phi3-longrope-partial-tied": dict(
        hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        tie_word_embeddings=True, max_position_embeddings=128, original_max_position_embeddings=16,
        rope_theta=1000000.0, partial_rotary_factor=0.75, sliding_window=None,
        short_factor=[1.0, 1.0, 2.0, 2.0, 4.0, 5.0], long_factor=[2.0, 4.0, 5.0, 8.0, 10.0, 20.0],
        dtype=torch.bfloat16, shards=2, seed=12),
    # Phi-4-mini's own rotary shape: head_dim 64 with factor 0.75 = rotary dim 48 (a cos_cache width of 24, a
    # multiple of 8: GroupQueryAttention's fused partial rotary), GQA 2/1, tied, bf16, one layer to stay small
    "phi3-longrope-partial-fused": dict(
        hidden_size=128, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
        tie_word_embeddings=True, max_position_embeddings=256, original_max_position_embeddings=16,
        rope_theta=10000.0, partial_rotary_factor=0.75, sliding_window=None,
        short_factor=[1.0 + 0.05 * i for i in range(24)], long_factor=[1.0 + 0.75 * i for i in range(24)],
        dtype=torch.bfloat16, shards=1, seed=14),
    # Phi-3-mini-4k-like: no rope_scaling (plain RoPE), full rotary over head_dim 16 (fused rotary), GQA, bf16
    "phi3-default-rope": dict(
        hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        tie_word_embeddings=False, max_position_embeddings=64, original_max_position_embeddings=64,
        rope_theta=10000.0, partial_rotary_factor=None, sliding_window=None, short_factor=None, long_factor=None,
        dtype=torch.bfloat16, shards=1, seed=13),
}

# prompt lengths vs original_max_position_embeddings (16): all short, crossing during generation, longer already
CASES = {"short": (6, 8), "crosses": (10, 14), "long_prompt": (20, 10)}


def hub_config(spec):
    """config.json as the hub ships Phi-3.5/Phi-4-mini (rope_scaling/type, top-level rope_theta)."""
    cfg = {
        "architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "vocab_size": VOCAB,
        "hidden_size": spec["hidden_size"], "intermediate_size": spec["intermediate_size"],
        "num_hidden_layers": spec["num_hidden_layers"], "num_attention_heads": spec["num_attention_heads"],
        "num_key_value_heads": spec["num_key_value_heads"], "hidden_act": "silu", "rms_norm_eps": 1e-5,
        "max_position_embeddings": spec["max_position_embeddings"],
        "original_max_position_embeddings": spec["original_max_position_embeddings"],
        "rope_theta": spec["rope_theta"],
        "rope_scaling": None if spec["short_factor"] is None else {
            "type": "longrope", "short_factor": spec["short_factor"], "long_factor": spec["long_factor"]},
        "sliding_window": spec["sliding_window"], "tie_word_embeddings": spec["tie_word_embeddings"],
        "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "attention_bias": False,
        "attention_dropout": 0.0, "embd_pdrop": 0.0, "resid_pdrop": 0.0, "initializer_range": 0.02,
        "use_cache": True,
        "torch_dtype": "bfloat16" if spec["dtype"] == torch.bfloat16 else "float32",
    }
    if spec["partial_rotary_factor"] is not None:
        cfg["partial_rotary_factor"] = spec["partial_rotary_factor"]
    return cfg


def randomise(model, hidden, seed, tied):
    """Weights with activations of unit size and logits a few units apart (as TinyCheckpoint scales them).

    Tied: the head is the embedding, so a 0.5-wide embedding would make every token predict itself (the residual
    stream still holds its own embedding); a 0.1-wide one with a final norm of ~5 keeps the spread of the logits.
    """
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "model.norm.weight" and tied:
                p.copy_(5 * (1 + 0.1 * torch.randn(p.shape, generator=g)))
            elif name.endswith("norm.weight") or "layernorm" in name:
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif "embed_tokens" in name:
                p.copy_((0.1 if tied else 0.5) * torch.randn(p.shape, generator=g))
            elif "lm_head" in name:
                p.copy_(4 / math.sqrt(hidden) * torch.randn(p.shape, generator=g))
            else:
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))


def no_cache_greedy(model, prompt, count):
    seq, out, margins = list(prompt), [], []
    for _ in range(count):
        logits = model(torch.tensor([seq]), use_cache=False).logits[0, -1]
        top = torch.topk(logits, 2).values
        margins.append(float(top[0] - top[1]))
        t = int(logits.argmax())
        out.append(t)
        seq.append(t)
    return out, min(margins)


def stale_cache_greedy(model, prompt, count):
    """One cache, never dropped: the rotary table follows max(position_ids) + 1 per call, cached keys keep theirs."""
    cache = DynamicCache(config=model.config)
    logits = model(torch.tensor([prompt]), past_key_values=cache, use_cache=True).logits[0, -1]
    out = []
    for i in range(count):
        t = int(logits.argmax())
        out.append(t)
        pos = torch.tensor([[len(prompt) + i]])
        logits = model(torch.tensor([[t]]), past_key_values=cache, position_ids=pos, use_cache=True).logits[0, -1]
    return out


def rope_tables(model, orig):
    rot = model.model.rotary_emb
    x = torch.zeros(1, dtype=torch.float32)
    rot(x, torch.tensor([[orig - 1]]))
    short = rot.inv_freq.tolist()
    rot(x, torch.tensor([[orig]]))
    long = rot.inv_freq.tolist()
    rot(x, torch.tensor([[0]]))
    return {"short_inv_freq": short, "long_inv_freq": long, "attention_factor": rot.attention_scaling,
            "rotary_dim": 2 * len(short)}


def build(name, spec):
    out = FIXTURES / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cfg_json = hub_config(spec)
    # a deep copy: Phi3Config fills the rope dict it is given in place (rope_type, rope_theta, ...)
    config = Phi3Config(**{k: copy.deepcopy(v) for k, v in cfg_json.items()
                           if k not in ("architectures", "torch_dtype")})
    model = Phi3ForCausalLM(config).eval()
    randomise(model, spec["hidden_size"], spec["seed"], spec["tie_word_embeddings"])
    model = model.to(spec["dtype"])
    total = sum(p.numel() * p.element_size() for p in model.parameters())
    model.save_pretrained(out, max_shard_size=(total // spec["shards"] + 4096) if spec["shards"] > 1 else "1GB")
    (out / "config.json").write_text(json.dumps(cfg_json, indent=2) + "\n")
    (out / "generation_config.json").write_text(json.dumps(
        {"bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0}, indent=2) + "\n")
    for f in TOKENIZER_FILES:
        shutil.copy(TOKENIZER_SOURCE / f, out / f)
        os.chmod(out / f, 0o644)
    for f in out.glob("*.safetensors"):
        os.chmod(f, 0o644)
    tokenizer = AutoTokenizer.from_pretrained(out)

    # reload from the folder: transformers interprets the hub-format config itself
    model = Phi3ForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    if spec["tie_word_embeddings"]:
        assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()
    orig = spec["original_max_position_embeddings"]
    gen = torch.Generator().manual_seed(spec["seed"] + 100)
    cases = []
    with torch.no_grad():
        rope = rope_tables(model, orig)
        for case, (prompt_len, count) in CASES.items():
            for attempt in range(50):
                prompt = [1] + torch.randint(3, VOCAB, (prompt_len - 1,), generator=gen).tolist()
                expected, margin = no_cache_greedy(model, prompt, count)
                stale = stale_cache_greedy(model, prompt, count)
                # a crossing prompt must show the switch (stale cache != re-prefill); every prompt a clear argmax
                if margin > 0.02 and (case != "crosses" or stale != expected or spec["short_factor"] is None):
                    break
            generated = model.generate(torch.tensor([prompt]), max_new_tokens=count, do_sample=False,
                                       eos_token_id=None, pad_token_id=0)[0, prompt_len:].tolist()
            first = model(torch.tensor([prompt]), use_cache=False).logits[0, -1].tolist()
            cases.append({"text": tokenizer.decode(prompt[1:]), "case": case, "prompt_ids": prompt,
                          "greedy_ids": expected,
                          "source": "generate" if generated == expected else "forward without cache",
                          "generate_ids": generated, "stale_cache_ids": stale, "min_top2_margin": margin,
                          "last_logits": [round(v, 5) for v in first]})
            print(f"{name} {case}: prompt {prompt_len}, expected {expected}\n  generate {generated}\n"
                  f"  stale    {stale}\n  min margin {margin:.4f}", file=sys.stderr)
    expected_json = {"min_top2_margin": min(c["min_top2_margin"] for c in cases), "seed": spec["seed"],
                     "dtype": "bfloat16" if spec["dtype"] == torch.bfloat16 else "float32",
                     "transformers": transformers.__version__, "torch": torch.__version__,
                     "original_max_position_embeddings": orig, "rope": rope, "cases": cases}
    (out / "expected.json").write_text(_dump(expected_json))


if __name__ == "__main__":
    for fixture_name, fixture_spec in VARIANTS.items():
        build(fixture_name, fixture_spec)
