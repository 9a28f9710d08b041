package dev.titans4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.tool.ToolExecution;
import dev.titans4j.it.testing.PromptText;
import dev.titans4j.it.testing.RecordingChatModel;
import dev.titans4j.it.testing.Stories260K;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.constrain.ConstraintLimits;
import dev.titans4j.t2.engine.EngineOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two AI services in a pipeline sharing one tool instance: a planner puts a task on a board and writes a plan; its
 * output is the brief of a writer, which puts its own task on the same board and then writes. Each service must
 * call the tool on its first request (ToolChoice.REQUIRED) and answer in text after the tool result (NONE), so the
 * run is deterministic even on stories260K.
 */
class AgentPipelineTest {

    /** The shared tool: numbers tasks across every service that uses it. */
    static final class TaskBoard {
        final List<String> tasks = new CopyOnWriteArrayList<>();

        @Tool("Puts a task on the shared board and returns its number")
        String addTask(@P("the task") String task) {
            tasks.add(task);
            return "task #" + tasks.size() + ": " + task;
        }
    }

    interface Planner {
        Result<String> plan(@UserMessage String goal);
    }

    interface Writer {
        Result<String> write(@UserMessage String brief);
    }

    private static OnnxChatEngine engine;

    @BeforeAll
    static void load(@TempDir Path dir) {
        engine = OnnxChatEngine.load(Stories260K.export(dir), EngineOptions.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static RecordingChatModel model() {
        return new RecordingChatModel(OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(96)
                .constraintLimits(ConstraintLimits.builder().maxStringBytes(12).maxWhitespace(1).build()).build());
    }

    /** Call a tool first, then answer in text once a tool result is in the conversation. */
    static ChatRequest toolThenText(ChatRequest request) {
        boolean toolAnswered = request.messages().stream().anyMatch(m -> m instanceof ToolExecutionResultMessage);
        return request.toBuilder().parameters(OnnxChatRequestParameters.builder().overrideWith(request.parameters())
                .toolChoice(toolAnswered ? ToolChoice.NONE : ToolChoice.REQUIRED).build()).build();
    }

    @Test
    void thePlannersOutputFeedsTheWriterAndBothUseTheSameBoard() {
        TaskBoard board = new TaskBoard();
        RecordingChatModel plannerModel = model();
        RecordingChatModel writerModel = model();
        Planner planner = AiServices.builder(Planner.class).chatModel(plannerModel).tools(board)
                .chatRequestTransformer(AgentPipelineTest::toolThenText).build();
        Writer writer = AiServices.builder(Writer.class).chatModel(writerModel).tools(board)
                .chatRequestTransformer(AgentPipelineTest::toolThenText).build();

        Result<String> plan = planner.plan("Once upon a time there was a dragon.");
        String brief = "Plan: " + plan.toolExecutions().get(0).result() + "\n" + plan.content();
        Result<String> story = writer.write(brief);

        // one board, two services: the calls were numbered across both
        assertThat(board.tasks).hasSize(2);
        ToolExecution planned = single(plan.toolExecutions());
        ToolExecution written = single(story.toolExecutions());
        assertThat(planned.request().name()).isEqualTo("addTask");
        assertThat(planned.result()).isEqualTo("task #1: " + board.tasks.get(0));
        assertThat(written.result()).isEqualTo("task #2: " + board.tasks.get(1));

        // each service: a forced call, then a text answer that saw the tool result
        assertThat(plannerModel.requests()).hasSize(2);
        assertThat(writerModel.requests()).hasSize(2);
        assertThat(resultMessages(plannerModel.requests().get(1).messages())).containsExactly(planned.result());
        assertThat(resultMessages(writerModel.requests().get(1).messages())).containsExactly(written.result());
        assertThat(plan.content()).isEqualTo(plannerModel.responses().get(1).aiMessage().text());
        assertThat(story.content()).isEqualTo(writerModel.responses().get(1).aiMessage().text());

        // data flow: the writer was briefed with the planner's task and plan
        assertThat(PromptText.of(writerModel.requests().get(0).messages()))
                .contains("Plan: task #1: " + board.tasks.get(0)).contains(plan.content());
        assertThat(PromptText.of(plannerModel.requests().get(0).messages())).doesNotContain("Plan:");
    }

    private static ToolExecution single(List<ToolExecution> executions) {
        assertThat(executions).hasSize(1);
        return executions.get(0);
    }

    private static List<String> resultMessages(List<ChatMessage> messages) {
        return messages.stream().filter(m -> m instanceof ToolExecutionResultMessage)
                .map(m -> ((ToolExecutionResultMessage) m).text()).toList();
    }
}
