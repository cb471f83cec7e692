"""Sample posts and configuration for `relay demo`, written for the demo (not real posts).

The demo's sources, targets and people are declared in :mod:`relay.telegram.sim.cast`.
"""

from relay.telegram.sim.cast import DEMO_PEOPLE, DEMO_SOURCES, DEMO_TARGETS, config_toml

FARSI_STRIKE = (
    "رانندگان شرکت واحد اتوبوسرانی تهران و حومه امروز در اعتراض به پرداخت نشدن حقوق سه ماه "
    "گذشته دست به اعتصاب زدند. سندیکا خواستار آزادی فوری همکاران بازداشت‌شده است."
)
FARSI_STRIKE_EDITED = FARSI_STRIKE + " تجمع فردا ساعت ۱۰ صبح مقابل ساختمان مرکزی برگزار می‌شود."
ENGLISH_SOLIDARITY = (
    "Solidarity statement: transport workers' unions in Europe stand with the striking bus "
    "drivers of Tehran and demand the release of their arrested colleagues."
)
ARABIC_NEWS = "أعلن عمال شركة النفط في الأهواز الإضراب عن العمل احتجاجاً على تأخر الأجور."
SORANI_NEWS = "کرێکارانی کارگەی شەکری هەفت تەپە دەستیان بە مانگرتن کرد بۆ وەرگرتنی مووچەکانیان."
FARSI_ALBUM = "تجمع کارگران نیشکر هفت تپه مقابل فرمانداری شوش در روز چهارم اعتصاب"
FARSI_HASHTAGS = (
    "#اعتصاب کارگران پیمانی نفت در عسلویه وارد روز دهم شد. #oil_strike "
    "https://t.me/oil_contract_council_demo"
)
#: The syndicate repeats its call from its own channel, with a reminder line on top:
#: new work (a channel posting a text again is a new post), but the same statement as job 1,
#: whose approved translation the card offers as a start (translation memory, issue 14).
FARSI_STRIKE_REPEATED = "یادآوری سندیکا\n" + FARSI_STRIKE_EDITED
FARSI_DELETED = "اطلاعیه: جلسه مجمع عمومی سندیکا به هفته آینده موکول شد."

_DEMO_CONFIG_HEAD = """\
# Written by `relay demo`: the configuration the demo ran with (Telegram simulated).
[storage]
data_dir = "{data}"

[watcher]
catch_up_seconds = 3600
first_catch_up_posts = 50

[review]
chat = {review_chat}
claim_minutes = 60
four_eyes = true

"""
DEMO_CONFIG = _DEMO_CONFIG_HEAD + config_toml(DEMO_SOURCES, DEMO_TARGETS, DEMO_PEOPLE,
                                              format_safe=True)

TRANSLATION_STRIKE = (
    "Drivers of the Vahed bus company of Tehran and suburbs went on strike today in protest at "
    "three months of unpaid wages. The syndicate demands the immediate release of its arrested "
    "colleagues."
)
TRANSLATION_STRIKE_ES = (
    "Los conductores de la empresa de autobuses Vahed de Teherán y alrededores se declararon hoy "
    "en huelga en protesta por tres meses de salarios impagos. El sindicato exige la liberación "
    "inmediata de sus compañeros detenidos."
)
TRANSLATION_ALBUM_FIRST = "Sugar cane workers rally in front of the governor's office."
TRANSLATION_ALBUM = (
    "Haft Tappeh sugar cane workers rally in front of the Shush governorate on the fourth day "
    "of their strike."
)
REJECTION = "Say where and which day of the strike, as the original does."
TRANSLATION_STRIKE_CORRECTED = TRANSLATION_STRIKE + (
    " A rally will be held tomorrow at 10 am in front of the head office."
)
