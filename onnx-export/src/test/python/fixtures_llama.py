"""Fixture of the Llama baseline: proves the fixture workflow itself on a family the exporter already had."""
from hf_fixture import build

build("llama-tiny", {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 32,
                     "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                     "num_key_value_heads": 1, "head_dim": 16, "max_position_embeddings": 128,
                     "rms_norm_eps": 1e-5, "tie_word_embeddings": False})
