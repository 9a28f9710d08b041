#!/usr/bin/env python3
"""Renders conversations.json with real chat templates of families that have no hand-written chat format
(Phi-4-mini, Gemma 3, DeepSeek-R1-Distill-Qwen) into jinja-goldens.json, the independent reference for
JinjaChatFormatGoldenTest. Same jinja2 setup as render_goldens.py (transformers' apply_chat_template).
A conversation the template refuses through raise_exception is recorded as {"error": message}.
SNIPPETS (small templates on the features the engine must match: whitespace control, tojson, Python string and
dict methods, namespace, slicing) are rendered over the first conversation into jinja-snippets.json.
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


SNIPPETS = {
    "whitespace": "A\n  {% if true %}\n    B {{- ' C ' -}} D\n  {%- endif %}\n{%+ if true %}E{% endif +%}\nF\n"
                  "{# note #}\nG   {%- for m in messages %} H{% endfor %}\n  {{ 'I' }}\n",
    "tojson": "{{ messages[0] | tojson }}|{{ '}}' }}|{{ {'a': [1, 2.5, none, true], 'é': 'ü\"\\\\\n'} | tojson }}|"
              "{{ {'x': {'y': []}, 'z': {}} | tojson(indent=2) }}",
    "str_methods": "{% set c = '  <think>a</think>b  ' %}{{ 'T' if c.strip().startswith('<think>') else 'F' }} "
                   "{{ c.split('</think>')[-1] }}|{{ c.rstrip() }}|{{ c.lstrip() }}|{{ 'a,b,,c'.split(',') | length }} "
                   "{{ 'AbC'.lower() }}{{ 'AbC'.upper() }} {{ 'x y  z'.split() | join('-') }} "
                   "{{ 'aXa'.replace('a', 'b') }} {{ 'T' if c.endswith(('b  ', 'q')) else 'F' }}",
    "dict_methods": "{% for k, v in messages[0].items() %}{{ k }}={{ v }};{% endfor %}"
                    "{{ messages[0].get('missing', 'dflt') }}{{ messages[0].get('role') }}",
    "namespace_slices": "{% set ns = namespace(n=0, s='') %}{% for m in messages[1:] %}{% set ns.n = ns.n + 1 %}"
                        "{% set ns.s = ns.s + '/' + m.role %}{% endfor %}{{ ns.n }}{{ ns.s }} {{ messages[-1].role }} "
                        "{{ (messages | length) // 2 }} {{ 'yes' if messages[0].content is string else 'no' }} "
                        "{{ 'd' if undefined_var is defined else 'u' }}",
}


def render_snippets(env, conversations):
    messages = hf_messages(conversations["system_and_turns"], "tool")
    return {name: env.from_string(text).render(messages=messages) for name, text in SNIPPETS.items()}


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
    snippets = {name: {"template": SNIPPETS[name], "rendered": text}
                for name, text in render_snippets(env, conversations).items()}
    (HERE / "jinja-snippets.json").write_text(json.dumps(snippets, ensure_ascii=False, indent=1) + "\n",
                                              encoding="utf-8")


if __name__ == "__main__":
    main()
