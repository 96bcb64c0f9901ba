"""Sentence templates of the demo: what Semelle's members talk about, in French and English.

Each topic has openers (a message that starts a conversation) and replies, in three tones
(``pos``, ``neu``, ``neg``), so that sentiment analysis and topic clustering have something real
to find: negations (« pas terrible », « je n'aime pas du tout », « pas déçu du tout »), slang,
elongated words (« trooop bien »), emoji. Slots in braces are filled by :func:`fill`.

Every name and product here is invented; no text comes from real people.
"""

from __future__ import annotations

import random

from tribu.demo._topics import TOPICS

__all__ = ["ANSWERS", "QUESTIONS", "TOPICS", "decorate", "fill", "sentence"]

SLOTS: dict[str, tuple[str, ...]] = {
    "model": ("Loop", "Trail 2", "Brume", "Origine", "Canopée"),
    "couleur": (
        "sable",
        "vert sauge",
        "blanc cassé",
        "bleu nuit",
        "terracotta",
        "noir",
    ),
    "colour": (
        "sand",
        "sage green",
        "off-white",
        "midnight blue",
        "terracotta",
        "black",
    ),
    "pointure": tuple(str(n) for n in range(36, 47)),
    "ville": (
        "Paris",
        "Lyon",
        "Nantes",
        "Bordeaux",
        "Lille",
        "Marseille",
        "Rennes",
        "Toulouse",
    ),
    "city": (
        "London",
        "Brussels",
        "Berlin",
        "Dublin",
        "Amsterdam",
        "Lisbon",
        "Montreal",
    ),
    "jours": ("2", "3", "4", "5", "8", "10", "12"),
    "km": ("150", "300", "400", "600", "800", "1000"),
    "prix": ("119", "129", "139", "149", "159"),
}

QUESTIONS: dict[str, tuple[str, ...]] = {
    "fr": (
        "Comment on fait un échange de pointure ?",
        "Je n'ai pas reçu le mail de confirmation de commande, c'est normal ?",
        "On peut laver la {model} en machine ?",
        "Le code promo ne marche pas au panier, une idée ?",
        "Où trouver le guide d'entretien des semelles ?",
        "Comment fonctionne la collecte des vieilles baskets ?",
        "Mon colis est marqué livré mais je n'ai rien, je fais quoi ?",
        "Est-ce que la {model} existe en {pointure} ?",
    ),
    "en": (
        "How do I exchange for another size?",
        "Can I machine wash the {model}?",
        "Do you ship to {city}?",
        "My discount code doesn't work at checkout, any idea?",
    ),
}

ANSWERS: dict[str, tuple[str, ...]] = {
    "fr": (
        "Tu peux faire l'échange depuis ton espace client, c'est gratuit 👍",
        "Regarde dans tes spams, sinon écris au service client",
        "Lavage à 30° dans un filet, sans la semelle intérieure",
        "Le code n'est valable que sur la collection actuelle",
        "Le guide est dans la FAQ, rubrique entretien",
        "Tu déposes tes baskets en boutique ou tu demandes une étiquette retour",
        "Contacte le service client avec ton numéro de commande, ils enquêtent",
        "Oui, toutes les pointures du 36 au 46",
    ),
    "en": (
        "You can do it from your account, exchanges are free",
        "30 degrees in a laundry bag, insole removed",
        "Yes, we ship across Europe and to Canada",
        "The code only works on the current collection",
    ),
}

_EMOJI = {
    "pos": ("😍", "🔥", "❤️", "👌", "🙌", "✨"),
    "neu": ("🤔", "👀", ""),
    "neg": ("😕", "😤", "👎"),
}
_SLANG_FR = {
    "pos": ("de ouf", "grave", "trop stylé", "validé"),
    "neg": ("bof", "la loose"),
}
_ELONGATE = (
    ("trop", "trooop"),
    ("bien", "bieeen"),
    ("super", "suuuper"),
    ("so good", "sooo good"),
)


def fill(template: str, rng: random.Random) -> str:
    """Fill every ``{slot}`` of `template` with a value drawn from :data:`SLOTS`."""
    values = {name: rng.choice(choices) for name, choices in SLOTS.items()}
    return template.format(**values)


def decorate(text: str, tone: str, lang: str, rng: random.Random) -> str:
    """Add what people add: emoji, slang, elongated words, sometimes lower case."""
    roll = rng.random()
    if roll < 0.25:
        emoji = rng.choice(_EMOJI[tone])
        text = f"{text} {emoji}".rstrip()
    elif roll < 0.33 and lang == "fr" and tone in _SLANG_FR:
        text = f"{text}, {rng.choice(_SLANG_FR[tone])}"
    if rng.random() < 0.15:
        for plain, long in _ELONGATE:
            if plain in text:
                text = text.replace(plain, long, 1)
                break
    if rng.random() < 0.2:
        text = text.lower()
    return text


def sentence(topic: str, lang: str, part: str, tone: str, rng: random.Random) -> str:
    """A decorated sentence of `topic` in `lang`: an opener (``part="start"``) or a reply."""
    templates = TOPICS[topic][lang][part][tone]
    return decorate(fill(rng.choice(templates), rng), tone, lang, rng)
