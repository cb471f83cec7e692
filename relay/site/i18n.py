"""The site's few interface strings, in the languages campaigns publish in.

Unknown languages fall back to English. Dates are Gregorian, written in the page's language
(``12 May 2024``); the machine-readable form goes into ``<time datetime>``.
"""

from __future__ import annotations

from datetime import datetime

from relay.text.bidi import is_rtl_language

KEYS = (
    "continue", "older", "newer", "original", "source", "original_post", "telegram_post",
    "corrected", "deleted", "search", "archive", "sources", "months", "other_languages",
    "posted", "original_date", "feed", "search_needs_js", "page", "languages", "search_button",
)

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "continue": "Continue reading", "older": "Older posts", "newer": "Newer posts",
        "original": "Original (Farsi)", "source": "Source", "original_post": "Original post",
        "telegram_post": "On Telegram", "corrected": "Corrected on {date}",
        "deleted": "The original post was deleted by the source channel on {date}.",
        "search": "Search", "archive": "Archive", "sources": "Sources", "months": "Months",
        "other_languages": "Other languages", "posted": "Published {date}",
        "original_date": "Original posted {date}", "feed": "Atom feed",
        "search_needs_js": "Search needs JavaScript.", "page": "Page {n}",
        "languages": "Languages", "search_button": "Search",
    },
    "es": {
        "continue": "Seguir leyendo", "older": "Entradas anteriores", "newer": "Entradas recientes",
        "original": "Original (persa)", "source": "Fuente", "original_post": "Publicación original",
        "telegram_post": "En Telegram", "corrected": "Corregido el {date}",
        "deleted": "El canal de origen borró la publicación original el {date}.",
        "search": "Buscar", "archive": "Archivo", "sources": "Fuentes", "months": "Meses",
        "other_languages": "Otros idiomas", "posted": "Publicado el {date}",
        "original_date": "Original publicado el {date}", "feed": "Feed Atom",
        "search_needs_js": "La búsqueda necesita JavaScript.", "page": "Página {n}",
        "languages": "Idiomas", "search_button": "Buscar",
    },
    "pt": {
        "continue": "Continuar a ler", "older": "Publicações anteriores",
        "newer": "Publicações recentes", "original": "Original (persa)", "source": "Fonte",
        "original_post": "Publicação original", "telegram_post": "No Telegram",
        "corrected": "Corrigido em {date}",
        "deleted": "O canal de origem apagou a publicação original em {date}.",
        "search": "Pesquisar", "archive": "Arquivo", "sources": "Fontes", "months": "Meses",
        "other_languages": "Outras línguas", "posted": "Publicado em {date}",
        "original_date": "Original publicado em {date}", "feed": "Feed Atom",
        "search_needs_js": "A pesquisa precisa de JavaScript.", "page": "Página {n}",
        "languages": "Línguas", "search_button": "Pesquisar",
    },
    "nl": {
        "continue": "Verder lezen", "older": "Oudere berichten", "newer": "Nieuwere berichten",
        "original": "Origineel (Perzisch)", "source": "Bron", "original_post": "Origineel bericht",
        "telegram_post": "Op Telegram", "corrected": "Gecorrigeerd op {date}",
        "deleted": "Het oorspronkelijke bericht is op {date} door het bronkanaal verwijderd.",
        "search": "Zoeken", "archive": "Archief", "sources": "Bronnen", "months": "Maanden",
        "other_languages": "Andere talen", "posted": "Gepubliceerd op {date}",
        "original_date": "Origineel geplaatst op {date}", "feed": "Atom-feed",
        "search_needs_js": "Zoeken vereist JavaScript.", "page": "Pagina {n}",
        "languages": "Talen", "search_button": "Zoeken",
    },
    "fa": {
        "continue": "ادامهٔ مطلب", "older": "مطالب قدیمی‌تر", "newer": "مطالب جدیدتر",
        "original": "متن اصلی (فارسی)", "source": "منبع", "original_post": "پست اصلی",
        "telegram_post": "در تلگرام", "corrected": "اصلاح‌شده در {date}",
        "deleted": "پست اصلی در {date} توسط کانال منبع حذف شد.",
        "search": "جستجو", "archive": "بایگانی", "sources": "منابع", "months": "ماه‌ها",
        "other_languages": "زبان‌های دیگر", "posted": "منتشرشده در {date}",
        "original_date": "تاریخ پست اصلی: {date}", "feed": "خوراک Atom",
        "search_needs_js": "جستجو به جاوااسکریپت نیاز دارد.", "page": "صفحهٔ {n}",
        "languages": "زبان‌ها", "search_button": "جستجو",
    },
    "fr": {
        "continue": "Lire la suite", "older": "Articles plus anciens",
        "newer": "Articles plus récents", "original": "Original (persan)", "source": "Source",
        "original_post": "Message original", "telegram_post": "Sur Telegram",
        "corrected": "Corrigé le {date}",
        "deleted": "Le message original a été supprimé par la chaîne source le {date}.",
        "search": "Rechercher", "archive": "Archives", "sources": "Sources", "months": "Mois",
        "other_languages": "Autres langues", "posted": "Publié le {date}",
        "original_date": "Original publié le {date}", "feed": "Flux Atom",
        "search_needs_js": "La recherche nécessite JavaScript.", "page": "Page {n}",
        "languages": "Langues", "search_button": "Rechercher",
    },
    "de": {
        "continue": "Weiterlesen", "older": "Ältere Beiträge", "newer": "Neuere Beiträge",
        "original": "Original (Persisch)", "source": "Quelle", "original_post": "Originalbeitrag",
        "telegram_post": "Auf Telegram", "corrected": "Korrigiert am {date}",
        "deleted": "Der Originalbeitrag wurde am {date} vom Quellkanal gelöscht.",
        "search": "Suche", "archive": "Archiv", "sources": "Quellen", "months": "Monate",
        "other_languages": "Andere Sprachen", "posted": "Veröffentlicht am {date}",
        "original_date": "Original veröffentlicht am {date}", "feed": "Atom-Feed",
        "search_needs_js": "Die Suche benötigt JavaScript.", "page": "Seite {n}",
        "languages": "Sprachen", "search_button": "Suchen",
    },
    "ar": {
        "continue": "تابع القراءة", "older": "منشورات أقدم", "newer": "منشورات أحدث",
        "original": "النص الأصلي (بالفارسية)", "source": "المصدر", "original_post": "المنشور الأصلي",
        "telegram_post": "على تيليغرام", "corrected": "صُحّح في {date}",
        "deleted": "حذفت قناة المصدر المنشور الأصلي في {date}.",
        "search": "بحث", "archive": "الأرشيف", "sources": "المصادر", "months": "الأشهر",
        "other_languages": "لغات أخرى", "posted": "نُشر في {date}",
        "original_date": "نُشر الأصل في {date}", "feed": "موجز Atom",
        "search_needs_js": "يحتاج البحث إلى جافاسكربت.", "page": "الصفحة {n}",
        "languages": "اللغات", "search_button": "بحث",
    },
    "tr": {
        "continue": "Devamını oku", "older": "Daha eski yazılar", "newer": "Daha yeni yazılar",
        "original": "Orijinal (Farsça)", "source": "Kaynak", "original_post": "Orijinal gönderi",
        "telegram_post": "Telegram'da", "corrected": "{date} tarihinde düzeltildi",
        "deleted": "Orijinal gönderi {date} tarihinde kaynak kanal tarafından silindi.",
        "search": "Ara", "archive": "Arşiv", "sources": "Kaynaklar", "months": "Aylar",
        "other_languages": "Diğer diller", "posted": "Yayın tarihi: {date}",
        "original_date": "Orijinalin tarihi: {date}", "feed": "Atom beslemesi",
        "search_needs_js": "Arama için JavaScript gerekir.", "page": "Sayfa {n}",
        "languages": "Diller", "search_button": "Ara",
    },
}

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "fa": ("ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر",
           "اکتبر", "نوامبر", "دسامبر"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
           "أكتوبر", "نوفمبر", "ديسمبر"),
    "tr": ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
           "Ekim", "Kasım", "Aralık"),
}

NAMES = {
    "en": "English", "es": "Español", "pt": "Português", "nl": "Nederlands", "fa": "فارسی",
    "fr": "Français", "de": "Deutsch", "ar": "العربية", "tr": "Türkçe", "it": "Italiano",
    "ku": "Kurdî", "ru": "Русский",
}

_DATE_FORMATS = {"de": "{d}. {m} {y}", "es": "{d} de {m} de {y}", "pt": "{d} de {m} de {y}"}


def base_language(code: str) -> str:
    return code.lower().replace("_", "-").split("-")[0]


def strings(language: str) -> dict[str, str]:
    return STRINGS.get(base_language(language), STRINGS["en"])


def direction(language: str) -> str:
    return "rtl" if is_rtl_language(base_language(language)) else "ltr"


def format_date(value: datetime, language: str) -> str:
    lang = base_language(language)
    months = MONTHS.get(lang, MONTHS["en"])
    pattern = _DATE_FORMATS.get(lang, "{d} {m} {y}")
    return pattern.format(d=value.day, m=months[value.month - 1], y=value.year)


def format_month(key: str, language: str) -> str:
    """``2024-05`` -> ``May 2024`` in ``language``."""
    year, month = key.split("-")
    months = MONTHS.get(base_language(language), MONTHS["en"])
    name = months[int(month) - 1]
    return f"{name[:1].upper()}{name[1:]} {year}"


def language_name(code: str) -> str:
    return NAMES.get(base_language(code), code)
