"""Tiny random-weight Gemma3ForCausalLM (text) checkpoints and what real transformers does with them.

Run from the repository root with the reference venv (transformers 5.17.0, torch 2.14.1, CPU):

    ~/.cache/titans4j/pyref/bin/python onnx-export/src/test/python/gemma3_fixtures.py

Writes onnx-export/src/test/resources/fixtures/gemma3/<case>/: a checkpoint folder as the Hub has them
(config.json, generation_config.json, model*.safetensors, tokenizer.json, tokenizer_config.json) plus
expected.json (prompts, transformers' greedy continuations, smallest top-1 margin) and logits.f32 (float32
little-endian [positions, vocab]: transformers' logits over prompt 0 followed by its greedy continuation, one
forward pass without cache).

Every expectation comes from a model re-loaded from the written folder with from_pretrained, so the files on disk
are what transformers interprets, computing in float32 with eager attention (sdpa gives the same ids), the
embedding scale rounded to the stored dtype as transformers' default load does (see stored_dtype_scale). The cases:
  hub_f32_tied      config.json in the form of the Hub's gemma-3-1b/270m files (transformers 4.50: rope_theta,
                    rope_local_base_freq, rope_scaling null, sliding_window_pattern, no layer_types); 6 layers
                    with pattern 3 -> sliding, sliding, full, sliding, sliding, full; query_pre_attn_scalar differs
                    from head_dim; eos [1, 106] as the instruction-tuned checkpoints.
  v5_bf16_sharded   transformers 5's own save_pretrained (rope_parameters per layer type, explicit layer_types),
                    bf16 weights in 3 shards, untied LM head, linear rope_scaling factor 4 (full_attention layers
                    only), hidden 48 (sqrt(48) is not a bf16/float16 value), MQA (1 kv head), head_dim 32.
  softcap_hd8       head_dim 8 (not a multiple of 16), final_logit_softcapping 3.0 and attn_logit_softcapping 1.0.
                    transformers 5.17's Gemma3Attention never passes attn_logit_softcapping to the attention
                    function (eager or sdpa), so it has no effect there; the logits prove the export ignores it too.
"""
import json
import os
import struct
import sys

import torch
from safetensors.torch import load_file
from transformers import Gemma3ForCausalLM, Gemma3TextConfig

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "gemma3")
VOCAB = 256
NEW_TOKENS = 10
PROMPT_LENGTHS = (9, 14, 20)

CASES = {
    "hub_f32_tied": dict(
        config=dict(hidden_size=32, intermediate_size=48, num_hidden_layers=6, num_attention_heads=2,
                    num_key_value_heads=1, head_dim=16, query_pre_attn_scalar=24, sliding_window=5,
                    sliding_window_pattern=3, rope_theta=1000.0, rope_local_base_freq=50.0,
                    max_position_embeddings=64, tie_word_embeddings=True, eos_token_id=[1, 106]),
        dtype=torch.float32, shard=None, hub_form=True, seed=1),
    "v5_bf16_sharded": dict(
        config=dict(hidden_size=48, intermediate_size=64, num_hidden_layers=5, num_attention_heads=2,
                    num_key_value_heads=1, head_dim=32, query_pre_attn_scalar=40, sliding_window=6,
                    layer_types=["sliding_attention", "sliding_attention", "full_attention", "sliding_attention",
                                 "full_attention"],
                    rope_theta=5000.0, rope_local_base_freq=100.0,
                    rope_scaling={"rope_type": "linear", "factor": 4.0},
                    max_position_embeddings=64, tie_word_embeddings=False),
        dtype=torch.bfloat16, shard="100KB", hub_form=False, seed=2),
    "softcap_hd8": dict(
        config=dict(hidden_size=32, intermediate_size=40, num_hidden_layers=4, num_attention_heads=4,
                    num_key_value_heads=2, head_dim=8, query_pre_attn_scalar=8, sliding_window=4,
                    sliding_window_pattern=2, rope_theta=10000.0, rope_local_base_freq=10.0,
                    max_position_embeddings=64, tie_word_embeddings=True,
                    final_logit_softcapping=3.0, attn_logit_softcapping=1.0),
        dtype=torch.float32, shard=None, hub_form=False, seed=8),
}


def randomize(model, seed):
    """Unit-size activations and logits a few units apart: linear N(0, 1/fan_in), LM head N(0, (4/sqrt(hidden))^2), norm weights N(0.5, 0.3^2) (Gemma stores w of (1 + w):
    a scale of 1.5 on average, far from what w alone would give). Embeddings N(0, (1/sqrt(hidden))^2): times Gemma's
    sqrt(hidden) scale the residual stream starts at unit size, below the sum of the sublayer outputs (larger
    embeddings make tied models repeat their last token)."""
    g = torch.Generator().manual_seed(seed)
    hidden = model.config.hidden_size
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(0.5 + 0.3 * torch.randn(p.shape, generator=g))
                continue
            elif "embed_tokens" in name:
                std = 1 / hidden ** 0.5
            elif "lm_head" in name:
                std = 4 / hidden ** 0.5
            else:
                std = p.shape[1] ** -0.5
            p.copy_(torch.randn(p.shape, generator=g) * std)


def tokenizer_files(folder):
    """A WordLevel tokenizer.json with Gemma's special ids: <pad> 0, <eos> 1, <bos> 2, <end_of_turn> 106."""
    names = {0: "<pad>", 1: "<eos>", 2: "<bos>", 106: "<end_of_turn>"}
    vocab = {names.get(i, "t%d" % i): i for i in range(VOCAB)}
    added = [dict(id=i, content=n, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
             for i, n in sorted(names.items())]
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
           "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": None, "decoder": None,
           "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<pad>"}}
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tok, f)
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"add_bos_token": True, "add_eos_token": False, "bos_token": "<bos>", "eos_token": "<eos>",
                   "pad_token": "<pad>", "tokenizer_class": "GemmaTokenizer"}, f, indent=2)


def to_hub_form(folder, cfg):
    """Rewrites config.json the way google/gemma-3-1b-it's (transformers 4.50) reads."""
    path = os.path.join(folder, "config.json")
    with open(path) as f:
        c = json.load(f)
    rope = c.pop("rope_parameters")
    c.pop("layer_types")
    c.pop("_sliding_window_pattern", None)
    c["rope_theta"] = rope["full_attention"]["rope_theta"]
    c["rope_local_base_freq"] = rope["sliding_attention"]["rope_theta"]
    c["rope_scaling"] = None
    c["sliding_window_pattern"] = cfg["sliding_window_pattern"]
    c["torch_dtype"] = c.pop("dtype")
    c["transformers_version"] = "4.50.0.dev0"
    with open(path, "w") as f:
        json.dump(c, f, indent=2, sort_keys=True)


def stored_dtype_scale(model, dtype):
    """transformers multiplies the embeddings by embed_scale.to(weight.dtype): loaded as stored (transformers 5's
    default dtype "auto"), a bf16 checkpoint uses sqrt(hidden) rounded to bf16 (sqrt(48) = 6.928 -> 6.9375), the
    value Gemma was trained with. The float32 reference keeps that rounding, as the export does."""
    embed = model.model.embed_tokens
    embed.embed_scale.fill_(torch.tensor(embed.scalar_embed_scale).to(dtype).item())


def greedy(model, prompt):
    """generate's greedy search for NEW_TOKENS ids (EOS switched off: the runtime's stop rule is not under test)."""
    model.generation_config.eos_token_id = None
    out = model.generate(torch.tensor([prompt]), max_new_tokens=NEW_TOKENS, do_sample=False)
    return out[0, len(prompt):].tolist()


def main():
    torch.set_num_threads(1)
    for name, case in CASES.items():
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        folder = os.path.join(ROOT, name)
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            os.remove(os.path.join(folder, old))
        kwargs = dict(case["config"])
        config = Gemma3TextConfig(vocab_size=VOCAB, **kwargs)
        config.architectures = ["Gemma3ForCausalLM"]
        model = Gemma3ForCausalLM(config).eval()
        randomize(model, case["seed"])
        model = model.to(case["dtype"])
        save = dict(max_shard_size=case["shard"]) if case["shard"] else {}
        model.save_pretrained(folder, **save)
        if case["hub_form"]:
            to_hub_form(folder, kwargs)
        tokenizer_files(folder)

        # what transformers makes of the files: fp32 compute (the export's), eager and sdpa
        ref = Gemma3ForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
        sdpa = Gemma3ForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="sdpa").eval()
        for m in (ref, sdpa):
            stored_dtype_scale(m, case["dtype"])
        gen = torch.Generator().manual_seed(100 + case["seed"])
        prompts = [[2] + torch.randint(3, VOCAB, (n - 1,), generator=gen).tolist() for n in PROMPT_LENGTHS]
        expected = []
        margin = float("inf")
        with torch.no_grad():
            for prompt in prompts:
                ids = greedy(ref, prompt)
                assert greedy(sdpa, prompt) == ids, name + ": sdpa and eager disagree"
                full = ref(torch.tensor([prompt + ids])).logits[0]  # no cache: cross-checks the sliding cache
                steps = full[len(prompt) - 1:-1]
                assert steps.argmax(-1).tolist() == ids, name + ": cached and uncached greedy disagree"
                top2 = steps.topk(2, dim=-1).values
                margin = min(margin, (top2[:, 0] - top2[:, 1]).min().item())
                expected.append(dict(prompt=prompt, generated=ids))
            logits = ref(torch.tensor([prompts[0] + expected[0]["generated"]])).logits[0].float()
            bf16_ids = None
            if case["dtype"] == torch.bfloat16:
                native = Gemma3ForCausalLM.from_pretrained(folder, dtype=torch.bfloat16,
                                                           attn_implementation="eager").eval()
                bf16_ids = [greedy(native, p) for p in prompts]
        with open(os.path.join(folder, "logits.f32"), "wb") as f:
            f.write(struct.pack("<%df" % logits.numel(), *logits.flatten().tolist()))
        doc = dict(case=name, transformers="5.17.0", torch=torch.__version__, compute="float32, eager attention, embed_scale rounded to the stored dtype",
                   layer_types=ref.config.layer_types, sliding_window=ref.config.sliding_window,
                   rope_parameters=ref.config.rope_parameters, min_top1_margin=round(margin, 6),
                   logits_shape=list(logits.shape), greedy=expected)
        if bf16_ids is not None:
            doc["greedy_bf16_compute"] = bf16_ids
        with open(os.path.join(folder, "expected.json"), "w") as f:
            json.dump(doc, f, indent=1)
        size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
        print("%s: %s, min top-1 margin %.4f, %d bytes" % (name, ref.config.layer_types, margin, size),
              file=sys.stderr)


if __name__ == "__main__":
    main()
