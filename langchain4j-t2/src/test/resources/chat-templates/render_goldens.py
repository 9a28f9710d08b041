#!/usr/bin/env python3
"""Renders conversations.json with the models' real Hugging Face chat templates (*.jinja, copied from each
model's tokenizer_config.json) into goldens.json, the independent reference for ChatFormatGoldenTest.

Uses jinja2 the way transformers' apply_chat_template does: sandboxed, trim_blocks + lstrip_blocks, its tojson
(json.dumps, ensure_ascii=False) and raise_exception, its {% generation %} tag (SmolLM3) and strftime_now (fixed
here to 26 July 2024, as the formats take a date). Families that think (Qwen3, SmolLM3) are rendered with
enable_thinking true (keys "conversation|gen") and false ("conversation|gen|nothink"); an assistant message's
reasoning_content is what the Java side passes as AiMessage.thinking().
Run from this folder with transformers' jinja2: ~/.cache/titans4j/pyref/bin/python render_goldens.py
"""
import datetime
import json
from pathlib import Path

from jinja2.exceptions import TemplateError
from transformers.utils.chat_template_utils import _compile_jinja_template

HERE = Path(__file__).parent
TEMPLATES = {
    # name: (file, bos, eos, accepts tool calls, tool-result role or None, may refuse a conversation, thinks)
    "qwen2.5": ("qwen2.5.jinja", "", "<|im_end|>", True, "tool", False, False),
    "smollm2": ("smollm2.jinja", "", "<|im_end|>", False, None, False, False),
    "llama3": ("llama3.jinja", "<|begin_of_text|>", "<|eot_id|>", False, "ipython", False, False),
    # rendered with date_string="26 Jul 2024" (Llama 3.1's default; 3.2 would use today's date)
    "llama3.2": ("llama3.2.jinja", "<|begin_of_text|>", "<|eot_id|>", True, "tool", True, False),
    "mistral": ("mistral-v0.2.jinja", "<s>", "</s>", False, None, True, False),
    "qwen3": ("qwen3.jinja", "", "<|im_end|>", True, "tool", False, True),
    # its tool calls in earlier turns vanish (the template writes content only); tool results become user turns
    "smollm3": ("smollm3.jinja", "", "<|im_end|>", True, "tool", False, True),
    "gemma3": ("gemma3.jinja", "<bos>", "<eos>", False, None, True, False),
    "phi3": ("phi-3.5-mini.jinja", "<s>", "<|endoftext|>", False, None, False, False),
    "phi4-mini": ("phi-4-mini.jinja", "<|endoftext|>", "<|endoftext|>", False, None, False, False),
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


def compile_template(file):
    """The template as transformers compiles it, with strftime_now fixed to the goldens' date."""
    template = _compile_jinja_template((HERE / file).read_text(encoding="utf-8"))
    template.globals["strftime_now"] = lambda fmt: datetime.date(2024, 7, 26).strftime(fmt)
    return template


def main():
    conversations = json.loads((HERE / "conversations.json").read_text(encoding="utf-8"))
    goldens = {}
    for name, (file, bos, eos, tools, tool_role, alternating, thinks) in TEMPLATES.items():
        template = compile_template(file)
        goldens[name] = {}
        for conv_name, conversation in conversations.items():
            has_calls = any("tool_calls" in m for m in conversation)
            has_results = any(m["role"] == "tool" for m in conversation)
            if (has_calls and not tools) or (has_results and tool_role is None):
                continue
            for gen in (True, False):
                for thinking in ((True, False) if thinks else (True,)):
                    try:
                        text = template.render(messages=hf_messages(conversation, tool_role),
                                               add_generation_prompt=gen, enable_thinking=thinking, bos_token=bos,
                                               eos_token=eos, date_string="26 Jul 2024")
                    except TemplateError:
                        if alternating:
                            continue
                        raise
                    key = f"{conv_name}|{'gen' if gen else 'nogen'}" + ("" if thinking else "|nothink")
                    goldens[name][key] = text
    (HERE / "goldens.json").write_text(json.dumps(goldens, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
