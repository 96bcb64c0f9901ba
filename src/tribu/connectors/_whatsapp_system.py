"""WhatsApp's system lines and media placeholders, in English and French.

A system line has no ``Name:`` part (``Alice added Bob``, « Alice a ajouté Bob »), except the
encryption notice, which some exports write under the chat's name. :func:`system_line` turns
one into joins, leaves or a notice kind; :func:`is_media_placeholder` tells the text WhatsApp
writes instead of a photo or a file (``<Media omitted>``, ``<Médias omis>``, ``image absente``,
``<attached: 0001-PHOTO.jpg>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "YOU",
    "SystemLine",
    "invisible_free",
    "is_encryption_notice",
    "is_media_placeholder",
    "system_line",
]

YOU = "you"
"""Member key of the person who exported the chat (``You``/``Vous`` in system lines)."""

_ENCRYPTION = re.compile(
    r"^(?:messages and calls are end-to-end encrypted|messages you send to this "
    r"(?:group|chat) are now secured|les messages et (?:les )?appels sont chiffrés|"
    r"les messages envoyés (?:à|dans) ce (?:groupe|chat|discussion)|"
    r"your security code with .* changed|votre code de sécurité avec .* a changé)",
    re.IGNORECASE,
)
_MEDIA = re.compile(
    r"^(?:<[^<>]*(?:omitted|omis|omise|omises|omitido|omitidos|ausgeschlossen|weggelassen|"
    r"attached|pièce jointe|joint)[^<>]*>"
    r"|(?:image|photo|video|vidéo|audio|sticker|GIF|document|Contact card|carte de contact)"
    r" (?:omitted|absente?|omise?|omis)"
    r"|.* (?:document omitted|document absent|document omis)"
    r"|\S+\.\w{2,4} \((?:file attached|fichier joint)\))$",
    re.IGNORECASE,
)
# A regular expression, not str.translate: the scan runs in C and most lines hold no mark.
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LIST_SPLIT = re.compile(r",\s*|\s+(?:and|et)\s+")


@dataclass(slots=True)
class SystemLine:
    """What a system line means: a notice kind, and who joined or left."""

    kind: str  # "encryption", "created", "rename", "pin", "call", "service", "join", "leave"
    joined: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def _names(text: str) -> list[str]:
    names = [n.strip(" .\"'«»") for n in _LIST_SPLIT.split(text)]
    return [YOU if n.lower() in ("you", "vous") else n for n in names if n]


def _person(text: str) -> str:
    text = text.strip(" .")
    return YOU if text.lower() in ("you", "vous") else text


# (pattern, handler) in order; the first that matches wins. Patterns see the whole line.
_JOINS_AND_LEAVES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:you were added|vous avez été ajoutée?)\.?$", re.I), "you_join"),
    (re.compile(r"^(.+?) (?:added|a ajouté|avez ajouté) (.+?)\.?$", re.I), "added"),
    (re.compile(r"^(.+?) vous a ajoutée?\.?$", re.I), "added_you"),
    (
        re.compile(
            r"^(.+?) (?:joined using this group's invite link|joined using an invite link|"
            r"joined from the community|joined|a rejoint|avez rejoint)"
            r"(?: (?:le groupe|ce groupe|en utilisant|via|à l'aide|depuis) .*)?\.?$",
            re.I,
        ),
        "joined",
    ),
    (
        re.compile(
            r"^(.+?) (?:left|est partie?|êtes partie?|a quitté|avez quitté)"
            r"(?: (?:le|ce) groupe)?\.?$",
            re.I,
        ),
        "left",
    ),
    (
        re.compile(
            r"^(.+?) (?:removed|a retiré|avez retiré|a supprimé|a exclu) (.+?)\.?$",
            re.I,
        ),
        "removed",
    ),
]
_NOTICES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(?:created group|created this group|a créé (?:le )?groupe|"
            r"avez créé (?:le )?groupe|a créé ce groupe|avez créé ce groupe)\b",
            re.I,
        ),
        "created",
    ),
    (
        re.compile(
            r"\b(?:changed the subject|changed the group name|changed this group's name|"
            r"a modifié le sujet|avez modifié le sujet|a changé le sujet|avez changé le sujet|"
            r"a modifié le nom du groupe|a changé le nom du groupe|avez modifié le nom)\b",
            re.I,
        ),
        "rename",
    ),
    (
        re.compile(r"\b(?:pinned a message|a épinglé un message|avez épinglé)\b", re.I),
        "pin",
    ),
    (
        re.compile(
            r"\b(?:missed (?:voice|video|group) call|appel (?:vocal|vidéo) manqué)",
            re.I,
        ),
        "call",
    ),
]


def system_line(text: str) -> SystemLine:
    """Read a line that has no ``Name:`` part."""
    text = invisible_free(text).strip()
    if _ENCRYPTION.match(text):
        return SystemLine("encryption")
    for pattern, kind in _NOTICES:
        if pattern.search(text):
            return SystemLine(kind)
    for pattern, action in _JOINS_AND_LEAVES:
        found = pattern.match(text)
        if not found:
            continue
        if action == "you_join":
            return SystemLine("join", joined=[YOU])
        if action == "added":
            return SystemLine("join", joined=_names(found.group(2)))
        if action == "added_you":
            return SystemLine("join", joined=[YOU])
        if action == "joined":
            return SystemLine("join", joined=[_person(found.group(1))])
        if action == "left":
            return SystemLine("leave", left=[_person(found.group(1))])
        if action == "removed":
            return SystemLine("leave", left=_names(found.group(2)))
    return SystemLine("service")


def is_encryption_notice(text: str) -> bool:
    """Whether a message's text is in fact the encryption notice (written under a name)."""
    return bool(_ENCRYPTION.match(invisible_free(text).strip()))


def is_media_placeholder(text: str) -> bool:
    """Whether a message's text stands for an omitted or attached medium."""
    return bool(_MEDIA.match(invisible_free(text).strip()))


def invisible_free(text: str) -> str:
    """``text`` without the direction marks WhatsApp sprinkles in names and lines."""
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text
