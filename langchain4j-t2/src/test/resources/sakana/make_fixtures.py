"""Writes the Sakana expert fixtures of SakanaExpertImporterTest with real torch.save.

Rerun (Debian's python3-torch, CPU only, no network; from the repository root):
    /usr/bin/python3 langchain4j-t2/src/test/resources/sakana/make_fixtures.py
and commit the .pt files it writes next to this script.

The model is TinyCheckpoint.llama().headDim(16).intermediate(40) of the Java tests (hidden 32, 2 layers, 4 heads,
2 KV heads, vocab 64): an nn.Module tree registered in the order of Hugging Face's LlamaForCausalLM, so that
model.state_dict() lists its tensors in the same order (transformers itself is not needed for that). Policy is
copied from SakanaAI/self-adaptive-llms policy/base.py (unchanged but for the device), and the files are saved as
svd_reinforce_hydra.py saves them: torch.save(policy.state_dict()) -> policy_params.pt (their default) and
torch.save(policy.get_learnable_params()) -> learnable_params.pt (only with save_legacy_params).

Every value is k/64 with |k| <= 255, exact in bfloat16: value(n, i) for the n-th MLP matrix, index i, is
(((n * 53 + i * 29) % 511) - 255) / 64 (SakanaExpertImporterTest computes the same).
"""

import os
from collections import OrderedDict

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


# --- from SakanaAI/self-adaptive-llms policy/base.py --------------------------------------------------------------
class Policy(nn.Module):
    def __init__(self, base_params, gpu, init_val, max_mult=1, **kwargs):
        # Create learnable parameters.
        super().__init__()
        self.learnable_params = {}
        self.num_params = 0
        self.max_mult = max_mult
        for k, v in base_params.items():
            # each param initialized with small gaussian noise
            if "mlp" in k:
                self.learnable_params[k] = torch.nn.Parameter(
                    data=(
                        torch.randn(
                            min(v.shape),
                            device=gpu,
                            dtype=torch.bfloat16,
                        )
                        * 0.01
                        + init_val
                    ),
                    requires_grad=True,
                )
                self.num_params += self.learnable_params[k].numel()
        self.learnable_params_list = list(self.learnable_params.values())
        self.trainable_params = self.learnable_params_list
        self.learnable_params_module_list = nn.ParameterList(self.learnable_params_list)

    def get_learnable_params(self, detach=False):
        return self.learnable_params

    def set_trainable_params_values(self, new_values):
        with torch.no_grad():
            for p, v in zip(self.trainable_params, new_values):
                p.data.copy_(v)
# -------------------------------------------------------------------------------------------------------------------


class RMSNorm(nn.Module):
    def __init__(self, size):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))


class Attention(nn.Module):  # LlamaAttention registers q, k, v, o
    def __init__(self, hidden, heads, kv_heads, head_dim):
        super().__init__()
        self.q_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=False)


class Mlp(nn.Module):  # LlamaMLP registers gate, up, down
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)


class Layer(nn.Module):  # LlamaDecoderLayer: self_attn, mlp, input_layernorm, post_attention_layernorm
    def __init__(self, hidden, intermediate, heads, kv_heads, head_dim):
        super().__init__()
        self.self_attn = Attention(hidden, heads, kv_heads, head_dim)
        self.mlp = Mlp(hidden, intermediate)
        self.input_layernorm = RMSNorm(hidden)
        self.post_attention_layernorm = RMSNorm(hidden)


class Model(nn.Module):  # LlamaModel: embed_tokens, layers, norm
    def __init__(self, vocab, hidden, intermediate, layers, heads, kv_heads, head_dim):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList(
            [Layer(hidden, intermediate, heads, kv_heads, head_dim) for _ in range(layers)])
        self.norm = RMSNorm(hidden)


class LlamaForCausalLM(nn.Module):  # model, lm_head
    def __init__(self, vocab=64, hidden=32, intermediate=40, layers=2, heads=4, kv_heads=2, head_dim=16):
        super().__init__()
        self.model = Model(vocab, hidden, intermediate, layers, heads, kv_heads, head_dim)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)


def value(n, i):
    return (((n * 53 + i * 29) % 511) - 255) / 64


def trained_policy(**shape):
    torch.manual_seed(0)
    base_params = LlamaForCausalLM(**shape).state_dict()  # what svd_reinforce_hydra.py passes to Policy
    policy = Policy(base_params=base_params, gpu="cpu", init_val=0.1)
    policy.set_trainable_params_values([
        torch.tensor([value(n, i) for i in range(p.numel())], dtype=torch.bfloat16)
        for n, p in enumerate(policy.trainable_params)])
    return policy


def save(obj, name):
    torch.save(obj, os.path.join(HERE, name))
    print("wrote", name)


if __name__ == "__main__":
    policy = trained_policy()
    save(policy.state_dict(), "policy_params.pt")
    save(policy.get_learnable_params(), "learnable_params.pt")
    # for the mismatch errors: a policy of a 3-layer model (9 vectors), one of a hidden-24 model (vectors of 24)
    save(trained_policy(layers=3).state_dict(), "policy_params_3_layers.pt")
    save(trained_policy(hidden=24, head_dim=8).state_dict(), "policy_params_hidden_24.pt")
    # a wrong key set: index 4 missing, as a hand-edited or truncated state dict would be
    edited = OrderedDict((k, v) for k, v in policy.state_dict().items() if not k.endswith(".4"))
    save(edited, "policy_params_gap.pt")
