"""What subscribers read besides the translation, in the outgoing channel's language. Pure.

Every text relay adds to an outgoing channel comes from here: the credit (the default
attribution template, for a post and for a forward), the note added when the source post is
deleted, and the label above a correction posted as a reply. Each has built-in wording for
:data:`LANGUAGES`, chosen by the target's language (English for any other); a target may
override each one in its config (``template``, ``forward_template``, ``deleted_note``,
``correction``).

Relay adds no split markers ("(1/3)", "continued"): the parts of a long translation follow each
other (or reply to each other) with nothing added, so there is nothing to translate there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from relay.config import Target
from relay.core.language import detect
from relay.text.template import DEFAULT_TEMPLATE, Field, Link, parse_template

__all__ = [
    "LANGUAGES",
    "Wording",
    "correction_header",
    "default_template",
    "deleted_note",
    "language_warnings",
    "target_language_warnings",
    "template_for",
    "wording",
]


@dataclass(frozen=True, slots=True)
class Wording:
    """One language's built-in texts. ``source`` is the credit line's link text around the
    channel's name field, ``via`` the words that name the forwarding channel."""

    source_label: str
    channel_of: str  # holds "{name}"
    translation_label: str
    via: str  # holds "{via}"
    deleted: str  # holds "{date}"
    correction: str
    also: str  # holds "{names}": the other sources carrying the same statement (issue 11)

    @property
    def list_separator(self) -> str:
        """Between names in a list: the Arabic comma in an Arabic-script language."""
        return "، " if "،" in self.via else ", "


_WORDING: dict[str, Wording] = {
    "en": Wording("Source: ", "Telegram channel of {name}", "Translation: ", ", via {via}",
                  "[The original post was deleted by the source channel on {date}.]",
                  "Correction:", "Also published by {names}"),
    "es": Wording("Fuente: ", "canal de Telegram de {name}", "Traducción: ", ", vía {via}",
                  "[La publicación original fue eliminada por el canal de origen el {date}.]",
                  "Corrección:", "También publicado por {names}"),
    "pt": Wording("Fonte: ", "canal do Telegram de {name}", "Tradução: ", ", via {via}",
                  "[A publicação original foi apagada pelo canal de origem em {date}.]",
                  "Correção:", "Também publicado por {names}"),
    "nl": Wording("Bron: ", "Telegramkanaal van {name}", "Vertaling: ", ", via {via}",
                  "[Het oorspronkelijke bericht is op {date} door het bronkanaal verwijderd.]",
                  "Correctie:", "Ook gepubliceerd door {names}"),
    "fa": Wording("منبع: ", "کانال تلگرام {name}", "ترجمه: ", "، از طریق {via}",
                  "[پست اصلی در تاریخ {date} توسط کانال منبع حذف شد.]",
                  "اصلاحیه:", "همچنین منتشرشده توسط {names}"),
    "fr": Wording("Source : ", "chaîne Telegram de {name}", "Traduction : ", ", via {via}",
                  "[La publication originale a été supprimée par la chaîne source le {date}.]",
                  "Correction :", "Également publié par {names}"),
    "de": Wording("Quelle: ", "Telegram-Kanal von {name}", "Übersetzung: ", ", über {via}",
                  "[Der ursprüngliche Beitrag wurde am {date} vom Quellkanal gelöscht.]",
                  "Korrektur:", "Auch veröffentlicht von {names}"),
    "ar": Wording("المصدر: ", "قناة تيليغرام {name}", "الترجمة: ", "، عبر {via}",
                  "[حذفت القناة المصدر المنشور الأصلي بتاريخ {date}.]",
                  "تصحيح:", "نُشر أيضًا من قِبل {names}"),
    "tr": Wording("Kaynak: ", "{name} Telegram kanalı", "Çeviri: ", ", {via} aracılığıyla",
                  "[Asıl gönderi {date} tarihinde kaynak kanal tarafından silindi.]",
                  "Düzeltme:", "{names} tarafından da yayımlandı"),
}
#: Languages with built-in wording; any other target language gets English.
LANGUAGES = tuple(_WORDING)


def wording(language: str) -> Wording:
    """The built-in wording for ``language`` (a code such as ``es`` or ``pt-BR``)."""
    base = language.strip().lower().replace("_", "-").split("-", 1)[0]
    return _WORDING.get(base, _WORDING["en"])


def default_template(language: str, *, forwarded: bool = False, several: bool = False) -> str:
    """The built-in attribution template for ``language``.

    ``several``: other sources carry the same statement (issue 11): the earliest is credited,
    and a last line names the others ("Also published by {also_names}").

    A forward credits the channel that wrote the post (``{origin_name}``, linked to the
    original post when it is public) and names the channel that forwarded it (``{via_name}``,
    linked to the forward). For English and a post that is no forward this is
    :data:`DEFAULT_TEMPLATE`.
    """
    w = wording(language)
    if forwarded:
        credit = f"[{w.channel_of.format(name='{origin_name}')}]({{origin_link}})"
        credit += w.via.format(via="[{via_name}]({source_link})")
    else:
        credit = f"[{w.channel_of.format(name='{source_name}')}]({{source_link}})"
    also = "\n" + w.also.format(names="{also_names}") if several else ""
    return f"{{translation}}\n\n{w.source_label}{credit}\n{w.translation_label}{{credit}}{also}"


def template_for(template: str, language: str, *, forwarded: bool,
                 forward_template: str | None = None, several: bool = False) -> str:
    """The template a post is rendered with.

    ``template`` and ``forward_template`` are the target's configured ones. A target that
    kept the default template gets the built-in one of its language (for a forward: the
    forward form; for a statement other sources carry too, the form naming them); a forward
    uses ``forward_template`` when given, else ``template``.
    """
    if forwarded and forward_template:
        return forward_template
    if template == DEFAULT_TEMPLATE:
        return default_template(language, forwarded=forwarded, several=several)
    return template


def deleted_note(language: str, date: str, override: str | None = None) -> str:
    """The note posted under a translation whose source post was deleted on ``date``."""
    return (override or wording(language).deleted).replace("{date}", date)


def correction_header(language: str, override: str | None = None) -> str:
    """What opens a correction posted as a reply (followed by a blank line)."""
    return f"{override or wording(language).correction}\n\n"


# --- relay check: wording in another language than the target's ---------------------------

#: A text is reported only when the detection is at least this sure and it has enough words
#: (one-word labels such as "Correction:" are the same in several languages).
_WARN_CONFIDENCE = 0.9
_WARN_MIN_WORDS = 3


def literal_text(template: str) -> str:
    """The words a template shows itself: its literal text and link labels, without fields."""
    parsed = parse_template(template)
    out: list[str] = []
    for part in (*parsed.head, *parsed.tail):
        pieces = part.label if isinstance(part, Link) else (part,)
        out.extend(p for p in pieces if not isinstance(p, Field))
    return " ".join(out)


def language_warnings(key: str, language: str, texts: dict[str, str]) -> list[str]:
    """One line per configured text (``template``, ``forward_template``, ``deleted_note``,
    ``correction``; values already as the target gives them) written in another language than
    the target's ``language``."""
    warnings = []
    target_lang = language.strip().lower().split("-", 1)[0]
    for name, text in texts.items():
        literal = literal_text(text) if name.endswith("template") else text.replace("{date}", "")
        detection = detect(literal)
        if (len(literal.split()) >= _WARN_MIN_WORDS and detection.lang not in (target_lang, "und")
                and detection.confidence >= _WARN_CONFIDENCE):
            warnings.append(f"targets {key}: {name} looks {detection.lang}, not {target_lang} "
                            "(the target's language)")
    return warnings


def target_language_warnings(targets: Iterable[Target]) -> list[str]:
    """:func:`language_warnings` for every target's own wording (a target that keeps the
    default template has the built-in wording of its language)."""
    warnings = []
    for target in targets:
        texts = {name: value for name, value in (
            ("template", None if target.template == DEFAULT_TEMPLATE else target.template),
            ("forward_template", target.forward_template),
            ("deleted_note", target.deleted_note),
            ("correction", target.correction)) if value}
        warnings += language_warnings(target.key, target.language, texts)
    return warnings
