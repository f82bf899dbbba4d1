"""One hostile record never ends a `cluster` run: numbers too long to be amounts, JSON-LD nested
past the parser's limit, and any unexpected error in one document (a `processing-error`
reject naming it, the rest processed as usual)."""
from __future__ import annotations

import json
from pathlib import Path

from newsdedup import dump
from newsdedup.cli import main
from pipelines.incidents import article_evidence, load_lexicon
from pipelines.records import Article

REPORT = ("Police in Fuzhou said on Monday that a man used face-swap software to pose as a "
          "company director in a video call and obtained 4.3 million yuan from the finance "
          "staff; the court sentenced him to four years in prison. ")
HOSTILE_TEXTS = {
    "digits": REPORT + "Reference " + "9" * 4401 + " ends here.",
    "grouped": REPORT + "Total 1" + ",000" * 1500 + " units.",
    "percent": REPORT + "A rise of " + "7" * 4500 + "% was claimed.",
    "wan": "福州警方通报，一名男子利用AI换脸冒充公司老板，骗取财务人员430万元。" + "九" + "万" * 1200 + "元。",
    "yi": "法院以诈骗罪判处其有期徒刑四年。" + "一" + "亿" * 700 + "人。",
}


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_numbers_too_long_to_be_amounts_are_left_out_and_the_rest_kept():
    for name, text in HOSTILE_TEXTS.items():
        article = Article(id=name, url=f"https://a.example/{name}", title=None, text=text,
                          lang="en", script=None, published="2024-05-06", site="a.example")
        keys = article_evidence(article, load_lexicon()).keys
        assert not any(len(k) > 40 for k in keys if k.startswith(("num:", "approx:", "pct:"))), name
        if name != "yi":  # the report's own amount, 4.3 million / 430万, is still read
            assert "num:4300000" in keys, name
        assert "term:sentence" in keys or "term:deepfake" in keys, name


def test_a_dump_of_hostile_records_is_clustered_whole(tmp_path):
    records = [{"url": f"https://a.example/{name}", "text": text, "published": "2024-05-06"}
               for name, text in HOSTILE_TEXTS.items()]
    src = _jsonl(tmp_path / "in.jsonl", records)
    deep = tmp_path / "pages"
    deep.mkdir()
    (deep / "deep.html").write_text(
        '<html><head><title>Deep</title><script type="application/ld+json">' + "[" * 1500
        + "]" * 1500 + "</script></head><body><article><p>" + REPORT * 3
        + "</p></article></body></html>", "utf-8")
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        assert main(["cluster", str(src), str(deep), "--out", str(out), "--extract-processes",
                     str(workers), "--quiet"]) == 0
        articles, rejects = _read(out / "articles.jsonl"), _read(out / "rejects.jsonl")
        assert len(articles) == len(records) + 1 and not rejects
    assert all((tmp_path / "out1" / f).read_bytes() == (tmp_path / "out2" / f).read_bytes()
               for f in ("articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl"))


def test_an_unexpected_error_in_one_document_is_a_reject_naming_it(tmp_path, monkeypatch):
    real = dump.article_evidence

    def faulty(article, lexicon):
        if "BOOM" in article.text:
            raise ZeroDivisionError("a bug met on this document")
        return real(article, lexicon)

    monkeypatch.setattr(dump, "article_evidence", faulty)
    src = _jsonl(tmp_path / "in.jsonl", [
        {"url": "https://a.example/1", "text": REPORT},
        {"url": "https://a.example/2", "text": REPORT + " BOOM"},
        {"url": "https://b.example/3", "text": REPORT + " Reported by a second outlet."}])
    out = tmp_path / "out"
    assert main(["cluster", str(src), "--out", str(out), "--extract-processes", "1",
                 "--quiet"]) == 0
    rejects = _read(out / "rejects.jsonl")
    assert [(r["url"], r["reason"], r["line"]) for r in rejects] == [
        ("https://a.example/2", "processing-error", 2)]
    assert rejects[0]["detail"] == "ZeroDivisionError: a bug met on this document"
    assert sorted(a["url"] for a in _read(out / "articles.jsonl")) == [
        "https://a.example/1", "https://b.example/3"]


def test_a_rejected_first_record_does_not_cost_a_later_good_copy_its_article(tmp_path,
                                                                              monkeypatch):
    """The same URL twice is one article: the first record that *becomes* an article, whatever
    came before it; later repeats are ``duplicate-url`` rejects naming it, in one chunk or
    across chunks, with 1 or 2 processes."""
    other = REPORT.replace("Fuzhou", "Hefei").replace("4.3 million", "600,000")
    src = _jsonl(tmp_path / "in.jsonl", [
        {"url": "https://a.example/x", "text": "short"},
        {"url": "https://a.example/x", "text": REPORT},
        {"url": "https://a.example/y?utm_source=feed", "text": other},
        {"url": "https://a.example/y", "text": other + " A later version of the page."},
        {"url": "https://a.example/x", "text": "short again"}])
    outputs = []
    for chunk_docs in (16, 1):
        monkeypatch.setattr(dump, "CHUNK_DOCS", chunk_docs)
        for workers in (1, 2):
            out = tmp_path / f"out{chunk_docs}-{workers}"
            assert main(["cluster", str(src), "--out", str(out), "--extract-processes",
                         str(workers), "--quiet"]) == 0
            articles = {(a["url"], a["text"][:20]) for a in _read(out / "articles.jsonl")}
            assert articles == {("https://a.example/x", REPORT[:20]),
                                ("https://a.example/y", other[:20])}
            assert [(r["line"], r["reason"], r["detail"]) for r in _read(out / "rejects.jsonl")] == [
                (1, "too-short", "5 characters of text after extraction"),
                (4, "duplicate-url", f"same URL as {src}:3"),
                (5, "too-short", "11 characters of text after extraction")]
            outputs.append(tuple((out / f).read_bytes() for f in (
                "articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl")))
    assert len(set(outputs)) == 1


def test_invisible_text_is_too_short_and_a_blank_text_field_falls_back_to_the_html(tmp_path):
    """Zero-width and direction characters are no text (a page of 5,000 of them was kept as an
    ``und`` article); a record whose ``text`` is blank but whose ``html`` holds the article is
    read from the html."""
    page = f"<html><head><title>Face swap</title></head><body><article><p>{REPORT * 2}</p></article></body></html>"
    records = [
        {"url": "https://a.example/zw", "text": "\u200b\u200d\u2060\ufeff\u200e" * 1000},
        {"url": "https://a.example/zw-words", "text": "face\u200bswap " * 3},
        {"url": "https://a.example/blank-text", "text": "  \n", "html": page},
        {"url": "https://a.example/ok", "text": REPORT},
        {"url": "https://a.example/nul", "text": "\x00" + REPORT + "\x00\x07 end"},
        {"url": "https://a.example/nul-title", "title": "Face\x00 swap case", "text": REPORT},
    ]
    out = tmp_path / "out"
    assert main(["cluster", str(_jsonl(tmp_path / "in.jsonl", records)), "--out", str(out),
                 "--quiet"]) == 0
    rejects = {r["url"]: r for r in _read(out / "rejects.jsonl")}
    articles = {a["url"]: a for a in _read(out / "articles.jsonl")}
    assert rejects["https://a.example/zw"]["reason"] == "too-short"
    assert rejects["https://a.example/zw-words"]["reason"] == "too-short"
    assert "face-swap software" in articles["https://a.example/blank-text"]["text"]
    assert "https://a.example/ok" in articles
    assert articles["https://a.example/nul"]["text"] == REPORT + " end"  # no NUL, no BEL
    # nor a NUL in a title: it would reach the CSV and SQLite (a C string there ends at a NUL)
    assert articles["https://a.example/nul-title"]["title"] == "Face swap case"


def test_a_huge_title_is_cut_and_the_csv_stays_readable(tmp_path):
    """A "title" of 250,000 characters (a body in the wrong field) is cut to TITLE_MAX_CHARS,
    ending "…": Python's csv reader refuses a cell over 131,072 characters."""
    import csv

    from pipelines.process import TITLE_MAX_CHARS
    records = [{"url": "https://a.example/long-title", "title": "Deepfake " * 27_778, "text": REPORT},
               {"url": "https://a.example/short-title", "title": "Deepfake ring jailed", "text": REPORT}]
    out = tmp_path / "out"
    assert main(["cluster", str(_jsonl(tmp_path / "in.jsonl", records)), "--out", str(out),
                 "--format", "csv", "--quiet"]) == 0
    articles = {a["url"]: a for a in _read(out / "articles.jsonl")}
    long_title = articles["https://a.example/long-title"]["title"]
    assert TITLE_MAX_CHARS - 2 <= len(long_title) <= TITLE_MAX_CHARS and long_title.endswith("Deepfake…")
    assert articles["https://a.example/short-title"]["title"] == "Deepfake ring jailed"
    with (out / "articles.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))  # the default field size limit
    assert {r["title"] for r in rows} == {long_title, "Deepfake ring jailed"}


def test_empty_input_leaves_no_out_folder(tmp_path):
    """Exit 3 writes nothing, and creates no --out folder (or parents) either; an existing one
    stays."""
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "new" / "out"
    assert main(["cluster", str(empty), "--out", str(out), "--quiet"]) == 3
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    assert main(["cluster", str(empty), "--out", str(kept), "--quiet"]) == 3
    assert kept.is_dir()


def test_deeply_nested_pages_keep_their_article_or_say_why_not(tmp_path):
    """libxml2 drops everything below 256 nested elements (a broken page's unclosed tags): such
    a page keeps its article now; past 2,048 it is a ``too-deep`` reject, not an
    ``empty-extraction`` that hides why."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for depth in (300, 2000, 5000):
        (pages / f"deep{depth}.html").write_text(
            "<html><head><title>Deep</title></head><body>" + "<div>" * depth + f"<p>{REPORT * 2}</p>"
            + "</div>" * depth + "</body></html>", "utf-8")
    out = tmp_path / "out"
    assert main(["cluster", str(pages), "--out", str(out), "--quiet"]) == 0
    kept = {Path(a["url"].removeprefix("file:")).name for a in _read(out / "articles.jsonl")}
    rejects = {Path(r["path"]).name: r["reason"] for r in _read(out / "rejects.jsonl")}
    assert kept == {"deep300.html", "deep2000.html"}
    assert rejects == {"deep5000.html": "too-deep"}


def test_extract_processes_are_capped_at_the_cores(tmp_path):
    """``--extract-processes 100000`` starts one process per usable core (it forked until the
    machine stalled), and gives the same output."""
    from newsdedup.dump import max_workers
    from pipelines.cores import usable_cores

    assert max_workers(100_000) == max(2, usable_cores())
    assert (max_workers(1), max_workers(0), max_workers(2)) == (1, 1, 2)
    src = _jsonl(tmp_path / "in.jsonl", [{"url": f"https://a.example/{i}", "text": REPORT + str(i)}
                                         for i in range(3)])
    outs = [tmp_path / "one", tmp_path / "many"]
    assert main(["cluster", str(src), "--out", str(outs[0]), "--extract-processes", "1", "--quiet"]) == 0
    assert main(["cluster", str(src), "--out", str(outs[1]), "--extract-processes", "100000",
                 "--quiet"]) == 0
    assert (outs[0] / "articles.jsonl").read_bytes() == (outs[1] / "articles.jsonl").read_bytes()


def test_explain_and_report_on_a_corrupt_output_folder_say_which_line(tmp_path, capsys):
    """A hand-edited or cut output file: a one-line message naming the file and line, exit 2,
    no traceback (``read_output`` raises CorruptOutput)."""
    import pytest

    from newsdedup.output import CorruptOutput, read_output

    src = _jsonl(tmp_path / "in.jsonl", [{"url": "https://a.example/1", "text": REPORT}])
    out = tmp_path / "out"
    assert main(["cluster", str(src), "--out", str(out), "--quiet"]) == 0
    good = (out / "articles.jsonl").read_text("utf-8")
    for bad, says in (("not json\n", "line 2: not JSON"), ('{"id": "x"}\n', "line 2: 'url' is missing"),
                      ("[1, 2]\n", "line 2: a JSON list"), ("\udcff\n", "line 2: not UTF-8")):
        (out / "articles.jsonl").unlink()  # a link into the published set: replace, not edit
        (out / "articles.jsonl").write_bytes((good + bad).encode("utf-8", "surrogateescape"))
        with pytest.raises(CorruptOutput, match=says):
            read_output(out)
        for command in (["explain", "a", "b", "--out", str(out)], ["report", "--out", str(out)]):
            capsys.readouterr()
            assert main(command) == 2
            err = capsys.readouterr().err
            assert "articles.jsonl" in err and says in err and "Traceback" not in err


def test_process_document_checks_a_hand_made_record_as_the_readers_do():
    """The Python API's ``process_document`` on a ``RawDocument`` made by hand: the readers'
    URL and field checks give the same rejects (an ftp URL was an article; a missing URL or an
    int text raised AttributeError)."""
    from pipelines.process import process_document
    from pipelines.records import Location, RawDocument, Reject

    cases = [({"url": "ftp://a.example/1", "text": REPORT}, "bad-url"),
             ({"url": None, "text": REPORT}, "missing-url"),
             ({"url": "https://a.example/1", "text": 12345}, "bad-field"),
             ({"url": "https://a.example/1", "body": "<html>not bytes</html>"}, "bad-field")]
    for fields, reason in cases:
        result = process_document(RawDocument(location=Location("api"), **fields))
        assert isinstance(result, Reject) and result.reason == reason, (fields, result)
    kept = process_document(RawDocument(url="https://a.example/1", location=Location("api"), text=REPORT))
    assert not isinstance(kept, Reject)


def test_odd_out_folders_and_no_inputs_get_a_clear_message(tmp_path, capsys):
    """``--out ""`` (an unset variable) is a usage error, not the current folder; an --out
    symlink to a missing folder says so ("File exists" before); no input path at all, from the
    API, says so (it said "no input documents in :")."""
    import pytest

    from newsdedup import cluster_dump
    from newsdedup.readers import InputError

    src = _jsonl(tmp_path / "in.jsonl", [{"url": "https://a.example/1", "text": REPORT}])
    with pytest.raises(SystemExit) as exit_info:
        main(["cluster", str(src), "--out", ""])
    assert exit_info.value.code == 2 and "empty folder name" in capsys.readouterr().err
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "missing")
    assert main(["cluster", str(src), "--out", str(dangling)]) == 2
    assert "which does not exist" in capsys.readouterr().err
    with pytest.raises(InputError, match="no input given"):
        cluster_dump([], tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_a_text_decoded_as_latin1_before_it_reached_us_is_re_read(tmp_path):
    """A JSONL ``text`` that a client decoded as Latin-1 ("æ·±å\\x9c³…", UTF-8 or GBK bytes)
    was kept as it was and tagged Swedish; it is re-read as a page's ``html`` is. Real
    accented text stays as it is."""
    zh = "深圳法院判决一男子利用AI换脸诈骗获刑十一年，被害人损失超过百万元。警方提醒市民谨慎对待视频借钱。"
    pt = "A Polícia de São Paulo prendeu um homem que usava vídeos falsos para enganar idosos. " * 2
    records = [{"url": "https://a.example/utf8-as-latin1", "text": zh.encode("utf-8").decode("latin-1")},
               {"url": "https://a.example/gbk-as-latin1", "text": zh.encode("gbk").decode("latin-1")},
               {"url": "https://a.example/pt", "text": pt}]
    out = tmp_path / "out"
    assert main(["cluster", str(_jsonl(tmp_path / "in.jsonl", records)), "--out", str(out),
                 "--quiet"]) == 0
    articles = {a["url"]: a for a in _read(out / "articles.jsonl")}
    for url in ("https://a.example/utf8-as-latin1", "https://a.example/gbk-as-latin1"):
        assert (articles[url]["text"], articles[url]["lang"]) == (zh, "zh")
    assert articles["https://a.example/pt"]["text"] == pt.strip()
