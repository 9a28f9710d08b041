package dev.titans4j.bench.recall.generate;

import dev.titans4j.bench.recall.dataset.Conversation;
import dev.titans4j.bench.recall.dataset.Question;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.Turn;
import dev.titans4j.bench.recall.memory.TokenEstimator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns bAbI tasks into recall conversations.
 *
 * <ul>
 *   <li>Each bAbI story becomes one session, told alternately by two speakers; consecutive stories of a task are
 *       joined into one conversation until it holds about {@code tokensPerConversation} tokens, so a conversation
 *       is longer than the budget and memories must choose.</li>
 *   <li>Each story gets its own invented people and objects ({@link StoryNames}), so stories do not collide
 *       inside a conversation.</li>
 *   <li>Only the story's last question is kept, because every question is asked after the conversation's last turn
 *       and an earlier bAbI question may be answered differently by later statements. Its supporting facts become
 *       the evidence ({@code "S<session>:<bAbI line id>"}); its category is the task name.</li>
 * </ul>
 */
public final class BabiDatasetGenerator {

    /**
     * Tasks whose questions are about one named person or object, so the supporting facts are what a memory must
     * recall. Left out: qa4 and qa15-qa20 (facts about places, animals or rules shared by every story, where the
     * stories cannot be told apart inside one conversation).
     */
    public static final List<String> DEFAULT_TASKS = List.of(
            "qa1", "qa2", "qa3", "qa5", "qa6", "qa7", "qa8", "qa9", "qa10", "qa11", "qa12", "qa13", "qa14");

    public static final int DEFAULT_STORIES_PER_TASK = 30;
    public static final int DEFAULT_TOKENS_PER_CONVERSATION = 3000;
    public static final long DEFAULT_SEED = 8;

    static final String FIRST_SPEAKER = "Ann";
    static final String SECOND_SPEAKER = "Ben";

    private final Path babiEnglishDir;
    private final String split;
    private final int storiesPerTask;
    private final int tokensPerConversation;
    private final long seed;

    /**
     * @param babiEnglishDir the bAbI {@code en} folder (files {@code qaN_name_test.txt})
     * @param split          {@code test} or {@code train}
     */
    public BabiDatasetGenerator(Path babiEnglishDir, String split, int storiesPerTask, int tokensPerConversation,
                                long seed) {
        if (storiesPerTask <= 0 || tokensPerConversation <= 0) {
            throw new IllegalArgumentException("stories per task and tokens per conversation must be positive");
        }
        this.babiEnglishDir = babiEnglishDir;
        this.split = split;
        this.storiesPerTask = storiesPerTask;
        this.tokensPerConversation = tokensPerConversation;
        this.seed = seed;
    }

    public RecallDataset generate(List<String> tasks) {
        if (!Files.isDirectory(babiEnglishDir)) {
            throw new IllegalArgumentException("bAbI folder not found: " + babiEnglishDir.toAbsolutePath().normalize()
                    + " (the bAbI 'en' folder with files like qa1_single-supporting-fact_test.txt)");
        }
        List<Conversation> conversations = new ArrayList<>();
        Random random = new Random(seed);
        for (String task : tasks) {
            Path file = taskFile(task);
            String category = file.getFileName().toString().replace("_" + split + ".txt", "");
            List<BabiStory> stories = BabiReader.read(file).stream()
                    .filter(s -> !s.questions().isEmpty())
                    .limit(storiesPerTask)
                    .toList();
            conversations.addAll(conversationsOf(task, category, stories, random));
        }
        return new RecallDataset(conversations);
    }

    private List<Conversation> conversationsOf(String task, String category, List<BabiStory> stories, Random random) {
        List<Conversation> conversations = new ArrayList<>();
        for (List<BabiStory> group : groupByTokens(stories)) {
            StoryNames names = new StoryNames(random);
            List<Turn> turns = new ArrayList<>();
            List<Question> questions = new ArrayList<>();
            String conversationId = task + "-c" + (conversations.size() + 1);
            for (int index = 0; index < group.size(); index++) {
                int session = index + 1;
                BabiStory story = group.get(index);
                Map<String, String> renaming = names.draw(peopleIn(story), objectsIn(story));
                String time = LocalDate.of(2024, 1, 1).plusDays(index) + "T10:00";
                BabiStory.BabiQuestion last = lastQuestion(story);
                for (BabiStory.Statement statement : keptStatements(story)) {
                    String speaker = turns.size() % 2 == 0 ? FIRST_SPEAKER : SECOND_SPEAKER;
                    turns.add(new Turn(turnId(session, statement.id()), session, time, speaker,
                            StoryNames.apply(statement.text(), renaming)));
                }
                questions.add(new Question(conversationId + "-s" + session,
                        StoryNames.apply(last.text(), renaming),
                        StoryNames.apply(last.answer(), renaming),
                        last.supportingFacts().stream().map(id -> turnId(session, id)).distinct().toList(),
                        category));
            }
            conversations.add(new Conversation(conversationId, turns, questions));
        }
        return conversations;
    }

    /**
     * Consecutive stories grouped until a group reaches the token target (or would run out of unused names); a
     * last group under half the target joins the one before when names allow, so no conversation is trivially short.
     * Capacity is checked on a probe name supply (capacity does not depend on the shuffle).
     */
    private List<List<BabiStory>> groupByTokens(List<BabiStory> stories) {
        List<List<BabiStory>> groups = new ArrayList<>();
        List<BabiStory> current = new ArrayList<>();
        StoryNames probe = new StoryNames(new Random(0));
        int tokens = 0;
        for (BabiStory story : stories) {
            if (!current.isEmpty() && !probe.canName(peopleIn(story), objectsIn(story))) {
                groups.add(current);
                current = new ArrayList<>();
                probe = new StoryNames(new Random(0));
                tokens = 0;
            }
            probe.draw(peopleIn(story), objectsIn(story));
            current.add(story);
            tokens += tokens(story);
            if (tokens >= tokensPerConversation) {
                groups.add(current);
                current = new ArrayList<>();
                probe = new StoryNames(new Random(0));
                tokens = 0;
            }
        }
        if (!current.isEmpty()) {
            if (!groups.isEmpty() && tokens < tokensPerConversation / 2 && canNameAll(groups.get(groups.size() - 1),
                    current)) {
                groups.get(groups.size() - 1).addAll(current);
            } else {
                groups.add(current);
            }
        }
        return groups;
    }

    private static boolean canNameAll(List<BabiStory> previous, List<BabiStory> current) {
        StoryNames probe = new StoryNames(new Random(0));
        List<BabiStory> all = new ArrayList<>(previous);
        all.addAll(current);
        for (BabiStory story : all) {
            if (!probe.canName(peopleIn(story), objectsIn(story))) {
                return false;
            }
            probe.draw(peopleIn(story), objectsIn(story));
        }
        return true;
    }

    private static Set<String> peopleIn(BabiStory story) {
        Set<String> people = new LinkedHashSet<>();
        story.statements().forEach(s -> people.addAll(StoryNames.peopleIn(s.text())));
        BabiStory.BabiQuestion last = lastQuestion(story);
        people.addAll(StoryNames.peopleIn(last.text() + " " + last.answer()));
        return people;
    }

    private static Set<String> objectsIn(BabiStory story) {
        Set<String> objects = new LinkedHashSet<>();
        story.statements().forEach(s -> objects.addAll(StoryNames.objectsIn(s.text())));
        BabiStory.BabiQuestion last = lastQuestion(story);
        objects.addAll(StoryNames.objectsIn(last.text() + " " + last.answer()));
        return objects;
    }

    /** Tokens the story will have as turns (names stay one word; each object gains one adjective). */
    private static int tokens(BabiStory story) {
        return keptStatements(story).stream()
                .mapToInt(s -> TokenEstimator.tokensForWords(TokenEstimator.countWords(FIRST_SPEAKER + ": " + s.text())
                        + (int) StoryNames.OBJECTS.matcher(s.text()).results().count()))
                .sum();
    }

    private static BabiStory.BabiQuestion lastQuestion(BabiStory story) {
        return story.questions().get(story.questions().size() - 1);
    }

    /** Statements up to the kept (last) question: anything said after it is not part of what it asks about. */
    private static List<BabiStory.Statement> keptStatements(BabiStory story) {
        int lastId = lastQuestion(story).id();
        return story.statements().stream().filter(s -> s.id() < lastId).toList();
    }

    private static String turnId(int session, int babiId) {
        return "S" + session + ":" + babiId;
    }

    private Path taskFile(String task) {
        if (!task.matches("qa\\d+")) {
            throw new IllegalArgumentException("bAbI task must look like 'qa1', was '" + task + "'");
        }
        try (Stream<Path> files = Files.list(babiEnglishDir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(task + "_")
                            && f.getFileName().toString().endsWith("_" + split + ".txt"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no bAbI file " + task + "_*_" + split + ".txt in " + babiEnglishDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list bAbI folder " + babiEnglishDir, e);
        }
    }
}
