# ruff: noqa: E501
"""Chat-style training examples of our own for what word lists miss: negation, slang, emoji.

The other template sets (:mod:`tribu.enrich._chat_examples`, :mod:`tribu.enrich._chat_examples_more`)
teach the model the shapes of community posts. This one targets the cases the issue names:
negated praise (« je n'aime pas du tout », « pas terrible », "not great at all"), negated
complaints that are mild praise (« pas mal », "not bad", "no complaints"), chat slang
(« c'est ouf », « relou », « osef », "mid", "goated", "W", "L"), elongated words (« trooop »,
"sooo"), emoji used as the only sign of feeling, and plain messages that carry sentiment-looking
words without any feeling (« pas de problème pour moi, je viens à 18h », "no worries, I'll check").
Written for tribu (Apache-2.0) without looking at the development sets; the training script
drops any exact match with them anyway.
"""

from __future__ import annotations

import random

from tribu.enrich._chat_examples import distinct_examples

__all__ = ["slang_chat_examples"]

_FR = {
    "thing": [
        "le nouveau parfum",
        "la mise à jour",
        "le live de ce soir",
        "leur service client",
        "la livraison",
        "le dernier épisode",
        "la nouvelle recette",
        "le coffret",
        "l'appli",
        "le concours",
        "la playlist",
        "le sweat",
        "le patch",
        "le stream",
        "l'event de samedi",
    ],
    "pos_tpl": [
        "{thing} c'est pas mal du tout",
        "pas mal {thing} en vrai",
        "franchement rien à dire, {thing} est nickel",
        "aucun souci avec {thing}, tout roule 👌",
        "{thing} c'est ouf 🤩",
        "{thing} est trop stylé",
        "{thing} trooop bien",
        "{thing} 😍😍😍",
        "{thing} 🔥🔥",
        "jamais été aussi content de {thing}",
        "{thing} n'a aucun défaut",
        "j'avoue {thing} est grave cool",
        "{thing} m'a régalé 😋",
        "gg pour {thing} 👏👏",
        "{thing} c'est du lourd",
        "je kiffe trop {thing}",
        "{thing} c'est une masterclass",
        "{thing} il déchire",
        "on ne peut pas faire mieux que {thing}",
        "{thing} ne m'a pas déçu, bien au contraire",
        "c'était pas gagné mais {thing} est réussi",
        "{thing} 10/10 je recommande",
        "merciii pour {thing} 🥰",
        "j'ai pas regretté {thing} une seconde",
        "{thing} est chanmé",
        "{thing} vaut vraiment le coup",
        "ouiii {thing} enfin 🙌",
        "je m'attendais pas à ce que {thing} soit aussi bien",
    ],
    "neg_tpl": [
        "je n'aime pas du tout {thing}",
        "{thing} c'est pas terrible",
        "pas ouf {thing}",
        "{thing} n'est pas à la hauteur",
        "j'aime pas trop {thing}",
        "{thing} ne marche plus du tout",
        "{thing} c'est la hess",
        "{thing} est trop relou",
        "{thing} c'est chelou et ça bug",
        "{thing} 😡😡",
        "{thing} 🤮",
        "{thing}... 😒",
        "{thing} est nul à chier",
        "{thing} c'est naze",
        "sérieux {thing} ça craint",
        "{thing} franchement bof bof",
        "{thing} ne vaut pas le prix",
        "je ne suis pas du tout satisfait de {thing}",
        "aucune envie de revoir {thing}",
        "{thing} est une arnaque",
        "{thing} m'a saoulé",
        "ptn {thing} encore en panne",
        "{thing} j'en ai marre",
        "{thing} c'est non 👎",
        "{thing} pas du tout ce qui était promis",
        "{thing} c'est mort, rien ne va",
        "nooon {thing} est encore reporté 😭",
        "{thing} est pire qu'avant",
    ],
    "neu_tpl": [
        "pas de problème, je passe récupérer {thing} à 18h",
        "{thing} c'est à quelle heure ?",
        "je ne sais pas encore pour {thing}",
        "quelqu'un a testé {thing} ?",
        "{thing} sort jeudi d'après le post",
        "tu peux m'envoyer le lien de {thing} ?",
        "on parle de {thing} dans l'autre salon",
        "je n'ai pas vu {thing}, il y avait quoi ?",
        "{thing} est dispo en noir et en blanc",
        "j'ai pas compris comment marche {thing}",
        "osef de l'heure, on parle de {thing} demain",
        "ok je regarde {thing} ce soir",
        "{thing} passe sur la chaîne principale",
        "c'est qui qui gère {thing} ?",
        "je vous tiens au courant pour {thing}",
        "pas encore reçu {thing}, je regarde le suivi",
        "{thing} ça se passe où ?",
        "vous avez le code pour {thing} ?",
        "rien de nouveau sur {thing} pour l'instant",
        "le post sur {thing} est épinglé",
    ],
}
_EN = {
    "thing": [
        "the new scent",
        "the update",
        "tonight's stream",
        "their support team",
        "the delivery",
        "the latest episode",
        "the new recipe",
        "the bundle",
        "the app",
        "the contest",
        "the playlist",
        "the hoodie",
        "the patch",
        "the live show",
        "Saturday's event",
    ],
    "pos_tpl": [
        "{thing} is not bad at all",
        "not gonna lie, {thing} slaps",
        "no complaints about {thing}, works great 👌",
        "{thing} is goated 🐐",
        "{thing} is fire 🔥",
        "{thing} sooo good",
        "{thing} 😍😍😍",
        "big W for {thing}",
        "{thing} is lowkey amazing",
        "{thing} did not disappoint",
        "can't complain about {thing}, it's solid",
        "{thing} hits different 🙌",
        "{thing} 10/10 would recommend",
        "ty for {thing}!! 🥰",
        "{thing} was a banger",
        "never been happier with {thing}",
        "{thing} is chef's kiss",
        "couldn't ask for more than {thing}",
        "{thing} exceeded my expectations",
        "didn't expect {thing} to be this good",
        "yesss {thing} finally 🎉",
        "{thing} is a total vibe",
        "{thing} has zero flaws",
        "love love love {thing}",
        "{thing} is so worth it",
        "{thing} made my day",
        "{thing} is elite",
        "nothing to fix, {thing} is perfect",
    ],
    "neg_tpl": [
        "I don't like {thing} at all",
        "{thing} is not great",
        "{thing} isn't worth it",
        "{thing} is mid tbh",
        "{thing} is such an L",
        "{thing} is trash",
        "{thing} doesn't work anymore",
        "{thing} 😡😡",
        "{thing} 🤮",
        "{thing}... 😒",
        "{thing} is a scam",
        "ugh {thing} again 🙄",
        "{thing} is not what they promised",
        "not impressed by {thing}",
        "{thing} keeps crashing smh",
        "{thing} sucks so bad",
        "I'm not happy with {thing} at all",
        "{thing} is a mess",
        "nooo {thing} got delayed again 😭",
        "{thing} is worse than before",
        "{thing} is not it",
        "{thing} ain't worth the money",
        "hard pass on {thing}",
        "{thing} is cringe",
        "I'm done with {thing}",
        "{thing} never works wtf",
        "{thing} was a huge letdown",
        "{thing} is so annoying",
    ],
    "neu_tpl": [
        "no worries, I'll pick up {thing} at 6",
        "what time is {thing}?",
        "not sure about {thing} yet",
        "has anyone tried {thing}?",
        "{thing} comes out Thursday according to the post",
        "can you send me the link to {thing}?",
        "we talk about {thing} in the other channel",
        "I didn't see {thing}, what was in it?",
        "{thing} comes in black and white",
        "I don't get how {thing} works",
        "ok I'll check {thing} tonight",
        "{thing} is on the main channel",
        "who runs {thing}?",
        "I'll keep you posted about {thing}",
        "haven't got {thing} yet, checking the tracking",
        "where is {thing} happening?",
        "do you have the code for {thing}?",
        "nothing new on {thing} for now",
        "the post about {thing} is pinned",
        "no problem, {thing} can wait till Monday",
    ],
}
_USERS = ["lou", "theo", "ines", "raph", "zoe", "mike", "jade", "sara"]


def _render(words: dict[str, list[str]], label: str, rng: random.Random) -> str:
    key = {"positive": "pos", "negative": "neg", "neutral": "neu"}[label]
    text = rng.choice(words[f"{key}_tpl"]).format(thing=rng.choice(words["thing"]))
    roll = rng.random()
    if roll < 0.15:
        text = f"@{rng.choice(_USERS)} {text}"
    elif roll < 0.25:
        text = text.capitalize()
    elif roll < 0.3 and key != "neu":
        text = text.upper()
    return " ".join(text.split())


def slang_chat_examples(
    per_class: int = 300, seed: int = 23
) -> list[tuple[str, str, str]]:
    """Distinct (text, label, lang) examples, up to ``per_class`` per class and language."""
    return distinct_examples(_render, (("fr", _FR), ("en", _EN)), per_class, seed)
