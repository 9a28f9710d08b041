package dev.titans4j.bench.recall.generate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps bAbI stories apart inside one long conversation. bAbI reuses the same eight people and three objects in every
 * story, so "Where is Mary?" would be ambiguous after twenty stories. Each story gets fresh people
 * ("Mary" becomes an invented name such as "Talira", used by no other story of the conversation) and fresh objects
 * ("the football" becomes "the teal football"; each noun's adjectives are unique per conversation). Only the words that were names change: a statement such as
 * "Then they went to the kitchen" still names nobody, so coreference and multi-hop questions stay as hard as in
 * bAbI (a story-wide marker in every turn, such as a family name, would hand lexical retrieval the whole story).
 */
final class StoryNames {

    static final Pattern PEOPLE = Pattern.compile("\\b(Mary|John|Sandra|Daniel|Fred|Bill|Julie|Jeff)\\b");
    static final Pattern OBJECTS = Pattern.compile("\\b(football|apple|milk)\\b");

    private static final List<String> ONSETS = List.of("Al", "Bra", "Cor", "Dav", "El", "Fen", "Gil", "Hal", "Is",
            "Jor", "Kal", "Lun", "Mor", "Nel", "Os", "Per", "Quil", "Ros", "Sel", "Tam", "Ul", "Vin", "Wen", "Yor",
            "Zan");
    private static final List<String> ENDINGS = List.of("a", "en", "ia", "or", "is", "ane", "elle", "o", "us", "ira");
    private static final List<String> ADJECTIVES = List.of("teal", "crimson", "striped", "dotted", "golden", "silver",
            "wooden", "rubber", "velvet", "amber", "ivory", "scarlet", "violet", "copper", "marble", "checkered",
            "glossy", "frosted", "rusty", "tiny", "giant", "woolen", "plaid", "bronze", "cobalt", "emerald", "maroon",
            "lilac", "ochre", "olive", "pearl", "ruby", "saffron", "slate", "tangerine", "turquoise", "umber",
            "vermilion", "indigo", "jade");

    private final List<String> people;
    private final Map<String, List<String>> adjectives = new LinkedHashMap<>(); // per object noun, own shuffle
    private final Random random;
    private final Map<String, Integer> nextAdjective = new LinkedHashMap<>(); // per object noun
    private int nextPerson;

    /** A fresh supply of invented names and adjectives for one conversation, shuffled by {@code random}. */
    StoryNames(Random random) {
        List<String> names = new ArrayList<>();
        for (String onset : ONSETS) {
            for (String ending : ENDINGS) {
                names.add(onset + ending);
            }
        }
        Collections.shuffle(names, random);
        this.people = names;
        this.random = random;
    }

    /** Whether a story with these originals can still get names no earlier story of the conversation used. */
    boolean canName(Set<String> storyPeople, Set<String> storyObjects) {
        return nextPerson + storyPeople.size() <= people.size()
                && storyObjects.stream().allMatch(o -> nextAdjective.getOrDefault(o, 0) < ADJECTIVES.size());
    }

    /** Draws the story's renaming: every original person and object gets a name unused in this conversation. */
    Map<String, String> draw(Set<String> storyPeople, Set<String> storyObjects) {
        if (!canName(storyPeople, storyObjects)) {
            throw new IllegalStateException("no unused names left for this conversation");
        }
        Map<String, String> renaming = new LinkedHashMap<>();
        storyPeople.forEach(p -> renaming.put(p, people.get(nextPerson++)));
        for (String object : storyObjects) {
            int index = nextAdjective.merge(object, 1, Integer::sum) - 1;
            List<String> shuffled = adjectives.computeIfAbsent(object, o -> {
                List<String> list = new ArrayList<>(ADJECTIVES);
                Collections.shuffle(list, random);
                return list;
            });
            renaming.put(object, shuffled.get(index) + " " + object);
        }
        return renaming;
    }

    static Set<String> peopleIn(String text) {
        return matches(PEOPLE, text);
    }

    static Set<String> objectsIn(String text) {
        return matches(OBJECTS, text);
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    static String apply(String text, Map<String, String> renaming) {
        String people = PEOPLE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(renaming.get(m.group(1))));
        return OBJECTS.matcher(people).replaceAll(m -> Matcher.quoteReplacement(renaming.get(m.group(1))));
    }
}
