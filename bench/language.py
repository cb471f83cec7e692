"""Benchmark relay.core.language on the labelled language-ID dev set.

    python bench/language.py [--data PATH] [--repeat N] [--show N]

Prints per-language precision and recall, Farsi F1 (fa + mixed-fa against everything else),
how many Sorani texts came out as Farsi, how each text was decided, and the median and p95
detection time per message; then the same figures with each text posted in a channel of its
own language (relay.core.language_context: short posts decided by their channel), PASS/FAIL
per floor, and, for information, texts posted in a channel of the wrong language. Exits 1 if
a floor is missed.

The dev set is licensed for measurement only: it is read from the shared folder at run time
($RELAY_LANGID_DEV, else shared/langid/dev.jsonl in an ancestor of this file or of the current
directory) and never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

try:
    from relay.core.language import DEFAULT_CONFIDENCE, RULE_CONFIDENCE, detect, warm_up
    from relay.core.language_context import detect_in_context
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from relay.core.language import DEFAULT_CONFIDENCE, RULE_CONFIDENCE, detect, warm_up
    from relay.core.language_context import detect_in_context
from devset import find_dev_set  # noqa: E402 - bench/ sits first on sys.path

FARSI_F1_FLOOR = 0.98
MEDIAN_MS_FLOOR = 0.2
#: Issue 11 floors: without context no worse than before it; with each text in a channel of
#: its own language, Farsi F1 overall and on texts of at most SHORT_CHARS characters.
NO_CONTEXT_F1_FLOOR = 0.9888
CONTEXT_F1_FLOOR = 0.99
CONTEXT_SHORT_F1_FLOOR = 0.97
SHORT_CHARS = 20


def farsi_f1(gold: list[str], pred: list[str]) -> tuple[float, int, int, int]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == "fa" and p == "fa")
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != "fa" and p == "fa")
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == "fa" and p != "fa")
    return (2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0), tp, fp, fn


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def context_report(texts: list[str], gold: list[str], pred: list[str], show: int) -> list[str]:
    """Print the with/without-context figures and return the missed floors."""
    in_own = [detect_in_context(t, g) for t, g in zip(texts, gold, strict=True)]
    ctx_pred = [d.lang for d in in_own]
    short = [i for i, t in enumerate(texts) if len(t) <= SHORT_CHARS]
    failures = []
    print(f"\nshort posts decided by their channel (each text in a channel of its own language;"
          f" short: <= {SHORT_CHARS} characters, {len(short)} texts)")
    print(f"  {'':<16} {'Farsi F1':>8} {'short F1':>8} {'tp':>4} {'fp':>3} {'fn':>3}"
          f" {'ur/ckb->fa':>10}")
    rows = (("without context", pred), ("with context", ctx_pred))
    figures = {}
    for name, p in rows:
        f1, tp, fp, fn = farsi_f1(gold, p)
        sf1 = farsi_f1([gold[i] for i in short], [p[i] for i in short])[0]
        minority = sum(1 for g, q in zip(gold, p, strict=True) if g in ("ur", "ckb") and q == "fa")
        figures[name] = (f1, sf1, minority)
        print(f"  {name:<16} {f1:>8.4f} {sf1:>8.4f} {tp:>4} {fp:>3} {fn:>3} {minority:>10}")
    decided = Counter(d.reason for d in in_own)
    print("  decided by: " + ", ".join(f"{k} {v}" for k, v in sorted(decided.items())))
    f1, sf1, minority = figures["with context"]
    floors = (
        (f"Farsi F1 without context >= {NO_CONTEXT_F1_FLOOR}",
         figures["without context"][0] >= NO_CONTEXT_F1_FLOOR),
        (f"Farsi F1 with context >= {CONTEXT_F1_FLOOR}", f1 >= CONTEXT_F1_FLOOR),
        (f"Farsi F1 with context, <= {SHORT_CHARS} chars >= {CONTEXT_SHORT_F1_FLOOR}",
         sf1 >= CONTEXT_SHORT_F1_FLOOR),
        ("no Urdu or Sorani text called Farsi in its own channel", minority == 0),
    )
    for name, ok in floors:
        print(f"  {verdict(ok)}  {name}")
        if not ok:
            failures.append(name)
    # For information: what a channel of the wrong language does to a text.
    fa_in = [detect_in_context(t, "fa").lang for t, g in zip(texts, gold, strict=True)
             if g != "fa"]
    others = [(g, detect_in_context(t, "ar").lang) for t, g in zip(texts, gold, strict=True)
              if g == "fa"]
    print(f"  (info) other texts in a Farsi channel called Farsi: {fa_in.count('fa')}"
          f" of {len(fa_in)} (without context: {sum(1 for g, q in zip(gold, pred, strict=True) if g != 'fa' and q == 'fa')})")
    print(f"  (info) Farsi texts in an Arabic channel called Arabic: "
          f"{sum(1 for _, q in others if q == 'ar')} of {len(others)}")
    wrong = [(g, d, t) for g, d, t in zip(gold, in_own, texts, strict=True) if d.lang != g]
    if wrong and show:
        print(f"  misclassified with context ({len(wrong)})")
        for g, d, t in wrong[:show]:
            snippet = " ".join(t.split())
            snippet = snippet if len(snippet) <= 70 else snippet[:67] + "..."
            print(f"    {g:>4} -> {d.lang:<4} {d.reason:<7} {snippet}")
    return failures


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def how_decided(lang: str, confidence: float) -> str:
    if lang == "und":
        return "und"
    if confidence == RULE_CONFIDENCE:
        return "letter/word rule"
    if confidence == DEFAULT_CONFIDENCE:
        return "short-ASCII default"
    return "langdetect"


def pct(q: float, values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="path to dev.jsonl")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (default 5)")
    parser.add_argument("--show", type=int, default=30, help="misclassified texts to print")
    args = parser.parse_args()

    path = find_dev_set(args.data)
    rows = load(path)
    texts = [r["text"] for r in rows]
    labels = [r["lang"] for r in rows]
    gold = ["fa" if lang == "mixed-fa" else lang for lang in labels]
    print(f"dev set: {path} ({len(rows)} texts)")
    print("labels: " + ", ".join(f"{k} {v}" for k, v in Counter(labels).most_common()))

    # Timing: load profiles, warm up on every text, then time each call.
    warm_up()
    for text in texts:
        detect(text)
    times: list[float] = []
    for _ in range(max(1, args.repeat)):
        for text in texts:
            start = time.perf_counter()
            detect(text)
            times.append((time.perf_counter() - start) * 1000)

    results = [detect(text) for text in texts]
    pred = [d.lang for d in results]

    print("\nper language (mixed-fa counted as fa)")
    print(f"  {'lang':<6} {'support':>7} {'predicted':>9} {'precision':>9} {'recall':>7} {'F1':>6}")
    langs = sorted(set(gold) | set(pred), key=lambda x: (-gold.count(x), x))
    for lang in langs:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lang and p == lang)
        support = gold.count(lang)
        predicted = pred.count(lang)
        precision = tp / predicted if predicted else float("nan")
        recall = tp / support if support else float("nan")
        f1 = 2 * tp / (support + predicted) if support + predicted else float("nan")
        print(
            f"  {lang:<6} {support:>7} {predicted:>9} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f}"
        )

    print("\naccuracy per dev label")
    for label, n in Counter(labels).most_common():
        want = "fa" if label == "mixed-fa" else label
        ok = sum(1 for lab, p in zip(labels, pred, strict=True) if lab == label and p == want)
        print(f"  {label:<9} {ok:>4}/{n:<4} {ok / n:.3f}")

    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == "fa" and p == "fa")
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != "fa" and p == "fa")
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == "fa" and p != "fa")
    farsi_f1 = 2 * tp / (2 * tp + fp + fn)
    ckb_as_fa = sum(1 for g, p in zip(gold, pred, strict=True) if g == "ckb" and p == "fa")
    overall = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold)
    median = statistics.median(times)
    p95 = pct(0.95, times)

    print("\nhow decided")
    for way, n in Counter(how_decided(d.lang, d.confidence) for d in results).most_common():
        print(f"  {way:<20} {n:>4}")

    print("\nsummary")
    print(f"  overall accuracy      {overall:.4f}")
    print(f"  Farsi F1              {farsi_f1:.4f}  (tp {tp}, fp {fp}, fn {fn})")
    print(f"  Sorani -> Farsi       {ckb_as_fa}")
    print(f"  median ms / message   {median:.4f}")
    print(f"  p95 ms / message      {p95:.4f}")
    print(f"  max ms / message      {max(times):.4f}  ({len(times)} timed calls)")

    wrong = [
        (lab, d, text)
        for lab, g, d, text in zip(labels, gold, results, texts, strict=True)
        if d.lang != g
    ]
    if wrong and args.show:
        print(f"\nmisclassified ({len(wrong)})")
        for lab, d, text in wrong[: args.show]:
            snippet = " ".join(text.split())
            snippet = snippet if len(snippet) <= 80 else snippet[:77] + "..."
            print(f"  {lab:>8} -> {d.lang:<4} {d.confidence:.3f}  {snippet}")

    failures = []
    if farsi_f1 < FARSI_F1_FLOOR:
        failures.append(f"Farsi F1 {farsi_f1:.4f} < {FARSI_F1_FLOOR}")
    if ckb_as_fa:
        failures.append(f"{ckb_as_fa} Sorani texts detected as Farsi")
    if median > MEDIAN_MS_FLOOR:
        failures.append(f"median {median:.4f} ms > {MEDIAN_MS_FLOOR} ms")
    failures += context_report(texts, gold, pred, args.show)
    print("\nfloors: " + ("OK" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
