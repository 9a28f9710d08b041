package dev.titans4j.bench.recall.generate;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes bAbI stories distinguishable inside one long conversation: every story becomes one family's story, its
 * people get the family's surname ("Mary" becomes "Mary Okafor") and its objects the family's name ("the football"
 * becomes "the Okafor football"). Without this, "Where is Mary?" would be ambiguous across the many stories of a
 * conversation. The names and objects are the closed sets used by the bAbI tasks the generator selects.
 */
final class FamilyNames {

    static final List<String> SURNAMES = List.of(
            "Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Haddad", "Novak", "Alvarez", "Brennan", "Castillo",
            "Dubois", "Eriksen", "Fischer", "Gallagher", "Horvat", "Iverson", "Jansen", "Kaplan", "Lombardi", "Mendes",
            "Nakamura", "Oyelaran", "Petrov", "Quinlan", "Rossi", "Sato", "Thorsen", "Ulrich", "Varga", "Weller",
            "Yilmaz", "Zielinski", "Abernathy", "Bergstrom", "Cardoso", "Delacroix", "Engel", "Ferreira", "Grimaldi",
            "Hakimi", "Ishikawa", "Jovanovic", "Kristensen", "Laurent", "Mwangi", "Nilsen", "Ostrowski", "Pereira",
            "Rasmussen", "Sorensen", "Takahashi", "Vasquez", "Whitfield", "Xenakis", "Yamamoto", "Zamora", "Achebe",
            "Bianchi", "Cortez", "Draper", "Esposito", "Fontaine", "Gutierrez", "Holloway", "Ibarra", "Kimura",
            "Lachance", "Marchetti", "Nordberg", "Oliveira", "Pemberton", "Rinaldi", "Salazar", "Tremblay",
            "Underwood", "Valentini", "Wojcik", "Ziegler", "Amundsen", "Baptiste");

    private static final Pattern PEOPLE =
            Pattern.compile("\\b(Mary|John|Sandra|Daniel|Fred|Bill|Julie|Jeff)\\b");
    private static final Pattern OBJECTS = Pattern.compile("\\b(football|apple|milk)\\b");

    private FamilyNames() {
    }

    static String apply(String text, String surname) {
        String withPeople = PEOPLE.matcher(text).replaceAll("$1 " + Matcher.quoteReplacement(surname));
        return OBJECTS.matcher(withPeople).replaceAll(Matcher.quoteReplacement(surname) + " $1");
    }
}
