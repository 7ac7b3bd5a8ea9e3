from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.ingest.parse import ParsedArticle, ParseError, normalise_url, parse

STORY = (
    "Mayor Opens the New Harbour Bridge\n"
    "20230415\n"
    "https://www.example-news.com/local/harbour-bridge/?utm_source=feed&id=7#comments\n"
    "Mayor Jane Holloway cut the ribbon on Saturday morning.\n"
    "\n"
    "The bridge is finished, she said, adding that traffic will ease.\n"
)


def test_parses_a_story():
    parsed = parse(STORY, filename="bridge.txt")
    assert parsed.title == "Mayor Opens the New Harbour Bridge"
    assert parsed.published == date(2023, 4, 15)
    assert parsed.url == "https://www.example-news.com/local/harbour-bridge/?id=7"
    assert parsed.source_domain == "example-news.com"
    # The blank line among the paragraphs is skipped.
    assert parsed.paragraphs == (
        "Mayor Jane Holloway cut the ribbon on Saturday morning.",
        "The bridge is finished, she said, adding that traffic will ease.",
    )
    assert parsed.body == "\n".join(parsed.paragraphs)
    assert len(parsed.content_hash) == 64


def test_bom_crlf_stray_spaces_and_trailing_blank_lines_make_no_difference():
    messy = "\ufeff" + "  " + STORY.replace("\n", "  \r\n") + "\r\n\r\n   \r\n"
    assert parse(messy.encode("utf-8")) == parse(STORY)


def test_bytes_and_str_give_the_same_article():
    assert parse(STORY.encode()) == parse(STORY)


def test_content_hash_changes_with_the_body_only():
    changed = parse(STORY.replace("Saturday", "Sunday"))
    assert changed.content_hash != parse(STORY).content_hash
    assert parse(STORY).content_hash == parse(STORY.replace("\n", "\r\n")).content_hash


@pytest.mark.parametrize(
    "raw, line, reason",
    [
        (b"", None, "the file is empty"),
        (b"\n\n  \n", None, "the file is empty"),
        (b"\xef\xbb\xbf", None, "the file is empty"),
        (b"   \n20230415\nhttps://a.com/\nText.", 1, "expected the title, found a blank line"),
        (b"Title only", 2, "expected a date as YYYYMMDD, found the end of the file"),
        (
            b"Title\n2021-13-40\nhttps://a.com/\nText.",
            2,
            "expected a date as YYYYMMDD, got '2021-13-40'",
        ),
        (
            b"Title\n20211340\nhttps://a.com/\nText.",
            2,
            "expected a date as YYYYMMDD, got '20211340', which is not a real date",
        ),
        (
            b"Title\n00000000\nhttps://a.com/\nText.",
            2,
            "expected a date as YYYYMMDD, got '00000000', which is not a real date",
        ),
        (
            b"Title\n20230229\nhttps://a.com/\nText.",
            2,
            "expected a date as YYYYMMDD, got '20230229', which is not a real date",
        ),
        (b"Title\n\nhttps://a.com/\nText.", 2, "expected a date as YYYYMMDD, got ''"),
        (b"Title\n20230415", 3, "expected the story's URL, found the end of the file"),
        (b"Title\n20230415\n\nText.", 3, "expected the story's URL, found a blank line"),
        (
            b"Title\n20230415\nftp://a.com/x\nText.",
            3,
            "expected an http(s) URL, got 'ftp://a.com/x'",
        ),
        (b"Title\n20230415\nwww.a.com/x\nText.", 3, "expected an http(s) URL, got 'www.a.com/x'"),
        (
            b"Title\n20230415\njavascript:alert(1)\nText.",
            3,
            "expected an http(s) URL, got 'javascript:alert(1)'",
        ),
        (
            b"Title\n20230415\nhttps:///path\nText.",
            3,
            "expected an http(s) URL with a host name, got 'https:///path'",
        ),
        (
            b"Title\n20230415\nhttps://a.com:99x/\nText.",
            3,
            "the URL's port is not a number from 0 to 65535, got 'https://a.com:99x/'",
        ),
        (
            b"Title\n20230415\nhttps://a.com/\n",
            4,
            "expected at least one paragraph after the URL, found none",
        ),
        (
            b"Title\n20230415\nhttps://a.com/\n\n  \n",
            4,
            "expected at least one paragraph after the URL, found none",
        ),
        (
            b"Title\n20230415\nhttps://a.com/\nCaf\xe9 au lait.",
            4,
            "the file is not UTF-8 text (byte 0xe9 at position 33); save it as UTF-8",
        ),
        (
            b"Title\n20230415\nhttps://a.com/\nText\x00more.",
            4,
            "contains the control character U+0000; is this a text file?",
        ),
    ],
)
def test_refusals_name_the_file_the_line_and_the_reason(raw, line, reason):
    with pytest.raises(ParseError) as caught:
        parse(raw, filename="story.txt")
    error = caught.value
    assert (error.filename, error.line, error.reason) == ("story.txt", line, reason)
    where = "story.txt" if line is None else f"story.txt, line {line}"
    assert str(error) == f"{where}: {reason}"


def test_the_message_an_editor_reads():
    with pytest.raises(ParseError) as caught:
        parse("Title\n2021-13-40\nhttps://a.com/\nText.", filename="story.txt")
    assert str(caught.value) == "story.txt, line 2: expected a date as YYYYMMDD, got '2021-13-40'"


def test_refuses_a_file_over_the_size_limit():
    raw = STORY.encode() + b"x" * 200
    with pytest.raises(ParseError) as caught:
        parse(raw, filename="big.txt", max_bytes=len(raw) - 1)
    assert caught.value.line is None
    assert (
        caught.value.reason
        == f"the file is {len(raw):,} bytes, over the limit of {len(raw) - 1:,} bytes"
    )
    assert parse(raw, max_bytes=len(raw)).title == "Mayor Opens the New Harbour Bridge"


def test_refuses_an_overlong_title():
    with pytest.raises(ParseError, match="line 1: the title is 501 characters long"):
        parse("T" * 501 + "\n20230415\nhttps://a.com/\nText.")


@pytest.mark.parametrize(
    "url, normalised",
    [
        ("HTTPS://WWW.Example.COM/Path/Case?B=2", "https://www.example.com/Path/Case?B=2"),
        ("https://example.com", "https://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=x&UTM_Medium=y&fbclid=1&gclid=2&mc_cid=3&mc_eid=4"
            "&page=2&q=a%20b",
            "https://example.com/a?page=2&q=a%20b",
        ),
        ("https://example.com/a?utm_campaign=z", "https://example.com/a"),
        ("https://user:pw@Example.com/a", "https://example.com/a"),
    ],
)
def test_normalise_url(url, normalised):
    assert normalise_url(url) == normalised


def test_urls_differing_only_in_tracking_and_case_are_one_story():
    first = parse(STORY)
    second = parse(STORY.replace("?utm_source=feed&id=7#comments", "?id=7&fbclid=abc"))
    assert first.url == second.url
    assert first.content_hash == second.content_hash


@given(st.binary(max_size=400))
def test_any_bytes_give_an_article_or_a_parse_error(raw):
    try:
        result = parse(raw, max_bytes=300)
    except ParseError as error:
        assert error.reason
    else:
        assert isinstance(result, ParsedArticle)


header_lines = st.sampled_from(
    ["Title", "", "  ", "20230415", "20231340", "https://a.com/x", "http://[::1", "ftp://x"]
)


@given(st.lists(st.one_of(header_lines, st.text(max_size=40)), max_size=8))
def test_any_text_gives_an_article_or_a_parse_error(lines):
    try:
        result = parse("\n".join(lines))
    except ParseError as error:
        assert error.reason
    else:
        assert result.paragraphs and all(result.paragraphs)
        assert "\x00" not in result.body
        assert result.url.startswith(("http://", "https://"))


def garbled(text: str, times: int = 1) -> str:
    """Text as a wrong decoding upstream leaves it: UTF-8 bytes read as Windows-1252 (bytes
    that code page leaves undefined read as Latin-1, as browsers do)."""
    for _ in range(times):
        text = "".join(_windows_1252(byte) for byte in text.encode("utf-8"))
    return text


def _windows_1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def test_text_garbled_by_a_wrong_decoding_is_repaired_and_recorded():
    assert garbled("Don’t", 2) == "DonÃ¢â‚¬â„¢t"
    text = "\n".join(
        [
            garbled("Harbour Board Won’t Sell the Pier", 2),
            "20230415",
            "https://news.example/pier/",
            "The board met on Monday.",
            garbled("“We won’t sell,” said Zoë Brandt of the café."),
        ]
    )
    parsed = parse(text)
    assert parsed.title == "Harbour Board Won’t Sell the Pier"
    assert parsed.paragraphs[1] == "“We won’t sell,” said Zoë Brandt of the café."
    assert parsed.repaired_lines == (1, 5)


def test_clean_text_is_left_as_written():
    paragraphs = ["“Curly” quotes, ＦＵＬＬ width, the ﬁne ligature, &amp; an entity.", "Zoë"]
    parsed = parse("\n".join(["Title", "20230415", "https://news.example/a/", *paragraphs]))
    assert parsed.paragraphs == tuple(paragraphs)
    assert parsed.repaired_lines == ()


# --- The parser's steps, one at a time (issue 12) --------------------------------------------


def test_split_url_refuses_spaces_and_a_malformed_host():
    from urllib.parse import urlsplit

    from articles.ingest.parse import _split_url

    assert _split_url("https://news.example/a?b=1") == urlsplit("https://news.example/a?b=1")
    with pytest.raises(ValueError, match="cannot contain spaces"):
        _split_url("https://news.example/a b")
    with pytest.raises(ValueError, match="host name is malformed"):
        _split_url("http://[::1")


def test_netloc_lowers_the_host_and_drops_a_default_port_and_credentials():
    from urllib.parse import urlsplit

    from articles.ingest.parse import _netloc

    assert _netloc(urlsplit("https://user:pw@News.Example:443/a"), "https") == "news.example"
    assert _netloc(urlsplit("http://news.example:8080/a"), "http") == "news.example:8080"
    assert _netloc(urlsplit("https://news.example:80/a"), "https") == "news.example:80"
    with pytest.raises(ValueError, match="with a host name"):
        _netloc(urlsplit("https:///a"), "https")
    with pytest.raises(ValueError, match="port is not a number"):
        _netloc(urlsplit("https://news.example:99999/a"), "https")


def test_without_tracking_keeps_the_other_parameters_as_encoded():
    from articles.ingest.parse import _without_tracking

    assert _without_tracking("UTM_source=x&q=a%20b&&fbclid=1&id=7") == "q=a%20b&id=7"
    assert _without_tracking("") == ""


def test_check_size_counts_utf8_bytes():
    from articles.ingest.parse import _check_size

    _check_size("é" * 5, "a.txt", max_bytes=10)
    with pytest.raises(ParseError, match="11 bytes, over the limit of 10 bytes"):
        _check_size("é" * 5 + "x", "a.txt", max_bytes=10)
    with pytest.raises(ParseError, match="3 bytes"):
        _check_size(b"abc", "a.txt", max_bytes=2)


def test_text_drops_a_byte_order_mark_and_refuses_lone_surrogates():
    from articles.ingest.parse import _text

    assert _text("\ufeffTitle", "a.txt") == "Title"
    assert _text("\ufeffTitle".encode(), "a.txt") == "Title"
    with pytest.raises(ParseError, match="not valid Unicode"):
        _text("Title \ud800", "a.txt")
    with pytest.raises(ParseError, match="not UTF-8"):
        _text(b"Title \xff", "a.txt")


def test_lines_split_any_line_ending_and_refuse_control_characters():
    from articles.ingest.parse import _lines

    assert _lines(" Title \r\n20230415\rhttps://a.example/\n\nText\n\n \n", "a.txt") == [
        "Title", "20230415", "https://a.example/", "", "Text",
    ]
    with pytest.raises(ParseError, match="the file is empty"):
        _lines("\n \n", "a.txt")
    with pytest.raises(ParseError, match="U\\+0007") as error:
        _lines("Title\n2023\x07", "a.txt")
    assert error.value.line == 2


def test_parse_title_url_and_paragraphs_name_their_line():
    from articles.ingest.parse import _paragraphs, _parse_title, _parse_url

    assert _parse_title("Title", "a.txt") == "Title"
    with pytest.raises(ParseError, match="over the limit of 500") as error:
        _parse_title("x" * 501, "a.txt")
    assert error.value.line == 1
    lines = ["Title", "20230415", "HTTPS://A.Example/x?utm_medium=y", "", "Text", ""]
    assert _parse_url(lines, "a.txt") == "https://a.example/x"
    with pytest.raises(ParseError, match="found a blank line") as error:
        _parse_url(["Title", "20230415", ""], "a.txt")
    assert error.value.line == 3
    with pytest.raises(ParseError, match="expected an http\\(s\\) URL, got 'ftp://a'"):
        _parse_url(["Title", "20230415", "ftp://a"], "a.txt")
    assert _paragraphs(lines, "a.txt") == ("Text",)
    with pytest.raises(ParseError, match="at least one paragraph") as error:
        _paragraphs(lines[:4], "a.txt")
    assert error.value.line == 4
