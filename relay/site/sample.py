"""Deterministic synthetic publications: for the tests, the benchmark and trying templates.

:class:`SyntheticSource` makes publication ``id`` on demand from the id alone, so a source of
100,000 publications costs no memory. Statement ``s`` is published in every target, as ids
``s * len(targets) + k``, one minute after statement ``s - 1``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from relay.site.records import Correction, MediaFile, SitePublication, Version
from relay.text.formatting import Entity, FormattedText, utf16_len
from relay.text.links import post_link

START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)

SOURCES = (
    ("Khuzestan Vanguard Socialist Workers' Cell", "hasteh_khuzestan", -1001000000001),
    ("Syndicate of Workers of Tehran and Suburbs Vahed Bus Company", "vahed_syndicate", -1001000000002),
    ("Organising Council of Oil Contract Workers' Protests", "oil_contract_council", -1001000000003),
    ("Haft Tappeh Sugar-Cane Workers' Union", "haft_tappeh_union", -1001000000004),
    ("Coordination Council of Teachers' Trade Associations", None, -1001000000005),
    ("Retirees' Council of Iran", "retirees_council", -1001000000006),
)

WORDS = {
    "en": ("workers", "strike", "wages", "factory", "union", "arrest", "solidarity", "protest",
           "contract", "pension", "teachers", "drivers"),
    "es": ("trabajadores", "huelga", "salarios", "fábrica", "sindicato", "detención",
           "solidaridad", "protesta", "contrato", "pensión", "docentes", "conductores"),
    "pt": ("trabalhadores", "greve", "salários", "fábrica", "sindicato", "prisão",
           "solidariedade", "protesto", "contrato", "pensão", "professores", "motoristas"),
    "nl": ("arbeiders", "staking", "lonen", "fabriek", "vakbond", "arrestatie", "solidariteit",
           "protest", "contract", "pensioen", "leraren", "chauffeurs"),
    "fa": ("کارگران", "اعتصاب", "دستمزد", "کارخانه", "سندیکا", "بازداشت", "همبستگی", "اعتراض",
           "قرارداد", "مستمری", "معلمان", "رانندگان"),
}
CREDIT = {
    "en": "Source: Telegram channel of {name}\nTranslation: Shahrokh Zamani Action Campaign",
    "es": "Fuente: canal de Telegram de {name}\nTraducción: Campaña Shahrokh Zamani",
    "pt": "Fonte: canal de Telegram de {name}\nTradução: Campanha Shahrokh Zamani",
    "nl": "Bron: Telegramkanaal van {name}\nVertaling: Shahrokh Zamani-campagne",
    "fa": "منبع: کانال تلگرام {name}\nترجمه: کارزار شاهرخ زمانی",
}


def _sentence(lang: str, seed: int, length: int) -> str:
    words = WORDS.get(lang, WORDS["en"])
    out = [words[(seed * 7 + i * 5 + i * i) % len(words)] for i in range(length)]
    return " ".join(out).capitalize() + "."


def make_publication(pub_id: int, targets: Sequence[str], *, media_dir: str | None = None) -> SitePublication:
    """Publication ``pub_id`` of the synthetic archive (see the module docstring)."""
    count = len(targets)
    statement, k = divmod(pub_id, count)
    target = targets[k]
    lang = target.split("-")[0]
    name, username, channel = SOURCES[statement % len(SOURCES)]
    headline = _sentence(lang, statement, 6)[:-1]
    para1 = " ".join(_sentence(lang, statement + j, 12 + j % 5) for j in range(3))
    para2 = " ".join(_sentence(lang, statement * 3 + j, 9) for j in range(2))
    text = f"{headline}\n\n{para1}\n\n{para2} #{WORDS.get(lang, WORDS['en'])[statement % 12]}"
    start = utf16_len(headline) + 2
    entities = (
        Entity("bold", 0, utf16_len(headline)),
        Entity("italic", start, utf16_len(para1.split(".")[0])),
        Entity("text_url", start + utf16_len(para1) + 2, 5, url="https://example.org/report"),
    )
    credit_text = CREDIT.get(lang, CREDIT["en"]).format(name=name)
    original_text = "\n\n".join(_sentence("fa", statement + j, 14) for j in range(3))
    message_id = 1000 + statement
    published = START + timedelta(minutes=statement)
    corrections: tuple[Correction, ...] = ()
    if statement % 50 == 7:
        corrections = (Correction(published + timedelta(hours=3), ""),)
    deleted = published + timedelta(days=2) if statement % 97 == 5 else None
    media: tuple[MediaFile, ...] = ()
    if media_dir and statement % 10 == 0:
        media = (MediaFile(path=Path(media_dir) / f"{statement}.jpg"),)
    return SitePublication(
        id=pub_id,
        target=target,
        language=lang,
        translation=FormattedText(text, entities),
        source_name=name,
        source_username=username,
        source_channel_id=channel,
        original_message_id=message_id,
        original_link=post_link(username, channel, message_id),
        original_date=published - timedelta(minutes=20),
        published_at=published,
        credit=FormattedText(credit_text, ()),
        telegram_link=f"https://t.me/relay_{lang}/{5000 + statement}",
        original=FormattedText(original_text),
        corrected_at=corrections[-1].at if corrections else None,
        corrections=corrections,
        source_deleted_at=deleted,
        media=media,
        versions=tuple(
            Version(statement * count + j, targets[j], targets[j].split("-")[0])
            for j in range(count) if j != k
        ),
    )


@dataclass
class SyntheticSource:
    """``count`` publications over ``targets``, made on demand."""

    count: int
    targets: tuple[str, ...] = ("en", "es", "pt", "nl")
    media_dir: str | None = None

    def iter_all(self) -> Iterator[SitePublication]:
        for pub_id in range(self.count):
            yield make_publication(pub_id, self.targets, media_dir=self.media_dir)

    def get_many(self, ids: Sequence[int]) -> list[SitePublication]:
        return [
            make_publication(i, self.targets, media_dir=self.media_dir)
            for i in ids if 0 <= i < self.count
        ]
