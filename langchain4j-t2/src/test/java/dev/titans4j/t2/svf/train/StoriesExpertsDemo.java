package dev.titans4j.t2.svf.train;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.dispatch.CemDispatcher;
import dev.titans4j.t2.dispatch.FewShotExample;
import dev.titans4j.t2.dispatch.FewShotScorer;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfExpertFile;
import dev.titans4j.t2.svf.SvfMultipliers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end Transformer² demo on stories260K (a main, not a test: minutes of CPU). Trains two experts with ES for
 * clearly different rewards, compares them with the base model on held-out prompts, and lets few-shot CEM dispatch
 * choose between them from labelled examples of each kind. Writes the experts to the output folder.
 *
 * <pre>
 * mvn -o -q -pl langchain4j-t2 test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -cp langchain4j-t2/target/test-classes:langchain4j-t2/target/classes:$(cat cp.txt) \
 *     dev.titans4j.t2.svf.train.StoriesExpertsDemo ../shared/models/stories260K /tmp/t2-demo [iterations]
 * </pre>
 */
public final class StoriesExpertsDemo {

    static final String WORD = "ball";
    private static final Pattern WORD_PATTERN = Pattern.compile("\\b" + WORD + "s?\\b", Pattern.CASE_INSENSITIVE);

    /** Expert 1's reward: mentions of the word. */
    static final Reward MENTIONS_WORD = (prompt, completion) -> {
        Matcher m = WORD_PATTERN.matcher(completion);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    };

    /** Expert 2's reward: short sentences (minus the mean words per sentence of the completion). */
    static final Reward SHORT_SENTENCES = (prompt, completion) -> -meanSentenceWords(completion);

    private static final List<String> TRAIN = List.of("Once upon a time", "One day", "Lily and Tom", "The little dog",
            "Once there was a girl", "Sam was", "The sun", "Mom said");
    private static final List<String> HELD_OUT = List.of("Once upon a time, there was a boy", "Anna", "The cat",
            "One morning", "Ben and Mia", "The bird", "Max wanted", "It was a sunny day");

    /** Labelled examples of each kind of request, written by hand (not produced by either expert). */
    private static final Map<String, List<FewShotExample>> TASKS = Map.of(
            "ball-stories", List.of(
                    FewShotExample.of("Once upon a time", " there was a ball. The ball was red."),
                    FewShotExample.of("Tim had", " a big ball. He liked to play with the ball."),
                    FewShotExample.of("The girl", " saw a ball in the park. She took the ball home.")),
            "short-sentences", List.of(
                    FewShotExample.of("Once upon a time", " there was a cat. It was big. It ran."),
                    FewShotExample.of("Tim had", " a dog. The dog was sad. Tim was sad."),
                    FewShotExample.of("The girl", " was happy. She ran. She sat down.")));

    private StoriesExpertsDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path hf = Path.of(args.length > 0 ? args[0] : "../shared/models/stories260K");
        Path out = Path.of(args.length > 1 ? args[1] : "/tmp/t2-demo");
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        Path exported = out.resolve("stories260K-onnx");
        if (!Files.exists(exported.resolve("manifest.json"))) {
            OnnxExporter.builder().build().export(hf, exported);
        }
        try (OnnxChatEngine engine = OnnxChatEngine.load(exported, EngineOptions.defaults().withIntraOpThreads(1))) {
            SvfAdapter adapter = SvfAdapter.forEngine(engine);
            SvfExpert start = SvfExpert.identity("base", adapter.singularValues());

            long t0 = System.nanoTime();
            SvfExpert word = train(engine, adapter, start.withName("mentions-" + WORD), MENTIONS_WORD,
                    out.resolve("ckpt-word"), iterations);
            double wordMinutes = (System.nanoTime() - t0) / 6e10;
            t0 = System.nanoTime();
            SvfExpert shortExpert = train(engine, adapter, start.withName("short-sentences"), SHORT_SENTENCES,
                    out.resolve("ckpt-short"), iterations);
            double shortMinutes = (System.nanoTime() - t0) / 6e10;
            SvfExpertFile.write(word, out.resolve(word.name() + ".safetensors"));
            SvfExpertFile.write(shortExpert, out.resolve(shortExpert.name() + ".safetensors"));
            System.out.printf(Locale.ROOT, "training: %d iterations each, %.1f min (word) + %.1f min (short)%n",
                    iterations, wordMinutes, shortMinutes);

            EsTrainer sampler = EsTrainer.builder().engine(engine).adapter(adapter).reward(MENTIONS_WORD)
                    .prompts(HELD_OUT).maxOutputTokens(48).temperature(0.8).build();
            System.out.println("held-out rewards (8 prompts x 8 samples, T=0.8, 48 tokens):");
            System.out.println("| model | mentions of '" + WORD + "' / completion | words per sentence |");
            System.out.println("|---|---|---|");
            for (SvfExpert e : List.of(start, word, shortExpert)) {
                SvfMultipliers m = e == start ? SvfMultipliers.identity() : adapter.multipliers(e);
                double[] r = evaluate(sampler, m);
                System.out.printf(Locale.ROOT, "| %s | %.3f | %.2f |%n", e.name(), r[0], -r[1]);
            }

            // few-shot dispatch: labelled examples of each kind of request, CEM picks the mix
            CemDispatcher cem = CemDispatcher.builder().engine(engine).adapter(adapter)
                    .experts(List.of(word, shortExpert))
                    .task("ball-stories", TASKS.get("ball-stories"))
                    .task("short-sentences", TASKS.get("short-sentences"))
                    .taskResolver(r -> "short-sentences")
                    .iterations(20).build();
            for (String task : List.of("ball-stories", "short-sentences")) {
                FewShotScorer scorer = new FewShotScorer(engine, TASKS.get(task));
                System.out.printf(Locale.ROOT, "task %s: log-lik base %.2f, %s only %.2f, %s only %.2f%n", task,
                        scorer.score(SvfMultipliers.identity()).logLikelihood(), word.name(),
                        scorer.score(adapter.multipliers(word)).logLikelihood(), shortExpert.name(),
                        scorer.score(adapter.multipliers(shortExpert)).logLikelihood());
                CemDispatcher.Adaptation a = cem.adapt(task);
                System.out.printf(Locale.ROOT, "CEM task %-16s -> %s (accuracy %.2f, log-lik %.2f, %d evals, %d ms)%n",
                        task, a.mix(), a.score().accuracy(), a.score().logLikelihood(), a.evaluations(),
                        a.cost().millis());
                double[] r = evaluate(sampler, adapter.multipliers(a.mix()));
                System.out.printf(Locale.ROOT, "  held-out with this mix: %.3f mentions of '%s', %.2f words per"
                        + " sentence%n", r[0], WORD, -r[1]);
            }
            var dispatched = cem.dispatch(ChatRequest.builder().messages(UserMessage.from("Anna")).build());
            System.out.println("dispatch of a cached task: " + dispatched.mix() + " cost " + dispatched.cost());
        }
    }

    private static SvfExpert train(OnnxChatEngine engine, SvfAdapter adapter, SvfExpert start, Reward reward,
                                   Path checkpoints, int iterations) {
        System.out.println("training " + start.name());
        return EsTrainer.builder().engine(engine).adapter(adapter).reward(reward).prompts(TRAIN)
                .iterations(iterations).pairs(8).sigma(0.1).learningRate(0.05).maxOutputTokens(48)
                .temperature(0.8).seed(1).checkpointDir(checkpoints).checkpointEvery(5).progress(System.out)
                .build().train(start).expert();
    }

    /** Mean of both rewards over held-out prompts, 8 seeded samples each (the same seeds for every model). */
    private static double[] evaluate(EsTrainer sampler, SvfMultipliers m) {
        double word = 0;
        double sentence = 0;
        int n = 0;
        for (String prompt : HELD_OUT) {
            for (int s = 0; s < 8; s++) {
                String completion = sampler.complete(prompt, m, 1000 + s);
                word += MENTIONS_WORD.score(prompt, completion);
                sentence += SHORT_SENTENCES.score(prompt, completion);
                n++;
            }
        }
        return new double[] {word / n, sentence / n};
    }

    static double meanSentenceWords(String text) {
        List<Integer> lengths = new ArrayList<>();
        for (String sentence : text.split("[.!?]+")) {
            String t = sentence.trim();
            if (!t.isEmpty()) {
                lengths.add(t.split("\\s+").length);
            }
        }
        return lengths.isEmpty() ? 0 : lengths.stream().mapToInt(Integer::intValue).average().orElse(0);
    }
}
