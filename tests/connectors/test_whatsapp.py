"""WhatsApp connector: exact counts on every real sample, the header catalogue, bad input.

Counts were worked out by reading each file line by line (``grep -c`` on the raw files for the
header lines), never from the parser's output.
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.connectors._tally import tally
from tribu.connectors import whatsapp
from tribu.connectors._records import (
    Community,
    MemberEvent,
    Message,
    Quarantined,
)
from tribu.connectors._whatsapp_system import is_media_placeholder, system_line
from tribu.errors import InputError, UnsafeArchiveError

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "whatsapp"
SHARED = HERE.parents[2] / "shared" / "data" / "real" / "whatsapp"

# The five chat-miner files hold the same 11 lines in five layouts: 10 headers; line 4 and the
# last line continue a message. Headers: 7 "Name: text" (John Doe x3, Jahn Doe, John-John
# Doe, "John Doe 🤓", "🤓") and 2 system lines without a colon ('+12 345 578 created group
# "Groupname"' -> notice, "You were added" -> join). 5 distinct authors.
MINER = {"messages": 7, "authors": 5, "joins": 1, "notices": 1}
REAL_FILES = [
    (DATA / "test_ddmmyy_24hrs.txt", MINER),
    (DATA / "test_mmddyy_24hrs.txt", MINER),
    (DATA / "test_[mmddyy]_24hrs.txt", MINER),
    (DATA / "test_mmddyyyy_12hrs.txt", MINER),
    (DATA / "test_yyyymmdd_24hrs.txt", MINER),
    # 5 lines, all "X: text" from A and B; one "<media omitted>".
    (SHARED / "2A_5M.txt", {"messages": 5, "authors": 2, "attachments": 1}),
    # 14 lines: encryption notice, 'created group' (notices), "Alice added you" (join), then
    # 11 messages by Bob, Eve, Alice, Mallory, Trent = 5 authors.
    (SHARED / "4A_11M.txt", {"messages": 11, "authors": 5, "joins": 1, "notices": 2}),
    (SHARED / "4A_11M.zip", {"messages": 11, "authors": 5, "joins": 1, "notices": 2}),
    # 20 dated lines: line 1 is the encryption notice written under "Pokemon Chat", line 2
    # the group encryption notice = 2 notices; 18 messages by Ash Ketchum, Brock, Misty,
    # Prof. Oak, Jessie & James, Raichu, Meowth, Wobbuffet = 8 authors.
    (SHARED / "pokemon.txt", {"messages": 18, "authors": 8, "notices": 2}),
    # Our French file: 14 lines, 13 headers (line 5 continues line 4). Notices: encryption,
    # « a créé le groupe », « a modifié l'icône » = 3. Joins: « a ajouté Marc et Zoé » (2) +
    # « Paul a rejoint » = 3; leaves: « Marc est parti », « a retiré Zoé » = 2. Messages: Léa
    # x2, Marc (<Médias omis>), Zoé, Paul, +33 6 12 34 56 78 (image absente) = 6, 5 authors,
    # 2 attachments.
    (
        DATA / "Discussion WhatsApp avec Club Sneakers.txt",
        {
            "messages": 6,
            "authors": 5,
            "joins": 3,
            "leaves": 2,
            "notices": 3,
            "attachments": 2,
        },
    ),
    # Our iOS file: 9 lines, 8 headers (line 5 continues line 4). Under the group's name:
    # the encryption notice (notice), "‎Alice added Bob" (join), "‎Carol left" (leave).
    # Messages: Alice x2, Bob x2 (one "image omitted"), Carol (<attached: ...>) = 5, 3 authors.
    (
        DATA / "WhatsApp Chat with Running Crew.txt",
        {
            "messages": 5,
            "authors": 3,
            "joins": 1,
            "leaves": 1,
            "notices": 1,
            "attachments": 2,
        },
    ),
]


@pytest.mark.parametrize(
    ("path", "expected"), REAL_FILES, ids=lambda v: getattr(v, "name", "")
)
def test_counts_match_the_file(path: Path, expected: dict[str, int]) -> None:
    assert whatsapp.detect(path)
    counts = tally(whatsapp.read(path))
    assert counts == {key: 0 for key in counts} | {"communities": 1} | expected


@pytest.mark.parametrize(
    "name",
    [
        "test_ddmmyy_24hrs.txt",
        "test_mmddyy_24hrs.txt",
        "test_[mmddyy]_24hrs.txt",
        "test_mmddyyyy_12hrs.txt",
        "test_yyyymmdd_24hrs.txt",
    ],
)
def test_every_layout_gives_the_same_dates(name: str) -> None:
    # Line 2 is 20 January 2019 11:23 in every layout ("20/01/19", "01/20/19", "2019/01/20",
    # "01/20/2019, 11:23 a. m."); line 10 is 30 December 2021 22:01 ("10:01 p. m.").
    messages = [r for r in whatsapp.read(DATA / name) if isinstance(r, Message)]
    assert messages[1].ts == datetime(2019, 1, 20, 11, 23, tzinfo=UTC)
    assert messages[1].text == "."
    assert messages[-1].ts == datetime(2021, 12, 30, 22, 1, tzinfo=UTC)
    assert (
        messages[-1].text
        == "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero."
    )


def test_unpadded_slash_dates_read_month_first() -> None:
    # "12/9/20": no field above 12, all on one day; unpadded "9" is the US layout -> 9 Dec.
    messages = [
        r for r in whatsapp.read(SHARED / "4A_11M.txt") if isinstance(r, Message)
    ]
    assert messages[0].ts == datetime(2020, 12, 9, 23, 55, tzinfo=UTC)


def test_dates_that_run_forward_win_over_the_twelve_hour_clock() -> None:
    # "02/04/24", "03/04/24", "01/05/24": read day first they run 2 Apr, 3 Apr, 1 May;
    # month first Feb 4, Mar 4, Jan 5 (backwards). The file's order decides: day first.
    records = list(whatsapp.read(DATA / "WhatsApp Chat with Running Crew.txt"))
    messages = [r for r in records if isinstance(r, Message)]
    assert messages[0].ts == datetime(2024, 4, 2, 21, 11, tzinfo=UTC)  # 9:11 PM
    assert messages[-1].ts == datetime(2024, 5, 1, 0, 30, tzinfo=UTC)  # 12:30 AM
    assert messages[1].text == "Me!\nBring the new shoes"
    assert "Running Crew" not in {m.author_key for m in messages}


def test_french_layout_and_names() -> None:
    records = list(whatsapp.read(DATA / "Discussion WhatsApp avec Club Sneakers.txt"))
    assert records[0] == Community("Club Sneakers", "whatsapp", "Club Sneakers")
    messages = [r for r in records if isinstance(r, Message)]
    # "13/03/2024 18:31 - Paul : Salut ..." -> 13 March (13 > 12: day first).
    paul = next(m for m in messages if m.author_key == "Paul")
    assert paul.ts == datetime(2024, 3, 13, 18, 31, tzinfo=UTC)
    assert (
        messages[0].text
        == "Bienvenue à tous ! Présentez-vous :\non commence par les pointures ?"
    )
    assert [m.text for m in messages if m.attachment_count] == ["", ""]
    assert len({m.message_key for m in messages}) == 6


def _catalogue() -> list[str]:
    entries = json.loads(
        (SHARED / "header_format_support.json").read_text(encoding="utf-8")
    )
    return [entry["format"] for entry in entries]


@pytest.mark.parametrize("layout", _catalogue())
def test_every_catalogued_header_is_recognised(tmp_path: Path, layout: str) -> None:
    # 25 November 2045 15:04:05: year 45 (> 31), day 25 (> 12) and month 11 can each be
    # told apart, so the one line settles the layout (two-digit years are 20yy: WhatsApp
    # dates from 2009).
    moment = datetime(2045, 11, 25, 15, 4, 5)
    line = moment.strftime(layout.replace("%name", "Ana")) + " hola\n"
    path = tmp_path / "chat.txt"
    path.write_text(line, encoding="utf-8")
    messages = [r for r in whatsapp.read(path) if isinstance(r, Message)]
    assert len(messages) == 1, line
    expected = moment if "%S" in layout else moment.replace(second=0)
    assert messages[0].ts == expected.replace(tzinfo=UTC), line
    assert (messages[0].author_key, messages[0].text) == ("Ana", "hola")


def test_a_date_against_the_file_layout_is_quarantined(tmp_path: Path) -> None:
    # Both fields pass 12 somewhere: the file is day first by default, and "12/31/2023"
    # (line 2) has no month 31.
    path = tmp_path / "chat.txt"
    path.write_text(
        "31/12/2023 10:00 - Ana : bonne année\n12/31/2023 10:01 - Ana : oups\n",
        encoding="utf-8",
    )
    records = list(whatsapp.read(path))
    assert [r.locator for r in records if isinstance(r, Quarantined)] == ["line 2"]
    assert tally(records)["messages"] == 1


def test_a_file_whose_dates_all_fail_is_refused_naming_the_first_line(
    tmp_path: Path,
) -> None:
    # Line 1 is not a header; lines 2 and 3 look like headers but 45 and 40 are no month
    # nor day in any order: no date of the file fits a layout.
    path = tmp_path / "chat.txt"
    path.write_text(
        "hello\n32/45/2020 10:00 - Bob: hi\n33/40/2020 10:01 - Bob: re\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"chat.txt, line 2: dates in no known"):
        list(whatsapp.read(path))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00garbage\xff",
        b"hello\nno dates here\n2023 was fine\n",
    ],
    ids=["empty", "garbage", "no-date-layout"],
)
def test_bad_files_raise_input_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "WhatsApp Chat with X.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        list(whatsapp.read(path))
    assert str(path) in str(caught.value)


def test_zip_escaping_its_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with X.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_chat.txt", "01/02/2024 10:00 - Ana : salut\n")
        archive.writestr("../evil.txt", "nope")
    with pytest.raises(UnsafeArchiveError):
        list(whatsapp.read(path))
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_without_a_chat_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.jpg", b"\xff\xd8")
        archive.writestr("b.txt", "x")
        archive.writestr("c.txt", "y")
    with pytest.raises(InputError, match="no WhatsApp chat"):
        list(whatsapp.read(path))


def test_detect_refuses_other_files() -> None:
    assert not whatsapp.detect(DATA.parent / "telegram" / "saved.json")
    assert not whatsapp.detect(SHARED / "header_format_support.json")


@pytest.mark.parametrize(
    ("line", "kind", "joined", "left"),
    [
        ("Vous avez créé le groupe « Club »", "created", [], []),
        ("Vous avez ajouté Marc", "join", ["Marc"], []),
        ("Léa a ajouté Marc, Zoé et Paul", "join", ["Marc", "Zoé", "Paul"], []),
        ("Paul a rejoint ce groupe via le lien d'invitation", "join", ["Paul"], []),
        ("Léa vous a ajouté", "join", ["you"], []),
        ("Marc joined from the community", "join", ["Marc"], []),
        ("Alice added Bob and Carol", "join", ["Bob", "Carol"], []),
        ("Zoé est partie", "leave", [], ["Zoé"]),
        ("Vous êtes parti", "leave", [], ["you"]),
        ("Marc left", "leave", [], ["Marc"]),
        ("You removed Bob", "leave", [], ["Bob"]),
        ('Alice changed the subject from "a" to "b"', "rename", [], []),
        ("Léa a épinglé un message", "pin", [], []),
        ("Missed voice call", "call", [], []),
        ("Alice changed this group's icon", "service", [], []),
    ],
)
def test_system_lines_in_french_and_english(
    line: str, kind: str, joined: list[str], left: list[str]
) -> None:
    meaning = system_line(line)
    assert (meaning.kind, meaning.joined, meaning.left) == (kind, joined, left)


@pytest.mark.parametrize(
    ("text", "is_media"),
    [
        ("<Media omitted>", True),
        ("<Médias omis>", True),
        ("image omitted", True),
        ("image absente", True),
        ("\u200e<attached: 00000012-PHOTO-2024-05-01-12-00-00.jpg>", True),
        ("IMG-20240301-WA0001.jpg (fichier joint)", True),
        ("I omitted the image on purpose", False),
        ("<3", False),
    ],
)
def test_media_placeholders(text: str, is_media: bool) -> None:
    assert is_media_placeholder(text) is is_media


def test_zip_with_a_named_chat_and_media(tmp_path: Path) -> None:
    # WhatsApp's "attach media" zip: the chat file keeps its name, photos sit beside it.
    path = tmp_path / "export.zip"
    chat = (DATA / "Discussion WhatsApp avec Club Sneakers.txt").read_bytes()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Discussion WhatsApp avec Club Sneakers.txt", chat)
        archive.writestr("IMG-20240312-WA0001.jpg", b"\xff\xd8\xff")
    assert whatsapp.detect(path)
    records = list(whatsapp.read(path))
    assert records[0] == Community("Club Sneakers", "whatsapp", "Club Sneakers")
    # same counts as the plain .txt (6 messages, 3 joins, 2 leaves).
    counts = tally(records)
    assert (counts["messages"], counts["joins"], counts["leaves"]) == (6, 3, 2)


def test_message_keys_are_stable_across_exports(tmp_path: Path) -> None:
    # A later export that starts two lines later gives the same keys to the messages both hold.
    lines = (
        (DATA / "Discussion WhatsApp avec Club Sneakers.txt")
        .read_text("utf-8")
        .splitlines()
    )
    later = tmp_path / "later.txt"
    later.write_text("\n".join(lines[2:]) + "\n", encoding="utf-8")
    original = DATA / "Discussion WhatsApp avec Club Sneakers.txt"
    first = {m.message_key for m in whatsapp.read(original) if isinstance(m, Message)}
    second = {m.message_key for m in whatsapp.read(later) if isinstance(m, Message)}
    assert second == first  # the two dropped lines were system lines


@pytest.mark.parametrize("chunk", [1, 5, 64])
def test_reading_in_small_chunks_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # Chunks of a few bytes split "\r\n" pairs and multi-byte characters (é, U+200E, U+202F).
    path = DATA / "WhatsApp Chat with Running Crew.txt"
    whole = list(whatsapp.read(path))
    monkeypatch.setattr(whatsapp, "_CHUNK", chunk)
    assert list(whatsapp.read(path)) == whole


def test_endless_message_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whatsapp, "_MAX_MESSAGE_CHARS", 100)
    path = tmp_path / "chat.txt"
    path.write_text(
        "01/02/2024 10:00 - Ana : début\n" + "suite\n" * 50, encoding="utf-8"
    )
    with pytest.raises(InputError, match="line 1"):
        list(whatsapp.read(path))


def test_local_zone_converts_times_to_utc_and_keeps_keys(tmp_path: Path) -> None:
    # Paris is UTC+1 until the DST change of 31 March 2024, UTC+2 after:
    # 30/03 12:00 Paris = 11:00 UTC; 01/04 12:00 Paris = 10:00 UTC.
    chat = tmp_path / "WhatsApp Chat with Run Club.txt"
    chat.write_text(
        "30/03/2024 12:00 - Solène: Sortie demain ?\n"
        "01/04/2024 12:00 - Marc: Moi !\n"
        "01/04/2024 12:05 - Zoé a rejoint en utilisant le lien d'invitation de ce groupe\n",
        encoding="utf-8",
    )
    as_utc = list(whatsapp.read(chat))
    paris = list(whatsapp.read(chat, local_zone=ZoneInfo("Europe/Paris")))
    messages = [r for r in paris if isinstance(r, Message)]
    assert [m.ts for m in messages] == [
        datetime(2024, 3, 30, 11, 0, tzinfo=UTC),
        datetime(2024, 4, 1, 10, 0, tzinfo=UTC),
    ]
    joins = [r for r in paris if isinstance(r, MemberEvent)]
    assert joins[0].ts == datetime(2024, 4, 1, 10, 5, tzinfo=UTC)
    # The key hashes the time as written, so re-reading with a zone gives the same ids.
    assert [m.message_key for m in messages] == [
        r.message_key for r in as_utc if isinstance(r, Message)
    ]
