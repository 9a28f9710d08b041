package dev.titans4j.bench.recall.generate;

import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic fact to hide in a haystack, with two ways to ask for it: {@code question} repeats the fact's words
 * ("What is the secret code of the blue door?"), {@code paraphrase} avoids them except for a name, using synonyms
 * ("Which digits unlock the azure entrance?"), so lexical overlap alone does not find the fact. {@code key} names
 * what the fact is about; a conversation never holds two facts with the same key, so every question has one answer.
 */
record NeedleFact(String key, String statement, String question, String paraphrase, String answer) {

    /** A word and the synonym the paraphrased question uses instead. */
    private record Pair(String word, String synonym) {
    }

    private static final List<Pair> COLORS = List.of(new Pair("blue", "azure"), new Pair("red", "crimson"),
            new Pair("green", "emerald"), new Pair("yellow", "lemon"), new Pair("purple", "violet"),
            new Pair("orange", "tangerine"), new Pair("grey", "ashen"), new Pair("golden", "gilded"),
            new Pair("white", "snowy"), new Pair("black", "jet"), new Pair("brown", "chocolate"),
            new Pair("pink", "rosy"));
    private static final List<Pair> VEHICLES = List.of(new Pair("van", "minibus"), new Pair("bicycle", "bike"),
            new Pair("scooter", "moped"), new Pair("truck", "lorry"), new Pair("motorboat", "speedboat"),
            new Pair("tractor", "farm machine"));
    private static final List<String> HIDING_PLACES = List.of("doormat", "flower pot", "garden gnome", "loose brick",
            "watering can", "porch swing", "mailbox", "birdbath");
    private static final List<String> NAMES = List.of("Ingrid", "Tomasz", "Priya", "Mateo", "Yusuf", "Elodie",
            "Kwame", "Astrid", "Ravi", "Leilani", "Bjorn", "Chiara", "Dmitri", "Fatima", "Hiroshi", "Nadia", "Oskar",
            "Rosalind", "Soren", "Thandiwe", "Valentina", "Wilhelmina", "Xavier", "Zofia", "Anselm", "Beatrix",
            "Cosimo", "Dagny", "Evander", "Florentyna");
    private static final List<String> CITIES = List.of("Reykjavik", "Valparaiso", "Tbilisi", "Ljubljana", "Mombasa",
            "Hobart", "Cusco", "Tromso", "Marrakesh", "Ushuaia", "Timbuktu", "Samarkand", "Galway", "Bergen",
            "Zanzibar", "Kyoto", "Antigua", "Tallinn", "Trondheim", "Quito");
    private static final List<Pair> VENUES = List.of(new Pair("bakery", "patisserie"),
            new Pair("library", "reading room"), new Pair("boathouse", "boat shed"),
            new Pair("observatory", "stargazing dome"), new Pair("greenhouse", "glasshouse"),
            new Pair("pottery studio", "ceramics workshop"), new Pair("ice rink", "skating arena"),
            new Pair("laundromat", "launderette"), new Pair("aquarium", "fish museum"),
            new Pair("gym", "fitness centre"));
    private static final List<String> WORDS = List.of("marmalade", "thunderbolt", "pinecone", "saxophone",
            "lighthouse", "cinnamon", "kaleidoscope", "hedgehog", "avalanche", "periwinkle", "zeppelin", "quokka");
    private static final List<Pair> ANIMALS = List.of(new Pair("parrot", "macaw"), new Pair("ferret", "polecat"),
            new Pair("tortoise", "turtle"), new Pair("rabbit", "bunny"), new Pair("iguana", "lizard"),
            new Pair("canary", "songbird"));

    /** Distinct keys the templates can make; a conversation uses at most half, so random draws stay quick. */
    static final int MAX_PER_CONVERSATION = (COLORS.size() + COLORS.size() * VEHICLES.size() + NAMES.size()
            + VENUES.size() + COLORS.size() * ANIMALS.size()) / 2;

    /** A random fact whose key is not in {@code usedKeys}; the key is added. */
    static NeedleFact random(Random random, Set<String> usedKeys) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            NeedleFact fact = candidate(random);
            if (usedKeys.add(fact.key())) {
                return fact;
            }
        }
        throw new IllegalStateException("too many needles for one conversation: no unused fact left");
    }

    private static NeedleFact candidate(Random random) {
        Pair color = pick(random, COLORS);
        switch (random.nextInt(5)) {
            case 0 -> {
                String code = String.valueOf(1000 + random.nextInt(9000));
                return new NeedleFact("code " + color.word(),
                        "The secret code of the " + color.word() + " door is " + code + ".",
                        "What is the secret code of the " + color.word() + " door?",
                        "Which digits unlock the " + color.synonym() + " entrance?", code);
            }
            case 1 -> {
                Pair vehicle = pick(random, VEHICLES);
                String place = pick(random, HIDING_PLACES);
                return new NeedleFact("key " + color.word() + " " + vehicle.word(),
                        "The spare key to the " + color.word() + " " + vehicle.word() + " is hidden under the "
                                + place + ".",
                        "Where is the spare key to the " + color.word() + " " + vehicle.word() + " hidden?",
                        "Where did we stash the backup opener for the " + color.synonym() + " " + vehicle.synonym()
                                + "?",
                        "under the " + place);
            }
            case 2 -> {
                String name = pick(random, NAMES);
                String city = pick(random, CITIES);
                return new NeedleFact("born " + name, "My cousin " + name + " was born in " + city + ".",
                        "Where was my cousin " + name + " born?",
                        "Which town does " + name + " originally come from?", city);
            }
            case 3 -> {
                Pair venue = pick(random, VENUES);
                String password = pick(random, WORDS) + (10 + random.nextInt(90));
                return new NeedleFact("wifi " + venue.word(),
                        "The wifi password at the " + venue.word() + " is " + password + ".",
                        "What is the wifi password at the " + venue.word() + "?",
                        "What do I type to get online at the " + venue.synonym() + "?", password);
            }
            default -> {
                Pair animal = pick(random, ANIMALS);
                String name = pick(random, NAMES);
                return new NeedleFact("pet " + color.word() + " " + animal.word(),
                        "The " + animal.word() + " in the " + color.word() + " cage is called " + name + ".",
                        "What is the " + animal.word() + " in the " + color.word() + " cage called?",
                        "What name does the " + animal.synonym() + " in the " + color.synonym()
                                + " enclosure answer to?", name);
            }
        }
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
