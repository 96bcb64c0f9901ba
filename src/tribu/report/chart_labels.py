"""Words of the charts' legibility notes, the time-to-sentiment signals and the campaigns'
data coverage, in French and English (merged into :data:`tribu.report.labels.LABELS`)."""

from __future__ import annotations

__all__ = ["CHART_LABELS"]

CHART_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "activity_weekly": "Activité : messages par semaine",
        "others": "autres",
        "series_left_out": "{n} autre(s) courbe(s) non tracée(s) (au plus 8 par graphique).",
        "survival_axis": (
            "Axe coupé à la dernière réaction positive observée ({hours} h) : au-delà, les "
            "courbes restent plates jusqu'à la fin de la fenêtre de 7 jours."
        ),
        "signal": "Signal mesuré",
        "signal:replies+reactions": "réponses et réactions horodatées",
        "signal:replies": "réponses seulement (l'export ne date pas les réactions)",
        "signal:reactions": "réactions horodatées seulement",
        "signal:none": (
            "non mesurable (l'export n'a ni réponses ni réactions) : laissé hors du calcul"
        ),
        "tts_signal_short": "signal",
        "tts_unmeasured": "{n} publication(s) hors calcul (pas de signal)",
        "campaign_kind": "type",
        "kind:activation": "activation communauté",
        "kind:paid": "campagne média",
        "campaign_window": "période",
        "no_community_data": "pas de données communauté sur la période",
        "campaigns_outside": (
            "{n} campagne(s) hors de la période des données communauté : ni UGC ni "
            "engagement mesurables, ce qui ne veut pas dire zéro."
        ),
        "scroll_hint": "Faites défiler le tableau →",
    },
    "en": {
        "activity_weekly": "Activity: messages per week",
        "others": "others",
        "series_left_out": "{n} more line(s) not drawn (at most 8 per chart).",
        "survival_axis": (
            "Axis cut at the last positive reaction seen ({hours} h): after it the curves "
            "stay flat to the end of the 7-day window."
        ),
        "signal": "Signal measured",
        "signal:replies+reactions": "replies and timed reactions",
        "signal:replies": "replies only (the export gives reactions no time)",
        "signal:reactions": "timed reactions only",
        "signal:none": "not measurable (the export has no replies or reactions): left out",
        "tts_signal_short": "signal",
        "tts_unmeasured": "{n} post(s) left out (no signal)",
        "campaign_kind": "kind",
        "kind:activation": "community activation",
        "kind:paid": "paid media",
        "campaign_window": "window",
        "no_community_data": "no community data in this window",
        "campaigns_outside": (
            "{n} campaign(s) outside the community data's dates: no UGC or engagement can be "
            "measured, which does not mean zero."
        ),
        "scroll_hint": "Scroll the table →",
    },
}
