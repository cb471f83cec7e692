"""The glossary (issue 14): Farsi matching, agreed translations, the store, CSV import/export."""

from __future__ import annotations

import pytest

from relay.cli.glossary import read_rows
from relay.cli.main import main
from relay.core.glossary import Glossary, Term, missing_translations, term_key, translation_present
from relay.store.sqlite_store import open_store
from tests.conftest import rows

TERMS = [
    Term("شرکت واحد", "Vahed Company", "en"),
    Term("واحد", "unit", "en"),
    Term("هفت‌تپه", "Haft Tappeh", "en", "the sugar cane company"),
    Term("سندیکای کارگران", "workers' syndicate", "en"),
    Term("زندانی سیاسی", "political prisoner", "en"),
    Term("رضا", "Reza", "en"),
    Term("نماینده", "representative", "en"),
    Term("کارخانه قند", "sugar factory", "en"),
    Term("۱۵۰۰", "1500", "en"),
    Term("مسائل", "issues", "en"),
    Term("اعتصاب", "huelga", "es"),
]
BOOK = Glossary(TERMS)


def found(text: str, lang: str = "en") -> list[str]:
    return [t.translation for t in BOOK.find(text, lang)]


@pytest.mark.parametrize("text, expected", [
    ("كارگران شركت واحد امروز", ["Vahed Company"]),  # Arabic kaf and yeh
    ("كارگران شرکت‌واحد امروز", ["Vahed Company"]),  # ZWNJ between the words
    ("کارگران شرکتواحد", []),  # run together: another word
    ("سندیکا کارگران", ["workers' syndicate"]),  # the term's ezafe is not required
    ("سنديکای کارگرانشان", ["workers' syndicate"]),  # an attached pronoun on a plural
    ("کارگران هفت تپه", ["Haft Tappeh"]),  # a space for the ZWNJ
    ("کارگران #هفت_تپه", ["Haft Tappeh"]),  # a hashtag
    ("هفت‌تپه‌ای‌ها", ["Haft Tappeh"]),  # -ای then a plural, after ZWNJs
    ("زندانیان سیاسی", ["political prisoner"]),  # plural -ان
    ("زندانی‌های سیاسی", ["political prisoner"]),  # plural -های after a ZWNJ
    ("نمایندگان کارگران", ["representative"]),  # -ه + گان
    ("نمایندهٔ کارگران", ["representative"]),  # ezafe with hamza above
    ("نماینده‌ی کارگران", ["representative"]),  # ezafe written ‌ی
    ("کارخانه‌ی قند", ["sugar factory"]),  # a detached ezafe inside a two-word term
    ("کارخانهٔ قندِ", ["sugar factory"]),  # diacritics
    ("۱,۵۰۰ نفر", ["1500"]),  # Persian digits and a thousands separator
    ("١٥٠٠ نفر", ["1500"]),  # Arabic-Indic digits
    ("1500 نفر", ["1500"]),
    ("مسايل کارگری", ["issues"]),  # hamza seat written as yeh
    ("واحدی دیگر", ["unit"]),  # indefinite ی
    ("رضایت کارگران", []),  # not رضا: two single-letter suffixes are never stripped
    ("برای کارگران", []),
    ("کارگران شرکت واحد و واحد دیگر", ["Vahed Company", "unit"]),  # longest first, each once
    ("", []),
])
def test_terms_are_found_however_farsi_writes_them(text, expected):
    assert found(text) == expected


def test_terms_of_another_language_are_not_listed():
    assert found("اعتصاب‌های کارگران", "es") == ["huelga"]
    assert found("اعتصاب‌های کارگران", "en") == []
    assert found("کارگران شرکت واحد", "de") == []


def test_one_key_for_every_spelling_of_a_term():
    assert term_key("شركت‌واحد") == term_key("شرکت  واحد") == "شرکت واحد"
    assert term_key("سندیکای") == term_key("سنديکا")
    assert term_key("…!") == ""


@pytest.mark.parametrize("translation, agreed, present", [
    ("Workers of the Vahed Company struck.", "Vahed Company", True),
    ("workers of the vahed companies", "Vahed Company", True),  # case, plural
    ("The Vahed bus company", "Vahed Company", False),  # not side by side
    ("two political prisoners", "political prisoner", True),
    ("the syndicate's statement", "syndicate", True),  # a possessive
    ("Les travailleurs de Haft Tappeh", "Haft Tappeh", True),
    ("huelgas en Teherán", "Teheran", True),  # accents
    ("a strike", "striking", False),
    ("1500 workers", "1500", True),
    ("15000 workers", "1500", False),  # a number is a number
    ("the bus drivers", "bus", True),
    ("a busy day", "busy", True),
    ("کارگران شرکت‌واحد", "شركت واحد", True),  # a Farsi-script target
    ("کارگران شرکت‌های واحد", "شرکت واحد", True),
    ("کارگران", "شرکت واحد", False),
])
def test_agreed_translation_is_present(translation, agreed, present):
    assert translation_present(translation, agreed) is present


def test_missing_translations_lists_those_not_used():
    terms = BOOK.find("کارگران شرکت واحد و زندانیان سیاسی", "en")
    missing = missing_translations(terms, "Vahed Company workers and prisoners")
    assert [m.translation for m in missing] == ["political prisoner"]


def test_five_thousand_terms_are_found_the_same_cold_and_warm():
    """The bench's glossary (its speed is bench/assist_glossary.py's floor, not a timed test):
    with 5,000 terms every card finds terms, and the word-variant memo changes no answer."""
    from bench.assist_glossary import card_texts, synthetic_terms
    from relay.core import glossary as core_glossary

    book = Glossary(synthetic_terms(5000))
    assert len(book) == 5000
    texts = card_texts()
    core_glossary._variant_cache.clear()
    cold = [[t.term for t in book.find(text, "en")] for text in texts]
    warm = [[t.term for t in book.find(text, "en")] for text in texts]
    assert cold == warm
    assert all(cold) and sum(map(len, cold)) / len(cold) > 2


# ---------------------------------------------------------------------- the store
async def test_the_store_adds_replaces_removes_and_audits(settings):
    store = await open_store(settings.storage.database)
    try:
        first = await store.glossary_revision()
        assert await store.glossary_add(Term("شرکت واحد", "Vahed Company", "en"), 5002, 100) \
            == "added"
        assert await store.glossary_add(Term("شركت‌واحد", "Vahed Company", "en"), 5002, 101) \
            == "unchanged"  # the same term, another spelling
        assert await store.glossary_revision() > first
        rev = await store.glossary_revision()
        assert await store.glossary_add(Term("شرکت واحد", "Vahed Bus Company", "en", "bus"),
                                        5002, 102) == "replaced"
        assert await store.glossary_revision() > rev
        await store.glossary_add(Term("شرکت واحد", "Compañía Vahed", "es"), 5002, 103)
        [en] = await store.glossary_terms("en")
        assert (en.term, en.translation, en.note, en.added_by, en.added_at) == (
            "شرکت واحد", "Vahed Bus Company", "bus", 5002, 102)
        assert len(await store.glossary_terms()) == 2
        removed = await store.glossary_remove("en", "شركت واحد", 5004, 104)
        assert removed is not None and removed.translation == "Vahed Bus Company"
        assert await store.glossary_remove("en", "شرکت واحد", 5004, 105) is None
        assert [e.language for e in await store.glossary_terms()] == ["es"]
    finally:
        await store.close()
    audit = rows(settings.storage.database, "SELECT job_id, actor_id, action, detail FROM audit"
                 " WHERE action LIKE 'glossary%' ORDER BY id")
    assert audit == [
        (None, 5002, "glossary_add", "en: شرکت واحد = Vahed Company"),
        (None, 5002, "glossary_replace", "en: شرکت واحد = Vahed Bus Company"),
        (None, 5002, "glossary_add", "es: شرکت واحد = Compañía Vahed"),
        (None, 5004, "glossary_remove", "en: شرکت واحد = Vahed Bus Company"),
    ]
    kept = rows(settings.storage.database, "SELECT COUNT(*) FROM glossary")
    assert kept == [(3,)]  # nothing is deleted: the replaced and removed rows stay


# ---------------------------------------------------------------------- CSV
CSV = ("language,term,translation,note\n"
       "en,شرکت واحد,Vahed Company,\n"
       'en,"هفت‌تپه","Haft Tappeh","the sugar cane company, Shush"\n'
       "es,اعتصاب,huelga,\n")


def test_csv_round_trip_with_and_without_a_byte_order_mark(settings, tmp_path, capsys):
    config = ["--config", str(settings.path)]
    for name, data in (("plain.csv", CSV.encode()), ("bom.csv", b"\xef\xbb\xbf" + CSV.encode())):
        path = tmp_path / name
        path.write_bytes(data)
        assert main([*config, "glossary", "import", str(path)]) == 0
    said = capsys.readouterr().out
    assert "3 added, 0 replaced, 0 unchanged, 0 bad row(s)" in said
    assert "0 added, 0 replaced, 3 unchanged" in said  # the same file again: nothing changes
    out = tmp_path / "out.csv"
    assert main([*config, "glossary", "export", str(out)]) == 0
    exported = out.read_text(encoding="utf-8").splitlines()
    assert exported[0] == "language,term,translation,note,added_by,added_at"
    assert exported[1].startswith("en,شرکت واحد,Vahed Company,,,")
    assert exported[2].startswith('en,هفت\u200cتپه,Haft Tappeh,"the sugar cane company, Shush",')
    terms, bad = read_rows(out)
    assert bad == [] and {(t.language, t.term, t.translation, t.note) for t in terms} == {
        ("en", "شرکت واحد", "Vahed Company", None),
        ("en", "هفت\u200cتپه", "Haft Tappeh", "the sugar cane company, Shush"),
        ("es", "اعتصاب", "huelga", None)}
    assert main([*config, "glossary", "import", str(out)]) == 0
    assert "0 added, 0 replaced, 3 unchanged" in capsys.readouterr().out
    assert main([*config, "glossary", "export"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == exported and "exported 3" in captured.err


def test_bad_rows_are_named_one_line_each_and_the_good_rows_kept(settings, tmp_path, capsys):
    path = tmp_path / "terms.csv"
    path.write_text("Term,Translation,Language\n"  # any order, any case
                    "شرکت واحد,Vahed Company,en\n"
                    ",no term,en\n"
                    "اعتصاب,,es\n"
                    "اعتصاب,strike,english\n"
                    "!!!,nothing,en\n"
                    "شركت‌واحد,Vahed again,en\n"
                    "اعتصاب,strike,en,extra\n"
                    "هفت تپه,Haft Tappeh,EN\n", encoding="utf-8")
    assert main(["--config", str(settings.path), "glossary", "import", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{path}:3: no term",
        f"{path}:4: no translation",
        f"{path}:5: language 'english' is not a language code",
        f"{path}:6: the term has no word",
        f"{path}:7: شركت‌واحد repeats row 2",
        f"{path}:8: more fields than the header has",
    ]
    assert "2 added" in captured.out and "6 bad row(s)" in captured.out
    assert rows(settings.storage.database, "SELECT language, translation FROM glossary"
                " ORDER BY id") == [("en", "Vahed Company"), ("en", "Haft Tappeh")]


@pytest.mark.parametrize("content, expected", [
    (None, "no such file"),
    (b"\xff\xfe bad", "not UTF-8"),
    (b"term,translation\nx,y\n", "lacks column(s) language"),
])
def test_an_unreadable_file_is_one_line_and_exit_2(settings, tmp_path, capsys, content,
                                                   expected):
    path = tmp_path / "terms.csv"
    if content is not None:
        path.write_bytes(content)
    assert main(["--config", str(settings.path), "glossary", "import", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0] and str(path) in err[0]


def test_export_without_a_database_is_one_line(settings, capsys):
    assert main(["--config", str(settings.path), "glossary", "export"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no database" in err[0]


def test_reading_on_the_approvals_starts_from_the_audit_rows_not_the_jobs(settings, tmp_path):
    """Translation memory reads the approvals since its last audit row on every card: the plan
    must walk audit by rowid from there, not every approved job (62 ms a card at 100k jobs)."""
    import sqlite3

    from relay.store.glossary import approved_since
    from relay.store.migrations import apply_migrations

    conn = sqlite3.connect(tmp_path / "plan.db")
    apply_migrations(conn)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    approved_since(conn, 0, 10)
    conn.set_trace_callback(None)
    [sql] = [s for s in statements if "JOIN" in s]
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    conn.close()
    assert plan[0].startswith("SEARCH a USING INTEGER PRIMARY KEY"), plan
