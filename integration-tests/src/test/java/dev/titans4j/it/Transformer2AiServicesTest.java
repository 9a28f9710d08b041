package dev.titans4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.Result;
import dev.titans4j.it.testing.Stories260K;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.dispatch.Dispatch;
import dev.titans4j.t2.dispatch.Dispatcher;
import dev.titans4j.t2.dispatch.PromptDispatcher;
import dev.titans4j.t2.dispatch.T2ChatModel;
import dev.titans4j.t2.dispatch.T2ResponseMetadata;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.ValueKind;
import dev.titans4j.titans.chat.TitansChatMemory;
import dev.titans4j.titans.chat.TitansChatMemoryProvider;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Transformer² model (T2ChatModel) inside AiServices: each answer is the second pass with the dispatched
 * experts, and the response metadata AiServices hands back says which experts and weights were used.
 */
class Transformer2AiServicesTest {

    interface Storyteller {
        Result<String> tell(@dev.langchain4j.service.UserMessage String prompt);
    }

    interface MemoryStoryteller {
        Result<String> tell(@MemoryId String id, @dev.langchain4j.service.UserMessage String prompt);
    }

    private static OnnxChatEngine engine;
    private static SvfAdapter adapter;
    private static OnnxChatModel onnx;
    private static SvfExpert dragons;
    private static SvfExpert calm;

    @BeforeAll
    static void load(@TempDir Path dir) {
        engine = OnnxChatEngine.load(Stories260K.export(dir), EngineOptions.defaults().withIntraOpThreads(1));
        adapter = SvfAdapter.forEngine(engine);
        onnx = OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(20).build();
        dragons = expert("dragons", 0.9, 7);
        calm = expert("calm", 0.5, 8);
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /** An expert with z drawn around 1 (different per seed), for stories260K's adapted matrices. */
    private static SvfExpert expert(String name, double spread, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        adapter.singularValues().matrices().forEach((weight, m) -> {
            float[] z = new float[m.rank()];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) (1 + spread * (2 * random.nextDouble() - 1));
            }
            values.put(weight, z);
        });
        return new SvfExpert(name, ValueKind.Z, RescaleRule.SUM_PRESERVING, adapter.singularValues().identity(),
                values);
    }

    /** A rule dispatcher, the kind users plug in: stories about dragons get the dragon expert. */
    private static final Dispatcher RULE = request -> {
        String text = ((UserMessage) request.messages().get(request.messages().size() - 1)).singleText();
        return text.toLowerCase().contains("dragon") ? Dispatch.free(ExpertMix.of(dragons), "dragons")
                : Dispatch.free(ExpertMix.base(), "other");
    };

    private static String direct(String prompt, ExpertMix mix) {
        return onnx.chat(ChatRequest.builder().messages(UserMessage.from(prompt))
                .parameters(OnnxChatRequestParameters.builder().svfMultipliers(adapter.multipliers(mix)).build())
                .build()).aiMessage().text();
    }

    @Test
    void answersWithTheDispatchedExpertAndReportsItInTheMetadata() {
        T2ChatModel t2 = T2ChatModel.builder().chatModel(onnx).adapter(adapter).dispatcher(RULE).build();
        Storyteller storyteller = AiServices.builder(Storyteller.class).chatModel(t2).build();

        String dragonPrompt = "Once upon a time a dragon";
        Result<String> dragon = storyteller.tell(dragonPrompt);
        T2ResponseMetadata metadata = (T2ResponseMetadata) dragon.finalResponse().metadata();
        assertThat(metadata.dispatchLabel()).isEqualTo("dragons");
        assertThat(metadata.expertWeights()).containsExactly(Map.entry("dragons", 1.0));
        assertThat(dragon.content()).as("the second pass ran with the expert's weights")
                .isEqualTo(direct(dragonPrompt, ExpertMix.of(dragons)))
                .isNotEqualTo(direct(dragonPrompt, ExpertMix.base()));
        assertThat(dragon.tokenUsage().outputTokenCount()).isPositive();

        String plainPrompt = "Once upon a time a girl";
        Result<String> plain = storyteller.tell(plainPrompt);
        T2ResponseMetadata base = (T2ResponseMetadata) plain.finalResponse().metadata();
        assertThat(base.dispatchLabel()).isEqualTo("other");
        assertThat(base.expertWeights()).isEmpty();
        assertThat(plain.content()).isEqualTo(direct(plainPrompt, ExpertMix.base()));
    }

    @Test
    void promptDispatchRunsAFirstPassAndWorksWithTitansMemory() {
        PromptDispatcher dispatcher = PromptDispatcher.builder().chatModel(onnx).adapter(adapter)
                .expert("dragons", dragons).expert("calm", calm).maxOutputTokens(8).build();
        T2ChatModel t2 = T2ChatModel.builder().chatModel(onnx).adapter(adapter).dispatcher(dispatcher).build();
        TitansChatMemoryProvider memories = TitansChatMemoryProvider.of(id -> TitansChatMemory.builder().id(id)
                .maxMessages(4).store(new InMemoryMemoryStateStore()));
        MemoryStoryteller storyteller = AiServices.builder(MemoryStoryteller.class).chatModel(t2)
                .chatMemoryProvider(memories).build();

        Result<String> first = storyteller.tell("s1", "Once upon a time");
        Result<String> second = storyteller.tell("s1", "The dragon flew away.");
        for (Result<String> r : java.util.List.of(first, second)) {
            T2ResponseMetadata metadata = (T2ResponseMetadata) r.finalResponse().metadata();
            assertThat(metadata.dispatchCost().inputTokens()).as("pass 1 read the classification prompt")
                    .isGreaterThan(20);
            assertThat(metadata.dispatchCost().outputTokens()).isBetween(1, 8);
            // stories260K cannot classify: whatever it says, the label and weights agree with each other
            if (metadata.expertWeights().isEmpty()) {
                assertThat(metadata.dispatchLabel()).isEqualTo("other");
            } else {
                assertThat(metadata.expertWeights()).containsOnlyKeys(metadata.dispatchLabel());
            }
        }
        assertThat(memories.get("s1").messages()).hasSize(4);
        assertThat(((dev.langchain4j.data.message.AiMessage) memories.get("s1").messages().get(3)).text())
                .isEqualTo(second.content());
    }
}
