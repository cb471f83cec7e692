"""Seeded langdetect engines, each with its own factory and a subset of profiles.

:mod:`relay.core.language` calls these only for the texts its letter and word rules cannot
decide. :func:`probabilities` is langdetect's own ``Detector.get_probabilities`` with the
random-sampling loop written tightly: the same random draws and the same floating-point
operations in the same order, so the same answer, with a fraction of the interpreter work.

Pure module: no I/O beyond reading langdetect's bundled profiles on first use.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.language import Language
from langdetect.utils.lang_profile import LangProfile
from langdetect.utils.ngram import NGram

#: Fixed seed for every langdetect call: unseeded langdetect changes its answer between runs.
SEED = 20240601
#: langdetect converges long before this; capping keeps long posts as cheap as short ones.
MAX_DETECT_CHARS = 400
TRIALS = 3  # langdetect's default is 7; each trial is a full pass of random n-gram sampling


def fold_profile(data: Mapping[str, Any], table: Mapping[int, str]) -> dict[str, Any]:
    """Merge n-gram counts whose text coincides once keyboard-dependent letters are folded."""
    freq: dict[str, int] = {}
    raw: Mapping[str, int] = data["freq"]
    for gram, count in raw.items():
        key = gram.translate(table)
        freq[key] = freq.get(key, 0) + int(count)
    return {"name": data["name"], "n_words": data["n_words"], "freq": freq}


_NORMALIZED: dict[str, str] = {}  # NGram.normalize is a pure function of one character


def extract_ngrams(text: str, known: Mapping[str, Any]) -> list[str]:
    """``Detector._extract_ngrams`` (langdetect's ``NGram.add_char`` state machine inline):
    the 1-, 2- and 3-grams ending at each character that the profiles know, in order."""
    result: list[str] = []
    append = result.append
    grams = " "
    capital = False
    for ch in text:
        norm = _NORMALIZED.get(ch)
        if norm is None:
            norm = NGram.normalize(ch)
            if len(_NORMALIZED) < 65536:
                _NORMALIZED[ch] = norm
        last = grams[-1]
        if last == " ":
            grams = " "
            capital = False
            if norm == " ":
                continue  # nothing but " " to look up
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += norm
        if norm.isupper():
            if last.isupper():
                capital = True
        else:
            capital = False
        if capital:
            continue
        if norm != " " and norm in known:
            append(norm)
        if len(grams) >= 2:
            if grams[-2:] in known:
                append(grams[-2:])
            if len(grams) == 3 and grams in known:
                append(grams)
    return result


def probabilities(detector: Detector) -> list[Language]:
    """``detector.get_probabilities()``, computed the same way (langdetect 1.0.9's
    ``_detect_block``): per trial, draw n-grams with the detector's seeded ``random.Random``
    (``choice`` is ``seq[_randbelow(len(seq))]``) and multiply each language's probability by
    ``weight + p(n-gram | language)``; every fifth draw, normalise and stop at convergence."""
    detector.cleaning_text()
    ngrams = extract_ngrams(detector.text, detector.word_lang_prob_map)
    if not ngrams:
        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    word_probs = detector.word_lang_prob_map
    rows = [word_probs[gram] for gram in ngrams]  # every extracted n-gram is in the map
    count = len(rows)
    langs = len(detector.langlist)
    n_trial = detector.n_trial
    limit = detector.ITERATION_LIMIT
    converged = detector.CONV_THRESHOLD
    rng = detector.random
    rng.seed(detector.seed)
    randbelow = rng._randbelow
    indices = range(langs)
    langprob = [0.0] * langs
    for _ in range(n_trial):
        prob = detector._init_probability()
        alpha = detector.alpha + rng.gauss(0.0, 1.0) * detector.ALPHA_WIDTH
        weight = alpha / detector.BASE_FREQ
        i = 0
        while True:
            row = rows[randbelow(count)]
            for j in indices:  # in place: cheaper than building a new list per draw
                prob[j] *= weight + row[j]
            if i % 5 == 0:
                total = sum(prob)
                prob = [p / total for p in prob]
                # langdetect keeps the running maximum from 0.0: the same test
                if max(prob) > converged or i >= limit:
                    break
            i += 1
        for j in indices:
            langprob[j] += prob[j] / n_trial
    detector.langprob = langprob
    return detector._sort_probability(langprob)


class Engine:
    """A langdetect factory of its own (no shared global state), seeded, loaded lazily."""

    def __init__(self, langs: Iterable[str] | None, *,
                 fold: Mapping[int, str] | None = None) -> None:
        self._langs = tuple(sorted(langs)) if langs is not None else None
        self._fold = fold
        self._factory: DetectorFactory | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._factory is not None

    def load(self) -> DetectorFactory:
        with self._lock:
            if self._factory is None:
                directory = Path(PROFILES_DIRECTORY)
                langs = self._langs or tuple(sorted(p.name for p in directory.iterdir()))
                factory = DetectorFactory()
                factory.seed = SEED  # instance attribute: the class-wide seed stays untouched
                for index, lang in enumerate(langs):
                    data = json.loads((directory / lang).read_text(encoding="utf-8"))
                    if self._fold is not None:
                        data = fold_profile(data, self._fold)
                    factory.add_profile(LangProfile(**data), index, len(langs))
                self._factory = factory
            return self._factory

    def best(self, text: str) -> tuple[str, float] | None:
        """The most probable language and its probability in [0, 1]; None without features."""
        factory = self._factory or self.load()
        detector = factory.create()
        detector.set_max_text_length(MAX_DETECT_CHARS)
        detector.n_trial = TRIALS  # fewer random restarts: the rules decide the close calls
        detector.append(text)
        try:
            best = probabilities(detector)
        except LangDetectException:
            return None
        if not best:
            return None
        return best[0].lang, min(1.0, max(0.0, float(best[0].prob)))


# langdetect already reads Persian yeh (U+06CC) as Arabic yeh; also fold kaf and alef maksura
# so that which keyboard typed the text does not decide between Persian and Arabic.
LANGDETECT_FOLD = str.maketrans({"ك": "ک", "ى": "ي"})
ARABIC_ENGINE = Engine(("ar", "fa", "ur"), fold=LANGDETECT_FOLD)
# The Latin-script languages these channels and their readers plausibly write in; fewer
# profiles make every langdetect step proportionally cheaper (ingest speed), and a text in a
# language left out is still never taken for Farsi.
LATIN_ENGINE = Engine(("de", "en", "es", "fr", "it", "nl", "pl", "pt", "ro", "sv", "tr"))
ANY_ENGINE = Engine(None)  # every profile langdetect has
