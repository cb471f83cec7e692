"""Sample posts and configuration for `relay demo`, written for the demo (not real posts)."""

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
FARSI_DELETED = "اطلاعیه: جلسه مجمع عمومی سندیکا به هفته آینده موکول شد."

DEMO_CONFIG = """\
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

[[sources]]
channel = "@vahed_syndicate_demo"
name = "Syndicate of Workers of Tehran and Suburbs Vahed Bus Company"

[[sources]]
channel = "@haft_tappeh_union_demo"
name = "Haft Tappeh Sugar Cane Company Workers' Union"
languages = ["fa"]

[[sources]]
channel = "@oil_contract_council_demo"
name = "Organising Council of Oil Contract Workers' Protests"

[[sources]]
channel = "@no_such_channel_demo"
name = "A source with a typo in its username"

[[targets]]
key = "en"
channel = "@worker_news_en_demo"
language = "en"
credit = "Shahrokh Zamani Action Campaign"

[[targets]]
key = "es"
channel = "@worker_news_es_demo"
language = "es"
credit = "Campaña Shahrokh Zamani"

[[people]]
id = 5001
name = "Sara (translator)"
roles = ["translator"]

[[people]]
id = 5002
name = "Reza (editor)"
roles = ["editor"]
language = "fa"
"""

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
