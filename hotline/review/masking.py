"""A message with what could identify its writer taken out, before anyone
reads it: numbers, e-mail addresses, links, @handles, names and places.

Masking prefers too much to too little. Every digit goes (a phone number, an
age, a street number, a date). A name or a place is found by rules, not by
understanding, and the rules are these:

- a place the line knows by name (``lexicon.place_names``: countries, their
  demonyms, towns the bot was trained on), in any case, of up to four words;
- a word with a capital letter in the middle of a sentence, unless it is a word
  that language always capitalises (English days, months, languages; "I");
- a word with a capital letter at the start of a sentence, or written all in
  capitals, that is not an ordinary word the bot knows in that language;
- the words after "me llamo", "my name is", "je m'appelle", "meu nome é"... (a
  name) and after "en", "in", "à", "em"... (a place), when they are not
  ordinary words the bot knows.

Limits, knowingly: a name or a town written in lower case with no such cue
before it ("ayer juan me pegó") survives; a name that is also an ordinary word
("Rosa", "Paz") at the start of a sentence survives; numbers written in words
("cinco cinco cinco") survive. Reviewers are told to discard what still
identifies someone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.normalize import normalize
from hotline.review import lexicon

NUMBER, EMAIL, LINK, HANDLE, NAME, PLACE = (
    "[number]",
    "[email]",
    "[link]",
    "[handle]",
    "[name]",
    "[place]",
)

# Order matters: an address before its @, a link before its digits.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), EMAIL),
    (re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE), LINK),
    # Any word-dot-word that ends like a domain ("mi-sitio.org/x", "bit.ly/y").
    (re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,12}\b(?:/\S*)?", re.IGNORECASE), LINK),
    (re.compile(r"@\w+"), HANDLE),
    # Digits with what people put between them: "+52 (55) 1234-5678", "3.500".
    (re.compile(r"\+?\d(?:[\d\s().,/-]*\d)?"), NUMBER),
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?¿¡\n]\s*$|^\s*$")
_SPACE_BEFORE_STOP = re.compile(r"(?<=\]) ([,.;:!?)])")
_MASKED = re.compile(r"\[(?:number|email|link|handle|name|place)\]")

# What comes before a name, normalised, in each language of the line
# (ht qu gn quc ay as far as our drafts go: "mwen rele", "sutiyqa", "che réra",
# "nub'i'", "sutijaxa").
NAME_CUES = frozenset(
    {
        "my name is", "name is", "i am called", "call me", "this is",
        "me llamo", "mi nombre es", "llamo", "soy la senora", "soy el senor",
        "me chamo", "meu nome e", "chamo",
        "je m appelle", "m appelle", "mon nom est", "je suis madame",
        "mwen rele", "non mwen se", "rele",
        "sutiyqa", "sutiymi", "sutiy",
        "che rera", "che rera ha e",
        "nub i", "nu bi",
        "sutijaxa", "sutijax",
        "senor", "senora", "sr", "sra", "don", "dona", "mr", "mrs", "ms", "miss",
        "madame", "monsieur", "mme", "seu", "senhor", "senhora",
        "named", "called", "llamado", "llamada", "chamado", "chamada", "nomme",
    }
)  # fmt: skip
# Words that put a person somewhere ("estoy en", "I'm in", "je suis à").
PLACE_CUES = frozenset(
    {"in", "en", "em", "no", "na", "a", "au", "aux", "nan", "lan", "pa", "at",
     "near", "cerca de", "perto de", "pres de", "from", "desde", "de", "do", "da"}
)  # fmt: skip
MAX_CUED_WORDS = 2  # "me llamo Ana María", "estoy en Ciudad Juárez"
MAX_PLACE_WORDS = 4


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    raw: str
    key: str  # normalised


def mask(text: str, language: str | None) -> str:
    """``text`` with numbers, addresses, links, handles, names and places
    replaced by ``[number]``, ``[email]``, ``[link]``, ``[handle]``,
    ``[name]`` and ``[place]``; on one line."""
    for pattern, token in _PATTERNS:
        text = pattern.sub(f" {token} ", text)
    text = " ".join(_mask_words(text, language or "").split())
    return _SPACE_BEFORE_STOP.sub(r"\1", text)


def _words(text: str) -> list[_Word]:
    found = []
    for match in _WORD.finditer(text):
        if _MASKED.fullmatch(text[max(0, match.start() - 1) : match.end() + 1]):
            continue  # one of our own tokens
        found.append(
            _Word(match.start(), match.end(), match.group(), normalize(match.group()))
        )
    return found


def _mask_words(text: str, language: str) -> str:
    known = lexicon.known_words(language)
    words = _words(text)
    spans: list[tuple[int, int, str]] = []
    cue: str | None = None  # NAME or PLACE: the cue just before
    cued = 0
    index = 0
    while index < len(words):
        place = _place_at(words, index)
        if place:
            spans.append((words[index].start, words[index + place - 1].end, PLACE))
            index += place
            cue, cued = None, 0
            continue
        word = words[index]
        starts_sentence = bool(_SENTENCE_END.search(text[: word.start]))
        token = _token_for(word, language, known, starts_sentence, cue)
        if token:
            spans.append((word.start, word.end, token))
        before = " ".join(w.key for w in words[max(0, index - 3) : index + 1])
        new_cue = _cue_ending(before)
        if new_cue:
            cue, cued = new_cue, 0
        elif cue and token and cued + 1 < MAX_CUED_WORDS:
            cued += 1
        else:
            cue, cued = None, 0
        index += 1
    for start, end, token in reversed(spans):
        text = f"{text[:start]} {token} {text[end:]}"
    return text


def _place_at(words: list[_Word], index: int) -> int:
    """How many words from ``index`` name a place the line knows (0: none)."""
    places = lexicon.place_names()
    for size in range(min(MAX_PLACE_WORDS, len(words) - index), 0, -1):
        if " ".join(w.key for w in words[index : index + size]) in places:
            return size
    return 0


def _cue_ending(normalised: str) -> str | None:
    padded = f" {normalised}"
    if any(padded.endswith(f" {cue}") for cue in NAME_CUES):
        return NAME
    if any(padded.endswith(f" {cue}") for cue in PLACE_CUES):
        return PLACE
    return None


def _token_for(
    word: _Word,
    language: str,
    known: frozenset[str],
    starts_sentence: bool,
    cue: str | None,
) -> str | None:
    ordinary = word.key in known
    if cue == NAME and not ordinary:
        return NAME
    capital = word.raw[:1].isupper()
    shouted = word.raw.isupper() and len(word.raw) > 1
    if capital and not shouted and not starts_sentence:
        return None if word.key in lexicon.capitalised_words(language) else NAME
    if (capital or shouted) and not ordinary:
        return PLACE if cue == PLACE else NAME
    if cue == PLACE and not ordinary:
        return PLACE
    return None
