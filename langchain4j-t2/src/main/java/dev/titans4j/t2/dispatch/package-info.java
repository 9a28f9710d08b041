/**
 * Transformer²'s two passes behind LangChain4j's chat API. {@link dev.titans4j.t2.dispatch.T2ChatModel} asks a
 * {@link dev.titans4j.t2.dispatch.Dispatcher} for an expert mix (pass 1), then answers with it (pass 2) and reports
 * the choice and the first pass's cost in {@link dev.titans4j.t2.dispatch.T2ResponseMetadata}. Strategies from the
 * paper: {@link dev.titans4j.t2.dispatch.PromptDispatcher} (classification prompt, optionally with a classification
 * expert) and {@link dev.titans4j.t2.dispatch.CemDispatcher} (few-shot cross-entropy search over mixture weights,
 * cached per task); any other strategy implements {@code Dispatcher}.
 */
package dev.titans4j.t2.dispatch;
