"""The streaming JSON reader: same values on every path, exact places for every fault."""

from __future__ import annotations

import io
import json

import pytest

from tribu.connectors._json_stream import iter_array, iter_object, load
from tribu.errors import InputError

MESSAGES = [
    {
        "id": str(i),
        "content": "é" * i + ' "quoted" }\\n',
        "nested": {"a": [1, {"b": 2}]},
    }
    for i in range(40)
]
DOCUMENT = {"guild": {"id": "1"}, "messages": MESSAGES, "messageCount": 40}


def _read(data: bytes, chunk: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in iter_object(
        io.BytesIO(data), "f.json", {"messages"}, chunk=chunk
    ):
        out[key] = [item for _, item in value] if key == "messages" else value
    return out


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
@pytest.mark.parametrize(
    "text",
    [
        json.dumps(DOCUMENT),  # one line: the standard library path
        json.dumps(DOCUMENT, indent=2),  # indented: cut at the indentation (orjson)
        json.dumps(DOCUMENT, indent="\t").replace("\n", "\r\n"),  # Windows, tabs
        json.dumps(DOCUMENT, indent=2, ensure_ascii=False),  # multi-byte characters
    ],
    ids=["minified", "indented", "crlf-tabs", "utf8"],
)
def test_every_layout_and_chunk_size_gives_the_same_values(
    text: str, chunk: int
) -> None:
    assert _read(text.encode(), chunk) == DOCUMENT


def test_a_badly_indented_element_falls_back_and_still_reads() -> None:
    # The second element closes at the array's indentation inside a nested object, so the
    # cut-at-indentation piece does not decode: the careful path takes over from there.
    text = (
        '{"messages": [\n'
        '  {"id": "a"},\n'
        '  {"id": "b", "x": {\n'
        "  }\n"
        "  },\n"
        '  {"id": "c"}\n'
        "]}"
    )
    assert _read(text.encode(), 1 << 20)["messages"] == [
        {"id": "a"},
        {"id": "b", "x": {}},
        {"id": "c"},
    ]


@pytest.mark.parametrize("chunk", [5, 1 << 20])
def test_fault_inside_an_indented_array_names_its_line_and_column(chunk: int) -> None:
    lines = json.dumps(DOCUMENT, indent=2).split("\n")
    # Break the first key line after line 30 (inside the messages): unquote its key.
    number = next(n for n in range(30, 200) if lines[n - 1].strip().startswith('"'))
    lines[number - 1] = lines[number - 1].replace('"', "", 1)
    column = len(lines[number - 1]) - len(lines[number - 1].lstrip()) + 1
    with pytest.raises(
        InputError, match=rf"f\.json, messages\[\d+\], line {number}, column {column}: "
    ):
        _read("\n".join(lines).encode(), chunk)


def test_truncated_indented_file_ends_early() -> None:
    text = json.dumps(DOCUMENT, indent=2)
    with pytest.raises(InputError, match="ends early"):
        _read(text[: len(text) // 2].encode(), 1 << 20)


def test_invalid_utf8_is_named() -> None:
    text = json.dumps(DOCUMENT, indent=2, ensure_ascii=False)
    data = text.encode().replace(b"\xc3\xa9", b"\xff", 1)
    with pytest.raises(InputError, match="not UTF-8"):
        _read(data, 1 << 20)


def test_unconsumed_stream_is_skipped_and_the_rest_read() -> None:
    pairs = iter_object(
        io.BytesIO(json.dumps(DOCUMENT, indent=2).encode()), "f.json", {"messages"}
    )
    keys = [key for key, _ in pairs]  # never iterate the messages
    assert keys == ["guild", "messages", "messageCount"]


def test_array_and_whole_value() -> None:
    assert list(iter_array(io.BytesIO(b' [1, "a", {"b": []}] '), "a.json")) == [
        (0, 1),
        (1, "a"),
        (2, {"b": []}),
    ]
    assert load(io.BytesIO(b'\xef\xbb\xbf{"x": 1}'), "bom.json") == {"x": 1}
    with pytest.raises(InputError, match=r"a\.json, line 1, column 5: unexpected"):
        load(io.BytesIO(b"[1] 2"), "a.json")
