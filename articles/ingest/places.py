"""Whether a name is a place: the lexicon's places and nationalities, a part of one
("northern Mali"), waters ("the Gulf of Aden") and places joined ("Russia and Ukraine")."""

import re

from .lexicon import NATIONALITIES, PLACES

# "Eastern Ukraine", "northern Mali": a part of a place is a place.
_COMPASS_WORDS = ("eastern ", "western ", "northern ", "southern ", "central ")
# "the Sea of Azov", "the Gulf of Aden", "the Aral Sea": waters are places.
_WATERS = re.compile(r"(?:sea|gulf|strait|straits|bay) of \S.*|\S.* (?:sea|ocean)")


def is_place(name: str) -> bool:
    """A place or a nationality of the lexicon, a part of one ("northern Mali") or waters."""
    lowered = name.lower()
    for compass in _COMPASS_WORDS:
        lowered = lowered.removeprefix(compass)
    # "U.S" and "D.C": a place whose final full stop was cleaned off with the edge punctuation
    return (
        lowered in PLACES or lowered in NATIONALITIES or lowered.removeprefix("the ") in PLACES
        or ("." in lowered and lowered + "." in PLACES)
        or bool(_WATERS.fullmatch(lowered.removeprefix("the ")))
    )


def nationality_forms(name: str) -> set[str]:
    """What a place's people may be called ("Norvaska" -> "Norvaskan", "Norvaskian"), and its
    plural."""
    base = name[:-1] if name.endswith(("a", "e", "o")) else name
    return {name + "n", name + "an", name + "ian", name + "ese", name + "i", base + "an",
            base + "ian", name + "s"}


def is_place_phrase(text: str) -> bool:
    """'Ukraine-EU', 'Russia and Ukraine': places joined, not an organisation."""
    parts = re.split(r"\s+and\s+|-|/", text)
    return len(parts) > 1 and all(is_place(p.strip()) for p in parts if p.strip())
