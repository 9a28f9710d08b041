package dev.titans4j.bench.recall.generate;

import dev.titans4j.bench.recall.dataset.Conversation;
import dev.titans4j.bench.recall.dataset.Question;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.Turn;
import dev.titans4j.bench.recall.memory.TokenEstimator;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Needle-in-a-haystack conversations: two speakers exchange turns of essay sentences (40-120 words each) until the
 * conversation holds {@code tokensPerConversation} tokens (estimated as for the budget, speaker prefix included);
 * {@code needles} synthetic facts ({@link NeedleFact}) are inserted as turns of their own at uniformly random depths.
 * Each needle is one question (literal or paraphrased) whose evidence is its turn; the category is the depth band
 * of the needle ({@code depth-00-20} is the oldest fifth of the conversation). A new session starts every
 * {@value #SESSION_TOKENS} tokens.
 */
public final class NeedleDatasetGenerator {

    static final int SESSION_TOKENS = 4000;
    private static final int MIN_TURN_WORDS = 40;
    private static final int MAX_TURN_WORDS = 120;
    private static final String[] SPEAKERS = {"Ada", "Ben"};

    private final Path haystackDir;
    private final int tokensPerConversation;
    private final int conversations;
    private final int needles;
    private final long seed;
    private final boolean paraphrase;

    /** Literal questions (they repeat the needle's words). */
    public NeedleDatasetGenerator(Path haystackDir, int tokensPerConversation, int conversations, int needles,
                                  long seed) {
        this(haystackDir, tokensPerConversation, conversations, needles, seed, false);
    }

    /**
     * @param paraphrase ask with {@link NeedleFact#paraphrase() synonyms} instead of the needle's own words, so
     *                   lexical overlap alone does not find it
     */
    public NeedleDatasetGenerator(Path haystackDir, int tokensPerConversation, int conversations, int needles,
                                  long seed, boolean paraphrase) {
        if (tokensPerConversation <= 0 || conversations <= 0 || needles <= 0) {
            throw new IllegalArgumentException("tokens, conversations and needles must be positive");
        }
        if (needles > NeedleFact.MAX_PER_CONVERSATION) {
            throw new IllegalArgumentException("at most " + NeedleFact.MAX_PER_CONVERSATION
                    + " needles per conversation (distinct facts), asked for " + needles);
        }
        this.haystackDir = haystackDir;
        this.tokensPerConversation = tokensPerConversation;
        this.conversations = conversations;
        this.needles = needles;
        this.seed = seed;
        this.paraphrase = paraphrase;
    }

    public RecallDataset generate() {
        Random random = new Random(seed);
        Haystack haystack = new Haystack(haystackDir, random);
        List<Conversation> result = new ArrayList<>();
        for (int c = 1; c <= conversations; c++) {
            result.add(conversation("needle-" + c, haystack, random));
        }
        return new RecallDataset(result);
    }

    private Conversation conversation(String id, Haystack haystack, Random random) {
        Set<String> usedKeys = new HashSet<>();
        List<NeedleFact> facts = new ArrayList<>();
        int needleTokens = 0;
        for (int i = 0; i < needles; i++) {
            NeedleFact fact = NeedleFact.random(random, usedKeys);
            facts.add(fact);
            needleTokens += TokenEstimator.estimate("Ada: " + fact.statement());
        }
        List<String> filler = filler(haystack, random, tokensPerConversation - needleTokens);

        // Insertion points among the filler turns: needle i goes before filler turn position(i).
        TreeMap<Integer, List<NeedleFact>> insertAt = new TreeMap<>();
        for (NeedleFact fact : facts) {
            insertAt.computeIfAbsent(random.nextInt(filler.size() + 1), k -> new ArrayList<>()).add(fact);
        }

        List<String> texts = new ArrayList<>();
        List<NeedleFact> needleAt = new ArrayList<>(); // parallel to texts: the fact, or null for filler
        for (int i = 0; i <= filler.size(); i++) {
            for (NeedleFact fact : insertAt.getOrDefault(i, List.of())) {
                texts.add(fact.statement());
                needleAt.add(fact);
            }
            if (i < filler.size()) {
                texts.add(filler.get(i));
                needleAt.add(null);
            }
        }

        List<Turn> turns = new ArrayList<>();
        List<Question> questions = new ArrayList<>();
        int session = 1;
        int inSession = 0;
        int sessionTokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            String speaker = SPEAKERS[i % 2];
            int tokens = TokenEstimator.estimate(speaker + ": " + texts.get(i));
            if (sessionTokens > 0 && sessionTokens + tokens > SESSION_TOKENS) {
                session++;
                inSession = 0;
                sessionTokens = 0;
            }
            inSession++;
            sessionTokens += tokens;
            String turnId = "S" + session + ":" + inSession;
            turns.add(new Turn(turnId, session, LocalDate.of(2024, 1, 1).plusDays(session - 1) + "T09:00",
                    speaker, texts.get(i)));
            NeedleFact fact = needleAt.get(i);
            if (fact != null) {
                questions.add(new Question(id + "-q" + (questions.size() + 1),
                        paraphrase ? fact.paraphrase() : fact.question(), fact.answer(),
                        List.of(turnId), depthBand((double) i / texts.size())));
            }
        }
        return new Conversation(id, turns, questions);
    }

    private static List<String> filler(Haystack haystack, Random random, int tokens) {
        List<String> turns = new ArrayList<>();
        int total = 0;
        while (total < tokens) {
            int targetWords = MIN_TURN_WORDS + random.nextInt(MAX_TURN_WORDS - MIN_TURN_WORDS + 1);
            StringBuilder text = new StringBuilder();
            int words = 0;
            while (words < targetWords) {
                String sentence = haystack.nextSentence();
                text.append(text.length() == 0 ? "" : " ").append(sentence);
                words += TokenEstimator.countWords(sentence);
            }
            turns.add(text.toString());
            total += TokenEstimator.tokensForWords(words + 1); // + the "Speaker:" word
        }
        return turns;
    }

    static String depthBand(double depth) {
        int band = Math.min(4, (int) Math.floor(depth * 5));
        return String.format("depth-%02d-%02d", band * 20, band * 20 + 20);
    }
}
