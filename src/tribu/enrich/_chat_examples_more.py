# ruff: noqa: E501
"""More chat-style training examples of our own: other kinds of communities and sentence shapes.

:mod:`tribu.enrich._chat_examples` covers orders, lives and apps with « {thing} est {pos} »
shapes. These templates add what else brand communities post: creators and their content,
gaming, beauty, sport and food communities, replies to other members, contrast (« ... mais ... »,
"... but ..."), mild and strong wording, questions that complain, plain information with words
that only look emotional (« pas de souci », "no worries"), and chat spellings. Written for tribu
(Apache-2.0), after and apart from the development set (the training script drops any exact
match with it).
"""

from __future__ import annotations

import random

from tribu.enrich._chat_examples import distinct_examples

__all__ = ["more_chat_examples"]

_FR = {
    "thing": [
        "ta dernière vidéo",
        "le tuto",
        "la collab",
        "le drop de vendredi",
        "le nouveau skin",
        "la palette",
        "le fond de teint",
        "le maillot",
        "le match d'hier",
        "la recette",
        "le podcast",
        "le giveaway",
        "le serveur Discord",
        "la boutique en ligne",
        "le code promo",
        "la précommande",
        "l'édition limitée",
        "le tournoi de samedi",
        "la meetup",
        "le masque",
    ],
    "pos": [
        "une dinguerie",
        "validé",
        "trop frais",
        "de la balle",
        "parfait pour moi",
        "au top du top",
        "franchement réussi",
        "un kiff total",
        "très propre",
        "hyper pratique",
        "vraiment sympa",
    ],
    "neg": [
        "une blague",
        "abusé",
        "n'importe quoi",
        "du vol",
        "une perte de temps",
        "mal fichu",
        "pas au niveau",
        "vraiment décevant",
        "une galère",
        "inutilisable",
        "bâclé",
    ],
    "pos_tpl": [
        "@{user} {thing} c'est {pos} 😍",
        "je valide {thing} à 100%",
        "{thing} m'a trop fait rire 😂",
        "gros merci pour {thing}, ça fait plaisir",
        "enfin {thing}, j'attendais ça depuis longtemps 🎉",
        "{thing} est bien mieux que prévu",
        "rien à redire sur {thing}, {pos}",
        "au début je doutais mais {thing} est {pos}",
        "je recommande {thing} les yeux fermés",
        "{thing} ❤️❤️",
        "j'ai craqué pour {thing} et aucun regret",
        "bien joué pour {thing} 👏",
        "vous êtes les meilleurs, {thing} est {pos}",
        "trop hâte de tester {thing} 🔥",
        "c'était génial de vous voir à {thing}",
        "{thing} ? franchement {pos}",
    ],
    "neg_tpl": [
        "@{user} {thing} c'est {neg} 🙄",
        "je regrette d'avoir pris {thing}",
        "{thing} m'a énervé",
        "toujours rien pour {thing}, c'est {neg}",
        "{thing} était bien mais là c'est {neg}",
        "{thing} est pire que l'ancien",
        "j'ai demandé un remboursement pour {thing}",
        "sérieux, {thing} ne fonctionne jamais",
        "impossible d'utiliser {thing} depuis hier 😤",
        "{thing} ? {neg}",
        "plus jamais je commande {thing}",
        "{thing} m'a vraiment déçue",
        "je me suis fait avoir avec {thing}",
        "trois semaines et toujours pas de réponse pour {thing}",
        "on se moque de nous avec {thing}",
        "ça devient n'importe quoi avec {thing} 👎",
    ],
    "neu_tpl": [
        "@{user} tu as reçu {thing} ?",
        "{thing} sort à quelle date ?",
        "je vais regarder {thing} ce week-end",
        "pas de souci, je repasse plus tard",
        "quelqu'un a le lien pour {thing} ?",
        "{thing} c'est en quelle taille ?",
        "je partage {thing} dans le salon #général",
        "pour info {thing} est reporté à mardi",
        "vous livrez {thing} en Suisse ?",
        "on se retrouve à {thing} ?",
        "je viens de commander {thing}",
        "c'est moi ou {thing} a changé de couleur ?",
        "{thing} est dans le deuxième onglet",
        "quelle est la différence avec {thing} ?",
        "je n'ai pas encore essayé {thing}",
        "ils ont annoncé {thing} sur Insta",
        "t'inquiète, je t'envoie {thing} en MP",
        "le numéro de suivi pour {thing} c'est lequel ?",
        "{thing} c'est combien en euros ?",
    ],
}
_EN = {
    "thing": [
        "your last video",
        "the tutorial",
        "the collab",
        "Friday's drop",
        "the new skin",
        "the palette",
        "the foundation",
        "the jersey",
        "last night's match",
        "the recipe",
        "the podcast",
        "the giveaway",
        "the Discord server",
        "the online shop",
        "the promo code",
        "the preorder",
        "the limited edition",
        "Saturday's tournament",
        "the meetup",
        "the face mask",
    ],
    "pos": [
        "insane",
        "a must",
        "so fresh",
        "a vibe",
        "exactly what I needed",
        "top tier",
        "really well done",
        "pure joy",
        "super clean",
        "so handy",
        "really lovely",
    ],
    "neg": [
        "a joke",
        "a rip-off",
        "nonsense",
        "daylight robbery",
        "a waste of time",
        "badly made",
        "not good enough",
        "really disappointing",
        "a nightmare",
        "unusable",
        "rushed",
    ],
    "pos_tpl": [
        "@{user} {thing} is {pos} 😍",
        "100% recommend {thing}",
        "{thing} made me laugh so hard 😂",
        "huge thanks for {thing}, made my day",
        "finally {thing}, been waiting ages 🎉",
        "{thing} is way better than expected",
        "nothing to complain about, {thing} is {pos}",
        "I had doubts but {thing} is {pos}",
        "would buy {thing} again without thinking",
        "{thing} ❤️❤️",
        "treated myself to {thing}, zero regrets",
        "well played on {thing} 👏",
        "you guys are the best, {thing} is {pos}",
        "can't wait to try {thing} 🔥",
        "it was great seeing you all at {thing}",
        "{thing}? honestly {pos}",
    ],
    "neg_tpl": [
        "@{user} {thing} is {neg} 🙄",
        "I regret getting {thing}",
        "{thing} made me so mad",
        "still nothing about {thing}, it's {neg}",
        "{thing} used to be good but now it's {neg}",
        "{thing} is worse than the old one",
        "I asked for a refund for {thing}",
        "seriously, {thing} never works",
        "can't use {thing} since yesterday 😤",
        "{thing}? {neg}",
        "never ordering {thing} again",
        "{thing} really let me down",
        "I got scammed with {thing}",
        "three weeks and still no answer about {thing}",
        "they're laughing at us with {thing}",
        "it's getting ridiculous with {thing} 👎",
    ],
    "neu_tpl": [
        "@{user} did you get {thing}?",
        "when does {thing} come out?",
        "I'll watch {thing} this weekend",
        "no worries, I'll come back later",
        "anyone got the link for {thing}?",
        "what size is {thing}?",
        "sharing {thing} in #general",
        "fyi {thing} is moved to Tuesday",
        "do you ship {thing} to Switzerland?",
        "meet at {thing}?",
        "just ordered {thing}",
        "is it me or did {thing} change colour?",
        "{thing} is in the second tab",
        "what's the difference with {thing}?",
        "haven't tried {thing} yet",
        "they announced {thing} on Insta",
        "don't worry, I'll DM you {thing}",
        "which tracking number is for {thing}?",
        "how much is {thing} in pounds?",
    ],
}
_USERS = ["lea", "max", "sam", "nina", "jules", "kev", "emma", "tom"]


def _render(words: dict[str, list[str]], label: str, rng: random.Random) -> str:
    key = {"positive": "pos", "negative": "neg", "neutral": "neu"}[label]
    text = rng.choice(words[f"{key}_tpl"]).format(
        thing=rng.choice(words["thing"]),
        pos=rng.choice(words["pos"]),
        neg=rng.choice(words["neg"]),
        user=rng.choice(_USERS),
    )
    roll = rng.random()
    if roll < 0.1:
        text = text.capitalize()
    elif roll < 0.15:
        text = text.lower()
    return " ".join(text.split())


def more_chat_examples(
    per_class: int = 500, seed: int = 11
) -> list[tuple[str, str, str]]:
    """Distinct (text, label, lang) examples, up to ``per_class`` per class and language."""
    return distinct_examples(_render, (("fr", _FR), ("en", _EN)), per_class, seed)
