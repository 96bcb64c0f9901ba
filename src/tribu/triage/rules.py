"""Hand-written rules of the triage: asking for a human, and complaints the model may miss.

Both are lists of regular expressions over accent-folded lower-case text
(:func:`tribu.triage.retriever.normalise`), French and English, written from the handoff
development set (``tests/data/triage/handoff_dev.csv``; see ``docs/triage.md``). A list beats a
classifier here: the phrasings are few and closed ("un conseiller svp", "real person please"),
a false handoff only costs an agent a look, and each rule can be read and fixed by the team.
"""

from __future__ import annotations

import re

from tribu.triage.retriever import normalise

__all__ = ["asks_for_human", "complaint_marker"]

_HUMAN = [
    # French
    r"\bparler (a|avec) (un|une|quelqu ?un|qqn|qq1|une? (vraie?|vrai) |un humain|le service|"
    r"la personne|votre service|un membre|une personne|l'equipe|le sav|un responsable)",
    r"\bparler a quelqu",
    r"\bquelqu ?un de (reel|vrai|l'equipe|chez vous|humain)",
    r"\b(un|une|des) (conseill|humain|vraie? personne|operat|agent|responsable|personne "
    r"reelle|interlocut)",
    r"\bconseill(er|ere)s?\b",
    r"\bhumains?\b",
    r"\bservice (client|apres|consommateur)",
    r"\bsav\b",
    r"\b(rappelez|appelez|contactez|joignez)[- ]?moi",
    r"\bpas (a |avec )?(un|le|une|ce) (bot|robot)",
    r"\b(stop|arrete) (le|ce) (bot|robot)",
    r"\bje veux (un|une) (vrai|personne|humain)",
    r"\bmettre en (relation|contact)",
    r"\bjoindre (quelqu|qqn|un|le service|une personne)",
    r"\bpasser (moi|nous) (un|une|quelqu)",
    # English
    r"\b(talk|speak|chat)( to| with) (a |an |some|your |the )?(human|person|agent|real|"
    r"someone|somebody|representative|rep\b|support|customer|staff|team|manager|operator|"
    r"actual|live)",
    r"\b(real|actual|live) (person|human|agent|people)",
    r"\bhuman\b",
    r"\bagents?\b",
    r"\brepresentative\b",
    r"\boperator\b",
    r"\bcustomer (service|support|care)",
    r"\b(call|ring|phone|contact) me\b",
    r"\bnot (a |the |this )?(bot|robot|machine)",
    r"\b(escalate|transfer me|put me through|connect me)",
    r"\bsomeone (from|at|on) (the |your )?(team|support|staff|company|semelle)",
    r"\b(let|can) me (talk|speak)",
    r"\bis (there|anyone) (anyone|someone|somebody|a human|real)",
]

_COMPLAINT = [
    # French
    r"\b(arnaque|arnaqueurs?|escroc|escroquerie|voleurs?|honte|honteux|scandale|scandaleux|"
    r"inadmissible|inacceptable|lamentable|nul|nulle|naze|pourri|catastroph)",
    r"\b(rembourse[zr]?|remboursement)\b.*\b(toujours|jamais|rien|exige|immediat|maintenant)",
    r"\b(exige|j'exige)\b",
    r"\b(toujours|jamais) (rien )?(pas )?(recu|arrive|eu de reponse|de nouvelles|livre)",
    r"\bpas (encore )?(recu|arrive|livre)\b.*\b(semaines?|mois|jours)",
    r"\b(porter plainte|avocat|litige|mediateur|60 millions|ufc|dgccrf)",
    r"\bplus jamais\b",
    r"\b(en colere|furieux|furieuse|degoute|decu|decue|marre|ras le bol)",
    r"\bse fout(ent|re)? de",
    r"\bfoutage de gueule\b",
    r"\b(colis|commande|paquet) (perdu|egare|jamais arrive)",
    r"\bn'arrive (toujours |jamais|pas)",
    # English
    r"\b(scam|scammers?|fraud|rip ?off|ripped off|disgrace|disgusting|unacceptable|"
    r"ridiculous|pathetic|outrageous|appalling|terrible|horrible|awful|worst|useless|"
    r"joke of a)",
    r"\b(still|never) (not )?(received|arrived|got|heard|delivered|shipped)",
    r"\bhaven'?t (received|got|heard)\b.*\b(weeks?|months?|days)",
    r"\b(i demand|demand a|want my money|money back|chargeback|dispute)",
    r"\b(lawyer|sue|report you|trading standards|bbb)\b",
    r"\bnever (again|buying|ordering)",
    r"\b(lost|missing) (my |another |the )?(parcel|package|order)",
    r"\bstill (hasn'?t|has not|haven'?t|not) (arrived|come|been delivered|received)",
    r"\bnever (comes|came|arrives|arrived)",
    r"\b(angry|furious|fed up|sick of|livid|pissed|annoyed|frustrated|disappointed)",
]

_HUMAN_RE = re.compile("|".join(f"(?:{p})" for p in _HUMAN))
_COMPLAINT_RE = re.compile("|".join(f"(?:{p})" for p in _COMPLAINT))


def asks_for_human(text: str) -> bool:
    """Whether the message asks for a person ("un conseiller svp", "real person please"...)."""
    return _HUMAN_RE.search(normalise(text)) is not None


def complaint_marker(text: str) -> str | None:
    """The words that mark an angry complaint ("arnaque", "still not received"...), or None."""
    found = _COMPLAINT_RE.search(normalise(text))
    return found.group(0) if found else None
