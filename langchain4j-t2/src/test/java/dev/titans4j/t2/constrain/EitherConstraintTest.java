package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.titans4j.export.testing.SharedData;
import dev.titans4j.t2.tools.ParsedAnswer;
import dev.titans4j.t2.tools.ToolCallSyntax;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonConstraint#either} as the provider uses it (optional tools with a JSON response schema): uniform random
 * walks over the allowed tokens produce both alternatives, and each output is a valid call or JSON valid for the schema.
 */
class EitherConstraintTest {

    @Test
    void random_outputs_are_a_valid_call_or_valid_json_and_both_occur() throws Exception {
        TokenVocabulary vocab = TokenVocabulary.fromTokenizerJson(
                SharedData.require("models/stories260K").resolve("tokenizer.json"));
        JsonObjectSchema parameters = JsonObjectSchema.builder().addStringProperty("city").required("city").build();
        List<ToolSpecification> tools = List.of(ToolSpecification.builder().name("weather").parameters(parameters)
                .build());
        SchemaCorpus.Entry answer = SchemaCorpus.all().get(0);
        ConstraintLimits limits = JsonConstraintPropertyTest.TEST_LIMITS;
        JsonConstraint either = JsonConstraint.either(
                ToolCallSyntax.hermes().requiredCallConstraint(tools).withLimits(limits),
                JsonConstraint.forSchema(answer.schema()).withLimits(limits));
        Schema answerValidator = JsonSchemaText.validator(answer.schema());
        Schema argumentsValidator = JsonSchemaText.validator(parameters);
        int calls = 0;
        int jsons = 0;
        for (int seed = 0; seed < 40; seed++) {
            String text = uniformWalk(either, vocab, new Random(seed));
            ParsedAnswer parsed = ToolCallSyntax.hermes().parse(text, tools);
            if (parsed.hasToolCalls()) {
                calls++;
                ToolExecutionRequest call = parsed.toolCalls().get(0);
                assertThat(JsonSchemaText.errors(argumentsValidator, call.arguments())).as(text).isEmpty();
            } else {
                jsons++;
                new ObjectMapper().readTree(text);
                assertThat(JsonSchemaText.errors(answerValidator, text)).as(text).isEmpty();
            }
        }
        assertThat(calls).isPositive();
        assertThat(jsons).isPositive();
    }

    /** Picks uniformly among the allowed tokens until the output is complete and end-of-sequence is drawn. */
    private static String uniformWalk(JsonConstraint constraint, TokenVocabulary vocab, Random random) {
        ConstrainedDecoder d = constraint.start(vocab);
        BitSet allowed = new BitSet();
        for (int step = 0; step < 5000 && !d.isFinished(); step++) {
            d.allowedTokens(allowed);
            int pick = random.nextInt(allowed.cardinality());
            int token = allowed.nextSetBit(0);
            for (int i = 0; i < pick; i++) {
                token = allowed.nextSetBit(token + 1);
            }
            d.accept(token);
            if (vocab.isEos(token)) {
                break;
            }
        }
        assertThat(d.isComplete()).as(d.text()).isTrue();
        return d.text();
    }
}
