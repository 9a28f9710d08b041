package dev.titans4j.bench.recall.generate;

import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic fact to hide in a haystack, with the question that asks for it. {@code key} names what the fact is
 * about; a conversation never holds two facts with the same key, so every question has exactly one answer.
 */
record NeedleFact(String key, String statement, String question, String answer) {

    private static final List<String> COLORS = List.of("blue", "red", "green", "yellow", "purple", "orange", "silver",
            "golden", "white", "black", "crimson", "teal", "violet", "amber", "ivory", "scarlet", "turquoise",
            "maroon", "indigo", "copper");
    private static final List<String> VEHICLES = List.of("van", "bicycle", "scooter", "truck", "motorboat", "tractor");
    private static final List<String> HIDING_PLACES = List.of("doormat", "flower pot", "garden gnome", "loose brick",
            "watering can", "porch swing", "mailbox", "birdbath");
    private static final List<String> NAMES = List.of("Ingrid", "Tomasz", "Priya", "Mateo", "Yusuf", "Elodie",
            "Kwame", "Astrid", "Ravi", "Leilani", "Bjorn", "Chiara", "Dmitri", "Fatima", "Hiroshi", "Nadia", "Oskar",
            "Rosalind", "Soren", "Thandiwe", "Valentina", "Wilhelmina", "Xavier", "Zofia", "Anselm", "Beatrix",
            "Cosimo", "Dagny", "Evander", "Florentyna");
    private static final List<String> CITIES = List.of("Reykjavik", "Valparaiso", "Tbilisi", "Ljubljana", "Mombasa",
            "Hobart", "Cusco", "Tromso", "Marrakesh", "Ushuaia", "Timbuktu", "Samarkand", "Galway", "Bergen",
            "Zanzibar", "Kyoto", "Antigua", "Tallinn", "Trondheim", "Quito");
    private static final List<String> VENUES = List.of("bakery", "library", "boathouse", "observatory", "greenhouse",
            "bowling alley", "chess club", "pottery studio", "ice rink", "planetarium", "laundromat", "aquarium");
    private static final List<String> WORDS = List.of("marmalade", "thunderbolt", "pinecone", "saxophone",
            "lighthouse", "cinnamon", "kaleidoscope", "hedgehog", "avalanche", "periwinkle", "zeppelin", "quokka");
    private static final List<String> ANIMALS = List.of("parrot", "ferret", "tortoise", "hamster", "iguana", "rabbit",
            "canary", "chinchilla");

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
        String color = pick(random, COLORS);
        switch (random.nextInt(5)) {
            case 0 -> {
                String code = String.valueOf(1000 + random.nextInt(9000));
                return new NeedleFact("code " + color, "The secret code of the " + color + " door is " + code + ".",
                        "What is the secret code of the " + color + " door?", code);
            }
            case 1 -> {
                String vehicle = pick(random, VEHICLES);
                String place = pick(random, HIDING_PLACES);
                return new NeedleFact("key " + color + " " + vehicle,
                        "The spare key to the " + color + " " + vehicle + " is hidden under the " + place + ".",
                        "Where is the spare key to the " + color + " " + vehicle + " hidden?", "under the " + place);
            }
            case 2 -> {
                String name = pick(random, NAMES);
                String city = pick(random, CITIES);
                return new NeedleFact("born " + name, "My cousin " + name + " was born in " + city + ".",
                        "Where was my cousin " + name + " born?", city);
            }
            case 3 -> {
                String venue = pick(random, VENUES);
                String password = pick(random, WORDS) + (10 + random.nextInt(90));
                return new NeedleFact("wifi " + venue, "The wifi password at the " + venue + " is " + password + ".",
                        "What is the wifi password at the " + venue + "?", password);
            }
            default -> {
                String animal = pick(random, ANIMALS);
                String name = pick(random, NAMES);
                return new NeedleFact("pet " + color + " " + animal,
                        "The " + animal + " in the " + color + " cage is called " + name + ".",
                        "What is the " + animal + " in the " + color + " cage called?", name);
            }
        }
    }

    private static String pick(Random random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }
}
