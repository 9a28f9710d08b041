"""SmolLM3ForCausalLM fixtures: layers without RoPE (the default every-fourth-layer rule, and an explicit
no_rope_layers list), tied (the SmolLM3 default) and untied, bf16, and sliding windows on the no-RoPE layers."""
from hf_fixture import build

BASE = {"architectures": ["SmolLM3ForCausalLM"], "model_type": "smollm3", "hidden_size": 32,
        "intermediate_size": 64, "num_hidden_layers": 4, "max_position_embeddings": 128, "rms_norm_eps": 1e-6,
        "num_attention_heads": 4, "num_key_value_heads": 2}

# head_dim 8 (explicit rotary path); no_rope_layer_interval 4: layer 3 has no RoPE
build("smollm3-tied-interval", {**BASE, "tie_word_embeddings": True}, seed=5)
# head_dim 16 (fused rotary); layers 1 and 3 without RoPE, and those slide (window 4)
build("smollm3-untied-bf16-window", {**BASE, "num_attention_heads": 2, "num_key_value_heads": 1,
                                     "tie_word_embeddings": False, "no_rope_layers": [1, 0, 1, 0],
                                     "use_sliding_window": True, "sliding_window": 4}, dtype="bfloat16", seed=6)
