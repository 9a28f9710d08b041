package dev.titans4j.t2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.List;

/**
 * The tool texts of each family's official chat template: the tool list offered to the model and the form in
 * which an assistant's earlier calls are written back. Chat formats assemble these into prompts.
 */
public final class ToolPrompts {

    private ToolPrompts() {
    }

    /** Qwen2.5's system-prompt section after the system text: {@code # Tools}, one JSON line per tool. */
    public static String hermesToolsSection(List<ToolSpecification> tools) {
        StringBuilder out = new StringBuilder("\n\n# Tools\n\nYou may call one or more functions to assist with the"
                + " user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        for (ToolSpecification tool : tools) {
            out.append('\n').append(PythonJson.dumps(ToolSignatures.typed(tool)));
        }
        out.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments"
                + " within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\":"
                + " <args-json-object>}\n</tool_call>");
        return out.toString();
    }

    /**
     * SmolLM3's {@code ### Tools} section of its system block ({@code xml_tools}), one JSON line per tool as
     * {@link #hermesToolsSection} writes them.
     */
    public static String smolLm3ToolsSection(List<ToolSpecification> tools) {
        StringBuilder out = new StringBuilder("### Tools\n\nYou may call one or more functions to assist with the"
                + " user query.\nYou are provided with function signatures within <tools></tools> XML tags:\n\n"
                + "<tools>\n");
        for (ToolSpecification tool : tools) {
            out.append(PythonJson.dumps(ToolSignatures.typed(tool))).append('\n');
        }
        out.append("</tools>\n\nFor each function call, return a json object with function name and arguments"
                + " within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\":"
                + " <args-json-object>}\n</tool_call>");
        return out.toString();
    }

    /** One call as Qwen2.5 writes it in an assistant turn (without the newline before it). */
    public static String hermesCall(ToolExecutionRequest call) {
        return "<tool_call>\n{\"name\": \"" + call.name() + "\", \"arguments\": "
                + PythonJson.reformat(call.arguments()) + "}\n</tool_call>";
    }

    /**
     * Llama 3.1/3.2's instructions and tool list, put before the first user message's text (the template's
     * default, {@code tools_in_user_message}).
     */
    public static String llama3UserPreamble(List<ToolSpecification> tools) {
        StringBuilder out = new StringBuilder("Given the following functions, please respond with a JSON for a"
                + " function call with its proper arguments that best answers the given prompt.\n\n"
                + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and"
                + " its value}.Do not use variables.\n\n");
        for (ToolSpecification tool : tools) {
            out.append(PythonJson.dumps(ToolSignatures.typed(tool), 4)).append("\n\n");
        }
        return out.toString();
    }

    /**
     * A Llama 3.1/3.2 assistant's calls: one as the template writes it; several (which the template refuses, but the
     * models write) separated by {@code "; "}, as {@link ToolCallSyntax#llama3()} reads them.
     */
    public static String llama3Calls(List<ToolExecutionRequest> calls) {
        StringBuilder out = new StringBuilder();
        for (ToolExecutionRequest call : calls) {
            if (!out.isEmpty()) {
                out.append("; ");
            }
            out.append("{\"name\": \"").append(call.name()).append("\", \"parameters\": ")
                    .append(PythonJson.reformat(call.arguments())).append('}');
        }
        return out.toString();
    }

    /**
     * Mistral v0.3's {@code [AVAILABLE_TOOLS] [...][/AVAILABLE_TOOLS]}: as its template does, string values are
     * printed between quotes without escaping and other values as JSON.
     */
    public static String mistralAvailableTools(List<ToolSpecification> tools) {
        StringBuilder out = new StringBuilder("[AVAILABLE_TOOLS] [");
        for (int i = 0; i < tools.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append("{\"type\": \"function\", \"function\": {");
            ObjectNode function = ToolSignatures.function(tools.get(i));
            boolean first = true;
            for (var it = function.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!first) {
                    out.append(", ");
                }
                first = false;
                JsonNode v = e.getValue();
                out.append('"').append(e.getKey()).append("\": ")
                        .append(v.isTextual() ? "\"" + v.textValue() + "\"" : PythonJson.dumps(v));
            }
            out.append("}}");
        }
        return out.append("][/AVAILABLE_TOOLS]").toString();
    }

    /** Mistral v0.3's {@code [TOOL_CALLS] [...]} of one assistant turn (before its end-of-sequence). */
    public static String mistralCalls(List<ToolExecutionRequest> calls) {
        StringBuilder out = new StringBuilder("[TOOL_CALLS] [");
        for (int i = 0; i < calls.size(); i++) {
            ToolExecutionRequest call = calls.get(i);
            if (i > 0) {
                out.append(", ");
            }
            StringBuilder name = new StringBuilder();
            PythonJson.string(call.name(), name);
            out.append("{\"name\": ").append(name).append(", \"arguments\": ")
                    .append(PythonJson.reformat(call.arguments())).append(", \"id\": \"").append(call.id()).append("\"}");
        }
        return out.append(']').toString();
    }

    /** Mistral v0.3's {@code [TOOL_RESULTS] {"content": ..., "call_id": ...}[/TOOL_RESULTS]} (content as is). */
    public static String mistralResult(String content, String callId) {
        return "[TOOL_RESULTS] {\"content\": " + content + ", \"call_id\": \"" + callId + "\"}[/TOOL_RESULTS]";
    }
}
