"""Names of people and organisations on short invented stories (issue 12): Unicode letters,
dotted acronyms, lists of names, possessives and given names from many languages.

No database: extraction is pure. The sentences are made up for these tests.
"""

from articles.ingest.actors import ORGANISATION, PERSON, Actor, Mention, clean_name
from articles.ingest.extract import extract
from articles.ingest.namekeys import alias_problem, is_given_name, organisation_key
from articles.ingest.nameparts import (
    Possession,
    resolve_possessive,
    split_inner_possessives,
    split_name_list,
    split_name_lists,
)
from articles.ingest.names import (
    Cast,
    LabelVotes,
    PlaceClues,
    _story_places,
    _strip_leading_possessive,
    group_full_names,
    group_known_names,
    group_one_word_people,
    join_surnames_labelled_otherwise,
    label_votes,
    name_actors,
    organisation_mentions,
    relabel_mention,
    resolve_possessives,
)
from articles.ingest.organisations import group_organisations, org_plausible
from articles.ingest.people import Span, capitalised_runs, find_given_name_people, given_name_span
from articles.ingest.types import KnownEntities
from tests.test_extract import organisations, people


def test_accented_names_are_whole_people_and_their_surnames_join_them():
    result = extract(
        [
            "Enrique Peña Nieto met Volodymyr Zelenskyy in the capital on Monday.",
            "Peña said the talks were useful, and Zelenskyy agreed.",
        ]
    )
    assert people(result) == {"Enrique Peña Nieto", "Volodymyr Zelenskyy"}
    assert not organisations(result)


def test_names_with_letters_beyond_latin_1_hyphens_and_apostrophes():
    result = extract(
        [
            "Łukasz Kowalczyk, a union organiser, said the strike would go on.",
            "Siobhán O'Rourke, the harbour master, met Ngozi Okonjo-Iweala and Jürgen Müller.",
            "Kowalczyk told reporters that O'Rourke and Müller had promised help.",
        ]
    )
    assert people(result) == {
        "Łukasz Kowalczyk",
        "Siobhán O'Rourke",
        "Ngozi Okonjo-Iweala",
        "Jürgen Müller",
    }
    assert not organisations(result)


def test_dotted_acronyms_are_organisations_that_keep_their_dots():
    result = extract(
        [
            "Agents from the F.B.I. searched the office, and the U.N. condemned the attack.",
            "A spokesman for N.A.T.O. said the alliance would help.",
        ]
    )
    assert {"F.B.I.", "U.N.", "N.A.T.O."} <= organisations(result) | {
        alias for o in result.organisations for alias in o.aliases
    }
    assert not people(result)


def test_a_dotted_acronym_and_its_undotted_form_are_one_organisation():
    result = extract(
        [
            "The F.B.I. opened an inquiry on Tuesday into the harbour fire.",
            "The FBI said it would report within a month.",
        ]
    )
    assert len(result.organisations) == 1
    fbi = result.organisations[0]
    assert {fbi.name, *fbi.aliases} >= {"FBI"}
    assert organisation_key("F.B.I.") == organisation_key("FBI") == organisation_key("f.b.i")


def test_a_dotted_place_is_not_an_organisation():
    result = extract(["Karin Holm flew from Albany, N.Y., to Washington, D.C., on Friday."])
    assert not organisations(result)


def test_every_member_of_a_list_of_names_is_a_person():
    result = extract(
        [
            "The awards went to Ana Ruiz, Tom Becker and Lia Moss, the committee said.",
            "Board members Karin Holm, Felix Brandt, and Omar Haddad voted against the plan.",
        ]
    )
    assert people(result) == {
        "Ana Ruiz",
        "Tom Becker",
        "Lia Moss",
        "Karin Holm",
        "Felix Brandt",
        "Omar Haddad",
    }


def test_a_merged_list_is_split_into_its_members():
    assert split_name_list("Ana Ruiz, Tom Becker and Lia Moss") == [
        "Ana Ruiz",
        "Tom Becker",
        "Lia Moss",
    ]
    assert split_name_list("Tom Becker and Lia Moss") == ["Tom Becker", "Lia Moss"]
    # A firm's name and a name with a suffix are one name, not a list.
    assert split_name_list("Benson, Torres & Friedman") == ["Benson, Torres & Friedman"]
    assert split_name_list("Martin Luther King, Jr.") == ["Martin Luther King, Jr."]
    assert split_name_list("Organization for Security and Cooperation in Europe") == [
        "Organization for Security and Cooperation in Europe"
    ]


def test_possessives_are_stripped_from_names_with_either_apostrophe():
    result = extract(
        [
            "Donald Trump's lawyers met on Monday, and Trump's spokesman declined to comment.",
            "Angela Merkel’s government said Merkel’s aides would attend.",
        ]
    )
    assert people(result) == {"Donald Trump", "Angela Merkel"}
    assert clean_name("Merkel’s") == "Merkel"
    assert clean_name("Trump's") == "Trump"


def test_a_stripped_possessive_joins_the_name_the_story_gives():
    result = extract(
        [
            "Critics attacked Donald Trumps plan on Monday.",
            "Trumps aides said it would pass, and Trump agreed.",
        ]
    )
    assert people(result) == {"Donald Trump"}


def test_a_surname_ending_in_s_is_not_taken_for_a_possessive():
    result = extract(
        [
            "Marta Jones said the vote was close.",
            "Jones added that Kevin Roberts had abstained, and Roberts confirmed it.",
        ]
    )
    assert people(result) == {"Marta Jones", "Kevin Roberts"}


def test_an_owner_before_a_possessive_is_not_part_of_the_name():
    result = extract(
        [
            "Benjamin Netanyahu said on Monday that Netanyahu’s Likud Party had won.",
            "Univista’s Jorge Ramos asked the question, and Ramos did not let go.",
        ]
    )
    assert "Jorge Ramos" in people(result)
    assert "Likud Party" in organisations(result)
    names = people(result) | organisations(result)
    assert not [name for name in names if "’s" in name]


def test_a_brand_named_with_a_possessive_keeps_it():
    result = extract(["Shoppers at Halvard's Club were calm on Saturday, the manager said."])
    assert "Halvard's Club" in organisations(result)


def test_given_names_from_many_languages_are_known_without_any_story():
    for given in (
        "aiko",
        "bongani",
        "chidi",
        "dagny",
        "enrique",
        "fatou",
        "giorgos",
        "hamid",
        "ingrid",
        "joão",
        "Joao",
        "kenji",
        "Lukasz",
        "Łukasz",
        "marta",
        "ngozi",
        "oksana",
        "priya",
        "siobhán",
        "Siobhan",
        "tariq",
        "xavier",
        "yusuf",
        "zeynep",
    ):
        assert is_given_name(given), given
    assert not is_given_name("Smith")


def test_a_person_the_model_calls_an_organisation_is_a_person_by_their_given_name():
    result = extract(
        [
            "Marta Jones said the vote was close.",
            "Chidi Okafor and Priya Raman disagreed, Dagny Lund said.",
        ]
    )
    assert {"Marta Jones", "Chidi Okafor", "Priya Raman", "Dagny Lund"} <= people(result)
    assert not organisations(result)


def test_each_member_of_a_split_list_keeps_its_place_in_the_paragraph():
    paragraph = "Judges Ana Ruiz and Tom Becker ruled."
    start = paragraph.index("Ana")
    merged = Mention(
        0, start, start + len("Ana Ruiz and Tom Becker"), "Ana Ruiz and Tom Becker", "PERSON"
    )
    members = split_name_lists([merged])
    assert [(m.text, m.label) for m in members] == [
        ("Ana Ruiz", "PERSON"),
        ("Tom Becker", "PERSON"),
    ]
    assert [paragraph[m.start : m.end] for m in members] == ["Ana Ruiz", "Tom Becker"]


def test_a_stripped_possessive_of_a_known_organisation_is_not_one_of_its_spellings():
    result = extract(
        [
            "She once worked as an assistant to The Washington Posts publisher in the capital.",
        ]
    )
    post = next(o for o in result.organisations if o.name == "The Washington Post")
    assert "Washington Posts" not in post.aliases


def test_a_stripped_possessive_inside_a_name_is_split_off_when_the_owner_is_known():
    result = extract(
        [
            "Senator Alma Brandt spoke first on Tuesday.",
            "Alma Brandts Medicare plan drew fire, and the Congresss Office of Compliance said so.",
        ]
    )
    assert people(result) == {"Alma Brandt"}
    assert "Office of Compliance" in organisations(result)
    assert not [name for name in organisations(result) if "Congresss" in name]


def test_a_place_named_with_an_accented_capital_is_a_place_not_a_person():
    result = extract(
        [
            "The mill in the town of Östervik closed. Östervik said it would help, "
            "Mayor Lena Berg said.",
        ]
    )
    assert people(result) == {"Lena Berg"}
    assert not organisations(result)


def test_a_given_name_of_any_language_is_refused_as_an_alias():
    for given in ("Michael", "Ngozi", "Łukasz", "Lukasz", "Siobhan"):
        assert alias_problem(given) == f"'{given}' is a first name alone"
    assert alias_problem("Okonjo-Iweala") is None
    assert alias_problem("Lee") is None  # as often a surname as a given name


def test_a_dotted_title_is_not_an_organisation():
    result = extract(["The A.G. said on Monday that the D.A. had agreed, and the F.B.I. said so."])
    assert organisations(result) == {"FBI"}


def test_a_place_abbreviation_before_a_name_is_not_part_of_it():
    result = extract(
        [
            "In Washington, D.C. Jackson backers met on Monday, and Sandra Jackson said so.",
        ]
    )
    assert people(result) == {"Sandra Jackson"}


# The passes of build_actors, one at a time, on mentions labelled by hand.


def mention(text: str, label: str, before_noun: bool = False) -> Mention:
    return Mention(0, 0, len(text), text, label, before_noun=before_noun)


def texts(mentions: list[Mention]) -> list[str]:
    return [m.text for m in mentions]


def forms_of(actors: list[Actor]) -> list[set[str]]:
    return [set(actor.forms) for actor in actors]


def test_resolve_possessives_strips_a_lost_apostrophe_unless_the_plural_stands_alone():
    mentions = [
        mention("Barack Obama", "PERSON"),
        mention("Obamas", "PERSON", before_noun=True),  # "Obamas plan"
        mention("Rovers", "ORG"),  # "joined Rovers from": a club's plural name
        mention("Rovers", "ORG", before_noun=True),
        mention("Hallmarks", "ORG", before_noun=True),  # "Hallmarks profits"
    ]
    resolve_possessives(mentions, {"barack obama", "obama", "obamas", "rovers", "hallmarks"})
    assert texts(mentions) == ["Barack Obama", "Obama", "Rovers", "Rovers", "Hallmark"]


def test_relabel_mention_corrects_the_models_label_by_the_names_shape_and_the_story():
    cases = [
        (mention("Pellar Pharma", "PERSON"), "ORG"),
        (mention("Nikki Haley", "ORG"), "PERSON"),
        (mention("Port Ardent", "ORG"), "GPE"),
        (mention("Port Authority", "ORG"), "ORG"),  # a place's prefix before a body's word
        (mention("Norvaskan", "ORG"), "NORP"),
        (mention("Caldera", "PERSON"), "GPE"),
        (mention("Harwick Institute", "ORG"), "ORG"),
    ]
    for m, _label in cases:
        relabel_mention(m, story_places={"caldera"}, words={"norvaska"})
    assert [(m.text, m.label) for m, _ in cases] == [(m.text, label) for m, label in cases]


def test_group_known_names_joins_curated_names_drops_blocked_ones_and_passes_the_rest_on():
    known = KnownEntities(
        people={"ana ruiz": "Ana Ruiz", "ruiz": "Ana Ruiz"},
        organisations={"fbi": "Federal Bureau of Investigation"},
        blocked={"Spam Corp"},
    )
    cast = Cast()
    mentions = [
        mention("Ruiz", "PERSON"),
        mention("FBI", "ORG"),
        mention("Spam Corp", "ORG"),
        mention("Tom Becker", "PERSON"),
        mention("Ana Ruiz", "ORG"),
    ]
    rest = group_known_names(mentions, known, {"spam corp"}, cast)
    assert texts(rest) == ["Tom Becker"]
    assert [(a.canonical, a.known) for a in cast.people] == [("Ana Ruiz", True)]
    assert cast.people[0].forms == {"Ruiz": 1, "Ana Ruiz": 1}
    assert [a.canonical for a in cast.organisations] == ["Federal Bureau of Investigation"]


def test_group_full_names_joins_compatible_first_names_and_curated_people_by_surname():
    cast = Cast()
    cast.curated_actor(PERSON, "Ana Ruiz")
    mentions = [
        mention("Sen. Ana Ruiz", "PERSON"),
        mention("A. Ruiz", "PERSON"),
        mention("George H.W. Bush", "PERSON"),
        mention("George W. Bush", "PERSON"),  # the son: another person
        mention("Becker", "PERSON"),
        mention("Harwick Institute", "ORG"),
    ]
    rest = group_full_names(mentions, cast)
    assert texts(rest) == ["Becker", "Harwick Institute"]
    assert forms_of(cast.people) == [
        {"Ana Ruiz", "A. Ruiz"}, {"George H.W. Bush"}, {"George W. Bush"}
    ]
    assert cast.people[0].known
    assert len(cast.by_surname["bush"]) == 2


def test_group_one_word_people_finds_the_person_a_surname_or_first_name_names():
    cast = Cast()
    group_full_names([mention("Tom Becker", "PERSON")], cast)
    mentions = [
        mention("Becker", "ORG"),  # any label: a surname of the story is that person
        mention("Tom", "PERSON"),
        mention("Kowalczyk", "PERSON"),  # no full name: a one-word person
        mention("Kowalczyk", "PERSON"),
        mention("Harwick", "ORG"),
    ]
    rest = group_one_word_people(mentions, cast)
    assert texts(rest) == ["Harwick"]
    assert [actor.forms for actor in cast.people] == [
        {"Tom Becker": 1, "Becker": 1, "Tom": 1}, {"Kowalczyk": 2}
    ]
    assert cast.one_word_people["kowalczyk"] is cast.people[1]


def test_join_surnames_labelled_otherwise_takes_a_one_word_persons_other_labels():
    cast = Cast()
    kowalczyk = cast.one_word_person("Kowalczyk")
    georgia = cast.one_word_person("Georgia")
    mentions = [
        mention("Kowalczyk", "ORG"),
        mention("Kowalczyk", "MISC"),
        mention("Georgia", "GPE"),  # a place is not the person named after it
        mention("Harwick", "ORG"),
    ]
    rest = join_surnames_labelled_otherwise(mentions, cast)
    assert texts(rest) == ["Kowalczyk", "Georgia", "Harwick"]
    assert kowalczyk.forms == {"Kowalczyk": 1}
    assert not georgia.forms


def test_organisation_mentions_keeps_names_of_institutions_only():
    becker = Actor(kind=PERSON)
    becker.add(mention("Tom Becker", "PERSON"), "Tom Becker")
    mentions = [
        mention("Harwick Institute", "ORG"),
        mention("Harwick Trust", "GPE"),
        mention("Becker", "ORG"),  # a person of the story
        mention("Benghazi", "ORG"),  # a place
        mention("Medicare", "ORG"),  # a programme
        mention("Russia and Ukraine", "ORG"),
        mention("House", "ORG"),
    ]
    kept = organisation_mentions(mentions, [becker], words={"senate"})
    assert texts(kept) == ["Harwick Institute", "House"]
    assert texts(organisation_mentions(mentions, [becker], words=set())) == [
        "Harwick Institute"
    ]


def test_group_organisations_merges_keys_acronyms_chambers_and_place_qualified_names():
    cast = Cast()
    mentions = [
        mention(text, "ORG")
        for text in [
            "F.B.I.", "FBI", "Federal Bureau of Investigation", "House",
            "House of Representatives", "State Department", "U.S. State Department",
        ]
    ]
    group_organisations(mentions, cast.organisations, story_places=set())
    assert forms_of(cast.organisations) == [
        {"Federal Bureau of Investigation", "F.B.I.", "FBI"},
        {"House of Representatives", "House"},
        {"U.S. State Department", "State Department"},
    ]
    assert sum(len(actor.mentions) for actor in cast.organisations) == len(mentions)


def test_name_actors_picks_the_fullest_name_and_drops_empty_and_blocked_actors():
    cast = Cast()
    ruiz, harwick = Actor(kind=PERSON), Actor(kind=ORGANISATION)
    for form in ["Ruiz", "Ana Ruiz", "Ruiz"]:
        ruiz.add(mention(form, "PERSON"), form)
    harwick.add(mention("HI", "ORG"), "HI")
    harwick.add(mention("Harwick Institute", "ORG"), "Harwick Institute")
    moss = cast.curated_actor(PERSON, "Lia Moss")  # a curated name keeps its canonical form
    moss.add(mention("Moss", "PERSON"), "Moss")
    unmentioned = cast.curated_actor(PERSON, "Omar Haddad")
    named = name_actors([ruiz, harwick, moss, unmentioned], blocked={"harwick institute"})
    assert [actor.canonical for actor in named] == ["Ana Ruiz", "Lia Moss"]
    assert ruiz.aliases == ["Ruiz"]


def test_an_actor_absorbing_another_takes_its_mentions_and_adds_up_its_forms():
    fbi, bureau = Actor(kind=ORGANISATION), Actor(kind=ORGANISATION)
    for form in ["FBI", "FBI", "F.B.I."]:
        fbi.add(mention(form, "ORG"), form)
    bureau.add(mention("FBI", "ORG"), "FBI")
    bureau.absorb(fbi)
    assert bureau.forms == {"FBI": 3, "F.B.I.": 1}
    assert len(bureau.mentions) == 4
    assert not fbi.mentions and not fbi.forms


def test_a_shorter_name_two_organisations_could_own_joins_neither():
    cast = Cast()
    mentions = [
        mention(text, "ORG")
        for text in ["Board of Health", "Ohio Board of Health", "Texas Board of Health"]
    ]
    group_organisations(mentions, cast.organisations, story_places=set())
    assert forms_of(cast.organisations) == [
        {"Board of Health"}, {"Ohio Board of Health"}, {"Texas Board of Health"}
    ]
    without_a_rival = Cast()
    group_organisations(mentions[:2], without_a_rival.organisations, story_places=set())
    assert forms_of(without_a_rival.organisations) == [
        {"Ohio Board of Health", "Board of Health"}
    ]


def test_org_plausible_refuses_laws_places_events_faiths_and_names_cut_short():
    plausible = {
        "Harwick Institute", "Ukraines Harwick Institute", "Harwick-Orlen",
        "Vallkor Security", "Reuters", "Republican Party", "HuffPost",
    }
    refused = {
        "Medicare",  # a programme
        "TheTrump",  # words run together around a person of the story
        "Ukraines Crimean Peninsula",  # a place's possessive, then a place
        "Hurricane Sandy", "Oval Office",  # a storm, a room
        "Mormon",  # a faith
        "Ex-Soviet",  # an adjective
        "Trump-Zelenskiy",  # a person of the story joined to another name
        "Social Security",  # a programme in ordinary words
        "Founders",  # people described
        "U.S. Department", "Republican House",  # names cut short
    }
    person_forms = {"trump"}
    assert {text for text in plausible | refused if org_plausible(text, person_forms)} == plausible


def test_label_votes_counts_the_models_labels_per_lower_cased_form():
    mentions = [
        mention("Caldera", "GPE"), mention("CALDERA", "LOC"), mention("Caldera", "ORG"),
        mention("Obama", "PERSON"), mention("Obama", "NORP"),
        mention("NATO", "ORG"), mention("NATO", "GPE"),
    ]
    assert label_votes(mentions) == {
        "caldera": LabelVotes(place=2, named=1, person=0),
        "obama": LabelVotes(place=0, named=1, person=1),
        "nato": LabelVotes(place=1, named=1, person=0, capitals=True),
    }


def test_place_clues_say_which_forms_of_a_story_are_places():
    clues = PlaceClues(
        words={"calderan", "minister"},
        place_heads={"saltmarsh", "jones"},
        place_contexts={"obama", "ostrava", "nato"},
        named_places={"vell"},
    )
    no_votes = LabelVotes()
    assert clues.say_place("caldera", no_votes)  # its people are named: "Calderan"
    assert clues.say_place("saltmarsh", LabelVotes(named=1))  # "the Saltmarsh Strait"
    assert not clues.say_place("jones", LabelVotes(named=2))  # a name more than a place
    assert clues.say_place("vell", no_votes)
    assert clues.say_place("ostrava", LabelVotes(person=1))  # "flew to Ostrava"
    assert not clues.say_place("obama", LabelVotes(person=6))  # "an affront to Obama"
    assert not clues.say_place("nato", LabelVotes(capitals=True))  # "join NATO": an acronym
    assert not clues.say_place("minister", no_votes)


def test_a_possessions_labels_follow_its_owner_and_what_it_owns():
    people = {"benjamin netanyahu", "netanyahu"}
    assert Possession("Netanyahu", "Likud Party").labels("ORG", people) == ["PERSON", "ORG"]
    assert Possession("Ukraine", "Defense Ministry").labels("ORG", people) == ["GPE", "ORG"]
    assert Possession("Univista", "Jorge Ramos").labels("ORG", people) == ["ORG", "PERSON"]
    # What a person owns names no actor.
    assert Possession("Netanyahu", "Congressional Testimony").labels("PERSON", people) == [
        "PERSON", "MISC"
    ]


def test_split_inner_possessives_splits_an_owner_the_story_knows_and_keeps_a_brand():
    paragraph = "Benjamin Netanyahu said Netanyahu’s Likud Party won; Sam's Club was shut."
    named = [
        ("Benjamin Netanyahu", "PERSON"), ("Netanyahu’s Likud Party", "ORG"),
        ("Sam's Club", "ORG"),
    ]
    mentions = [
        Mention(0, paragraph.index(text), paragraph.index(text) + len(text), text, label)
        for text, label in named
    ]
    split = split_inner_possessives(mentions)
    assert [(m.text, m.label) for m in split] == [
        ("Benjamin Netanyahu", "PERSON"), ("Netanyahu", "PERSON"), ("Likud Party", "ORG"),
        ("Sam's Club", "ORG"),
    ]
    assert [paragraph[m.start : m.end] for m in split] == [m.text for m in split]


def test_a_leading_possessive_goes_when_its_owner_is_the_storys_or_a_countrys():
    def stripped(text: str, forms: set[str] = frozenset(), words: set[str] = frozenset()):
        m = mention(text, "ORG")
        _strip_leading_possessive(m, forms, words)
        assert text[m.start :] == m.text  # the offset moves with the cleaned text
        return m.text

    assert stripped("Calderas Ministry of Water", forms={"caldera"}) == "Ministry of Water"
    assert stripped("Norvaskas Foreign Ministry") == "Foreign Ministry"
    assert stripped("Vellmars Pellar Pharma", words={"vellmar"}) == "Pellar Pharma"
    assert stripped("Vellmars Pellar Pharma") == "Vellmars Pellar Pharma"
    assert stripped("Ivas Foreign Ministry") == "Ivas Foreign Ministry"  # too short to tell
    assert stripped("Harwick Institute", forms={"harwic"}) == "Harwick Institute"


def test_story_places_are_the_models_places_and_their_peoples_but_never_an_institution():
    mentions = [
        mention("Norvaska", "GPE"), mention("Norvaska", "ORG"), mention("Norvaska", "GPE"),
        mention("Kremlin", "GPE"),
        mention("Vellmar", "ORG"),
    ]
    curated = KnownEntities(organisations={"vellmar": "Vellmar Holdings"})
    places = _story_places(mentions, curated, words=set(), place_contexts={"vellmar"})
    assert {"norvaska", "norvaskan", "ukraine", "ukrainian"} <= places
    assert not {"kremlin", "vellmar"} & places


def test_resolve_possessive_reads_a_lost_apostrophe_only_where_a_name_owns_the_s():
    assert resolve_possessive("NATOs", set()) == "NATO"
    assert resolve_possessive("Vellmars", {"vellmar"}) == "Vellmar"
    assert resolve_possessive("Hillary Clintons", {"clinton"}, person=True) == "Hillary Clinton"
    assert resolve_possessive("Hillary Clintons", {"clinton"}) == "Hillary Clintons"
    assert resolve_possessive("Obamas", set(), before_noun=True) == "Obama"
    assert resolve_possessive("Obamas", set()) == "Obamas"
    # A surname of its own, a word too short, and a double s keep their s.
    assert resolve_possessive("Chris Stevens", set(), before_noun=True) == "Chris Stevens"
    assert resolve_possessive("Eds", set(), before_noun=True) == "Eds"
    assert resolve_possessive("Congress", set(), before_noun=True) == "Congress"


def test_a_given_name_and_a_surname_are_found_in_a_run_of_capitalised_words():
    paragraph = "Judge Ana Ruiz and the Ana Ruiz Foundation met in Lake Ana."
    runs = [paragraph[run.start : run.end] for run in capitalised_runs(paragraph)]
    assert runs == ["Judge Ana Ruiz", "Ana Ruiz Foundation", "Lake Ana"]
    assert given_name_span("Senator Ana Ruiz") == Span(8, 16)
    assert given_name_span("Ana M. Ruiz") == Span(0, 11)
    assert given_name_span("Ana Ruiz Foundation") is None
    assert given_name_span("Lake Ana") is None


def test_find_given_name_people_skips_credit_lines_and_names_already_taken():
    paragraphs = [
        "Judge Ana Ruiz met Senator Tom Becker.",
        "Karin Holm contributed reporting.",
        "Karin Holm spoke first.",
    ]
    becker = paragraphs[0].index("Senator")
    found = find_given_name_people(
        paragraphs, skip={1}, taken=lambda index: [(becker, becker + 18)] if index == 0 else []
    )
    assert [(m.paragraph, m.text, m.opens_sentence) for m in found] == [
        (0, "Ana Ruiz", False), (2, "Karin Holm", True)
    ]
    assert [paragraphs[m.paragraph][m.start : m.end] for m in found] == ["Ana Ruiz", "Karin Holm"]
