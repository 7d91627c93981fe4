"""Babel extractor for Rasa domain responses (used by ``make translations``).

Each response text and button title becomes a msgid whose context is the response
name, so translators work on ordinary ``.po`` files and the NLG finds each text by
(response name, English source). A ``channel`` variation is noted for translators.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value if hasattr(key, "value")}


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def extract_domain_responses(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield ``(line, "pgettext", (response name, text), comments)``."""
    document = yaml.compose(fileobj.read().decode("utf-8"))
    responses = _mapping(document).get("responses") if document else None
    for name_node, variations in responses.value if responses else []:
        name = name_node.value
        for variation in getattr(variations, "value", []):
            fields = _mapping(variation)
            channel = _scalar(fields.get("channel"))
            comments = [f"Spoken or shown on: {channel}"] if channel else []
            text = fields.get("text")
            if _scalar(text):
                yield text.start_mark.line + 1, "pgettext", (name, text.value), comments
            for button in getattr(fields.get("buttons"), "value", []):
                title = _mapping(button).get("title")
                if _scalar(title):
                    yield (
                        title.start_mark.line + 1,
                        "pgettext",
                        (name, title.value),
                        ["Button title", *comments],
                    )


def extract_rights_facts(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield each country fact of ``actions/directory/rights.yml`` (context
    ``rights_fact``), with its country and source for the translator."""
    document = yaml.compose(fileobj.read().decode("utf-8"))
    countries = _mapping(document).get("countries") if document else None
    for code_node, items in countries.value if countries else []:
        for item in getattr(items, "value", []):
            fields = _mapping(item)
            fact = fields.get("fact")
            if _scalar(fact):
                source = _scalar(fields.get("source")) or ""
                comments = [f"A fact about {code_node.value}; source: {source}"]
                yield (
                    fact.start_mark.line + 1,
                    "pgettext",
                    ("rights_fact", fact.value),
                    comments,
                )
