#!/usr/bin/env python3
"""Renders conversations.json with real chat templates of families that have no hand-written chat format
(Phi-4-mini, Gemma 3, DeepSeek-R1-Distill-Qwen) into jinja-goldens.json, the independent reference for
JinjaChatFormatGoldenTest. Same jinja2 setup as render_goldens.py (transformers' apply_chat_template).
A conversation the template refuses through raise_exception is recorded as {"error": message}.
Templates: phi-4-mini.jinja from microsoft/Phi-4-mini-instruct's tokenizer_config.json; gemma3.jinja from
google/gemma-3-1b-it's; deepseek-r1-distill-qwen.jinja from deepseek-ai/DeepSeek-R1-Distill-Qwen-32B's (as copied
into llama.cpp's models/templates). Run from this folder: python3 render_jinja_goldens.py
"""
import json
from pathlib import Path

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols

from render_goldens import hf_messages, raise_exception, tojson

HERE = Path(__file__).parent
TEMPLATES = {
    # name: (file, bos, eos, renders tool calls (the template concatenates arguments as a string: leave those out))
    "phi-4-mini": ("phi-4-mini.jinja", "<|endoftext|>", "<|endoftext|>", True),
    "gemma3": ("gemma3.jinja", "<bos>", "<eos>", True),
    "deepseek-r1-distill-qwen": ("deepseek-r1-distill-qwen.jinja", "<｜begin▁of▁sentence｜>",
                                 "<｜end▁of▁sentence｜>", False),
}


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    conversations = json.loads((HERE / "conversations.json").read_text(encoding="utf-8"))
    goldens = {}
    for name, (file, bos, eos, tool_calls) in TEMPLATES.items():
        template = env.from_string((HERE / file).read_text(encoding="utf-8"))
        goldens[name] = {}
        for conv_name, conversation in conversations.items():
            if not tool_calls and any("tool_calls" in m for m in conversation):
                continue
            for gen in (True, False):
                key = f"{conv_name}|{'gen' if gen else 'nogen'}"
                try:
                    goldens[name][key] = template.render(messages=hf_messages(conversation, "tool"), tools=None,
                                                         add_generation_prompt=gen, bos_token=bos, eos_token=eos)
                except TemplateError as e:
                    goldens[name][key] = {"error": str(e)}
    (HERE / "jinja-goldens.json").write_text(json.dumps(goldens, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")


if __name__ == "__main__":
    main()
