"""Read yes, no, "I don't know" and stop in any of the line's languages.

Answers come by SMS from all kinds of phones: words with or without accents,
digits (1 = yes, 2 = no, as the questions say), or a short phrase that starts
with the answer ("si, claro", "no nunca").
"""

from __future__ import annotations

from typing import Literal

from bot.normalize import normalize, words

Answer = Literal["yes", "no", "unsure", "stop"]

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
    "a veces",
    "nao sei",
    "talvez",
    "as vezes",
    "je sais pas",
    "jsp",
    "je ne sais pas",
    "peut etre",
    "parfois",
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
# carrier's unsubscribe word, and the hotline must honour it.
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
    "ya no",
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


def read_answer(text: str) -> Answer | None:
    """The answer a short reply gives, or None when it gives none we can read."""
    normalized = normalize(text)
    message_words = words(text)
    if not message_words:
        return None
    if normalized in _STOP or (message_words[0] in _STOP and len(message_words) <= 2):
        return "stop"
    if normalized in _UNSURE or any(
        normalized.startswith(f"{p} ") for p in _UNSURE if " " in p
    ):
        return "unsure"
    first_two = " ".join(message_words[:2])
    for candidate in (normalized, first_two, message_words[0]):
        if candidate in _YES:
            return "yes"
        if candidate in _NO:
            return "no"
    return None
