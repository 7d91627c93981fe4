"""Read yes, no, sometimes, "I don't know" and stop in any of the line's languages.

Answers come by SMS from all kinds of phones: words with or without accents,
digits (1 = yes, 2 = no, as the questions say), or a short phrase that starts
with the answer ("si, claro", "no nunca"). "Sometimes" is an answer of its own
("a veces", "parfois"): what happens sometimes happens, and the result counts it
as a sign. "Stop" is read only when it is the whole message ("0", "basta",
"stop please"): "para nada" is a strong no, and "ya no" ("not any more") a no.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.normalize import normalize, words

Answer = Literal["yes", "no", "sometimes", "unsure", "stop"]

YES_WORDS = {
    "1",
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "ya",
    "sure",
    "true",
    "correct",
    "ok",
    "si",
    "sip",
    "claro",
    "simon",
    "aja",
    "cierto",
    "asi",
    "exacto",
    "sim",
    "s",
    "isso",
    "certo",
    "uhum",
    "oui",
    "ouais",
    "ouai",
    "wi",
    "wep",
    "ari",
    "arí",
    "ari ari",
    "hee",
    "heẽ",
    "ha e",
    "upeichae",
}
NO_WORDS = {
    "2",
    "no",
    "n",
    "nope",
    "nah",
    "never",
    "not",
    "nel",
    "nunca",
    "nop",
    "nada",
    "nao",
    "nem",
    "jamais",
    "non",
    "nan",
    "pa",
    "janm",
    "manam",
    "mana",
    "manan",
    "nahaniri",
    "ndaha ei",
    "ndahaei",
    "ndaupeichai",
    # Strong or time-bound noes that begin with a word read otherwise alone
    # ("para" is stop, "ya" is yes).
    "para nada",
    "ya no",
    "ya no mas",
    "de ninguna manera",
    "en absoluto",
    "ja nao",
    "nao mais",
    "de jeito nenhum",
    "de jeito algum",
    "not at all",
    "no way",
    "not anymore",
    "no more",
    "pas du tout",
    "plus maintenant",
    "pa ditou",
    "pa janm",
}
SOMETIMES_PHRASES = {
    "sometimes",
    "sometime",
    "at times",
    "some times",
    "now and then",
    "occasionally",
    "a veces",
    "aveces",
    "algunas veces",
    "de vez en cuando",
    "a ratos",
    "as vezes",
    "asvezes",
    "algumas vezes",
    "de vez em quando",
    "parfois",
    "des fois",
    "quelquefois",
    "de temps en temps",
    "pafwa",
    "defwa",
    "kek fwa",
    "wakin kuti",
    "wakin kutipi",
    "wakinpi",
    "sapy ante",
    "sapyante",
}
UNSURE_PHRASES = {
    "3",
    "not sure",
    "i dont know",
    "dont know",
    "idk",
    "maybe",
    "no se",
    "nose",
    "no lo se",
    "tal vez",
    "quizas",
    "nao sei",
    "talvez",
    "je sais pas",
    "jsp",
    "je ne sais pas",
    "peut etre",
    "m pa konnen",
    "mwen pa konnen",
    "pa konnen",
    "petet",
    "manam yachanichu",
    "mana yachanichu",
    "ndaikuaai",
    "nd aikuaai",
}
# "0" is what the questions tell people to write: a bare "stop" by SMS is the
# carrier's unsubscribe word, and the hotline must honour it. A stop word counts
# only as the whole message (give or take a "please").
STOP_WORDS = {
    "0",
    "stop",
    "cancel",
    "quit",
    "exit",
    "enough",
    "parar",
    "para",
    "pare",
    "basta",
    "salir",
    "cancelar",
    "alto",
    "sair",
    "chega",
    "parar agora",
    "arret",
    "arrete",
    "arreter",
    "annuler",
    "kanpe",
    "sispann",
    "fini",
    "sayay",
    "tukuy",
    "amaña",
    "pyta",
    "pytá",
    "ejejoko",
    "opa",
}


def _normalized_set(values: set[str]) -> set[str]:
    return {normalize(v) for v in values}


_YES = _normalized_set(YES_WORDS)
_NO = _normalized_set(NO_WORDS)
_UNSURE = _normalized_set(UNSURE_PHRASES)
_STOP = _normalized_set(STOP_WORDS)
_SOMETIMES = _normalized_set(SOMETIMES_PHRASES)
# Words of courtesy that may come with a stop word ("basta por favor").
_COURTESY = re.compile(
    r"\b(?:please|pls|plz|por favor|porfa|porfavor|xfa|pf|s il vous plait|svp"
    r"|stp|tanpri|allichu)\b"
)


def is_stop(text: str) -> bool:
    """The whole message asks to stop the questions ("0", "basta", "stop pls")."""
    bare = " ".join(_COURTESY.sub(" ", normalize(text)).split())
    return bare in _STOP


def says_sometimes(text: str) -> bool:
    padded = f" {normalize(text)} "
    return any(f" {phrase} " in padded for phrase in _SOMETIMES)


def read_answer(text: str) -> Answer | None:
    """The answer a short reply gives, or None when it gives none we can read."""
    normalized = normalize(text)
    message_words = words(text)
    if not message_words:
        return None
    if is_stop(text):
        return "stop"
    if says_sometimes(text):
        return "sometimes"
    if normalized in _UNSURE or any(
        normalized.startswith(f"{p} ") for p in _UNSURE if " " in p
    ):
        return "unsure"
    first_two = " ".join(message_words[:2])
    first_three = " ".join(message_words[:3])
    for candidate in (normalized, first_three, first_two, message_words[0]):
        if candidate in _YES:
            return "yes"
        if candidate in _NO:
            return "no"
    return None


def is_bare_answer(text: str) -> bool:
    """The whole message is one answer ("no", "sí", "a veces", "0"), nothing more."""
    normalized = normalize(text)
    return is_stop(text) or any(
        normalized in answers for answers in (_YES, _NO, _UNSURE, _SOMETIMES)
    )
