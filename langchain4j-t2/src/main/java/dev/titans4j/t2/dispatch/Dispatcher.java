package dev.titans4j.t2.dispatch;

import dev.langchain4j.model.chat.request.ChatRequest;

/**
 * Transformer²'s first pass: looks at a request and chooses the expert mix for the second pass. Implement it to plug
 * in your own strategy (a rule, an embedding classifier, ...); must be thread-safe.
 */
@FunctionalInterface
public interface Dispatcher {

    Dispatch dispatch(ChatRequest request);
}
