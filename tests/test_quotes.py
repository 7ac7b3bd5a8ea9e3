"""The quote passes one at a time, on short invented sentences parsed by the real pipeline.

No database: the passes read only spaCy docs and actors. tests/test_extract.py covers the
whole of `extract`; these pin each pass's own output.
"""

import pytest

from articles.ingest import quote_candidates, quote_speakers, quotes
from articles.ingest.actors import PERSON, Actor, Mention
from articles.ingest.extract import extract
from articles.ingest.pipeline import parse
from articles.ingest.types import FoundQuote


def parsed(text):
    return parse([text])[0]


def candidates(text):
    """(quoted words, verb, speaker word, kind, method) for each candidate in `text`."""
    return [
        (text[c.start : c.end], c.verb, c.speaker_token.text if c.speaker_token else None,
         c.kind, c.method)
        for c in quote_candidates.speech_verb_candidates(text, parsed(text))
    ]


def test_trim_and_full_stop():
    text = ' "We will build it." '
    start, end = quote_candidates.trim(text, 0, len(text))
    assert text[start:end] == "We will build it."
    assert text[start : quote_candidates.drop_full_stop(text, start, end)] == "We will build it"


def test_a_that_clause_is_reported_without_its_that():
    text = "The mayor of Brellin, Ilse Marrow, said that the new bridge would open in the spring."
    assert candidates(text) == [
        ("the new bridge would open in the spring", "said", "mayor", "reported", "speech-verb"),
    ]


@pytest.mark.parametrize(("text", "words", "kind"), [
    ("I want the bridge open soon, Marrow said.", "I want the bridge open soon", "direct"),
    ("The toll will rise next year, Marrow said.", "The toll will rise next year", "reported"),
])
def test_a_clause_before_its_attribution_is_direct_when_it_speaks_as_i(text, words, kind):
    assert candidates(text) == [(words, "said", "Marrow", kind, "inverted")]


def test_according_to_quotes_the_longer_side_of_the_sentence():
    text = "The bridge will open in May, according to the city council."
    assert candidates(text) == [
        ("The bridge will open in May", "according to", "council", "reported", "according-to"),
    ]


def test_an_attribution_standing_alone_quotes_the_sentences_before_it():
    assert candidates("Why now? Why here? Marrow said.") == [
        ("Why now? Why here?", "said", "Marrow", "direct", "inverted-alone"),
    ]
    assert candidates("We are proud of the work. We did well. Marrow said.") == [
        ("We are proud of the work. We did well", "said", "Marrow", "direct", "inverted-alone"),
    ]


def test_a_past_event_told_of_others_is_not_taken_in_before_an_attribution():
    # "The crews did well." is the reporter telling; nothing before "Marrow said" is hers.
    assert candidates("We are proud of the work. The crews did well. Marrow said.") == []


def test_adding_that_ends_the_first_quote_and_speaks_for_the_same_subject():
    text = "Marrow said the budget was tight, adding that the council would vote on Monday."
    assert candidates(text) == [
        ("the budget was tight", "said", "Marrow", "reported", "speech-verb"),
        ("the council would vote on Monday", "adding", "Marrow", "reported", "speech-verb"),
    ]


def test_who_stands_for_the_name_it_follows():
    text = "Smith, who told reporters the plan would fail, left early."
    assert candidates(text) == [("the plan would fail", "told", "Smith", "reported", "speech-verb")]


def test_reuters_reported_gives_the_words_to_whom_it_reports():
    text = "The police said the road was closed, Reuters reported."
    reported = [c for c in candidates(text) if c[1] == "reported"]
    assert reported == [
        ("The police said the road was closed", "reported", "police", "reported", "inverted"),
    ]


def test_found_reports_speech_only_with_a_that_clause():
    assert candidates("The report found that the bridge was unsafe.") == [
        ("the bridge was unsafe", "found", "report", "reported", "speech-verb"),
    ]
    assert candidates("The report found the bridge unsafe.") == []


def test_asked_whether_is_a_question_reported_not_a_quote():
    assert candidates("Marrow asked whether the bridge was safe.") == []


@pytest.mark.parametrize(("sentence", "told"), [
    ("Marrow rejected the criticism.", True),  # a named subject in the past tense
    ("Marrow said the budget was tight.", True),  # a speech verb
    ("We are proud of the work.", False),  # the speaker's own words
    ("Why did she leave?", False),  # a question asks; the reporter tells
])
def test_narrative_is_the_reporters_voice(sentence, told):
    assert quote_candidates.narrative(next(parsed(sentence).sents)) is told


def attributions(paragraphs):
    """(quoted words, speaker, the story's words for the speaker, confidence) per quote."""
    return [
        (q.text, q.speaker, q.speaker_text, q.confidence) for q in extract(paragraphs).quotes
    ]


@pytest.mark.parametrize(("paragraphs", "expected"), [
    (
        ["Helena Marsh said that the bridge would open in May."],
        ("Helena Marsh", "Helena Marsh", quote_speakers.CONFIDENCE_NAMED),
    ),
    (
        ["Mayor Helena Marsh opened the bridge on Monday. The mayor said that the toll would "
         "rise next year."],
        ("Helena Marsh", "The mayor", quote_speakers.CONFIDENCE_ROLE),
    ),
    (
        ["The official, Helena Marsh, said that the plant would close in June."],
        ("Helena Marsh", "The official, Helena Marsh", quote_speakers.CONFIDENCE_APPOSITIVE),
    ),
    (
        ["A spokesman for Veltra Holdings said that the plant would close in June."],
        ("Veltra Holdings", "A spokesman for Veltra Holdings",
         quote_speakers.CONFIDENCE_ACTOR_IN_PHRASE),
    ),
])
def test_each_rule_names_the_speaker_with_its_own_confidence(paragraphs, expected):
    assert [found[1:] for found in attributions(paragraphs)] == [expected]


def test_a_word_of_the_organisation_name_or_an_earlier_source_stands_for_it():
    assert attributions([
        "The Veltra Alliance said on Monday that the plant would close. The alliance said "
        "that workers would be paid.",
    ])[-1] == ("workers would be paid", "Veltra Alliance", "The alliance",
               quote_speakers.CONFIDENCE_ACTOR_IN_PHRASE)
    assert attributions([
        "A statement from Veltra Holdings said that the plant would close. The statement said "
        "that workers would be paid.",
    ])[-1] == ("workers would be paid", "Veltra Holdings", "The statement",
               quote_speakers.CONFIDENCE_ACTOR_IN_PHRASE)


def test_a_pronoun_takes_the_subject_before_it_and_is_less_sure_between_two():
    assert attributions([
        "Helena Marsh opened the bridge on Monday. She said that the toll would rise next year.",
    ]) == [("the toll would rise next year", "Helena Marsh", "She",
            quote_speakers.CONFIDENCE_PRONOUN)]
    assert attributions([
        "Peter Collins met Tomas Brandt on Monday. He said that the toll would rise next year.",
    ]) == [(
        "the toll would rise next year", "Peter Collins", "He",
        quote_speakers.CONFIDENCE_PRONOUN - quote_speakers.AMBIGUOUS_ANTECEDENT_PENALTY,
    )]


def test_a_pronoun_without_antecedent_is_the_only_candidate_or_the_main_speaker():
    opening = "He said that the toll would rise next year."
    collins = "Peter Collins, the mayor, opened the bridge on Monday."
    brandt = "Tomas Brandt, a resident, was there."
    assert attributions([opening, collins])[0][1:] == (
        "Peter Collins", "He", quote_speakers.CONFIDENCE_ONLY_CANDIDATE,
    )
    # Two men it could be, and nobody quoted by name: no guess.
    assert attributions([opening, collins, brandt])[0][1:] == (
        None, "He", quote_speakers.CONFIDENCE_UNRESOLVED,
    )
    quoted_thrice = [
        "Collins said the toll would rise.", "Collins said the work was done.",
        "Collins said the crews were paid.",
    ]
    assert attributions([opening, collins, *quoted_thrice, brandt])[0][1:] == (
        "Peter Collins", "He", quote_speakers.CONFIDENCE_MAIN_SPEAKER,
    )


def quoted(paragraphs):
    """(quoted words, speaker, confidence, method) per quote."""
    return [(q.text, q.speaker, q.confidence, q.method) for q in extract(paragraphs).quotes]


def test_mark_regions_infer_a_lost_opening_and_keep_closed_ones():
    def regions(text):
        return [
            (text[r.start : r.end], r.lost_opening)
            for r in quotes._mark_regions(text, parsed(text))
        ]

    assert regions("\u201cWe will win,\u201d she said. \u201cWe always do.\u201d") == [
        ("We will win", False), ("We always do.", False),
    ]
    assert regions('He called it "a bridge too far" and left.') == [("a bridge too far", False)]
    # No "that" or colon after the verb: the quote is taken to start with the sentence.
    text = 'Helena Marsh said the talks had failed, there will be grave consequences," she added.'
    assert regions(text) == [
        ("Helena Marsh said the talks had failed, there will be grave consequences", True),
    ]


def test_the_sentences_after_an_attribution_go_on_quoting_until_a_past_event():
    said = "We will rebuild the bridge this year, Helena Marsh said. "
    assert quoted([said + "The crews are ready for the work. We have the money."]) == [
        ("We will rebuild the bridge this year", "Helena Marsh",
         quote_speakers.CONFIDENCE_NAMED, "inverted"),
        ("The crews are ready for the work. We have the money", "Helena Marsh",
         quotes.CONFIDENCE_CONTINUATION, "continuation"),
    ]
    # The reporter tells what the council did: not her words.
    assert quoted([said + "The council approved the money on Monday."]) == [
        ("We will rebuild the bridge this year", "Helena Marsh",
         quote_speakers.CONFIDENCE_NAMED, "inverted"),
    ]


def test_after_a_colon_one_quote_runs_on():
    assert quoted([
        "Helena Marsh added: We will rebuild the bridge. The crews are ready for the work.",
    ]) == [
        ("We will rebuild the bridge. The crews are ready for the work", "Helena Marsh",
         quote_speakers.CONFIDENCE_NAMED, "speech-verb"),
    ]


def test_marked_words_no_verb_governs_take_the_speaker_close_by_or_nobody():
    assert quoted([
        '"We will rebuild the bridge before the winter comes," Helena Marsh said. "The crews '
        'are ready and the money is there."',
    ])[1] == ("The crews are ready and the money is there.", "Helena Marsh",
              quotes.CONFIDENCE_MARKS_NEARBY, "marks-nearby")
    assert quoted([
        "The vote was close. We will rebuild the bridge before the winter comes.\" The mayor "
        "left.",
    ]) == [("We will rebuild the bridge before the winter comes.", None,
            quote_speakers.CONFIDENCE_UNRESOLVED, "marks-lost-opening")]


def test_a_speech_verb_inside_a_quote_is_part_of_it():
    # "I am not saying that ..." is Marsh's words, not a quote of its own.
    assert quoted(["I am not saying that the bridge is safe, Helena Marsh said."]) == [
        ("I am not saying that the bridge is safe", "Helena Marsh",
         quote_speakers.CONFIDENCE_NAMED, "inverted"),
    ]


def test_an_unresolved_pronoun_takes_the_person_whose_words_it_repeats():
    found = quoted([
        "The crews will finish the bridge before winter, he told reporters.",
        "Peter Collins, the mayor, said the crews will finish the bridge before winter.",
        "Tomas Brandt, a resident, said the work was slow.",
    ])
    assert found[0] == ("The crews will finish the bridge before winter", "Peter Collins",
                        quotes.CONFIDENCE_ECHO, "inverted+echo")


def test_a_sign_off_before_story_paragraphs_means_they_are_shuffled():
    story = ["A.", "Jo Roe contributed to this report.", "B."]
    assert quotes._sign_off_before_story(story, skip=set()) is True
    assert quotes._sign_off_before_story(story, skip={2}) is False  # only a skipped credit after
    assert quotes._sign_off_before_story(story[:2], skip=set()) is False


def test_surname_before_full_name_needs_both_forms():
    def person(*mentions):
        return Actor(PERSON, {t: 1 for _, t in mentions}, [
            Mention(p, 0, len(t), t, "PERSON") for p, t in mentions
        ], canonical=max((t for _, t in mentions), key=len))

    assert quotes._surname_before_full_name(person((0, "Quist"), (3, "Amara Quist")), set())
    assert not quotes._surname_before_full_name(
        person((0, "Tobias Wrenfield"), (2, "Wrenfield")), set()
    )
    assert quotes._surname_before_full_name(person((1, "Amara Quist")), set()) is None
    # The surname-first paragraph skipped (a credit line): no evidence left.
    assert quotes._surname_before_full_name(
        person((0, "Quist"), (3, "Amara Quist")), {0}
    ) is None


def test_dedupe_keeps_the_attributed_quote_of_two_that_mostly_overlap():
    def found(start, end, speaker=None):
        return FoundQuote(text="x" * (end - start), kind="direct", paragraph=0, start=start,
                          end=end, speaker=speaker)

    unattributed, attributed, apart = found(0, 40), found(5, 38, "Helena Marsh"), found(60, 70)
    assert quotes._dedupe([unattributed, apart, attributed]) == [attributed, apart]
    # Touching by less than half the shorter one: both kept.
    assert quotes._dedupe([found(0, 20), found(15, 40)]) == [found(0, 20), found(15, 40)]
