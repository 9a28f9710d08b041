#!/usr/bin/env python3
"""Renders ChatML templates whose generation prompt opens <think> into thinking-goldens.json, the independent
reference for JinjaThinkingTest's `chatml` opening <think>.

Two templates, each an edit of a real one here, made the way the models' own templates were made:
- "qwen3-thinking": qwen3.jinja with its enable_thinking switch replaced by a generation prompt that opens <think>
  (Qwen3-Thinking-2507); it keeps Qwen3's reasoning_content / last_query_index history rules.
- "qwq": qwen2.5.jinja without its default system prompt, with every assistant turn's content cut to what follows
  its last </think>, and the same generation prompt (QwQ-32B).
Each entry holds the edited template and its renders ("conversation|gen", "conversation|nogen") of
conversations.json plus EXTRA_CONVERSATIONS. Same jinja2 setup as render_jinja_goldens.py (transformers'
apply_chat_template: sandboxed, trim_blocks + lstrip_blocks, loopcontrols, its tojson), without transformers.
Run from this folder: python3 render_thinking_goldens.py
"""
import json
from pathlib import Path

from jinja2.exceptions import TemplateError
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = Path(__file__).parent
THINKING_GENERATION_PROMPT = "    {{- '<|im_start|>assistant\\n<think>\\n' }}\n"

EXTRA_CONVERSATIONS = {
    # an imported answer that left its reasoning in the text before a tool call
    "think_tags_before_tool_call": [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": "<think>\nI should call the tool.\n</think>\n\nLet me check.",
         "tool_calls": [{"id": "call_1", "name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}]},
        {"role": "tool", "tool_call_id": "call_1", "name": "get_weather", "content": "{\"temperature\": 18}"},
        {"role": "user", "content": "And in Rome?"},
    ],
    # ends with an answer (no generation prompt: the last turn is history too)
    "think_tags_in_last_answer": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "<think>\nA greeting.\n</think>\n\nHello!"},
    ],
}


def replace(text, old, new):
    if old not in text:
        raise ValueError("edit does not apply: " + old[:60])
    return text.replace(old, new)


def qwen3_thinking():
    t = (HERE / "qwen3.jinja").read_text(encoding="utf-8")
    return replace(t, "    {{- '<|im_start|>assistant\\n' }}\n"
                      "    {%- if enable_thinking is defined and enable_thinking is false %}\n"
                      "        {{- '<think>\\n\\n</think>\\n\\n' }}\n"
                      "    {%- endif %}\n", THINKING_GENERATION_PROMPT)


def qwq():
    t = (HERE / "qwen2.5.jinja").read_text(encoding="utf-8")
    t = replace(t, "        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}\n",
                "        {{- '' }}\n")
    t = replace(t, "    {%- else %}\n        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud."
                   " You are a helpful assistant.<|im_end|>\\n' }}\n", "")
    t = replace(t, " or (message.role == \"assistant\" and not message.tool_calls) %}\n"
                   "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
                   "    {%- elif message.role == \"assistant\" %}\n"
                   "        {{- '<|im_start|>' + message.role }}\n"
                   "        {%- if message.content %}\n"
                   "            {{- '\\n' + message.content }}\n",
                " %}\n"
                "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
                "    {%- elif message.role == \"assistant\" and not message.tool_calls %}\n"
                "        {%- set content = message.content.split('</think>')[-1].lstrip('\\n') %}\n"
                "        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}\n"
                "    {%- elif message.role == \"assistant\" %}\n"
                "        {%- set content = message.content.split('</think>')[-1].lstrip('\\n') %}\n"
                "        {{- '<|im_start|>' + message.role }}\n"
                "        {%- if message.content %}\n"
                "            {{- '\\n' + content }}\n")
    return replace(t, "    {{- '<|im_start|>assistant\\n' }}\n", THINKING_GENERATION_PROMPT)


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def hf_messages(conversation):
    """As render_goldens.py passes them: tool calls with object arguments, reasoning as reasoning_content."""
    out = []
    for m in conversation:
        m = dict(m)
        if "tool_calls" in m:
            m["tool_calls"] = [{"type": "function", "id": c["id"],
                                "function": {"name": c["name"], "arguments": json.loads(c["arguments"])}}
                               for c in m["tool_calls"]]
        out.append(m)
    return out


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    conversations = json.loads((HERE / "conversations.json").read_text(encoding="utf-8"))
    conversations.update(EXTRA_CONVERSATIONS)
    goldens = {"extra_conversations": EXTRA_CONVERSATIONS}
    for name, source in (("qwen3-thinking", qwen3_thinking()), ("qwq", qwq())):
        template = env.from_string(source)
        renders = {}
        for conv_name, conversation in conversations.items():
            for gen in (True, False):
                renders[f"{conv_name}|{'gen' if gen else 'nogen'}"] = template.render(
                    messages=hf_messages(conversation), tools=None, add_generation_prompt=gen,
                    bos_token="", eos_token="<|im_end|>")
        goldens[name] = {"template": source, "renders": renders}
    (HERE / "thinking-goldens.json").write_text(json.dumps(goldens, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")


if __name__ == "__main__":
    main()
