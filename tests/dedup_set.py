"""The labelled pair set for the statement matcher (issue 11), generated, never stored.

Used by tests/test_matching.py and bench/dedup.py (which puts the repository root on sys.path
and imports ``tests.dedup_set``). ``labelled_pairs(dev_texts)`` is deterministic (seeded).

Sources of text:
- the Farsi texts (fa, mixed-fa) of the language-ID dev set, read at run time from the shared
  folder. Its licence allows measuring and testing only, so nothing of it is copied here;
  posts are built from one to three of its texts, one per line;
- statement templates written for this file (below): tajammo', e'tesab, arrests, unpaid
  wages, with placeholders for workplace, city, date, weekday, number and person.

Positives (same statement): a post and its copy with one to three channel variations: footer or
signature added, hashtags, emoji, links, a line added or removed, a typo fixed, Arabic-keyboard
letters, Persian/Arabic/ASCII digits, ZWNJ vs space. By the matcher's short-post rule a post of
fewer than 8 words only gets variations that leave its normalised text unchanged, and posts of
fewer than 3 words are left out.
Negatives (different statements): two different dev posts; two posts that open with the same
line and go on differently; the same template with another workplace, city, date, weekday,
number or person; two different templates of one topic about the same workplace and date.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from relay.core.matching_text import is_fact, normalise, tokens

DEV_ENV = "RELAY_LANGID_DEV"
DEV_RELATIVE = Path("shared") / "langid" / "dev.jsonl"
SEED = 11


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    same: bool
    kind: str


def find_dev_set() -> Path | None:
    """$RELAY_LANGID_DEV, else shared/langid/dev.jsonl in an ancestor of this file or the cwd."""
    env = os.environ.get(DEV_ENV)
    if env:
        return Path(env) if Path(env).is_file() else None
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for directory in (start, *start.parents):
            if (directory / DEV_RELATIVE).is_file():
                return directory / DEV_RELATIVE
    return None


def load_farsi(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r["text"] for r in rows if r["lang"] in ("fa", "mixed-fa")]


# ----------------------------------------------------------------------------- templates

WORKPLACES = [
    "شرکت نیشکر هفت تپه", "شرکت واحد اتوبوسرانی تهران و حومه", "فولاد اهواز",
    "کشت و صنعت کارون", "پتروشیمی بندر امام", "ذوب آهن اصفهان", "معدن زغال سنگ طبس",
    "کارخانه هپکو اراک", "آذرآب اراک", "شهرداری اهواز", "پالایشگاه آبادان",
    "لوله سازی خوزستان", "کارخانه قند یاسوج", "ایران خودرو", "راه آهن جنوب",
    "معدن چادرملو", "کارخانه کیان تایر", "پتروشیمی ماهشهر",
]
CITIES = ["تهران", "اهواز", "اراک", "شوش", "اصفهان", "کرمانشاه", "تبریز", "مشهد", "شیراز",
          "آبادان", "یاسوج", "قزوین"]
MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر",
          "دی", "بهمن", "اسفند"]
WEEKDAYS = ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه"]
PEOPLE = ["محمد رضایی", "علی کریمی", "حسین احمدی", "رضا محمدی", "مهدی حسینی", "سعید کاظمی",
          "ناصر موسوی", "جواد نوری", "بهروز صادقی", "کامران یوسفی"]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# (topic, template). Placeholders: {w} {w2} workplace, {c} city, {d} day, {m} month,
# {wd} weekday, {n} number, {k} months, {p} person, {y} year.
TEMPLATES: list[tuple[str, str]] = [
    ("rally", "کارگران {w} صبح {wd} {d} {m} در اعتراض به {k} ماه حقوق معوقه مقابل استانداری {c} "
              "تجمع کردند.\nبه گفته کارگران، کارفرما تاکنون هیچ پاسخی به مطالبات آنان نداده است."),
    ("rally", "فراخوان تجمع: کارگران {w} روز {wd} {d} {m} ساعت {n} صبح مقابل مجلس تجمع خواهند "
              "کرد.\nاز همه کارگران و مردم آزاده دعوت می‌کنیم به این تجمع بپیوندند."),
    ("rally", "بازنشستگان {w} برای {n}مین هفته متوالی در {c} تجمع کردند. آنان خواستار همسان‌سازی "
              "حقوق و پرداخت مطالبات معوقه خود هستند."),
    ("rally", "معلمان {c} روز {wd} {d} {m} در مقابل اداره آموزش و پرورش تجمع کردند و خواستار "
              "اجرای کامل رتبه‌بندی و آزادی معلمان زندانی شدند."),
    ("rally", "کارگران {w} با تجمع در محوطه کارخانه خواستار برکناری مدیرعامل و بازگرداندن "
              "کارخانه به بخش عمومی شدند.\nاین تجمع از ساعت {n} صبح {wd} آغاز شد."),
    ("rally", "جمعی از کارگران {w} امروز در {c} مقابل دفتر نماینده مجلس تجمع کردند. کارگران "
              "می‌گویند {n} نفر از همکارانشان بیش از {k} ماه است بیکار شده‌اند."),
    ("strike", "اعتصاب کارگران {w} وارد روز {n} شد.\nکارگران اعلام کرده‌اند تا پرداخت کامل "
               "حقوق‌های معوقه و بازگشت همکاران اخراجی به کار، به اعتصاب ادامه خواهند داد."),
    ("strike", "کارگران قراردادی {w} در {c} امروز دست از کار کشیدند. اعتراض آنان به قراردادهای "
               "موقت، دستمزدهای زیر خط فقر و نبود امنیت شغلی است."),
    ("strike", "رانندگان {w} در اعتراض به افزایش قیمت لاستیک و پایین بودن کرایه‌ها دست به "
               "اعتصاب زدند. این اعتصاب در {n} شهر ادامه دارد."),
    ("strike", "اعتصاب کارگران پیمانی {w} در {c} ادامه دارد.\nکارگران خواهان افزایش دستمزد، "
               "اجرای طرح طبقه‌بندی مشاغل و حذف شرکت‌های پیمانکاری هستند."),
    ("strike", "سندیکای کارگران {w} از اعتصاب همکاران ما در {w2} حمایت می‌کند. مطالبات آنان "
               "مطالبات همه کارگران ایران است و ما در کنار آنان ایستاده‌ایم."),
    ("arrest", "{p}، از کارگران {w}، روز {wd} {d} {m} توسط نیروهای امنیتی در منزلش در {c} "
               "بازداشت شد.\nما خواستار آزادی فوری و بی‌قید و شرط او هستیم."),
    ("arrest", "دادگاه {p}، فعال کارگری و عضو هیئت مدیره سندیکای کارگران {w}، روز {wd} {d} {m} "
               "در شعبه {n} دادگاه انقلاب {c} برگزار می‌شود."),
    ("arrest", "{p} پس از {k} ماه زندان امروز از زندان {c} آزاد شد. سندیکای کارگران {w} این "
               "آزادی را به خانواده او و همه کارگران تبریک می‌گوید."),
    ("arrest", "{p}، کارگر {w}، به {n} ماه حبس تعزیری محکوم شد. اتهام او شرکت در تجمعات "
               "صنفی کارگران و عضویت در سندیکا اعلام شده است."),
    ("wages", "حقوق {k} ماه کارگران {w} هنوز پرداخت نشده است.\nکارگران می‌گویند با این وضعیت "
              "قادر به تامین هزینه‌های اولیه زندگی خانواده خود نیستند."),
    ("wages", "نامه سرگشاده کارگران {w} به وزیر کار: ما {n} کارگر هستیم که {k} ماه است حقوق "
              "نگرفته‌ایم. خواهان رسیدگی فوری به وضعیت خود هستیم."),
    ("wages", "بیانیه سندیکای کارگران {w} درباره حداقل دستمزد سال {y}: افزایش {n} درصدی دستمزد "
              "در برابر تورم بالای پنجاه درصد یعنی کاهش واقعی دستمزد کارگران."),
    ("wages", "کارفرمای {w} اعلام کرده است که حقوق {m} ماه کارگران را تا پایان هفته پرداخت "
              "می‌کند. کارگران می‌گویند این وعده {n} بار تکرار شده و عملی نشده است."),
    ("jobs", "بیش از {n} نفر از کارگران {w} در روزهای اخیر اخراج شده‌اند. کارفرما دلیل این "
             "اخراج‌ها را کاهش تولید اعلام کرده است، اما کارگران آن را تلافی اعتراضات "
             "اخیر می‌دانند."),
    ("jobs", "یک کارگر {w} روز {wd} {d} {m} در حادثه کار در {c} جان باخت. این {n}مین حادثه "
             "مرگبار در این کارگاه در سال جاری است.\nکارفرما هیچ اقدامی برای ایمنی کارگران "
             "انجام نداده است."),
    ("jobs", "قرارداد {n} نفر از کارگران {w} از اول {m} تمدید نشد. این کارگران بیش از ده سال "
             "سابقه کار دارند و اکنون بدون بیمه بیکاری رها شده‌اند."),
    ("jobs", "کارگران {w} در {c} می‌گویند کارفرما آنان را به امضای قراردادهای سفید امضا وادار "
             "کرده است. کسانی که امضا نکنند از کار اخراج می‌شوند."),
    ("rally", "کشاورزان {c} در اعتراض به قطع حقابه روز {wd} تجمع کردند.\nآنان می‌گویند {n} "
             "هکتار از زمین‌های کشاورزی منطقه خشک شده است."),
]
FIELDS = {
    "w": WORKPLACES, "w2": WORKPLACES, "c": CITIES, "m": MONTHS, "wd": WEEKDAYS, "p": PEOPLE,
    "d": [str(i) for i in range(1, 31)], "n": [str(i) for i in range(2, 400)],
    "k": [str(i) for i in range(2, 13)], "y": ["1401", "1402", "1403", "1404"],
}


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def _values(rng: random.Random) -> dict[str, str]:
    values = {name: rng.choice(choices) for name, choices in FIELDS.items()}
    if rng.random() < 0.5:  # numbers in Persian digits, as most channels write them
        values = {k: v.translate(PERSIAN_DIGITS) for k, v in values.items()}
    return values


# ----------------------------------------------------------------------------- variations

FOOTERS = [
    "🆔 @vahed_syndicate", "کانال سندیکای کارگران شرکت واحد\n@vahedsyndica",
    "👇👇👇\nhttps://t.me/haft_tappeh", "join us: @iran_workers", "#اعتصاب #کارگران #ایران",
    "لینک کانال: t.me/kargar_news", "@kargar_news", "📣 عضویت در کانال: https://t.me/union_ir",
    "کانال اتحاد بازنشستگان\n🆔 @etehad_b", "www.iran-workers.org",
]
ADDED_LINES = [
    "بیانیه فوری", "انتشار حداکثری", "خبر تکمیلی:", "لطفا این پیام را منتشر کنید.",
    "به اشتراک بگذارید و صدای کارگران باشید.", "زنده باد همبستگی کارگران",
    "فوری و مهم", "متن کامل بیانیه در ادامه:",
]
EMOJI = ["🔴", "✊", "📣", "‼️", "🔻", "⭕️", "✊🏽", "📌"]
ALPHABET = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def v_footer(rng: random.Random, text: str) -> str:
    return text + "\n" + rng.choice(FOOTERS)


def v_hashtags(rng: random.Random, text: str) -> str:
    tags = " ".join("#" + w for w in rng.sample(["اعتصاب", "کارگران", "تجمع", "حقوق_معوقه",
                                                 "همبستگی", "ایران"], 2))
    return text + (" " if rng.random() < 0.5 else "\n") + tags


def v_emoji(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines[i] = rng.choice(EMOJI) + " " + lines[i] + (" " + rng.choice(EMOJI) if rng.random() < .5
                                                      else "")
    return "\n".join(lines)


def v_link(rng: random.Random, text: str) -> str:
    link = rng.choice(["https://t.me/vahed/1234", "t.me/haft_tappeh/98", "https://bit.ly/3xYz"])
    return text + ("\n" if rng.random() < 0.5 else " ") + link


def v_arabic_keyboard(rng: random.Random, text: str) -> str:
    return text.replace("ی", "ي").replace("ک", "ك")


def v_digits(rng: random.Random, text: str) -> str:
    to = rng.choice(["٠١٢٣٤٥٦٧٨٩", "0123456789", "۰۱۲۳۴۵۶۷۸۹"])
    table = {ord(d): to[i] for digits in ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")
             for i, d in enumerate(digits)}
    return text.translate(table)


def v_zwnj(rng: random.Random, text: str) -> str:
    if "\u200c" in text:
        return text.replace("\u200c", rng.choice([" ", ""]))
    return text.replace("می ", "می\u200c").replace(" ها ", "\u200cها ")


def v_add_line(rng: random.Random, text: str) -> str:
    line = rng.choice(ADDED_LINES)
    return line + "\n" + text if rng.random() < 0.5 else text + "\n" + line


def v_remove_line(rng: random.Random, text: str) -> str | None:
    lines = _lines(text)
    if len(lines) < 2:
        return None
    kept = lines[1:] if rng.random() < 0.5 else lines[:-1]
    gone = len(tokens(text)) - len(tokens("\n".join(kept)))
    if len(tokens("\n".join(kept))) < 8 or gone * 2 > len(tokens(text)):
        return None  # what is left is no longer most of the statement
    return "\n".join(kept)


def v_typo(rng: random.Random, text: str) -> str | None:
    """Introduce a one-letter typo in a long word (the pair is then 'typo fixed').

    Never in a number, month or day word: the matcher treats any change there as another
    statement ("خرداد" and "مرداد" are one letter apart), by design.
    """
    words = text.split(" ")
    spots = [i for i, w in enumerate(words)
             if len(w) >= 5 and all(c in ALPHABET for c in w) and not any(map(is_fact, tokens(w)))]
    if not spots:
        return None
    i = rng.choice(spots)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    kind = rng.choice(["delete", "replace", "swap"])
    if kind == "delete":
        w = w[:j] + w[j + 1:]
    elif kind == "replace":
        w = w[:j] + rng.choice([c for c in ALPHABET if c != w[j]]) + w[j + 1:]
    else:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    words[i] = w
    return " ".join(words)


Variation = Callable[[random.Random, str], "str | None"]
NORMALISING: list[Variation] = [v_footer, v_hashtags, v_emoji, v_link, v_arabic_keyboard,
                                v_digits, v_zwnj]
EDITING: list[Variation] = [v_add_line, v_remove_line, v_typo]


def vary(rng: random.Random, text: str, near: bool) -> str:
    """A copy of ``text`` with one to three variations (editing ones only when ``near``)."""
    pool = NORMALISING + (EDITING if near else [])
    out = text
    for variation in rng.sample(pool, rng.randint(1, 3)):
        changed = variation(rng, out)
        if changed is not None:
            out = changed
    return out


# ----------------------------------------------------------------------------- pairs


def dev_posts(dev_texts: list[str], rng: random.Random) -> list[str]:
    """Posts of one to three dev texts, one per line, at least 3 words each."""
    texts = [" ".join(t.split()) for t in dev_texts]
    rng.shuffle(texts)
    posts: list[str] = []
    i = 0
    while i < len(texts):
        size = rng.choice([1, 2, 2, 3])
        post = "\n".join(texts[i:i + size])
        i += size
        if len(tokens(post)) >= 3:
            posts.append(post)
    return posts


def labelled_pairs(dev_texts: list[str], seed: int = SEED) -> list[Pair]:
    rng = random.Random(seed)
    pairs: list[Pair] = []
    posts = dev_posts(dev_texts, rng)

    for post in posts:  # positives from the dev set: two copies of each post
        near = len(tokens(post)) >= 8
        for _ in range(2):
            pairs.append(Pair(post, vary(rng, post, near), True, "dev copy"))

    for _ in range(len(posts)):  # negatives: two different dev posts (a copy-like variant)
        a, b = rng.sample(posts, 2)
        pairs.append(Pair(a, vary(rng, b, False), False, "other dev post"))

    multi = [p for p in posts if len(_lines(p)) >= 2]
    made = 0
    while made < 60:  # negatives: the same opening line (under half of each), then another text
        a, b = rng.sample(multi, 2)
        other = _lines(a)[0] + "\n" + "\n".join(_lines(b)[1:])
        opening = len(tokens(_lines(a)[0]))
        if 2 * opening < min(len(tokens(a)), len(tokens(other))):
            pairs.append(Pair(a, other, False, "same opening line"))
            made += 1

    for topic, template in TEMPLATES:  # template statements: copies and lookalikes
        for _ in range(3):
            values = _values(rng)
            statement = _fill(template, values)
            pairs.append(Pair(statement, vary(rng, statement, True), True, "template copy"))
        fields = [f for f in FIELDS if "{" + f + "}" in template]
        for _ in range(8):
            values = _values(rng)
            field = rng.choice(fields)
            other = dict(values)
            while normalise(other[field]) == normalise(values[field]) or (
                field == "w2" and other["w2"] == other["w"]
            ):
                other[field] = rng.choice(FIELDS[field])
            second = _fill(template, other)
            if rng.random() < 0.5:
                second = vary(rng, second, False)
            pairs.append(Pair(_fill(template, values), second, False, f"template, other {field}"))
        siblings = [t for top, t in TEMPLATES if top == topic and t != template]
        for _ in range(2):
            values = _values(rng)
            pairs.append(Pair(_fill(template, values), _fill(rng.choice(siblings), values),
                              False, "same topic, other statement"))
    return pairs
