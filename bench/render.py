"""Benchmark rendering and splitting (relay.text.render.render_parts).

    python bench/render.py [--count N] [--seed S] [--repeat R]

Builds N synthetic translations (default 10,000; fixed seed): 60 % short (100-800 chars),
30 % medium (1-3k), 10 % long (~10k); a third carry entities (bold, italic, links), a quarter
mix in Farsi names and emoji (surrogate pairs, ZWJ sequences), some arrive with stray control
characters; a fifth go out as a media caption, a tenth in Farsi. Each is rendered with the
default template and split into Telegram-sized parts. Prints messages per second (best of
R runs) and the total number of parts. Exits 1 if the floor is missed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime
from pathlib import Path

try:
    from relay.text.formatting import Entity, FormattedText, utf16_len
    from relay.text.render import DEFAULT_TEMPLATE, RenderContext, render_parts
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from relay.text.formatting import Entity, FormattedText, utf16_len
    from relay.text.render import DEFAULT_TEMPLATE, RenderContext, render_parts

FLOOR = 5_000  # messages per second

ENGLISH = [
    "workers",
    "strike",
    "wages",
    "unpaid",
    "months",
    "Haft",
    "Tappeh",
    "sugar",
    "cane",
    "company",
    "Khuzestan",
    "gathered",
    "front",
    "of",
    "the",
    "governor's",
    "office",
    "demand",
    "return",
    "dismissed",
    "colleagues",
    "union",
    "syndicate",
    "arrested",
    "released",
    "bail",
    "court",
    "hearing",
    "bus",
    "drivers",
    "Vahed",
    "Tehran",
    "teachers",
    "pensioners",
    "oil",
    "contract",
    "workers",
    "protest",
    "solidarity",
    "statement",
    "today",
    "yesterday",
    "morning",
]
FARSI = [
    "کارگران",
    "هفت",
    "تپه",
    "اعتصاب",
    "دستمزد",
    "سندیکای",
    "واحد",
    "بازداشت",
    "علی",
    "نجاتی",
    "رضا",
    "شهابی",
    "می\u200cروند",
]
EMOJI = ["✊", "😀", "📢", "🔴", "👨\u200d👩\u200d👧", "🇮🇷", "👍🏽"]
SOURCES = [
    "Syndicate of Workers of Haft Tappeh Sugar Cane Company",
    "Syndicate of Workers of Tehran and Suburbs Vahed Bus Company",
    "Organising Council of Oil Contract Workers' Protests",
    "سندیکای کارگران شرکت نیشکر هفت تپه",
]


def _sentence(rng: random.Random, mixed: bool) -> str:
    words = [rng.choice(ENGLISH) for _ in range(rng.randint(6, 18))]
    if mixed:
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words)), rng.choice(FARSI + EMOJI))
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "!", "?"])


def _translation(
    rng: random.Random, target: int, mixed: bool, with_entities: bool
) -> FormattedText:
    paragraphs: list[str] = []
    size = 0
    while size < target:
        para = " ".join(_sentence(rng, mixed) for _ in range(rng.randint(1, 6)))
        paragraphs.append(para)
        size += len(para) + 2
    text = "\n\n".join(paragraphs)
    if rng.random() < 0.1:
        text = "\u200f" + text.replace(" ", " \u200b", 3)
    entities = []
    if with_entities:
        pos = 0
        for para in paragraphs:
            length = utf16_len(para)
            if rng.random() < 0.4:
                entities.append(Entity(rng.choice(["bold", "italic"]), pos, min(length, 40)))
            elif rng.random() < 0.2:
                entities.append(Entity("text_url", pos, min(length, 25), url="https://t.me/c/1/2"))
            pos += length + 2
        entities = [e for e in entities if e.end <= utf16_len(text)]
    return FormattedText(text, tuple(entities))


def build(count: int, seed: int) -> list[tuple[RenderContext, bool]]:
    rng = random.Random(seed)
    jobs = []
    for i in range(count):
        roll = rng.random()
        target = (
            rng.randint(100, 800)
            if roll < 0.6
            else rng.randint(1000, 3000)
            if roll < 0.9
            else 10_000
        )
        ctx = RenderContext(
            translation=_translation(
                rng, target, mixed=rng.random() < 0.25, with_entities=rng.random() < 0.33
            ),
            source_name=rng.choice(SOURCES),
            source_link=f"https://t.me/source_channel/{i}",
            date=datetime(2024, 5, 1),
            translator="Volunteer",
            credit="Shahrokh Zamani Action Campaign",
            language="fa" if rng.random() < 0.1 else rng.choice(["en", "en", "es", "pt", "nl"]),
        )
        jobs.append((ctx, rng.random() < 0.2))
    return jobs


def run(jobs: list[tuple[RenderContext, bool]]) -> tuple[float, float, int]:
    """Wall time, CPU time and number of parts for rendering all jobs."""
    wall, cpu = time.perf_counter(), time.process_time()
    parts = 0
    for ctx, caption in jobs:
        parts += len(render_parts(DEFAULT_TEMPLATE, ctx, caption=caption))
    return time.perf_counter() - wall, time.process_time() - cpu, parts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    jobs = build(args.count, args.seed)
    chars = sum(len(ctx.translation.text) for ctx, _ in jobs)
    run(jobs[:50])  # warm up: builds the bidi character tables once
    results = [run(jobs) for _ in range(args.repeat)]
    wall, cpu, parts = min(results)
    rate = len(jobs) / wall
    print(f"messages:        {len(jobs):,} ({chars / 1e6:.1f} M characters)")
    print(f"parts:           {parts:,}")
    print(f"time (best of {args.repeat}): {wall:.3f} s wall, {cpu:.3f} s CPU")
    print(f"messages/second: {rate:,.0f}  (floor {FLOOR:,}; {len(jobs) / cpu:,.0f} per CPU second)")
    if rate < FLOOR:
        print("FLOOR MISSED", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
