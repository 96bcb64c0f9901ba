"""Words the report and the dashboard show, in French and English.

French is the default when most of a community's messages are French (``enrichment.lang``);
``--lang fr|en`` overrides it. Keys are the same in both languages; a test checks it.
"""

from __future__ import annotations

from tribu.errors import ConfigError
from tribu.report.chart_labels import CHART_LABELS
from tribu.report.firstparty_labels import FIRSTPARTY_LABELS

__all__ = ["LABELS", "LANGS", "SCORECARD_CARDS", "check_lang", "labels", "pick_lang"]

LANGS: tuple[str, ...] = ("fr", "en")

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "lang": "fr",
        "title": "Rapport de communauté",
        "dashboard": "Tableau de bord",
        "generated": "Généré le",
        "period": "Période",
        "summary": "Ce qui a changé",
        "no_change": "Pas assez de données pour comparer deux semaines.",
        "scorecard": "Indicateurs clés",
        "activity": "Activité : messages par jour",
        "engagement": "Taux d'engagement par publication de la marque",
        "engagement_weekly": "médiane hebdomadaire",
        "engagement_posts": "publications",
        "survival": "Délai jusqu'au premier sentiment positif (Kaplan–Meier)",
        "sentiment": "Sentiment moyen par semaine",
        "retention": "Rétention par cohorte d'arrivée",
        "rituals": "Rituels : jour × heure",
        "roles": "Rôles : les membres à connaître",
        "campaigns": "Campagnes",
        "day": "jour",
        "week": "semaine",
        "messages": "messages",
        "hours": "heures",
        "share_not_reached": "part encore sans réaction positive",
        "engagement_rate": "taux d'engagement",
        "mean_sentiment": "sentiment moyen (0–1)",
        "cohort": "cohorte",
        "months_since_join": "mois depuis l'arrivée",
        "weekday": "jour de la semaine",
        "hour": "heure",
        "attendance": "participation moyenne",
        "member": "membre",
        "display_name": "nom affiché",
        "betweenness": "intermédiarité",
        "role": "rôle",
        "relay": "relais",
        "power_user": "très actif",
        "moderator": "modérateur",
        "newcomer": "nouveau",
        "at_risk": "à risque",
        "campaign": "campagne",
        "ugc_ratio": "part d'UGC",
        "cost_per_engagement": "coût par engagement",
        "spend": "dépense",
        "engagements": "engagements",
        "no_data": "Aucune donnée pour ce filtre.",
        "download_csv": "CSV",
        "community": "Communauté",
        "channel": "Salon",
        "since": "Depuis",
        "until": "Jusqu'au",
        "all": "Toutes",
        "apply": "Appliquer",
        "logout": "Se déconnecter",
        "login": "Connexion",
        "token": "Jeton d'accès",
        "login_help": "Collez un jeton créé avec « tribu token create ».",
        "login_failed": "Ce jeton n'est pas valide ou a été révoqué.",
        "login_throttled": "Trop de jetons refusés depuis cette adresse : "
        "réessayez dans {seconds} s.",
        "member_page": "Membre",
        "member_activity": "Messages par semaine",
        "member_sentiment": "Sentiment moyen par semaine",
        "member_roles": "Rôles",
        "unknown_member": "Membre inconnu.",
        "weekdays": "lun,mar,mer,jeu,ven,sam,dim",
        "up": "en hausse de",
        "down": "en baisse de",
        "stable": "stable",
        "week_on_week": "d'une semaine sur l'autre",
        "points": "points",
        "er_name": "Le taux d'engagement (médiane)",
        "wam_name": "Les membres actifs de la semaine",
        "messages_name": "Le nombre de messages",
        "sentiment_name": "Le sentiment moyen",
        "ritual_lost": "Le rituel du {slot} dans {channel} a perdu {share} de sa participation",
        "ritual_gained": "Le rituel du {slot} dans {channel} a gagné {share} de participants",
        "a_third": "un tiers",
        "two_thirds": "deux tiers",
        "half": "la moitié",
        "a_quarter": "un quart",
        "at": "à",
        "card:totals.messages": "messages",
        "card:totals.active_members": "membres actifs (comptes, par communauté)",
        "card:totals.active_people": "personnes actives (chacune une fois)",
        "card:totals.new_members": "nouveaux membres",
        "card:totals.brand_posts": "publications de la marque",
        "card:engagement.median_engagement_rate": "taux d'engagement médian",
        "card:time_to_sentiment.km_median_hours": "délai médian jusqu'au positif",
        "card:time_to_sentiment.share_never_reached": "part jamais positive",
        "tts_not_reached": "non atteint (plus de la moitié jamais positive)",
        "card:activity.weekly_active_members_mean": "membres actifs par semaine",
        "card:activity.conversations": "conversations",
        "card:sentiment.mean_sentiment": "sentiment moyen",
        "card:roles.power_users": "membres très actifs",
        "card:roles.members_at_risk": "membres à risque",
    },
    "en": {
        "lang": "en",
        "title": "Community report",
        "dashboard": "Dashboard",
        "generated": "Generated on",
        "period": "Period",
        "summary": "What changed",
        "no_change": "Not enough data to compare two weeks.",
        "scorecard": "Scorecard",
        "activity": "Activity: messages per day",
        "engagement": "Engagement rate per brand post",
        "engagement_weekly": "weekly median",
        "engagement_posts": "posts",
        "survival": "Time to first positive sentiment (Kaplan–Meier)",
        "sentiment": "Mean sentiment per week",
        "retention": "Retention by join cohort",
        "rituals": "Rituals: weekday × hour",
        "roles": "Roles: the members to know",
        "campaigns": "Campaigns",
        "day": "day",
        "week": "week",
        "messages": "messages",
        "hours": "hours",
        "share_not_reached": "share still without a positive reaction",
        "engagement_rate": "engagement rate",
        "mean_sentiment": "mean sentiment (0–1)",
        "cohort": "cohort",
        "months_since_join": "months since joining",
        "weekday": "weekday",
        "hour": "hour",
        "attendance": "mean attendance",
        "member": "member",
        "display_name": "display name",
        "betweenness": "betweenness",
        "role": "role",
        "relay": "relay",
        "power_user": "power user",
        "moderator": "moderator",
        "newcomer": "newcomer",
        "at_risk": "at risk",
        "campaign": "campaign",
        "ugc_ratio": "UGC ratio",
        "cost_per_engagement": "cost per engagement",
        "spend": "spend",
        "engagements": "engagements",
        "no_data": "No data for this filter.",
        "download_csv": "CSV",
        "community": "Community",
        "channel": "Channel",
        "since": "Since",
        "until": "Until",
        "all": "All",
        "apply": "Apply",
        "logout": "Log out",
        "login": "Log in",
        "token": "Access token",
        "login_help": "Paste a token made with 'tribu token create'.",
        "login_failed": "This token is not valid or was revoked.",
        "login_throttled": "Too many wrong tokens from this address: "
        "try again in {seconds} s.",
        "member_page": "Member",
        "member_activity": "Messages per week",
        "member_sentiment": "Mean sentiment per week",
        "member_roles": "Roles",
        "unknown_member": "Unknown member.",
        "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "up": "up",
        "down": "down",
        "stable": "stable",
        "week_on_week": "week on week",
        "points": "points",
        "er_name": "ER (median)",
        "wam_name": "Weekly active members",
        "messages_name": "Messages",
        "sentiment_name": "Mean sentiment",
        "ritual_lost": "The {slot} ritual in {channel} lost {share} of its attendance",
        "ritual_gained": "The {slot} ritual in {channel} gained {share} in attendance",
        "a_third": "a third",
        "two_thirds": "two thirds",
        "half": "half",
        "a_quarter": "a quarter",
        "at": "at",
        "card:totals.messages": "messages",
        "card:totals.active_members": "active members (accounts, per community)",
        "card:totals.active_people": "active people (each counted once)",
        "card:totals.new_members": "new members",
        "card:totals.brand_posts": "brand posts",
        "card:engagement.median_engagement_rate": "median engagement rate",
        "card:time_to_sentiment.km_median_hours": "median time to positive",
        "card:time_to_sentiment.share_never_reached": "share never positive",
        "tts_not_reached": "not reached (over half never positive)",
        "card:activity.weekly_active_members_mean": "weekly active members",
        "card:activity.conversations": "conversations",
        "card:sentiment.mean_sentiment": "mean sentiment",
        "card:roles.power_users": "power users",
        "card:roles.members_at_risk": "members at risk",
    },
}


for _lang, _words in FIRSTPARTY_LABELS.items():  # the business and creators pages
    LABELS[_lang].update(_words)
for (
    _lang,
    _words,
) in CHART_LABELS.items():  # chart notes, TTS signals, campaign coverage
    LABELS[_lang].update(_words)

# The scorecard's headline numbers, as "section.key" paths into the scorecard dict, in order.
SCORECARD_CARDS: tuple[str, ...] = tuple(
    key.removeprefix("card:") for key in LABELS["en"] if key.startswith("card:")
)


def check_lang(lang: str) -> str:
    """Return ``lang`` if tribu speaks it, else raise :class:`ConfigError`."""
    if lang not in LANGS:
        raise ConfigError(
            f"The 'lang' option must be one of {', '.join(LANGS)}. Got {lang!r} instead."
        )
    return lang


def pick_lang(requested: str | None, french_share: float | None) -> str:
    """``requested`` if given, else French when most messages are French, else English."""
    if requested:
        return check_lang(requested)
    return "fr" if french_share is not None and french_share > 0.5 else "en"


def labels(lang: str) -> dict[str, str]:
    """The words for ``lang``."""
    return LABELS[check_lang(lang)]
