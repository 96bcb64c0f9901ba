"""Write a demo community as a WhatsApp group export ``.txt``, French Android layout.

``dd/mm/yyyy HH:MM - Nom: texte`` in Paris local time, messages running over several lines,
``<Médias omis>`` for photos, and system lines without a colon after the name: the encryption
notice first, « X a rejoint via le lien d'invitation », « X est parti ». The file name is the
one Android gives in French: ``Discussion WhatsApp avec <groupe>.txt``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tribu.demo._counts import PlatformCounts
from tribu.demo._model import PARIS, START
from tribu.demo._simulate import Community

__all__ = ["ENCRYPTION_NOTICE", "write_whatsapp"]

ENCRYPTION_NOTICE = (
    "Les messages et les appels sont chiffrés de bout en bout. Aucun tiers, pas même WhatsApp, "
    "ne peut les lire ou les écouter. Appuyez pour en savoir plus."
)
MEDIA_OMITTED = "<Médias omis>"


def _stamp(when: datetime) -> str:
    return when.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def write_whatsapp(community: Community, folder: Path) -> tuple[Path, PlatformCounts]:
    """Write `community` as ``Discussion WhatsApp avec <name>.txt`` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{_stamp(START)} - {ENCRYPTION_NOTICE}"]
    counts = {"messages": 0, "joins": 0, "leaves": 0}
    authors: dict[int, None] = {}
    for post in sorted(community.posts, key=lambda p: (p.ts, p.seq)):
        stamp = _stamp(post.ts)
        name = post.author.name
        if post.kind == "join":
            lines.append(f"{stamp} - {name} a rejoint via le lien d'invitation")
            counts["joins"] += 1
        elif post.kind == "leave":
            lines.append(f"{stamp} - {name} est parti")
            counts["leaves"] += 1
        elif post.kind == "message":
            text = MEDIA_OMITTED if post.attachments else post.text
            if post.poll is not None:  # a French phone's export of a poll
                text = "SONDAGE :\n" + post.poll.question
                for label, people in post.poll.options:
                    n = len(people)
                    text += f"\nOPTION : {label} ({n} vote{'s' if n > 1 else ''})"
            if post.mentions:
                text = " ".join(f"@{p.name}" for p in post.mentions) + " " + text
            lines.append(f"{stamp} - {name}: {text}")
            counts["messages"] += 1
            authors.setdefault(post.author.key, None)
    path = folder / f"Discussion WhatsApp avec {community.name}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = PlatformCounts(
        "whatsapp",
        community.name,
        path,
        reactions=0,
        replies=0,
        authors=len(authors),
        channels=1,
        **counts,
    )
    return path, result
