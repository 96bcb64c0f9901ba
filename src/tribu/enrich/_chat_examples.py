# ruff: noqa: E501
"""Chat-style training examples of our own, in French and English, all three classes.

The permissive training sets hold reviews, subtitles and Reddit comments, and no French neutral
chat at all. These templates fill the gap with what brand communities actually post: questions
about orders and events, thanks, complaints, slang, emoji, negated praise (« pas terrible »,
"not great"). They were written for tribu (Apache-2.0) after, and apart from, the development
set in ``tests/data/sentiment/`` (the training script drops any exact match with it).
"""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["chat_examples", "distinct_examples"]

_FR = {
    "thing": [
        "la commande",
        "le live",
        "l'appli",
        "la mise à jour",
        "le colis",
        "le tournoi",
        "la nouvelle collection",
        "le service client",
        "le jeu",
        "la box",
        "le patch",
        "l'atelier",
        "le nouveau parfum",
        "la livraison",
        "le serveur",
        "le stream",
        "la crème",
        "le site",
        "le concours",
        "l'event",
    ],
    "pos": [
        "trop bien",
        "génial",
        "au top",
        "parfait",
        "incroyable",
        "super",
        "trop cool",
        "de ouf",
        "excellent",
        "nickel",
        "magnifique",
        "trop stylé",
        "vraiment top",
        "une tuerie",
        "trop mignon",
        "impeccable",
        "grave bien",
        "canon",
    ],
    "neg": [
        "nul",
        "horrible",
        "une catastrophe",
        "pas terrible",
        "pas ouf",
        "décevant",
        "inadmissible",
        "trop lent",
        "une arnaque",
        "cassé",
        "insupportable",
        "bof",
        "naze",
        "à chier",
        "pourri",
        "lamentable",
        "une honte",
        "relou",
    ],
    "pos_emoji": [
        "",
        "",
        "😍",
        "🔥",
        "❤️",
        "👍",
        "🙏",
        "🎉",
        "😊",
        "💯",
        " :)",
        "!!",
        " !",
    ],
    "neg_emoji": ["", "", "😡", "😤", "🙄", "😞", "😭", "👎", " :(", "...", " !!"],
    "pos_tpl": [
        "{thing} est {pos} {e}",
        "franchement {thing} c'est {pos} {e}",
        "merci pour {thing}, c'était {pos} {e}",
        "j'adore {thing} {e}",
        "{pos} {e}",
        "trop contente de {thing} {e}",
        "bravo pour {thing} {e}",
        "{thing} ? {pos}, rien à dire {e}",
        "je kiffe {thing} {e}",
        "merci beaucoup {e}",
        "vous gérez pour {thing} {e}",
        "c'est pas mal du tout {thing} {e}",
        "j'ai pas été déçu par {thing} {e}",
    ],
    "neg_tpl": [
        "{thing} est {neg} {e}",
        "franchement {thing} c'est {neg} {e}",
        "je n'aime pas du tout {thing} {e}",
        "{thing} ne marche toujours pas {e}",
        "toujours pas reçu {thing} {e}",
        "j'en ai marre, {thing} est {neg} {e}",
        "{neg} {e}",
        "déçu par {thing} {e}",
        "{thing} c'est pas terrible {e}",
        "{thing} n'est pas du tout à la hauteur {e}",
        "on attend {thing} depuis des semaines {e}",
        "personne ne répond pour {thing} {e}",
        "j'aime pas {thing} {e}",
    ],
    "neu_tpl": [
        "{thing} c'est à quelle heure ?",
        "quelqu'un sait quand arrive {thing} ?",
        "{thing} est prévu pour jeudi",
        "je regarde {thing} ce soir",
        "c'est où pour {thing} ?",
        "{thing} commence à 20h",
        "je teste {thing} demain",
        "vous avez des infos sur {thing} ?",
        "j'ai posé une question sur {thing} dans le salon aide",
        "ok",
        "d'accord",
        "ça marche, je vois ça",
        "c'est noté pour {thing}",
        "{thing} sera dispo en Belgique ?",
        "on peut payer {thing} en plusieurs fois ?",
        "je reviens dans 10 min",
        "qui vient samedi ?",
        "je suis sur PC",
        "bonjour à tous",
        "le lien de {thing} est dans les annonces",
        "{thing} fait combien ?",
        "je ne sais pas encore pour {thing}",
        "il n'y a pas de {thing} cette semaine",
        "c'est la même chose que {thing} ?",
        "je passe demain récupérer {thing}",
    ],
}
_EN = {
    "thing": [
        "the order",
        "the live",
        "the app",
        "the update",
        "the parcel",
        "the tournament",
        "the new collection",
        "customer service",
        "the game",
        "the box",
        "the patch",
        "the workshop",
        "the new scent",
        "delivery",
        "the server",
        "the stream",
        "the cream",
        "the website",
        "the contest",
        "the event",
    ],
    "pos": [
        "amazing",
        "awesome",
        "so good",
        "perfect",
        "incredible",
        "great",
        "so cool",
        "fire",
        "excellent",
        "spot on",
        "gorgeous",
        "a banger",
        "top notch",
        "lit",
        "so cute",
        "flawless",
        "really nice",
        "brilliant",
    ],
    "neg": [
        "trash",
        "horrible",
        "a disaster",
        "not great",
        "meh",
        "disappointing",
        "unacceptable",
        "so slow",
        "a scam",
        "broken",
        "unbearable",
        "lame",
        "garbage",
        "terrible",
        "a joke",
        "pathetic",
        "a mess",
        "annoying",
    ],
    "pos_emoji": [
        "",
        "",
        "😍",
        "🔥",
        "❤️",
        "👍",
        "🙏",
        "🎉",
        "😊",
        "💯",
        " :)",
        "!!",
        " !",
    ],
    "neg_emoji": ["", "", "😡", "😤", "🙄", "😞", "😭", "👎", " :(", "...", " !!"],
    "pos_tpl": [
        "{thing} is {pos} {e}",
        "honestly {thing} is {pos} {e}",
        "thanks for {thing}, it was {pos} {e}",
        "love {thing} {e}",
        "{pos} {e}",
        "so happy with {thing} {e}",
        "kudos for {thing} {e}",
        "{thing}? {pos}, no complaints {e}",
        "obsessed with {thing} {e}",
        "thanks so much {e}",
        "you nailed {thing} {e}",
        "not bad at all, {thing} {e}",
        "wasn't disappointed by {thing} {e}",
    ],
    "neg_tpl": [
        "{thing} is {neg} {e}",
        "honestly {thing} is {neg} {e}",
        "I don't like {thing} at all {e}",
        "{thing} still doesn't work {e}",
        "still haven't received {thing} {e}",
        "so done with this, {thing} is {neg} {e}",
        "{neg} {e}",
        "disappointed by {thing} {e}",
        "{thing} is not great {e}",
        "{thing} is not up to standard {e}",
        "been waiting weeks for {thing} {e}",
        "nobody answers about {thing} {e}",
        "dont like {thing} {e}",
    ],
    "neu_tpl": [
        "what time is {thing}?",
        "anyone know when {thing} arrives?",
        "{thing} is planned for Thursday",
        "I'll watch {thing} tonight",
        "where do I go for {thing}?",
        "{thing} starts at 8pm",
        "testing {thing} tomorrow",
        "any news on {thing}?",
        "asked about {thing} in the help channel",
        "ok",
        "alright",
        "sure, I'll check",
        "noted for {thing}",
        "is {thing} available in Belgium?",
        "can I pay for {thing} in instalments?",
        "back in 10 min",
        "who's coming Saturday?",
        "I'm on PC",
        "hi all",
        "the link for {thing} is in announcements",
        "how much is {thing}?",
        "not sure yet about {thing}",
        "there is no {thing} this week",
        "is that the same as {thing}?",
        "picking up {thing} tomorrow",
    ],
}


def _render(words: dict[str, list[str]], label: str, rng: random.Random) -> str:
    key = {"positive": "pos", "negative": "neg", "neutral": "neu"}[label]
    template = rng.choice(words[f"{key}_tpl"])
    emoji = rng.choice(words[f"{key}_emoji"]) if key != "neu" else ""
    text = template.format(
        thing=rng.choice(words["thing"]),
        pos=rng.choice(words["pos"]),
        neg=rng.choice(words["neg"]),
        e=emoji,
    ).strip()
    if rng.random() < 0.15:
        text = text.capitalize()
    return " ".join(text.split())


def chat_examples(per_class: int = 600, seed: int = 7) -> list[tuple[str, str, str]]:
    """Distinct (text, label, lang) chat examples, up to ``per_class`` per class and language."""
    return distinct_examples(_render, (("fr", _FR), ("en", _EN)), per_class, seed)


Render = Callable[[dict[str, list[str]], str, random.Random], str]


def distinct_examples(
    render: Render,
    word_tables: tuple[tuple[str, dict[str, list[str]]], ...],
    per_class: int,
    seed: int,
) -> list[tuple[str, str, str]]:
    """Up to ``per_class`` distinct texts per class and language, drawn with ``render`` from
    one seeded generator (the same rows on every run), sorted within each class."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str]] = []
    for lang, words in word_tables:
        for label in ("positive", "negative", "neutral"):
            seen: set[str] = set()
            for _ in range(per_class * 4):
                seen.add(render(words, label, rng))
                if len(seen) >= per_class:
                    break
            rows.extend((text, label, lang) for text in sorted(seen))
    return rows
