"""Regenerate the bundled sample dataset for the ``files`` source.

    python examples/sample/generate.py           # writes videos.jsonl, comments.jsonl,
                                                 # expected_domains.txt next to this file
    python examples/sample/generate.py --check   # also checks every label with tldextract

Deterministic: same output on every run. The comments are written by hand; only the filler
chatter of the two big videos is drawn (with a fixed seed) from hand-written pools. Every
comment carries the registrable domains a correct extractor should find in it (the ``c()``
calls below); ``expected_domains.txt`` is the union over the first 200 comments, in file
order, of each promoted video.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261129
PAGE_SIZE = 100
MAX_PAGES = 2
DISCLOSURES = {"ad", "sponsored", "paidpartnership", "anzeige", "werbung", "publicidad", "publi"}


def c(text: str, *domains: str) -> tuple[str, tuple[str, ...]]:
    """A comment and the registrable domains it mentions."""
    return text, domains


def ts(day: int, hour: int, minute: int = 0) -> int:
    return int(dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC).timestamp())


# ---------------------------------------------------------------------------------------------
# Big video 1 (promoted, > 200 comments): hand-written domain comments at fixed positions,
# chatter in between, and domains that only occur after comment 200 (must not be harvested).
# ---------------------------------------------------------------------------------------------

BIG1_DOMAIN_COMMENTS = [
    c("sephora.com has it rn", "sephora.com"),
    c("Ulta.com too! 20% off this week", "ulta.com"),
    c("https://www.amazon.com/dp/B0C7XJ2K9M?tag=glowmaya-20&ref=glowdeals.net", "amazon.com"),
    c("cheaper at dermstore.com!!", "dermstore.com"),
    c("got the dupe from [lookfantastic.com] tbh", "lookfantastic.com"),
    c("collabs: hello@mayaglow-studio.com 💌"),
    c("her link: https://linktr.ee/glowwithmaya?src=instagram.com", "linktr.ee"),
    c("is it on glowlab.myshopify.com too?", "glowlab.myshopify.com"),
    c("👉cultbeauty.co.uk👈 ships to the EU", "cultbeauty.co.uk"),
    c("ordered via amzn.to/3Kx9Lp2 lol", "amzn.to"),
    c("SEPHORA.COM sold out already 😭", "sephora.com"),
    c("lo encontré en sephora.es 💕", "sephora.es"),
    c("YesStyle has the korean one: yesstyle(dot)com", "yesstyle.com"),
    c("beli di sociolla[.]com kak, lagi promo", "sociolla.com"),
    c("mine came from notino(.)de 🇩🇪", "notino.de"),
    c("hab's bei douglas . de bestellt, kam nach 2 Tagen", "douglas.de"),
    c("@jake.tv did a review on this last week"),
    c("check stylevana dot com for the original", "stylevana.com"),
    c("a*******@******** pls send me the link"),
    c("is it on iherb[dot]com?", "iherb.com"),
    c("«lookfantastic.com» had 25% off yesterday", "lookfantastic.com"),
    c("https://xn--mller-kva.de/p/serum-30ml-123 🇩🇪 günstiger", "müller.de"),
    c("maya-picks.github.io has all her links btw", "maya-picks.github.io"),
    c("v2.0 of the formula is better than v1.5 imo"),
    c("Watch at 1.5x speed, trust me 😂"),
    c("comprei na 'sephora.com.br' com cupom", "sephora.com.br"),
    c("my dermatologist said e.g. 2x a week max"),
]
BIG1_TAIL = [  # positions 201+: only here, never in expected_domains.txt
    c("just found it on lastminute-glow.com 😅", "lastminute-glow.com"),
    c("skinfinds.co.uk restocked!!", "skinfinds.co.uk"),
    c("late but sephora.com has the big size now", "sephora.com"),
    c("comprei no achadosdaju.com.br, chegou ontem", "achadosdaju.com.br"),
]
BIG1_CHATTER = [
    "omg need 😍",
    "the glow!!! ✨",
    "what shade are you wearing?",
    "does it break you out?",
    "linkkk",
    "ok but the packaging 😮‍💨",
    "skin goals fr",
    "buying this rn",
    "mine arrives tomorrow 🙏",
    "is it fragrance free?",
    "how long does one bottle last?",
    "I have oily skin, will it work?",
    "bestie where's the link",
    "🔥🔥🔥",
    "😭😭 my wallet",
    "ate and left no crumbs",
    "the way I ran",
    "she's so pretty omg",
    "ngl I thought it was a filter",
    "need a dupe",
    "pls do a full routine",
    "can you use it with retinol?",
    "ordered!!",
    "¿sirve para piel seca?",
    "lo necesito ya 😍",
    "¿qué precio tiene?",
    "amei demais",
    "quero muito",
    "funciona pra pele oleosa?",
    "bagus banget kak",
    "mau dong 🙏",
    "kak ini aman buat bumil?",
    "sieht mega aus",
    "brauch ich sofort",
    "hält das den ganzen Tag?",
    "W serum",
    "not the music 😂",
    "✨✨✨",
    "my skin after 2 weeks: 👌",
    "I'm obsessed",
    "wait this is actually good",
    "who else is here from the other video",
    "POV: me adding to cart",
    "the texture 🤤",
    "does it pill under makeup?",
    "😍",
    "💕💕",
    "need need need",
    "too expensive tbh",
    "saving this",
    "me after payday:",
    "is it vegan?",
    "cruelty free?",
    "the before/after 😳",
    "my mom needs this",
    "hahaha same",
    "replying so I remember",
    "@maria.shop look!!",
    "great video.thanks maya",
    "$34.99 is wild",
    "rated 4.5/5 on the app",
    "ok.so where's the link",
    "lol",
    "🫶",
    "slayyy",
    "mother",
    "this or the niacinamide one?",
    "can you do a haul next?",
    "",
    "love it.can't wait to try",
    "o.O the price",
    "Mrs.Glow 💅",
]

# ---------------------------------------------------------------------------------------------
# Big video 2 (promoted via video_tag, > 200 comments).
# ---------------------------------------------------------------------------------------------

BIG2_DOMAIN_COMMENTS = [
    c("target.com has the same backpack for $19.99", "target.com"),
    c("WALMART.COM price matched it for me", "walmart.com"),
    c("www.temu.com 🙃 half the price", "temu.com"),
    c("the pencil case is from five below (fivebelow.com)", "fivebelow.com"),
    c("I printed the schedule with main.py lol nerd mom here"),
    c("drop off at 7.45, pick up at 15.30 😩"),
    c("kids' lunchbox: bentgo.com!", "bentgo.com"),
    c("http://www.staples.com/deals/back-to-school", "staples.com"),
    c("for U.S. moms: check oldnavy.gap.com", "gap.com"),
    c("amazon.com/shop/budgetmama 🛒", "amazon.com"),
    c("pottery barn kids (potterybarnkids.com) is so overpriced", "potterybarnkids.com"),
    c("my video.mov of the haul won't upload 😤"),
    c('where\'s the water bottle from? nvm: "stanley1913.com"', "stanley1913.com"),
    c("stanley1913.com#stanleycup restock friday", "stanley1913.com"),
    c("👉 https://bit.ly/3BtsMom 👈 her list", "bit.ly"),
    c("crayola.com has free printables!", "crayola.com"),
]
BIG2_TAIL = [
    c("backtoschool-bargains.com has bundles", "backtoschool-bargains.com"),
    c("👉 cheapnotebooks.shop", "cheapnotebooks.shop"),
]
BIG2_CHATTER = [
    "this is so helpful 🙏",
    "where's the backpack from?",
    "my kids would love this",
    "under $50 is insane",
    "saving for august",
    "mom of 3 here, thank you!!",
    "the lunchbox 😍",
    "my wallet is crying",
    "how do you stay so organized",
    "need the label maker link",
    "😂😂😂",
    "first day jitters already",
    "this is the way",
    "teachers appreciate you 🍎",
    "what size is the backpack?",
    "is the bottle dishwasher safe?",
    "ordered the set!",
    "the pencils tho ✏️",
    "can you do a college version",
    "love this!!",
    "🙌🙌",
    "who else is here in november lol",
    "qué lindo todo",
    "amei a mochila",
    "mau dong kak 🙏",
    "sieht praktisch aus",
    "W mom",
    "pls part 2",
    "so cute omg",
    "does it come in blue?",
    "the organizer!!!",
    "me at target every august:",
    "i.e. the cheapest haul ever",
    "my son picked the same one 😂",
    "lol.no way it's $5",
    "",
    "ok.so what's the total",
    "10/10",
    "❤️",
    "-_-",
    "need this for my niece",
]

# ---------------------------------------------------------------------------------------------
# The videos. day/hour: creation time in Nov 2026 (UTC). ``tag``: video_tag number.
# ---------------------------------------------------------------------------------------------

VIDEOS = [
    # ---- promoted -------------------------------------------------------------------------
    dict(
        key="P1",
        user="glowwithmaya",
        region="US",
        day=20,
        hour=17,
        desc="My holy grail serum is back in stock 😍 #ad #skincare #glowup",
        tags=["ad", "skincare", "glowup"],
        big=(BIG1_DOMAIN_COMMENTS, BIG1_TAIL, BIG1_CHATTER, 215),
    ),
    dict(
        key="P2",
        user="techtom.reviews",
        region="GB",
        day=21,
        hour=9,
        tag=1,
        desc="Unboxing the new earbuds 🎧 link in bio",
        tags=["tech", "unboxing", "tiktokmademebuyit"],
        comments=[
            c("where can I get them in the UK?"),
            c("amazon.co.uk has them for £29", "amazon.co.uk"),
            c("currys.co.uk price matched 👌", "currys.co.uk"),
            c("firmware v2.3.1 fixed the crackling"),
            c("@techtom.reviews do the noise cancelling ones next pls"),
            c("argos[.]co[.]uk had them cheaper", "argos.co.uk"),
        ],
    ),
    dict(
        key="P3",
        user="lena.lifestyle",
        region="DE",
        day=21,
        hour=16,
        desc="Mein Herbst-Haul 🍂 #anzeige #haul #fashion",
        tags=["anzeige", "haul", "fashion"],
        comments=[
            c("Wo ist der Mantel her? 😍"),
            c("zalando.de hat den im Sale!", "zalando.de"),
            c("Kooperationsanfragen bitte an kontakt@lena-lifestyle.de 🙏"),
            c("gibt's auch bei aboutyou.de 👌", "aboutyou.de"),
            c("Hab ihn bei https://www.otto.de/p/mantel-123/?ref=lena-lifestyle.de bestellt", "otto.de"),
            c("20.00 Uhr live? 🙏"),
        ],
    ),
    dict(
        key="P4",
        user="sofia_moda",
        region="ES",
        day=22,
        hour=12,
        desc="#publicidad el vestido que todos me preguntan 💃",
        tags=["publicidad", "moda", "tiktokmademebuyit"],
        comments=[
            c("¿de dónde es el vestido? 😍"),
            c("ZARA.COM/es lo tiene en rebajas", "zara.com"),
            c("lo compré en mango.com y llegó en 3 días", "mango.com"),
            c("Mándame el link porfa!!"),
            c("en shein.com está más barato 👀 (pero la calidad...)", "shein.com"),
            c("jajaja ok.so quién más lo compró"),
        ],
    ),
    dict(
        key="P5",
        user="anabeleza.br",
        region="BR",
        day=22,
        hour=20,
        desc="#publi testei o novo gloss e amei 💋",
        tags=["publi", "maquiagem", "tiktokmademebuyit"],
        comments=[
            c("amei!! onde compra?"),
            c("tem no sephora.com.br 💋", "sephora.com.br"),
            c("comprei no mercadolivre.com.br e chegou rapidinho", "mercadolivre.com.br"),
            c("R$ 49,90 tá caro demais"),
            c("magazineluiza dot com dot br tem cupom", "magazineluiza.com.br"),
            c("kkkkk o.O"),
        ],
    ),
    dict(
        key="P6",
        user="rizky.review",
        region="ID",
        day=23,
        hour=3,
        tag=7,
        desc="review jujur blender portable viral 🔥",
        tags=["racuntiktok", "review", "tiktokmademebuyit"],
        comments=[
            c("beli di mana kak?"),
            c("👉shopee.co.id👈 lagi flash sale", "shopee.co.id"),
            c("tokopedia.com juga ada kak, Rp 99.000", "tokopedia.com"),
            c("https://m.tokopedia.com/rizkystore/blender-portable?src=rizkystore.net", "tokopedia.com"),
            c("mantap kak 🔥🔥"),
            c("lazada(.)co(.)id lebih murah", "lazada.co.id"),
        ],
    ),
    dict(
        key="P7",
        user="kitchen.kiki",
        region="US",
        day=23,
        hour=15,
        desc="#sponsored this air fryer does it all",
        tags=["sponsored", "kitchengadgets", "airfryer"],
        comments=[
            c("which size is this?"),
            c("walmart has it too: https://www.walmart.com/ip/123456?utm_source=tiktok.com", "walmart.com"),
            c("cosori.com has a 15% code rn", "cosori.com"),
            c("mine broke after 3.5 months 😬"),
            c("ninjakitchen.com ninja is better imo", "ninjakitchen.com"),
            c("10/10 e.g. the fries were perfect"),
        ],
    ),
    dict(
        key="P8",
        user="jonas.fit",
        region="DE",
        day=23,
        hour=18,
        desc="#werbung Mein Pre-Workout Stack 💪",
        tags=["werbung", "fitness", "gym", "tiktokmademebuyit"],
        comments=[
            c("Welcher Geschmack ist das?"),
            c("Code JONAS10 bei esn.com 💪", "esn.com"),
            c("myprotein.de ist billiger", "myprotein.de"),
            c("mehr Infos: https://bit.ly/jonas-stack", "bit.ly"),
            c("ich nehm 2.5g Kreatin am Tag"),
            c("gymshark.com#gymtok für die Shorts", "gymshark.com"),
        ],
    ),
    dict(
        key="P9",
        user="homewithnina",
        region="NL",
        day=24,
        hour=10,
        desc="#paidpartnership cozy corner makeover 🕯️",
        tags=["paidpartnership", "homedecor"],
        comments=[
            c("where is the lamp from??"),
            c("ikea.nl maybe?", "ikea.nl"),
            c("Nina's link: linktr.ee/homewithnina", "linktr.ee"),
            c("kwantum.nl has a similar one", "kwantum.nl"),
            c("^.^ so cozy"),
        ],
    ),
    dict(
        key="P10",
        user="budget.mama",
        region="US",
        day=20,
        hour=22,
        tag=1,
        desc="back to school haul under $50 ✏️",
        tags=["backtoschool", "haul", "tiktokmademebuyit"],
        big=(BIG2_DOMAIN_COMMENTS, BIG2_TAIL, BIG2_CHATTER, 204),
    ),
    dict(
        key="P11",
        user="dailydealz",
        region="GB",
        day=24,
        hour=7,
        desc="#Ad Black Friday finds you NEED",
        tags=["ad", "blackfriday", "deals"],
        comments=[
            c("black friday already?? 😭"),
            c("argos.co.uk has the air fryer for £49.99", "argos.co.uk"),
            c("HOTUKDEALS.COM posted this yesterday", "hotukdeals.com"),
            c("my notes.zip with all the deals, dm me"),
            c("very.co.uk?", "very.co.uk"),
            c("lol.no way that's real"),
        ],
    ),
    dict(
        key="P12",
        user="chef.marco",
        region="IT",
        day=24,
        hour=12,
        tag=1,
        desc="pasta maker that actually works 🍝",
        tags=["cucina", "kitchen", "tiktokmademebuyit"],
        comments=[
            c("dove lo trovo?"),
            c("amazon.it lo ha a 39€", "amazon.it"),
            c("https://www.marcato.it/atlas-150?lang=en", "marcato.it"),
            c("ricetta pls 🍝"),
            c("ore 10.30 lezione live?"),
        ],
    ),
    dict(
        key="P13",
        user="mariana.makeup",
        region="MX",
        day=24,
        hour=23,
        desc="#publicidad base de maquillaje ligera ✨",
        tags=["publicidad", "maquillaje"],
        comments=[
            c("¿cuál tono usas?"),
            c("en mercadolibre.com.mx está a $299", "mercadolibre.com.mx"),
            c("sephora.com.mx también 💕", "sephora.com.mx"),
            c("liverpool(dot)com(dot)mx la tiene", "liverpool.com.mx"),
            c("jajaja :-) amo"),
        ],
    ),
    dict(
        key="P14",
        user="pedro.tech.br",
        region="BR",
        day=25,
        hour=1,
        tag=7,
        desc="fone bluetooth barato que presta? 🤔",
        tags=["tecnologia", "achadinhos", "tiktokmademebuyit"],
        comments=[
            c("vale a pena?"),
            c("achei no pt.aliexpress.com por R$ 60", "aliexpress.com"),
            c("s.click.aliexpress.com/e/_DkXyZ12 link de afiliado né", "aliexpress.com"),
            c("americanas.com.br tem com frete grátis", "americanas.com.br"),
            c("meu ip é 192.168.0.1 kkk"),
            c("versão 5.3 do bluetooth?"),
        ],
    ),
    dict(
        key="P15",
        user="putri.skincare",
        region="ID",
        day=25,
        hour=4,
        desc="#ad #iklan sunscreen favorit aku ☀️",
        tags=["ad", "iklan", "skincare"],
        comments=[
            c("kak spf berapa?"),
            c("beli di sociolla.com aja kak", "sociolla.com"),
            c("cek shopee.co.id/putriskincare 😍", "shopee.co.id"),
            c("a***@*** kak kirim link"),
            c("skintific.com ada promo", "skintific.com"),
        ],
    ),
    dict(
        key="P16",
        user="stylebyclara",
        region="FR",
        day=25,
        hour=9,
        desc="#sponsored petite robe noire 🖤",
        tags=["sponsored", "mode", "ootd"],
        comments=[
            c("trop belle 😍 c'est quelle marque ?"),
            c("sur sezane.com !", "sezane.com"),
            c("https://www.laredoute.fr/ppdp/prod-123.aspx", "laredoute.fr"),
            c("vinted.fr pour moins cher 😉", "vinted.fr"),
            c("https://xn--caf-noir-d1a.fr/ la boutique de ma pote", "café-noir.fr"),
        ],
    ),
    dict(
        key="P17",
        user="gamer.lukas",
        region="AT",
        day=25,
        hour=15,
        desc="#anzeige Das Gaming-Headset im Test 🎮",
        tags=["anzeige", "gaming"],
        comments=[
            c("Wie ist das Mikro?"),
            c("bei geizhals.at vergleichen!", "geizhals.at"),
            c("cyberport.at hat's lagernd", "cyberport.at"),
            c("Firmware 1.0.4 installieren!"),
            c("hab's von bücher.de bekommen lol, die verkaufen jetzt alles", "bücher.de"),
        ],
    ),
    dict(
        key="P18",
        user="petsofjess",
        region="US",
        day=25,
        hour=19,
        tag=1,
        desc="the self-cleaning litter box 🐱",
        tags=["cats", "pettok", "tiktokmademebuyit"],
        comments=[
            c("does it work with 2 cats?"),
            c("chewy has it! chewy.com/litter-robot", "chewy.com"),
            c("petco.com had it for $499.99", "petco.com"),
            c("my cat watched this at 2.30am 😹"),
            c("(litter-robot.com) for the real one", "litter-robot.com"),
        ],
    ),
    dict(
        key="P19",
        user="cozyknits.anna",
        region="SE",
        day=26,
        hour=8,
        desc="#ad knitting kit for beginners 🧶",
        tags=["ad", "knitting", "diy"],
        comments=[
            c("so cute!! where's the kit from"),
            c("cozyknits.myshopify.com 🧶", "cozyknits.myshopify.com"),
            c("wecrochet.com has beginner kits too", "wecrochet.com"),
            c("video.mov of my first scarf coming soon"),
            c("etsy.com/shop/cozyknits!!", "etsy.com"),
        ],
    ),
    dict(
        key="P20",
        user="fitbyrafa",
        region="PT",
        day=26,
        hour=11,
        desc="#publi os meus suplementos favoritos",
        tags=["publi", "fitness"],
        comments=[
            c("qual a marca?"),
            c("prozis.com com o código RAFA", "prozis.com"),
            c("comprei na worten.pt", "worten.pt"),
            c("3.5 estrelas no máximo"),
        ],
    ),
    dict(
        key="P21",
        user="beauty.bea",
        region="ES",
        day=26,
        hour=13,
        desc="#ad x @glowlab ✨ el sérum de niacinamida",
        tags=["ad", "skincare", "glowlab"],
        comments=[
            c("me encanta 😍"),
            c("glowlab.myshopify.com/products/niacinamida", "glowlab.myshopify.com"),
            c("en primor.eu está más barato", "primor.eu"),
            c("druni.es también lo tiene", "druni.es"),
            c("i.e. el de 10% no el de 5%"),
        ],
    ),
    dict(
        key="P22",
        user="tokodeals.id",
        region="ID",
        day=26,
        hour=14,
        tag=1,
        desc="flash sale 11.11 masih lanjut!",
        tags=["flashsale", "belanja", "tiktokmademebuyit"],
        comments=[
            c("11.11 udah lewat kak 😅"),
            c("blibli.com ada diskon", "blibli.com"),
            c("🔥tokopedia.com🔥", "tokopedia.com"),
            c("bukalapak[.]com juga", "bukalapak.com"),
            c("jam 20.00 ya kak?"),
        ],
    ),
    dict(
        key="P23",
        user="hannah.home",
        region="DE",
        day=26,
        hour=17,
        desc="#werbung Ordnung im Kühlschrank 🧊",
        tags=["werbung", "ordnung", "tiktokmademebuyit"],
        comments=[
            c("Wo sind die Boxen her?"),
            c("xn--mller-kva.de hat die gleichen!", "müller.de"),
            c("ikea.de Serie SAMLA 😉", "ikea.de"),
            c("tchibo.de hatte die letzte Woche", "tchibo.de"),
            c("readme.md für den Kühlschrank lol"),
        ],
    ),
    dict(
        key="P24",
        user="thesneakerguy",
        region="US",
        day=26,
        hour=20,
        desc="#paidpartnership on-foot review 👟",
        tags=["paidpartnership", "sneakers"],
        comments=[
            c("sizing? tts?"),
            c("nike.com restock at 10.00 est", "nike.com"),
            c("stockx.com prices are insane", "stockx.com"),
            c("goat.com > stockx imo", "goat.com"),
            c("@kicks.store has them"),
        ],
    ),
    dict(
        key="P25",
        user="camila.viaja",
        region="MX",
        day=26,
        hour=22,
        tag=7,
        desc="mi maleta favorita para viajar ✈️",
        tags=["viajes", "tiktokmademebuyit"],
        comments=[
            c("¿qué tamaño es?"),
            c("la compré en 'amazon.com.mx'", "amazon.com.mx"),
            c("samsonite.com.mx tiene outlet", "samsonite.com.mx"),
            c("es de cabina? 55x40x20?"),
        ],
    ),
    dict(
        key="P26",
        user="deals.with.dev",
        region="GB",
        day=27,
        hour=6,
        desc="#Sponsored the mechanical keyboard 🔧 now on firmware v2.3.1",
        tags=["sponsored", "tech", "keyboard"],
        comments=[
            c("switches? 🔧"),
            c("keychron.com has the same board", "keychron.com"),
            c("flashed it with main.py from the repo"),
            c("firmware v2.3.1 bricked mine 😭"),
            c("mechanicalkeyboards.com (US only)", "mechanicalkeyboards.com"),
            c("docs at https://dev-keeb.github.io/firmware/v2.3.1/", "dev-keeb.github.io"),
            c("my pi is at 10.0.0.2, any ideas?"),
        ],
    ),
    dict(
        key="P27",
        user="luisa.beauty",
        region="BR",
        day=27,
        hour=9,
        desc="Testei o batom viral 💄 #ad #publi",
        tags=["ad", "publi", "makeup"],
        comments=[
            c("qual o nome da cor?"),
            c("boticario.com.br 💄", "boticario.com.br"),
            c("tem na Sephora: sephora.com.br", "sephora.com.br"),
            c("beleza na web: belezanaweb[dot]com[dot]br", "belezanaweb.com.br"),
            c("amei.demais"),
            c(""),
        ],
    ),
    # ---- not promoted: their domains must never reach the store -------------------------
    dict(
        key="N1",
        user="honest.hanna",
        region="US",
        day=21,
        hour=13,
        desc="not sponsored, I just love this lamp #notsponsored #tiktokmademebuyit",
        tags=["notsponsored", "tiktokmademebuyit", "homedecor"],
        comments=[c("where is it from?"), c("ikea.com!!", "ikea.com"), c("wayfair.com has it too", "wayfair.com")],
    ),
    dict(
        key="N2",
        user="adorable.pets",
        region="US",
        day=22,
        hour=8,
        desc="#adorable puppy toys I bought myself 🐶 #tiktokmademebuyit",
        tags=["adorable", "pettok", "tiktokmademebuyit"],
        comments=[
            c("chewy? nah petsmart.com", "petsmart.com"),
            c("barkbox.com subscription?", "barkbox.com"),
            c("🐶🐶🐶"),
        ],
    ),
    dict(
        key="N3",
        user="sneakerhead.max",
        region="DE",
        day=22,
        hour=18,
        desc="#adidas drop review, selbst gekauft #tiktokmademebuyit",
        tags=["adidas", "sneakers", "tiktokmademebuyit"],
        comments=[c("snipes.com hat die noch", "snipes.com"), c("43einhalb.com!", "43einhalb.com")],
    ),
    dict(
        key="N4",
        user="marie.skin",
        region="FR",
        day=23,
        hour=10,
        desc="AI filter try-on 🤖 #tiktokmademebuyit",
        tags=["aifilter", "tiktokmademebuyit"],
        video_tag={"type": "AIGC", "number": 3},
        comments=[c("c'est un filtre ?"), c("fait avec capcut.com je parie", "capcut.com")],
    ),
    dict(
        key="N5",
        user="kaufsucht.lisa",
        region="DE",
        day=23,
        hour=21,
        desc="keine Werbung, alles selbst gekauft 💸 #tiktokmademebuyit #skincare",
        tags=["tiktokmademebuyit", "skincare"],
        comments=[c("dm.de hat das auch", "dm.de"), c("rossmann.de 2 für 1", "rossmann.de")],
    ),
    dict(
        key="N6",
        user="joao.compras",
        region="BR",
        day=24,
        hour=2,
        desc="comprei com meu dinheiro 😅 #tiktokmademebuyit #achadinhos",
        tags=["tiktokmademebuyit", "achadinhos"],
        comments=[c("shopee.com.br", "shopee.com.br"), c("kabum.com.br tá barato", "kabum.com.br")],
    ),
    dict(
        key="N7",
        user="dinda.haul",
        region="ID",
        day=24,
        hour=5,
        desc="haul shopee bulan ini #tiktokmademebuyit #racunshopee",
        tags=["tiktokmademebuyit", "racunshopee"],
        comments=[c("shopee.co.id/dinda", "shopee.co.id"), c("zalora.co.id ada juga", "zalora.co.id")],
    ),
    dict(
        key="N8",
        user="carlos.cocina",
        region="ES",
        day=24,
        hour=19,
        desc="mi freidora de aire favorita #tiktokmademebuyit #cocina #addicted",
        tags=["tiktokmademebuyit", "cocina", "addicted"],
        comments=[c("elcorteingles.es la tiene", "elcorteingles.es"), c("lidl.es a 59€", "lidl.es")],
    ),
    dict(
        key="N9",
        user="tech.tina",
        region="US",
        day=25,
        hour=6,
        desc="returning this one 😬 honest review #tiktokmademebuyit #advice",
        tags=["tiktokmademebuyit", "advice"],
        comments=[
            c("bestbuy.com return policy is 15 days", "bestbuy.com"),
            c("rtings.com review says otherwise", "rtings.com"),
        ],
    ),
    dict(
        key="N10",
        user="mamalife.jo",
        region="GB",
        day=25,
        hour=12,
        desc="things I regret buying #tiktokmademebuyit #momlife",
        tags=["tiktokmademebuyit", "momlife"],
        comments=[c("johnlewis.com 🙃", "johnlewis.com"), c("boots.com had a sale", "boots.com")],
    ),
    dict(
        key="N11",
        user="fitnesspaul",
        region="NL",
        day=25,
        hour=17,
        desc="my gym bag essentials #tiktokmademebuyit #gym",
        tags=["tiktokmademebuyit", "gym"],
        comments=[c("decathlon.nl voor de tas", "decathlon.nl"), c("bol.com heeft alles", "bol.com")],
    ),
    dict(
        key="N12",
        user="ootd.yuki",
        day=26,
        hour=3,
        desc="fall outfit ideas 🍁 #tiktokmademebuyit #ootd #fashion",
        tags=["tiktokmademebuyit", "ootd", "fashion"],
        comments=[
            c("uniqlo.com 🍁", "uniqlo.com"),
            c("https://www.hm.com/en_us/", "hm.com"),
            c("asos.com?", "asos.com"),
        ],
    ),
    dict(
        key="N13",
        user="gadget.guru",
        region="GB",
        day=26,
        hour=10,
        desc="Best gadgets of the year, none of these are ads, I promise #tiktokmademebuyit",
        tags=["tiktokmademebuyit", "gadgets"],
        comments=[
            c("anker.com charger is the best", "anker.com"),
            c("gadgetflow.com has all of these", "gadgetflow.com"),
        ],
    ),
]

#: Strings that look like domains but must never be extracted from this dataset.
TRAP_HOSTS = [
    "glowdeals.net",
    "instagram.com",
    "mayaglow-studio.com",
    "lena-lifestyle.de",
    "jake.tv",
    "maria.shop",
    "techtom.reviews",
    "kicks.store",
    "tiktok.com",
    "main.py",
    "video.mov",
    "notes.zip",
    "readme.md",
    "ok.so",
    "lol.no",
    "truncated-line.com",
    "orphan-comment.com",
    "rizkystore.net",
]


def is_promoted(v: dict) -> bool:
    tag = v.get("video_tag") or {}
    if tag.get("number") in (1, 7):
        return True
    if any(h.lower() in DISCLOSURES for h in v["hashtags"]):
        return True
    return bool(re.search(r"#(" + "|".join(DISCLOSURES) + r")(?!\w)", v["description"], re.I))


def snowflake(t: int, rng: random.Random, used: set[int]) -> int:
    while True:
        value = (t << 32) | rng.getrandbits(32)
        if value not in used:
            used.add(value)
            return value


def build():
    rng = random.Random(SEED)
    used: set[int] = set()
    videos, comments = [], []  # comments: (create_time, record, domains)
    for spec in VIDEOS:
        created = ts(spec["day"], spec["hour"], rng.randint(0, 59))
        vid = snowflake(created, rng, used)
        video = {
            "id": vid,
            "username": spec["user"],
            "description": spec["desc"],
            "hashtags": spec["tags"],
            "create_time": created,
        }
        if spec.get("region"):
            video["region_code"] = spec["region"]
        if spec.get("tag"):
            video["video_tag"] = {"type": "Branded", "number": spec["tag"]}
        if spec.get("video_tag"):
            video["video_tag"] = spec["video_tag"]
        videos.append(video)
        spec["id"] = vid

        if "big" in spec:
            domain_comments, tail, chatter, total = spec["big"]
            head_n = MAX_PAGES * PAGE_SIZE
            slots = sorted(rng.sample(range(head_n), len(domain_comments)))
            tail_slots = sorted(rng.sample(range(head_n, total), len(tail)))
            n_fill = total - len(slots) - len(tail_slots)
            # every chatter line at least once, then random repeats
            filler = list(chatter) + [rng.choice(chatter) for _ in range(n_fill - len(chatter))]
            rng.shuffle(filler)
            body: list = [None] * total
            for slot, item in zip(slots + tail_slots, domain_comments + tail, strict=True):
                body[slot] = item
            fill = iter(filler)
            items = [item if item is not None else c(next(fill)) for item in body]
            step = (5, 25)
        else:
            items = spec["comments"]
            step = (2, 240)
        t = created
        for text, domains in items:
            t += rng.randint(*step) * 60
            record = {"id": snowflake(t, rng, used), "video_id": vid, "text": text, "create_time": t}
            if rng.random() < 0.9:
                record["like_count"] = int(rng.paretovariate(1.1)) - 1
                record["reply_count"] = rng.choice([0, 0, 0, 1, 2, 4])
            if rng.random() < 0.5:
                record["parent_comment_id"] = vid
            comments.append((t, len(comments), record, domains))
    comments.sort(key=lambda x: (x[0], x[1]))
    return videos, [(rec, doms) for _t, _i, rec, doms in comments], used, rng


def expected(videos, comments) -> tuple[set[str], set[str]]:
    promoted = {v["id"] for v in videos if is_promoted(v)}
    seen: dict[int, int] = {}
    keep, rest = set(), set()
    for rec, domains in comments:
        vid = rec["video_id"]
        seen[vid] = seen.get(vid, 0) + 1
        if vid in promoted and seen[vid] <= MAX_PAGES * PAGE_SIZE:
            keep.update(domains)
        else:
            rest.update(domains)
    return keep, rest - keep


def write(videos, comments, used, rng):
    with open(HERE / "videos.jsonl", "w", encoding="utf-8") as fh:
        for v in videos:
            fh.write(json.dumps(v, ensure_ascii=False) + "\n")
    lines = [json.dumps(rec, ensure_ascii=False) for rec, _d in comments]
    big1 = next(s for s in VIDEOS if s["key"] == "P1")["id"]
    t = ts(22, 9)
    broken = json.dumps(
        {
            "id": snowflake(t, rng, used),
            "video_id": big1,
            "text": "link pls: truncated-line.com is where i",
            "create_time": t,
        },
        ensure_ascii=False,
    )
    lines.insert(40, broken[: broken.index(" is where")])  # a truncated JSON line
    t = ts(25, 12)
    lines.insert(
        300,
        json.dumps(
            {
                "id": snowflake(t, rng, used),  # no video_id
                "text": "orphan comment, see orphan-comment.com",
                "create_time": t,
            }
        ),
    )
    with open(HERE / "comments.jsonl", "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    keep, _ = expected(videos, comments)
    with open(HERE / "expected_domains.txt", "w", encoding="utf-8") as fh:
        fh.writelines(d + "\n" for d in sorted(keep))


def check(videos, comments):
    import tldextract

    ex = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)
    keep, rest = expected(videos, comments)
    for d in keep | rest:
        r = ex(d)
        got = f"{r.domain}.{r.suffix}" if r.suffix and r.domain else ""
        assert got == d and not r.subdomain, f"label {d!r} is not a registrable domain ({got!r})"
    for trap in TRAP_HOSTS:
        assert trap not in keep, trap
    assert not keep & rest
    n_promoted = sum(is_promoted(v) for v in videos)
    print(
        f"{len(videos)} videos ({n_promoted} promoted), {len(comments)} comments (+2 malformed), "
        f"{len(keep)} expected domains, {len(rest)} that must not appear"
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="validate the labels with tldextract")
    args = p.parse_args()
    videos, comments, used, rng = build()
    write(videos, comments, used, rng)
    if args.check:
        check(videos, comments)


if __name__ == "__main__":
    main()
