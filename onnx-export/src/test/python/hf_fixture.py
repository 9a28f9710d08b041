"""Random-weight Hugging Face checkpoints with transformers' own greedy output, as committed test fixtures.

Run with the reference venv (real transformers, CPU):
    ~/.cache/titans4j/pyref/bin/python onnx-export/src/test/python/fixtures_qwen3.py

Each family's fixtures_<family>.py calls build(); see README.md next to this file. Nothing here runs at build time:
the outputs under onnx-export/src/test/resources/hf-fixtures/<name>/ are committed and read by HfFixture (Java).
"""
import json
import math
import os
import shutil
from pathlib import Path

import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, GenerationConfig

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "resources" / "hf-fixtures"
SHARED = Path(os.environ.get("TITANS4J_SHARED", HERE.parents[3] / ".." / "shared")).resolve()
TOKENIZER_SOURCE = SHARED / "models" / "stories260K"
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]
VOCAB = 512  # stories260K's tokenizer, so the CLI and the runtime work on the fixture as on a real model
DEFAULT_PROMPTS = ["Once upon a time", "The little dog was happy because",
                   "Lily and Tom went to the park. They saw a big tree and"]


def build(name, config, *, dtype="float32", max_shard_size=None, seed=0, new_tokens=16, prompts=DEFAULT_PROMPTS,
          norm_center=1.0, embed_std=0.5, logits_kept=None, prepare=None):
    """Writes hf-fixtures/<name>: config.json, generation_config.json, safetensors (+ index when sharded),
    the stories260K tokenizer files, and expected.json with transformers' greedy ids and last-position logits.

    config: config.json keys (architectures, model_type and sizes; vocab_size is forced to 512, BOS 1, EOS 2).
    dtype: "float32" or "bfloat16" (weights are rounded to bf16 before the reference runs, so the reference sees
        exactly the stored values; the reference itself computes in float32, as transformers does when loading
        with dtype=torch.float32).
    max_shard_size: e.g. "40KB" to write several shards and model.safetensors.index.json.
    norm_center: RMSNorm weights are norm_center + N(0, 0.1^2) (0.0 for Gemma's (1 + w) norms).
    embed_std: embeddings are N(0, embed_std^2) (Gemma multiplies them by sqrt(hidden): 1/sqrt(hidden) keeps them
        unit-sized; larger ones make a tied model repeat its last token).
    prepare: called with the reference model after loading (see reference()).
    """
    out = FIXTURES / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cfg = dict(config)
    cfg.update(vocab_size=VOCAB, bos_token_id=1, eos_token_id=2, pad_token_id=None)
    hf_config = AutoConfig.for_model(cfg.pop("model_type"), **{k: v for k, v in cfg.items()})
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(hf_config, dtype=torch.float32, attn_implementation="eager")
    _randomize(model, seed, norm_center, embed_std)
    if dtype == "bfloat16":
        model = model.to(torch.bfloat16)
    elif dtype != "float32":
        raise ValueError("dtype must be float32 or bfloat16")
    model.generation_config = GenerationConfig(bos_token_id=1, eos_token_id=2)
    save = {"safe_serialization": True} if "safe_serialization" in model.save_pretrained.__code__.co_varnames else {}
    if max_shard_size:
        save["max_shard_size"] = max_shard_size
    model.save_pretrained(out, **save)
    for f in TOKENIZER_FILES:
        shutil.copy(TOKENIZER_SOURCE / f, out / f)
    expected = reference(out, prompts, new_tokens, logits_kept, prepare)
    expected.update(seed=seed, dtype=dtype, transformers=transformers.__version__, torch=torch.__version__)
    (out / "expected.json").write_text(_dump(expected))
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"{name}: {size // 1024} KB, files {sorted(p.name for p in out.iterdir())}, "
          f"smallest top-2 margin {expected['min_top2_margin']:.3f}")
    return out


def _randomize(model, seed, norm_center, embed_std=0.5):
    """Weights that keep activations of unit size and logits a few units apart (the initializer_range default
    of 0.02 would make every logit nearly equal, and greedy ids a coin toss between runtimes)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(norm_center + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "embed_tokens" in name:
                p.copy_(embed_std * torch.randn(p.shape, generator=g))
            elif name == "lm_head.weight":
                p.copy_(4 / math.sqrt(p.shape[1]) * torch.randn(p.shape, generator=g))
            else:
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[-1]))


def reference(folder, prompts, new_tokens, logits_kept=None, prepare=None):
    """Loads the saved folder back (float32, eager attention) and runs transformers' greedy generate.
    prepare(model), when given, adjusts the loaded model first (e.g. a buffer transformers derives from the dtype)."""
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    if prepare is not None:
        prepare(model)
    model.eval()
    tok = AutoTokenizer.from_pretrained(folder)
    cases = []
    min_margin = math.inf
    for text in prompts:
        ids = tok(text, return_tensors="pt").input_ids
        with torch.no_grad():
            gen = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens,
                                 do_sample=False, output_scores=True, return_dict_in_generate=True)
            logits = model(ids).logits[0, -1]
        for step in gen.scores:
            top = torch.topk(step[0], 2).values
            min_margin = min(min_margin, float(top[0] - top[1]))
        kept = logits if logits_kept is None else logits[:logits_kept]
        cases.append({"text": text, "prompt_ids": ids[0].tolist(),
                      "greedy_ids": gen.sequences[0, ids.shape[1]:].tolist(),
                      "last_logits": [round(float(v), 5) for v in kept]})
    return {"cases": cases, "min_top2_margin": min_margin}


def _dump(expected):
    """One line per case: small and still diffable."""
    cases = ",\n  ".join(json.dumps(c, separators=(",", ":")) for c in expected["cases"])
    rest = {k: v for k, v in expected.items() if k != "cases"}
    head = json.dumps(rest, indent=1)[:-2]
    return head + ',\n "cases": [\n  ' + cases + "\n ]\n}\n"
