"""What Semelle's own accounts and bots write: rituals, activations, answers, welcomes.

Kept apart from the members' templates (:mod:`tribu.demo._phrases`) because brand posts are
the anchors of the measures: the Friday live, the monthly AMA and the activation posts are what
ritual detection, engagement rate and time-to-sentiment look for.
"""

from __future__ import annotations

import random
from datetime import date

from tribu.demo._model import Campaign

__all__ = [
    "activation_text",
    "announcement_reply_text",
    "ama_open_text",
    "live_reply_text",
    "live_text",
    "recap_text",
    "ugc_text",
    "welcome_text",
]

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

_LIVE_SUBJECTS = (
    "l'entretien de vos semelles",
    "les coulisses de l'atelier au Portugal",
    "le caoutchouc naturel et recyclé",
    "vos questions sur les tailles",
    "la prochaine collection",
    "le run club de la rentrée",
    "la réparation plutôt que le rachat",
)

_LIVE_REPLIES = {
    "pos": (
        "Présente ! 🙋", "Trop bien ce live", "Merci pour les infos !", "Trooop bien la démo",
        "Hâte de voir la suite 🔥", "Super intéressant, merci Solène", "On est là 🙌",
        "J'adore ces lives du vendredi",
    ),
    "neu": (
        "Il y aura un replay ?", "Je rejoins en retard", "C'est sur quelle plateforme ?",
        "Le son coupe un peu", "Question : ça sort quand ?",
    ),
    "neg": (
        "Le live est un peu long cette fois", "Pas terrible le son aujourd'hui",
        "Encore le même sujet que la semaine dernière", "Je n'aime pas du tout le nouvel horaire",
    ),
}  # fmt: skip


_ANNOUNCEMENT_REPLIES = {
    "fr": {
        "pos": (
            "Trop bien, merci pour l'info !", "Génial 😍", "Super nouvelle 🙌",
            "Hâte de voir ça 🔥", "Merci l'équipe, vous êtes top", "Parfait, j'adore !",
            "Enfin ! Trop contente", "Bravo à toute l'équipe 👏",
        ),
        "neu": ("C'est dispo en 42 ?", "On peut en savoir plus ?", "Ça commence quand ?"),
        "neg": ("Dommage, toujours rien en 37", "Un peu déçu, j'attendais autre chose"),
    },
    "en": {
        "pos": ("Love it, thanks!", "Great news 🙌", "Can't wait 🔥", "Awesome, well done team"),
        "neu": ("Is it available in 44?", "When does it start?"),
        "neg": ("Still nothing in my size, sadly",),
    },
}  # fmt: skip


def announcement_reply_text(tone: str, lang: str, rng: random.Random) -> str:
    """A member's reply to one of the brand's announcements."""
    return rng.choice(_ANNOUNCEMENT_REPLIES[lang][tone])


def live_text(day: date, rng: random.Random) -> str:
    """The brand's Friday 18:00 post announcing the live."""
    subject = rng.choice(_LIVE_SUBJECTS)
    return (
        f"🔴 Live du vendredi : c'est parti ! Ce soir on parle de {subject}. "
        f"Posez vos questions ici 👇 ({day.day} {MONTHS_FR[day.month - 1]})"
    )


def live_reply_text(tone: str, rng: random.Random) -> str:
    """A member's reply during the live."""
    return rng.choice(_LIVE_REPLIES[tone])


def ama_open_text(day: date) -> str:
    """The brand's first-Tuesday 19:00 post opening the monthly AMA."""
    month = MONTHS_FR[day.month - 1]
    return (
        f"📣 AMA de {month} avec l'équipe Semelle : c'est ouvert ! "
        "Posez-nous toutes vos questions pendant une heure."
    )


def activation_text(campaign: Campaign, lang: str) -> str:
    """A campaign's activation post, with its hashtag."""
    if lang == "en":
        return (
            f"🚀 {campaign.name} is live: {campaign.pitch_en}. "
            f"Share your photos with {campaign.hashtag}!"
        )
    return (
        f"🚀 {campaign.name} : {campaign.pitch_fr}. "
        f"Partagez vos photos avec {campaign.hashtag} !"
    )


_UGC = {
    "fr": (
        "Ma nouvelle paire pour l'été {tag} 😍",
        "Premier run avec elles {tag} 🏃",
        "Elles vont avec tout {tag}",
        "Sortie du week-end en {model} {tag} ✨",
        "{tag} trop contente de ce coloris",
        "Déposé mes vieilles baskets à la collecte {tag} ♻️",
        "{tag} bof, la couleur est moins jolie qu'en photo",
    ),
    "en": (
        "New pair for the season {tag}",
        "First run in them {tag}",
        "{tag} love this colour",
    ),
}


def ugc_text(campaign: Campaign, lang: str, rng: random.Random) -> str:
    """A member's photo post for a campaign, carrying the hashtag."""
    from tribu.demo._phrases import fill

    text = rng.choice(_UGC[lang]).replace("{tag}", campaign.hashtag)
    return fill(text, rng)


def recap_text(day: date, rng: random.Random) -> str:
    """The brand's Monday 10:00 weekly news post."""
    news = rng.choice(
        (
            "retour en stock de la Loop en 38 et 39",
            "un nouveau point de collecte à Lyon",
            "le replay du live de vendredi",
            "les résultats du sondage coloris",
            "le calendrier du run club",
        )
    )
    return f"☀️ Les nouvelles du lundi {day.day} {MONTHS_FR[day.month - 1]} : {news}."


def welcome_text(name: str) -> str:
    """The welcome bot's message after a join."""
    return f"Bienvenue {name} ! 👋 Présente-toi dans #général et lis les règles dans #annonces."
