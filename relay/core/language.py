"""Language identification for incoming posts.

``detect(text)`` returns a :class:`Detection` with an ISO 639-1 code (``fa``, ``ar``, ``ur``,
``en``, ``tr``, ``az``, ... as langdetect names them), ``ckb`` for Sorani Kurdish, ``ps`` for
Pashto, or ``und`` when there is nothing to decide on.

Why not plain langdetect: it has no Kurdish (or Azerbaijani) model and calls Sorani Farsi; it
confuses short colloquial Farsi with Arabic or Urdu, mostly because of which yeh/kaf the keyboard
produced; it is nondeterministic unless seeded; and it costs a millisecond or more per call.
So cheap letter and function-word rules decide most texts, and a seeded langdetect, restricted to
the candidate languages of the script, decides only what the rules cannot.

Pure module: no I/O beyond reading langdetect's bundled profiles on first use.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.lang_profile import LangProfile

__all__ = [
    "DEFAULT_CONFIDENCE",
    "FARSI",
    "RULE_CONFIDENCE",
    "UNDETERMINED",
    "Detection",
    "detect",
    "is_farsi",
    "warm_up",
]

FARSI = "fa"
UNDETERMINED = "und"
#: Confidence reported when a letter or word rule decided.
RULE_CONFIDENCE = 0.99
#: Confidence of a default taken for lack of evidence: a few plain-ASCII words are English.
DEFAULT_CONFIDENCE = 0.5
_SHORT_TOKENS = 4
#: Fixed seed for every langdetect call: unseeded langdetect changes its answer between runs.
_SEED = 20240601
#: langdetect converges long before this; capping keeps long posts as cheap as short ones.
_MAX_DETECT_CHARS = 400
#: Characters of a post looked at, and words the rules count at most.
_MAX_CHARS = 1000
_MAX_WORDS = 150


@dataclass(frozen=True, slots=True)
class Detection:
    """A language decision: ISO code (or ``ckb``/``und``) and a confidence in [0, 1]."""

    lang: str
    confidence: float


_UND = Detection(UNDETERMINED, 0.0)


def is_farsi(detection: Detection) -> bool:
    """True when the detection says Persian."""
    return detection.lang == FARSI


# --------------------------------------------------------------------------------------------
# Cleaning: links, mentions, e-mail addresses and hashtags are not prose.

_TLDS = (
    "com|net|org|ir|me|io|info|ly|gl|co|tv|app|dev|edu|gov|int|uk|de|fr|ru|ca|au|eu|in|af|tj|"
    "az|tr|pk|iq|ae|sa|news|online|site|xyz|link|to|be|us|ws|cc|biz|pro|tk|ml|ga"
)
_URL_RE = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|(?<![\w@.])(?:[A-Za-z0-9-]+\.)+(?:" + _TLDS + r")\b(?:/\S*)?"
    r"|(?<![\w@.])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/\S*",
    re.ASCII,
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION_RE = re.compile(r"@\w+")
# ZWNJ (U+200C) belongs inside Persian hashtags; "_" joins words in hashtags.
_HASHTAG_RE = re.compile(r"#([\w\u200c]+)")

# Arabic-script letters proper: no digits, no harakat, no tatweel (U+0640), no punctuation.
_AR_LETTERS = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9"
)
_AR_LETTER_RE = re.compile(f"[{_AR_LETTERS}]")
_AR_LETTERS_RE = re.compile(f"[{_AR_LETTERS}]+")
# A word: Arabic letters, possibly joined by ZWNJ (harakat are removed first).
_AR_WORD_RE = re.compile(f"[{_AR_LETTERS}][{_AR_LETTERS}\u200c]*")
_HARAKAT_RE = re.compile("[\u064b-\u065f\u0670]+")
_LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0250-\u02af\u1e00-\u1eff"
_LATIN_LETTER_RE = re.compile(f"[{_LATIN_LETTERS}]")
_LATIN_LETTERS_RE = re.compile(f"[{_LATIN_LETTERS}]+")
_LATIN_WORD_RE = re.compile(f"[{_LATIN_LETTERS}]+(?:['’][{_LATIN_LETTERS}]+)*")
# Any letter of any script (str.isalpha), minus digits and "_".
_ANY_LETTER_RE = re.compile(r"[^\W\d_]")
_ANY_LETTERS_RE = re.compile(r"[^\W\d_]+")


def _clean(text: str) -> tuple[str, str]:
    """Return (prose, latin_hashtags) after NFKC and removing links, e-mails and mentions.

    Hashtag text in Arabic script is prose (``#اعتصاب_کارگران`` is Farsi), so it stays, with
    ``_`` read as a space. Latin hashtags on a Farsi post say nothing about the post's language,
    so they are set aside and only used when the post has no other letters.
    """
    # NFKC first: Urdu typed in Arabic presentation forms (U+FBxx, U+FExx) must become
    # ordinary letters before any letter rule looks at it.
    # Tatweel (U+0640) only stretches a word; str.isalpha counts it as a letter.
    text = unicodedata.normalize("NFKC", text).replace("\u0640", "")
    # The substitutions scan every character; skip those that cannot match.
    if "." in text or "/" in text:
        text = _URL_RE.sub(" ", text)
    if "@" in text:
        text = _EMAIL_RE.sub(" ", text)
        text = _MENTION_RE.sub(" ", text)
    tags: list[str] = []
    if "#" not in text:
        return text, ""

    def _tag(m: re.Match[str]) -> str:
        body = m.group(1).replace("_", " ")
        if _AR_LETTER_RE.search(body):
            return f" {body} "
        tags.append(body)
        return " "

    text = _HASHTAG_RE.sub(_tag, text)
    return text, " ".join(tags)


# --------------------------------------------------------------------------------------------
# Letter and word rules for Arabic script.

# Letters no Persian text uses, per language. Each is a near-certain sign on its own, but a
# Persian post may carry a Kurdish or Urdu *name*, so rules count words, not letters.
_CKB_CHARS = frozenset("ڕڵۆێەڤ")  # U+0695 U+06B5 U+06C6 U+06CE U+06D5 U+06A4
_UR_CHARS = frozenset("ٹڈڑںےۓہۂۃھ")  # ھ is also Sorani, which is checked first
_PS_CHARS = frozenset("ټډړږښځڅېۍګڼ")
_MINORITY_CHARS = _CKB_CHARS | _UR_CHARS | _PS_CHARS
_MINORITY_RE = re.compile("[" + "".join(sorted(_MINORITY_CHARS)) + "]")
# Letters Persian has and Arabic lacks. Urdu, Sorani and Pashto use them too, so they only
# separate Persian from Arabic once those are ruled out.
_FA_STRONG_CHARS = frozenset("پچژگۀ")
_FA_YEH_KAF = frozenset("یک")  # U+06CC, U+06A9: Persian keyboard forms
_TEH_MARBUTA = "ة"

# Keyboard-dependent letters folded together for word lookups: Persian typed on an Arabic
# keyboard has ي/ك (and often ى), and it is still Persian.
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ئ": "ی", "ۀ": "ه", "أ": "ا", "إ": "ا"})


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Urdu function words spelt without Urdu-only letters (not کی, Persian "who"; not پر, "full").
_UR_WORDS = _words("کا کو اور تھا تھی تھے گیا گئی یہ وہ")
# Persian function words and common colloquial forms, folded. Words that are also Arabic once
# folded (به "with it", هم "they", ای/اما/ولی/کن/کرد/حالا/بر/بی ...) are left out.
_FA_WORDS = _words(
    "از در با را که این آن است هست نیست بود شد برای تا چه تو اگر می نمی خیلی همه چی "
    "کنم کنه کنی کنید کنند داره دارم دارد دارن دارند میشه باشه باشد بودم بوده هستند هستم "
    "هستی شده شود میکنه میکنم نه اون اونم اینها اینجا آنجا هنوز چرا دیگه دیگر های هایی یه "
    "رو مون تون شون منم توی پس چون وقتی یک یکی خود خودش خودم همین همون اینم ازش بهش بهم "
    "چطور چیه کجا کجاست کسی چیزی مردم"
)
# Arabic function words, exact (unfolded) forms: Arabic is typed on Arabic keyboards, and the
# folded forms would collide with Persian (على ~ علی "Ali"). Words Persian also writes the
# same way on an Arabic keyboard (به هم يعني عليه حتى بها منها قوي ده) are left out.
_AR_WORDS = _words(
    "في على إلى الى التي الذي الذين اللذين هذا هذه ذلك تلك هؤلاء عن أن إن لم لن قد كان "
    "كانت يكون تكون ليس ليست لا مع هو هي أو ثم عند منذ لكن ولكن أي كما إذا اذا وفي وهو "
    "وهي وقد وكان ولا وأن بأن لأن فيه فيها عليها إليه منه له لها لهم انا أنا احنا نحن "
    "انت أنت مش ايه إيه كده عايز اللي ليه بتاع اوي"
)
# Persian words that start with the Arabic article and must not count as Arabic evidence.
_FA_AL_WORDS = _words("الان الآن البته الله الکی الگو الهام الاغ الو الماس")


def _arabic_script(text: str) -> Detection | None:
    """Decide among Arabic-script languages; None when there are no Arabic-script words."""
    words = _AR_WORD_RE.findall(_HARAKAT_RE.sub("", text))[:_MAX_WORDS]
    if not words:
        return None
    n = len(words)

    joined = " ".join(words)
    if _MINORITY_RE.search(joined) or not _UR_WORDS.isdisjoint(words):
        ckb = ur = ps = 0
        for w in words:
            chars = set(w)
            if chars & _CKB_CHARS:
                ckb += 1
            elif chars & _UR_CHARS or w in _UR_WORDS:
                ur += 1
            elif chars & _PS_CHARS:
                ps += 1
        # One marked word in a short text, else a sixth of the words: Sorani, Urdu and Pashto
        # mark most of their words (ە alone is in most Sorani words), while a Persian post
        # that names a Kurdish or Pakistani person marks only that name.
        share = max(1.0, n / 6)
        if ckb >= share and ckb >= ur:
            return Detection("ckb", RULE_CONFIDENCE)
        if ur >= share and ur >= ps:
            return Detection("ur", RULE_CONFIDENCE)
        if ps >= share:
            return Detection("ps", RULE_CONFIDENCE)
        # Marked words are names in a text of another language: decide on the rest.
        rest = [w for w in words if not set(w) & _MINORITY_CHARS]
        if rest:
            words = rest
            joined = " ".join(words)

    fa_score = 0
    ar_score = 0
    # One translate for all words; word boundaries survive (no letter folds to a space).
    for w, folded in zip(words, joined.translate(_FOLD).split(" "), strict=True):
        chars = set(w)
        if chars & _FA_STRONG_CHARS:
            fa_score += 2
        elif chars & _FA_YEH_KAF or "\u200c" in w:
            fa_score += 1
        if "\u200c" in w:
            folded = folded.replace("\u200c", "")
            if folded.startswith(("می", "نمی")):
                fa_score += 2
        if folded in _FA_WORDS:
            fa_score += 2
        if w in _AR_WORDS:
            ar_score += 2
        if _TEH_MARBUTA in w:
            ar_score += 2
        if "إ" in w or w[0] == "أ":
            ar_score += 1
        if (
            len(w) > 3
            and w.startswith(("ال", "وال", "بال", "فال", "كال", "لل"))
            and folded not in _FA_AL_WORDS
        ):
            ar_score += 1
    if fa_score >= 2 * ar_score and fa_score >= 1:
        return Detection(FARSI, RULE_CONFIDENCE)
    if ar_score and ar_score >= 2 * fa_score:
        return Detection("ar", RULE_CONFIDENCE)
    return _ARABIC_ENGINE.detect(joined.translate(_LANGDETECT_FOLD))


# --------------------------------------------------------------------------------------------
# Latin script.

# Dotless i, g-breve, schwa: Turkish or Azerbaijani only (not ş: legacy Romanian has it).
_TURKIC_CHARS = frozenset("ğıİƏə")
_AZ_CHARS = frozenset("əqx")  # lower case; schwa is Azerbaijani only, Turkish has no q or x
# Words only English uses among the Latin languages langdetect knows. Left out: words that are
# also common elsewhere (de an/am/was/will/also, nl is/over, fr on/or, da/sv at/by/her,
# pl/cs i/my/do, es/pt me/he/do).
_EN_WORDS = _words(
    "the and of are were that this with you your have has would not but they their from what "
    "which who there been we our she his it its can does did just about if than then them "
    "these those all how when where why because into after before very should could i'm "
    "don't it's you're we're can't won't please thanks thank"
)


def _latin_script(text: str) -> Detection | None:
    words = _LATIN_WORD_RE.findall(text)[:_MAX_WORDS]
    if not words:
        return None
    n = len(words)
    turkic = [w for w in words if set(w) & _TURKIC_CHARS]
    if turkic and len(turkic) >= max(1.0, 0.15 * n):
        # Schwa anywhere, or q/x in the Turkic-marked words or in a tenth of all words
        # (Turkish spells them k, ks, h): Azerbaijani.
        az = any("ə" in w.lower() for w in words) or any(set(w.lower()) & _AZ_CHARS for w in turkic)
        if not az:
            az = sum(1 for w in words if set(w.lower()) & _AZ_CHARS) >= max(1.0, 0.1 * n)
        return Detection("az" if az else "tr", RULE_CONFIDENCE)
    if any("ə" in w.lower() for w in words):
        return Detection("az", RULE_CONFIDENCE)
    if all(w.isascii() for w in words):
        hits = sum(1 for w in words if w.lower().replace("’", "'") in _EN_WORDS)
        if hits >= 2 and hits * 5 >= n:
            return Detection("en", RULE_CONFIDENCE)
        if sum(1 for token in text.split() if _LATIN_LETTER_RE.search(token)) <= _SHORT_TOKENS:
            # A name, a product code, "local crew!!!": langdetect's answer on a few plain
            # ASCII words is noise (it calls "Vince" Italian at 0.99999). English is the
            # likely Latin-script language on these channels; say so with low confidence.
            return Detection("en", DEFAULT_CONFIDENCE)
    return _LATIN_ENGINE.detect(" ".join(words))


# --------------------------------------------------------------------------------------------
# Seeded langdetect with its own factory and a subset of profiles.


def _fold_profile(data: Mapping[str, Any], table: Mapping[int, str]) -> dict[str, Any]:
    """Merge n-gram counts whose text coincides once keyboard-dependent letters are folded."""
    freq: dict[str, int] = {}
    raw: Mapping[str, int] = data["freq"]
    for gram, count in raw.items():
        key = gram.translate(table)
        freq[key] = freq.get(key, 0) + int(count)
    return {"name": data["name"], "n_words": data["n_words"], "freq": freq}


_TRIALS = 3  # langdetect's default is 7; each trial is a full pass of random n-gram sampling


class _Engine:
    """A langdetect factory of its own (no shared global state), seeded, loaded lazily."""

    def __init__(
        self,
        langs: Iterable[str] | None,
        *,
        fold: Mapping[int, str] | None = None,
    ) -> None:
        self._langs = tuple(sorted(langs)) if langs is not None else None
        self._fold = fold
        self._factory: DetectorFactory | None = None
        self._lock = threading.Lock()

    def load(self) -> DetectorFactory:
        with self._lock:
            if self._factory is None:
                directory = Path(PROFILES_DIRECTORY)
                langs = self._langs or tuple(sorted(p.name for p in directory.iterdir()))
                factory = DetectorFactory()
                factory.seed = _SEED  # instance attribute: the class-wide seed stays untouched
                for index, lang in enumerate(langs):
                    data = json.loads((directory / lang).read_text(encoding="utf-8"))
                    if self._fold is not None:
                        data = _fold_profile(data, self._fold)
                    factory.add_profile(LangProfile(**data), index, len(langs))
                self._factory = factory
            return self._factory

    def detect(self, text: str) -> Detection | None:
        factory = self._factory or self.load()
        detector = factory.create()
        detector.set_max_text_length(_MAX_DETECT_CHARS)
        detector.n_trial = _TRIALS  # fewer random restarts: the rules decide the close calls
        detector.append(text)
        try:
            best = detector.get_probabilities()
        except LangDetectException:
            return None
        if not best:
            return None
        return Detection(best[0].lang, min(1.0, max(0.0, float(best[0].prob))))


# langdetect already reads Persian yeh (U+06CC) as Arabic yeh; also fold kaf and alef maksura
# so that which keyboard typed the text does not decide between Persian and Arabic.
_LANGDETECT_FOLD = str.maketrans({"ك": "ک", "ى": "ي"})
_ARABIC_ENGINE = _Engine(("ar", "fa", "ur"), fold=_LANGDETECT_FOLD)
# Every Latin-script profile langdetect has.
# The Latin-script languages these channels and their readers plausibly write in; fewer
# profiles make every langdetect step proportionally cheaper (ingest speed), and a text in a
# language left out is still never taken for Farsi.
_LATIN_ENGINE = _Engine(_words("de en es fr it nl pl pt ro sv tr"))
_ANY_ENGINE = _Engine(None)


# --------------------------------------------------------------------------------------------


def _count(runs_re: re.Pattern[str], text: str) -> int:
    return sum(map(len, runs_re.findall(text)))


def _decide(text: str) -> Detection | None:
    first_letter = _ANY_LETTER_RE.search(text)
    if first_letter is None:
        return None
    total = _count(_ANY_LETTERS_RE, text)
    arabic = _count(_AR_LETTERS_RE, text)
    latin = _count(_LATIN_LETTERS_RE, text)
    # Decide by the Arabic-script part when it is substantial: a third of the letters, or a
    # tenth when the message starts in Arabic script (its base direction is right-to-left, as
    # Telegram shows it). So Farsi with English hashtags, links, brand names or citations is
    # decided as Farsi, and an English post quoting a Farsi slogan stays English.
    starts_rtl = _AR_LETTER_RE.match(first_letter.group()) is not None
    if arabic and (arabic * 3 >= total or (starts_rtl and arabic * 10 >= total)):
        result = _arabic_script(text)
        if result is not None:
            return result
    if latin and latin * 2 >= total - arabic:
        result = _latin_script(text)
        if result is not None:
            return result
    if arabic:
        result = _arabic_script(text)
        if result is not None:
            return result
    return _ANY_ENGINE.detect(text)


def detect(text: str) -> Detection:
    """Detect the language of a post.

    Deterministic: the same text gives the same answer in every call and every process.
    Returns ``und`` with confidence 0.0 when, after removing links, mentions, e-mail addresses,
    emoji, digits and punctuation, no letters remain.
    """
    if not text or text.isspace():
        return _UND
    # The language of a post shows in its first lines; a 4096-character post costs no more.
    prose, tags = _clean(text[:_MAX_CHARS])
    result = _decide(prose)
    if result is None and tags:
        result = _decide(tags)
    return result or _UND


def warm_up() -> None:
    """Load the langdetect profiles now (about 0.5 s) rather than on the first odd post."""
    for engine in (_ARABIC_ENGINE, _LATIN_ENGINE, _ANY_ENGINE):
        engine.load()
