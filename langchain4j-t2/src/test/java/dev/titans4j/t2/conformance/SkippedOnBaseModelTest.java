package dev.titans4j.t2.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.titans4j.t2.conformance.SkippedOnBaseModel.Entry;
import dev.titans4j.t2.conformance.SkippedOnBaseModel.Failure;
import dev.langchain4j.service.output.ServiceOutputParser;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/** The skip list names real suite tests, and only content failures of the named kinds become skips. */
class SkippedOnBaseModelTest {

    record Person(UUID id) {
    }

    @Test
    void everyEntryNamesATestOfItsSuiteAndSaysWhy() {
        // README.md states how many conformance tests are skipped by name: change it with the list
        assertThat(SkippedOnBaseModel.entries()).hasSize(89).allSatisfy(entry -> {
            assertThat(testsOf(entry.suite())).as(entry.suite().getSimpleName()).contains(entry.test());
            assertThat(entry.reason()).contains("needs an instruction-tuned model");
        });
    }

    @Test
    void forcedToolCallTestsExistAndAreNotSkipped() {
        assertThat(testsOf(OnnxAiServiceWithToolsIT.class)).containsAll(ToolCallForced.TESTS.keySet());
        assertThat(SkippedOnBaseModel.entries()).map(Entry::test).doesNotContainAnyElementsOf(
                ToolCallForced.TESTS.keySet());
    }

    @Test
    void onlyAssertionsEmptyListsAndValidJsonWithUnmappableValuesAreContentFailures() {
        ServiceOutputParser parser = new ServiceOutputParser();
        Throwable notAUuid = catchThrowable(() -> parser.parseText(Person.class, "{\"id\": \"a story\"}"));
        Throwable notJson = catchThrowable(() -> parser.parseText(Person.class, "{\"id\": \"a sto"));

        assertThat(SkippedOnBaseModel.kind(notAUuid)).isEqualTo(Failure.UNMAPPABLE_VALUE);
        assertThat(SkippedOnBaseModel.kind(notJson)).isNull();
        assertThat(SkippedOnBaseModel.kind(new AssertionError("expected: \"Klaus\""))).isEqualTo(Failure.ASSERTION);
        assertThat(SkippedOnBaseModel.kind(new IndexOutOfBoundsException(0))).isEqualTo(Failure.EMPTY_LIST);
        assertThat(SkippedOnBaseModel.kind(new IllegalStateException("a crash"))).isNull();
    }

    private static Set<String> testsOf(Class<?> suite) {
        Set<String> names = new HashSet<>();
        for (Class<?> c = suite; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(ParameterizedTest.class)) {
                    names.add(m.getName());
                }
            }
        }
        return names;
    }
}
