"""Qwen3ForCausalLM fixtures: q/k norm, explicit head_dim (16: GroupQueryAttention's fused rotary; 8: the explicit
rotary path), tied and untied, bf16 in shards, and per-layer sliding windows from use_sliding_window."""
from hf_fixture import build

BASE = {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 32,
        "intermediate_size": 64, "num_hidden_layers": 2, "max_position_embeddings": 128, "rms_norm_eps": 1e-6,
        "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 16}

build("qwen3-tied-hd16", {**BASE, "tie_word_embeddings": True}, seed=1)
build("qwen3-untied-bf16-sharded", {**BASE, "num_attention_heads": 4, "num_key_value_heads": 2,
                                    "tie_word_embeddings": False}, dtype="bfloat16", max_shard_size="40KB", seed=2)
build("qwen3-hd8-explicit-rotary", {**BASE, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
                                    "tie_word_embeddings": True}, seed=3)
# layers >= max_window_layers slide; 5-15 prompt tokens + 16 generated cross the window of 4
build("qwen3-sliding-bias", {**BASE, "tie_word_embeddings": False, "attention_bias": True,
                             "use_sliding_window": True, "sliding_window": 4, "max_window_layers": 1}, seed=4)
