"""Whitespace tokens whose lemma is the normalised word (no case, no accents).

People write "Méjico", "MEXICO" and "mexico" for the same thing; the count-vector
featurizers read the lemma, so all three become one feature while entity offsets
still point at what the person actually wrote.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.normalize import strip_accents


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class NormalizingTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer with accent- and case-free lemmas."""

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = strip_accents(token.text.casefold())
        return tokens
