"""The cheaper ways relay.core.language computes its answers give the same answers.

The language module counts Arabic-script words by regex instead of word by word, and runs
langdetect's sampling loop and n-gram extraction written tightly (relay.core.language_engine).
These tests hold each against the straightforward computation it replaces: langdetect's own
``Detector`` methods, and the per-word scoring loop below.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from relay.core import language, language_engine

TEXTS = [
    "Les travailleurs de la raffinerie sont en grève depuis lundi matin",
    "Die Arbeiter der Raffinerie streiken seit Montag für höhere Löhne",
    "Рабочие нефтеперерабатывающего завода объявили забастовку",
    "صادرات نفت", "حمله مسلحانه", "العمال يطالبون بزيادة الأجور",
    "Workers at the sugar mill have been on strike for a week",
    "ÀÉÎ ßàé ăâîșț ạảấ 一二三中国 あいう アイウ ㄅㄆ 가나다 αβγ", "WORKERS ON STRIKE",
    "x", "",
]
# Letters and marks the scoring rules look at, and some they do not.
ARABIC_ALPHABET = ("پچژگۀیکيكىئةأإآاالوالبالفاللل" "بتثجحخدذرزسشصضطظعغفقلمنهو"
                   "ڕڵۆێەٹڈڑںےټډړږښ" "\u200c")
LATIN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ ăâîșțşţạảấÀÉÎßàéüğıİƏə'.,"


def _detector(engine: language_engine.Engine, text: str):  # noqa: ANN202 - langdetect's type
    detector = engine.load().create()
    detector.set_max_text_length(language_engine.MAX_DETECT_CHARS)
    detector.n_trial = language_engine.TRIALS
    detector.append(text)
    return detector


def _same_probabilities(engine: language_engine.Engine, text: str) -> None:
    theirs, ours = _detector(engine, text), _detector(engine, text)
    try:
        expected = [(p.lang, p.prob) for p in theirs.get_probabilities()]
    except Exception as exc:  # noqa: BLE001 - no features: ours must say so the same way
        expected = [type(exc).__name__]
    try:
        got = [(p.lang, p.prob) for p in language_engine.probabilities(ours)]
    except Exception as exc:  # noqa: BLE001
        got = [type(exc).__name__]
    assert got == expected, text


def test_langdetect_loop_gives_langdetects_own_numbers() -> None:
    for engine in (language_engine.ARABIC_ENGINE, language_engine.LATIN_ENGINE,
                   language_engine.ANY_ENGINE):
        for text in TEXTS:
            _same_probabilities(engine, text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=LATIN_ALPHABET + ARABIC_ALPHABET, max_size=120))
def test_langdetect_loop_and_ngrams_match_langdetect_on_any_text(text: str) -> None:
    for engine in (language_engine.ARABIC_ENGINE, language_engine.LATIN_ENGINE):
        _same_probabilities(engine, text)
        detector = _detector(engine, text)
        detector.cleaning_text()
        assert language_engine.extract_ngrams(detector.text, detector.word_lang_prob_map) == \
            detector._extract_ngrams()


def _scores_word_by_word(words: list[str]) -> tuple[int, int]:
    """The per-word scoring that :func:`relay.core.language._scores` counts by regex."""
    fa_score = ar_score = 0
    for w in words:
        folded = w.translate(language._FOLD).replace("\u200c", "")
        if set(w) & language._FA_STRONG_CHARS:
            fa_score += 2
        elif set(w) & language._FA_YEH_KAF or "\u200c" in w:
            fa_score += 1
        if "\u200c" in w and folded.startswith(("می", "نمی")):
            fa_score += 2
        if folded in language._FA_WORDS:
            fa_score += 2
        if w in language._AR_WORDS:
            ar_score += 2
        if language._TEH_MARBUTA in w:
            ar_score += 2
        if "إ" in w or w[0] == "أ":
            ar_score += 1
        if (len(w) > 3 and w.startswith(("ال", "وال", "بال", "فال", "كال", "لل"))
                and folded not in language._FA_AL_WORDS):
            ar_score += 1
    return fa_score, ar_score


WORDS = st.lists(st.one_of(
    st.sampled_from(sorted(language._FA_WORDS | language._AR_WORDS | language._FA_AL_WORDS)
                    + ["می\u200cخواهم", "نمی\u200cشود", "والعمال", "إضراب", "أحمد"]),
    st.text(alphabet=ARABIC_ALPHABET, min_size=1, max_size=8).filter(
        lambda w: w[0] != "\u200c" and " " not in w),
), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(WORDS)
def test_word_scores_by_regex_equal_the_word_by_word_count(words: list[str]) -> None:
    assert language._scores(words, " ".join(words)) == _scores_word_by_word(words)
