#!/usr/bin/env python3
"""Renders tool conversations with the models' real chat templates (qwen2.5.jinja, llama3.2.jinja, qwen3.jinja,
smollm3.jinja) into tool-goldens.json, the independent reference for ToolPromptGoldenTest. Same jinja2 setup as
render_goldens.py. The tools are the dicts a caller hands to apply_chat_template(tools=...); ToolPromptGoldenTest
builds the same tools as LangChain4j ToolSpecifications. SmolLM3's template reads xml_tools instead and writes each
with Jinja's string filter: it is given each tool as its JSON text (a dict would come out as a Python repr).
Run from this folder: ~/.cache/titans4j/pyref/bin/python render_tool_goldens.py
"""
import json
from pathlib import Path

from render_goldens import compile_template, hf_messages, tojson

HERE = Path(__file__).parent

WEATHER = {"type": "function", "function": {
    "name": "get_weather",
    "description": "Current weather in a city",
    "parameters": {"type": "object",
                   "properties": {"city": {"type": "string", "description": "City name"},
                                  "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                   "required": ["city"]}}}
TIME = {"type": "function", "function": {
    "name": "current_time",
    "parameters": {"type": "object", "properties": {}}}}
TOOLS = [WEATHER, TIME]

CALL = {"id": "abc123XYZ", "name": "get_weather", "arguments": "{\"city\": \"Paris\", \"unit\": \"celsius\"}"}
CALL2 = {"id": "def456UVW", "name": "current_time", "arguments": "{}"}

CONVERSATIONS = {
    "offer": [{"role": "user", "content": "What's the weather in Paris?"}],
    "offer_with_system": [{"role": "system", "content": "You are terse."},
                          {"role": "user", "content": "What's the weather in Paris?"}],
    "round_trip": [{"role": "system", "content": "You are terse."},
                   {"role": "user", "content": "What's the weather in Paris?"},
                   {"role": "assistant", "content": "", "tool_calls": [CALL]},
                   {"role": "tool", "tool_call_id": "abc123XYZ", "content": "22 degrees, sunny"}],
    "parallel_round_trip": [{"role": "user", "content": "Weather in Paris, and the time?"},
                            {"role": "assistant", "content": "", "tool_calls": [CALL, CALL2]},
                            {"role": "tool", "tool_call_id": "abc123XYZ", "content": "22 degrees"},
                            {"role": "tool", "tool_call_id": "def456UVW", "content": "10:00"}],
}
TEMPLATES = {"qwen2.5": ("qwen2.5.jinja", "", "<|im_end|>", "tool"),
             "llama3.2": ("llama3.2.jinja", "<|begin_of_text|>", "<|eot_id|>", "ipython"),
             "qwen3": ("qwen3.jinja", "", "<|im_end|>", "tool"),
             "smollm3": ("smollm3.jinja", "", "<|im_end|>", "tool")}


def main():
    goldens = {}
    for name, (file, bos, eos, tool_role) in TEMPLATES.items():
        template = compile_template(file)
        goldens[name] = {}
        for conv_name, conversation in CONVERSATIONS.items():
            if name == "llama3.2" and conv_name == "parallel_round_trip":
                continue  # its template takes one call per message
            goldens[name][conv_name] = template.render(
                messages=hf_messages(conversation, tool_role), tools=TOOLS, add_generation_prompt=True,
                xml_tools=[tojson(tool) for tool in TOOLS],
                bos_token=bos, eos_token=eos, date_string="26 Jul 2024")
    (HERE / "tool-goldens.json").write_text(json.dumps(goldens, ensure_ascii=False, indent=1) + "\n",
                                            encoding="utf-8")


if __name__ == "__main__":
    main()
