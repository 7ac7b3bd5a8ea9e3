"""The model's entities turned into name mentions: a rule layer over spaCy's `doc.ents`.

`model_mentions` reads each entity the model labelled a person, an organisation or a place,
drops the ones the rules below know are not names ("Army Col", "House Democrats", a headline's
capitals), fixes the extent of organisations the model cut short, and returns `Mention`s.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .actors import Mention, clean_name
from .letters import run_together_word
from .lexicon import TITLES
from .pipeline import dictionary_words

_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
# A name right after one of these is a person whatever the model says ("Chancellor Olaf Scholz").
_PERSON_CUES = TITLES - {
    "foreign", "defense", "defence", "interior", "state", "u.s.", "us", "gop", "democratic",
    "republican", "former", "acting", "deputy", "assistant", "vice", "chief", "house",
}
# The longest run of capitalised words a title cue can turn into a person's name.
_MAX_CUED_PERSON_WORDS = 3
_ORG_WORDS = {
    "ministry", "department", "party", "council", "committee", "agency", "office", "union",
    "bank", "group", "company", "corp", "inc", "association", "commission", "court", "house",
    "senate", "parliament", "organization", "organisation", "institute", "university",
    "foundation", "army", "force", "forces", "service", "news", "times", "post", "press",
}
# Abbreviated ranks and role nouns: "Army Col. Jane Roe" and "National Security Adviser" name
# a person's title, and the model's organisation inside them ("Army Col", "National Security")
# is not an organisation unless its own last word says it is ("Defense Department spokesman").
_RANKS = {"col", "gen", "lt", "sgt", "capt", "adm", "maj", "cmdr", "cpl", "pvt", "brig"}
_ROLE_AFTER = {
    "adviser", "advisor", "advisers", "advisors", "secretary", "director", "spokesman",
    "spokeswoman", "spokesperson", "chief", "minister", "officer", "official", "czar",
    "correspondent", "editor", "analyst", "commander", "chairman", "chairwoman", "envoy",
}
_ORG_HEADS = _ORG_WORDS | {
    "ministry", "department", "agency", "committee", "council", "commission", "office",
    "institute", "bureau", "service", "administration", "alliance", "organization",
}
_REGION_NAMES = {"europe", "asia", "africa", "america", "americas", "the americas", "eurasia"}
# Words that join a name to the rest of it: "Organization for Security and Cooperation".
_NAME_JOINERS = {"for", "of", "to"}


# "the Fox News program Fox and Friends": the title of a show, not an organisation.
_WORK_NOUNS = {
    "program", "programme", "show", "series", "film", "movie", "book", "documentary",
    "podcast", "column", "blog", "newsletter", "segment", "broadcast",
}
# "the Pennsylvania Senate primary", "the House Judiciary subcommittee": a name used as a
# modifier of an event, or cut before its own head noun.
_MODIFIED_EVENTS = {"primary", "primaries", "race", "races", "seat", "campaign", "subcommittee"}
_SITE_BEFORE = {"near", "beside", "outside", "inside", "site", "to", "toward", "towards"}
_POSSESSIVE_PRONOUNS = {"our", "my", "your", "his", "her", "their", "its"}
# Tokens after which a capital "The" starts a title or a quotation, not a name's own "The".
_OPENERS = ('"', "“", "(", ":", "—", "-", "\n")
# Tags of a lower-case word that a name ending in "s" modifies: "Supreme Courts ruling".
_NOUN_TAGS = ("NN", "NNS", "JJ", "VBG")

_CAPITALISED_RUN = re.compile(r" ((?:[A-Z][\w.'’-]* ){0,3})([A-Z]\w*?[a-z])([A-Z]\w*)")
_HEADLINE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_HEADLINE_WORDS = range(4, 17)  # a headline has 4 to 16 words
_HEADLINE_CAPITALISED_SHARE = 0.8  # of its words of four letters or more


def overlaps(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    """Whether text from `start` to `end` shares a character with any of the spans."""
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def is_headline(paragraph: str) -> bool:
    """A headline left among the paragraphs: short, no closing punctuation, nearly every longer
    word capitalised ("Mayor Wins the Harbor Vote")."""
    text = paragraph.strip()
    words = _HEADLINE_WORD.findall(text)
    if len(words) not in _HEADLINE_WORDS or text[-1:] in ".!?\"”'’:":
        return False
    longer = [w for w in words if len(w) >= 4]
    capitalised = sum(w[0].isupper() for w in longer)
    return bool(longer) and capitalised >= _HEADLINE_CAPITALISED_SHARE * len(longer)


@dataclass(frozen=True, slots=True)
class _Story:
    """What every entity's rules read about the story around it."""

    docs: list
    texts: list[str]  # each doc's text, passed in: Doc.text joins the tokens on every call
    known_spans: dict[int, list[tuple[int, int]]]  # paragraph -> spans of curated names
    headlines: set[int]


def model_mentions(
    docs, texts: list[str], skip: set[int], known_spans: dict[int, list[tuple[int, int]]],
    headlines: set[int],
) -> list[Mention]:
    """The mentions the model's entities give, paragraph by paragraph, credit lines (`skip`)
    and text a curated name already holds (`known_spans`) left out. `texts` are what the model
    read, each doc's text: `Doc.text` would join every token again."""
    story = _Story(docs, texts, known_spans, headlines)
    found: list[Mention] = []
    for index, doc in enumerate(docs):
        if index in skip:
            continue
        for ent in doc.ents:
            if _entity_kept(story, index, ent):
                found.extend(_entity_mentions(doc, story.texts[index], index, ent))
    return found


def _entity_kept(story: _Story, index: int, ent) -> bool:
    """Whether an entity may name an actor: one of the labels that can, not inside a curated
    name, not a hashtag, not an organisation the context says is none, and on a headline only
    when the story names it again (a headline's capitals make the model see names everywhere)."""
    if ent.label_ not in _ENTITY_LABELS:
        return False
    if overlaps(story.known_spans.get(index, ()), ent.start_char, ent.end_char):
        return False
    if _hashtag_or_handle(story.texts[index], ent.start_char):
        return False
    doc = story.docs[index]
    if ent.label_ == "ORG" and (_title_fragment(doc, ent) or _not_org_context(doc, ent)):
        return False
    return index not in story.headlines or any(
        ent.text in other for number, other in enumerate(story.texts) if number != index
    )


def _entity_mentions(doc, doc_text: str, index: int, ent) -> list[Mention]:
    """One entity's mentions: usually one; two when an organisation names a unit after its
    own stripped possessive; none when a person's name runs into a related link."""
    label = ent.label_
    start, end, text = ent.start_char, ent.end_char, clean_name(ent.text)
    found: list[Mention] = []
    if label == "ORG":
        named = ent
        unit = _unit_after_possessive(doc, ent)
        if unit is not None:
            # "The Claremont Institutes Center for Constitutional Jurisprudence": two.
            owner = doc[ent.start : unit.i]
            found.append(Mention(index, start, owner.end_char, clean_name(owner.text[:-1]), label))
            named = doc[unit.i : ent.end]
            start, text = unit.idx, clean_name(named.text)
        text, end = _org_extent(doc, named, text, end)
    if label != "PERSON" and _person_after_cue(doc, ent):
        label = "PERSON"
    if label == "PERSON" and _runs_into_related_link(doc_text, ent.text, end):
        return found
    if text:
        found.append(Mention(
            index, start, end, text, label,
            before_noun=_before_noun(doc, ent), opens_sentence=_opens_sentence(doc, ent),
        ))
    return found


def _person_after_cue(doc, ent) -> bool:
    """"Chancellor Olaf Scholz": one to three capitalised words after a title cue are a
    person's name whatever the model called them, unless a word says organisation."""
    before = doc[ent.start - 1] if ent.start else None
    return (
        before is not None and before.lower_ in _PERSON_CUES
        and 1 <= len(ent) <= _MAX_CUED_PERSON_WORDS
        and all(t.is_title and t.is_alpha for t in ent)
        and not {t.lower_ for t in ent} & _ORG_WORDS
    )


def _before_noun(doc, ent) -> bool:
    """"Supreme Courts ruling": a name ending in "s" before a lower-case noun may be a
    possessive that lost its apostrophe (`Mention.before_noun`)."""
    following = doc[ent.end] if ent.end < len(doc) else None
    return bool(
        following is not None and following.is_lower
        and following.tag_ in _NOUN_TAGS and ent.text.endswith("s")
    )


def _opens_sentence(doc, ent) -> bool:
    """Whether only punctuation comes before the entity in its sentence: its capital may be
    the sentence's, not the name's (`Mention.opens_sentence`)."""
    return all(t.is_punct for t in doc[ent.sent.start : ent.start])


def _runs_into_related_link(text: str, name: str, end: int) -> bool:
    """"President Trump Donald John TrumpGOP senators balk ...": a related-links list prints a
    name, the person's full name, then a headline run into the surname. The model's "Trump
    Donald" straddles the two: it starts with the surname that the run repeats with another
    word stuck to it. A whole name before the run ("Rep. Jane Roe Jane Ann RoeAides") stays."""
    match = _CAPITALISED_RUN.match(text, end)
    if match is None or not run_together_word(match[2] + match[3]):
        return False
    words = name.split()
    return len(words) >= 2 and words[0] == match[2]


def _hashtag_or_handle(text: str, start: int) -> bool:
    """"#MeToo", "@jane_roe": a hashtag names a campaign or a slogan, a handle an account;
    the model sees the capitalised word after the sign as a name."""
    return start > 0 and text[start - 1] in "#@"


def _not_org_context(doc, ent) -> bool:
    """Whether the words around an organisation say it is something else: a modifier, a
    common noun, a show's title or a building."""
    return any(rule(doc, ent) for rule in _NOT_ORG_RULES)


def _chamber_as_modifier(doc, ent) -> bool:
    """"House Democrats", "his House seat": the chamber as a modifier, unless "the House"."""
    before = doc[ent.start - 1] if ent.start else None
    return ent.text == "House" and (before is None or before.lower_ != "the")


def _capitalised_common_noun(doc, ent) -> bool:
    """"our Newscast unit": a dictionary word after a possessive pronoun is a common noun
    capitalised, not an institution."""
    before = doc[ent.start - 1] if ent.start else None
    return (
        len(ent) == 1 and before is not None and before.lower_ in _POSSESSIVE_PRONOUNS
        and ent[0].lower_ in dictionary_words()[0]
    )


def _second_half_of_show_title(doc, ent) -> bool:
    """"the program Fox and Friends": after "and", the second half of a show's title whose
    first half is an organisation that follows a work noun."""
    if ent.start < 2 or doc[ent.start - 1].lower_ != "and":
        return False
    previous = doc[ent.start - 2]
    if previous.ent_type_ != "ORG" or previous.ent_iob_ not in ("B", "I"):
        return False
    first = previous.i
    while first > 0 and doc[first].ent_iob_ == "I":
        first -= 1
    return first > 0 and doc[first - 1].lower_ in _WORK_NOUNS


def _after_work_noun(doc, ent) -> bool:
    """"the show Morning Joe": a name right after a lower-case work noun is a title."""
    before = doc[ent.start - 1] if ent.start else None
    return before is not None and before.lower_ in _WORK_NOUNS and before.is_lower


def _modifies_event(doc, ent) -> bool:
    """"the Pennsylvania Senate primary": a name before a lower-case event noun modifies it."""
    following = doc[ent.end] if ent.end < len(doc) else None
    return following is not None and following.is_lower and following.lower_ in _MODIFIED_EVENTS


def _building_as_place(doc, ent) -> bool:
    """"next to the Trade Center": a center after a word of place is a building, not a body."""
    if ent[-1].lower_ not in ("center", "centre") or ent.start < 1:
        return False
    if ent[0].lower_ == "the":
        site = ent.start - 1
    elif doc[ent.start - 1].lower_ == "the":
        site = ent.start - 2
    else:
        return False
    return site >= 0 and doc[site].lower_ in _SITE_BEFORE


_NOT_ORG_RULES = (
    _chamber_as_modifier, _capitalised_common_noun, _second_half_of_show_title,
    _after_work_noun, _modifies_event, _building_as_place,
)


def _title_fragment(doc, ent) -> bool:
    """"Army Col", "National Security" (Adviser): a rank or the words before a role noun are
    part of a person's title, not an organisation, unless the last word is an org's head."""
    last = ent[-1].lower_.rstrip(".")
    if last in _RANKS:
        return True
    following = doc[ent.end] if ent.end < len(doc) else None
    return bool(
        following is not None and following.lower_ in _ROLE_AFTER
        and following.text[:1].isupper() and last not in _ORG_HEADS
    )


def _unit_after_possessive(doc, ent):
    """The first word of a unit named after its organisation's stripped possessive
    ("Institutes | Center for ...", "Departments | Office of Legal Counsel"), or None."""
    for token in ent[1:-1]:
        after = doc[token.i + 1]
        if (
            token.text.endswith("s") and token.text[:-1].lower() in _ORG_HEADS
            and after.text[:1].isupper() and after.lower_ not in _ORG_HEADS
        ):
            return after
    return None


def _org_extent(doc, ent, text: str, end: int) -> tuple[str, int]:
    """Names the model cut short: "Organization for Security and Cooperation | in Europe",
    "Foundation for Aid to Novorossiya | and Donbass"; and a capital "The" in mid-sentence that
    belongs to the name ("told The Washington Post"). Returns the name and its end."""
    tail = _cut_tail(doc, ent)
    if tail is not None:
        joiner, word = tail
        text, end = f"{text} {joiner.lower_} {word.text}", word.idx + len(word.text)
    if _name_owns_the(doc, ent) and not text.startswith("The "):
        text = "The " + text
    return text, end


def _cut_tail(doc, ent):
    """The joiner and the word the model left off a name with "for", "of" or "to" in it, as
    (joiner, word): "in" and a region, or "and" and one proper noun. None when nothing was."""
    if not {t.lower_ for t in ent} & _NAME_JOINERS or ent.end + 1 >= len(doc):
        return None
    joiner, after = doc[ent.end], doc[ent.end + 1]
    next_after = doc[ent.end + 2] if ent.end + 2 < len(doc) else None
    if next_after is not None and next_after.text[:1].isupper():
        return None  # a longer run of capitals: not a single cut-off word
    if joiner.lower_ == "in" and after.lower_ in _REGION_NAMES:
        return joiner, after
    if joiner.lower_ == "and" and after.pos_ == "PROPN":
        return joiner, after
    return None


def _name_owns_the(doc, ent) -> bool:
    """"told The Washington Post": a capital "The" inside the entity or just before it, in
    mid-sentence and after no opening mark, belongs to the name."""
    position = ent.start if ent[0].text == "The" else ent.start - 1
    if position < 0:
        return False
    the = doc[position]
    return (
        the.text == "The" and not the.is_sent_start and the.i >= 1
        and doc[the.i - 1].text not in _OPENERS
    )
