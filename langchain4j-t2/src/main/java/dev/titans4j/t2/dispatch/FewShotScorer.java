package dev.titans4j.t2.dispatch;

import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.engine.DecoderSession;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.svf.SvfMultipliers;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores SVF multipliers on labelled examples with one teacher-forced forward pass per example: the prompt, then
 * the answer's tokens. An example counts as answered when greedy decoding would produce exactly the answer's tokens
 * (each answer token is the argmax after its prefix), which equals generating greedily and comparing, at a fraction
 * of the cost; the log-likelihood of the answer tokens comes from the same pass. Every candidate, the base model's
 * identity included, runs on the SVF graph {@code model.onnx} (not the plain companion), so scores are comparable.
 * Thread-safe.
 */
public final class FewShotScorer {

    private static final TokenSelector GREEDY = TokenSelector.greedy();
    private final OnnxChatEngine engine;
    private final List<int[]> prompts = new ArrayList<>();
    private final List<int[]> answers = new ArrayList<>();

    public FewShotScorer(OnnxChatEngine engine, List<FewShotExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("Few-shot adaptation needs at least one example");
        }
        this.engine = engine;
        for (FewShotExample e : examples) {
            int[] prompt = engine.promptIds(e.messages());
            int[] answer = answerTokens(engine, e);
            if (answer.length == 0) {
                throw new IllegalArgumentException("The answer '" + e.answer() + "' encodes to no tokens");
            }
            if (prompt.length + answer.length >= engine.model().contextLength()) {
                throw new IllegalArgumentException("A few-shot example does not fit the context of "
                        + engine.model().contextLength() + " tokens");
            }
            prompts.add(prompt);
            answers.add(answer);
        }
    }

    /**
     * The answer's tokens as they follow the prompt: the prompt text and answer are tokenized together and the
     * prompt's tokens cut off (tokenizers that add a prefix space would tokenize the answer alone differently); when
     * the joint tokenization does not start with the prompt's tokens, the answer is tokenized alone.
     */
    private static int[] answerTokens(OnnxChatEngine engine, FewShotExample e) {
        String promptText = engine.chatFormat().render(e.messages(), true);
        int[] prompt = engine.tokenizer().encodeRaw(promptText);
        int[] joint = engine.tokenizer().encodeRaw(promptText + e.answer());
        boolean prefix = joint.length > prompt.length
                && java.util.Arrays.equals(joint, 0, prompt.length, prompt, 0, prompt.length);
        return prefix ? java.util.Arrays.copyOfRange(joint, prompt.length, joint.length)
                : engine.tokenizer().encodeRaw(e.answer());
    }

    public FewShotScore score(SvfMultipliers multipliers) {
        int correct = 0;
        double logLikelihood = 0;
        for (int i = 0; i < prompts.size(); i++) {
            int[] prompt = prompts.get(i);
            int[] answer = answers.get(i);
            int[] all = new int[prompt.length + answer.length - 1];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            System.arraycopy(answer, 0, all, prompt.length, answer.length - 1);
            float[][] rows;
            // the SVF graph even for the identity: the base candidate is scored by the same graph as every mix
            try (DecoderSession session = engine.model().newSession(multipliers.asMap(), true)) {
                rows = session.forward(all, prompt.length - 1);
            }
            boolean greedyMatches = true;
            for (int t = 0; t < answer.length; t++) {
                float[] logits = rows[t];
                logLikelihood += logSoftmax(logits, answer[t]);
                greedyMatches &= GREEDY.select(logits) == answer[t];
            }
            if (greedyMatches) {
                correct++;
            }
        }
        return new FewShotScore((double) correct / prompts.size(), logLikelihood / prompts.size());
    }

    public int exampleTokens() {
        int n = 0;
        for (int i = 0; i < prompts.size(); i++) {
            n += prompts.get(i).length + answers.get(i).length - 1;
        }
        return n;
    }

    private static double logSoftmax(float[] logits, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return logits[index] - max - Math.log(sum);
    }
}
