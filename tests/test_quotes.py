"""The quote passes one at a time, on short invented sentences parsed by the real pipeline.

No database: the passes read only spaCy docs and actors. tests/test_extract.py covers the
whole of `extract`; these pin each pass's own output.
"""

import pytest

from articles.ingest import quote_candidates
from articles.ingest.pipeline import parse


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
