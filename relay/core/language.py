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

import re
import unicodedata
from dataclasses import dataclass

from relay.core.language_engine import (
    ANY_ENGINE,
    ARABIC_ENGINE,
    LATIN_ENGINE,
    Engine,
)

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
#: Arabic-script posts of at most this many words may be decided by their channel.
_OPEN_MAX_WORDS = 6
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
_URL_HINT_RE = re.compile(r"[A-Za-z0-9-]\.|://")
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
    # The substitutions scan every character; skip those that cannot match (every link has
    # "://" or an ASCII letter, digit or "-" right before a ".").
    if ("." in text or "/" in text) and _URL_HINT_RE.search(text):
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


# Counting words by a regex over the words joined by single spaces: a match runs from the
# first marked letter to the end of its word, so each marked word is counted once.
_FA_STRONG_WORD_RE = re.compile("[" + "".join(sorted(_FA_STRONG_CHARS)) + "][^ ]*")
_FA_MARKED_WORD_RE = re.compile(
    "[" + "".join(sorted(_FA_STRONG_CHARS | _FA_YEH_KAF)) + "\u200c][^ ]*")
_TEH_MARBUTA_WORD_RE = re.compile(_TEH_MARBUTA + "[^ ]*")
_AL_WORD_RE = re.compile("(?<![^ ])(?:ال|وال|بال|فال|كال|لل)[^ ]*")
# The folding for word lookups, with ZWNJ dropped (a word with ZWNJ is looked up without it).
# As str.replace calls: str.translate with a table looks up every character (slow on long
# posts); no replacement is itself folded again, so the order of the calls does not matter.
_FOLD_LOOKUP = (*((chr(k), v) for k, v in _FOLD.items()), ("\u200c", ""))


def _fold(text: str) -> str:
    for old, new in _FOLD_LOOKUP:
        if old in text:
            text = text.replace(old, new)
    return text


def _scores(words: list[str], joined: str) -> tuple[int, int]:
    """(Persian score, Arabic score) of Arabic-script words; ``joined`` is ``" ".join(words)``.

    Per word: Persian +2 for a Persian-only letter, else +1 for Persian yeh/kaf or a ZWNJ;
    +2 for a ZWNJ word starting with the present-tense prefix; +2 for a Persian function word.
    Arabic +2 for an Arabic function word, +2 for teh marbuta, +1 for hamza-under alef or a
    leading hamza-over alef, +1 for a long word with the article that is not a Persian word."""
    folded = _fold(joined)
    strong = len(_FA_STRONG_WORD_RE.findall(joined))
    fa_score = strong + len(_FA_MARKED_WORD_RE.findall(joined))  # 2 for strong, 1 for the rest
    fa_score += 2 * sum(map(_FA_WORDS.__contains__, folded.split(" ")))
    if "\u200c" in joined:
        fa_score += 2 * sum(1 for w, f in zip(words, folded.split(" "), strict=True)
                            if "\u200c" in w and f.startswith(("می", "نمی")))
    ar_score = 2 * sum(map(_AR_WORDS.__contains__, words))
    ar_score += 2 * len(_TEH_MARBUTA_WORD_RE.findall(joined))
    if "إ" in joined or "أ" in joined:
        ar_score += sum(1 for w in words if "إ" in w or w[0] == "أ")
    if "ال" in joined or "لل" in joined:
        ar_score += sum(1 for w in _AL_WORD_RE.findall(joined)
                        if len(w) > 3 and _fold(w) not in _FA_AL_WORDS)
    return fa_score, ar_score


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

    fa_score, ar_score = _scores(words, joined)
    if fa_score >= 2 * ar_score and fa_score >= 1:
        return Detection(FARSI, RULE_CONFIDENCE)
    if ar_score and ar_score >= 2 * fa_score:
        return Detection("ar", RULE_CONFIDENCE)
    return _langdetect(ARABIC_ENGINE, joined.replace("ك", "ک").replace("ى", "ي"))


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
    return _langdetect(LATIN_ENGINE, " ".join(words))


# --------------------------------------------------------------------------------------------
# langdetect, for what the rules leave open (relay.core.language_engine).


def _langdetect(engine: Engine, text: str) -> Detection | None:
    best = engine.best(text)
    return Detection(*best) if best is not None else None


def _count(runs_re: re.Pattern[str], text: str) -> int:
    """Characters in the matches of ``runs_re`` (one new string, not a list of runs)."""
    return len(text) - len(runs_re.sub("", text))


def _decide(text: str) -> Detection | None:
    first_letter = _ANY_LETTER_RE.search(text)
    if first_letter is None:
        return None
    if text.isascii():  # letters A-Z only: every one Latin, no Arabic-script rule applies
        return _latin_script(text) or _langdetect(ANY_ENGINE, text)
    total = _count(_ANY_LETTERS_RE, text)
    arabic = _count(_AR_LETTERS_RE, text)
    # Decide by the Arabic-script part when it is substantial: a third of the letters, or a
    # tenth when the message starts in Arabic script (its base direction is right-to-left, as
    # Telegram shows it). So Farsi with English hashtags, links, brand names or citations is
    # decided as Farsi, and an English post quoting a Farsi slogan stays English.
    starts_rtl = _AR_LETTER_RE.match(first_letter.group()) is not None
    if arabic and (arabic * 3 >= total or (starts_rtl and arabic * 10 >= total)):
        result = _arabic_script(text)
        if result is not None:
            return result
    latin = _count(_LATIN_LETTERS_RE, text)  # only now: most Arabic-script posts are decided
    if latin and latin * 2 >= total - arabic:
        result = _latin_script(text)
        if result is not None:
            return result
    if arabic:
        result = _arabic_script(text)
        if result is not None:
            return result
    return _langdetect(ANY_ENGINE, text)


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
    for engine in (ARABIC_ENGINE, LATIN_ENGINE, ANY_ENGINE):
        engine.load()


def arabic_script_open(text: str) -> frozenset[str]:
    """The Arabic-script languages a short post's own words leave open (see language_context);
    empty when it is long, mostly in another script, or has a function word or minority letter."""
    prose = _clean(text[:_MAX_CHARS])[0]
    words = _AR_WORD_RE.findall(_HARAKAT_RE.sub("", prose))
    joined = " ".join(words)
    if not words or len(words) > _OPEN_MAX_WORDS or _MINORITY_RE.search(joined) \
            or _count(_AR_LETTERS_RE, prose) * 2 < _count(_ANY_LETTERS_RE, prose) \
            or not (_UR_WORDS.isdisjoint(words) and _AR_WORDS.isdisjoint(words)
                    and _FA_WORDS.isdisjoint(_fold(joined).split())):
        return frozenset()
    fa_score, ar_score = _scores(words, joined)
    if fa_score:  # Persian letters or ZWNJ: not Arabic, but Urdu and Sorani share them
        return frozenset() if ar_score else frozenset({FARSI, "ur", "ckb", "ps"})
    return frozenset({"ar"}) if ar_score >= 2 else frozenset({FARSI, "ar", "ur", "ckb", "ps"})
