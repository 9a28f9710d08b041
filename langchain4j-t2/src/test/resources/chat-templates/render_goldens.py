#!/usr/bin/env python3
"""Renders conversations.json with the models' real Hugging Face chat templates (*.jinja, copied from each
model's tokenizer_config.json) into goldens.json, the independent reference for ChatFormatGoldenTest.

Uses jinja2 the way transformers' apply_chat_template does: sandboxed, trim_blocks + lstrip_blocks, its tojson
(json.dumps, ensure_ascii=False) and raise_exception. Run from this folder: python3 render_goldens.py
"""
import json
from pathlib import Path

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = Path(__file__).parent
TEMPLATES = {
    # name: (file, bos, eos, accepts tool calls, tool-result role or None, may refuse a conversation)
    "qwen2.5": ("qwen2.5.jinja", "", "<|im_end|>", True, "tool", False),
    "smollm2": ("smollm2.jinja", "", "<|im_end|>", False, None, False),
    "llama3": ("llama3.jinja", "<|begin_of_text|>", "<|eot_id|>", False, "ipython", False),
    # rendered with date_string="26 Jul 2024" (Llama 3.1's default; 3.2 would use today's date)
    "llama3.2": ("llama3.2.jinja", "<|begin_of_text|>", "<|eot_id|>", True, "tool", True),
    "mistral": ("mistral-v0.2.jinja", "<s>", "</s>", False, None, True),
}


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def hf_messages(conversation, tool_role):
    out = []
    for m in conversation:
        m = dict(m)
        if "tool_calls" in m:
            m["tool_calls"] = [{"type": "function", "id": c["id"],
                                "function": {"name": c["name"], "arguments": json.loads(c["arguments"])}}
                               for c in m["tool_calls"]]
        if m["role"] == "tool":
            m["role"] = tool_role
        out.append(m)
    return out


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    conversations = json.loads((HERE / "conversations.json").read_text(encoding="utf-8"))
    goldens = {}
    for name, (file, bos, eos, tools, tool_role, alternating) in TEMPLATES.items():
        template = env.from_string((HERE / file).read_text(encoding="utf-8"))
        goldens[name] = {}
        for conv_name, conversation in conversations.items():
            has_calls = any("tool_calls" in m for m in conversation)
            has_results = any(m["role"] == "tool" for m in conversation)
            if (has_calls and not tools) or (has_results and tool_role is None):
                continue
            for gen in (True, False):
                try:
                    text = template.render(messages=hf_messages(conversation, tool_role), add_generation_prompt=gen,
                                           bos_token=bos, eos_token=eos, date_string="26 Jul 2024")
                except TemplateError:
                    if alternating:
                        continue
                    raise
                goldens[name][f"{conv_name}|{'gen' if gen else 'nogen'}"] = text
    (HERE / "goldens.json").write_text(json.dumps(goldens, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
