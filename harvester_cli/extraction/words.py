"""Word lists behind the run-on-sentence, file-name and abbreviation heuristics.

These lists are hand written for the five comment languages the product sees
(English, Spanish, Portuguese, Indonesian, German) plus internet slang.  They
only ever *reject* a bare name (no scheme, no ``www.``, no path); a name
written as a URL is always counted.

* ``COMMON_WORDS``: words that end a clause in comments ("video", "so",
  "love", "gracias", "amei", "banget", "danke" ...).  Deliberately left out:
  brand-like nouns that are real sites on word TLDs (``bild.de``, ``web.de``).
* ``WORD_TLDS_EXTRA``: extra TLDs that read as words or chat abbreviations
  (``gw`` "I" in Indonesian, ``mt`` "muito", ``vc`` "você", ``rs`` "risos").
  The word TLD set used is ``(COMMON_WORDS | WORD_TLDS_EXTRA) & PSL TLDs``
  less ``NEVER_WORD_TLDS``.
* ``KNOWN_SITES``: registrable domains that look like a run-on but are well
  known sites; always counted.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in text.split() if w)


_EN = """
a about above across actually after again against ago agree ah ahh ahead all almost alone along
already also although always am amazing an and angry annoying another answer any anyone anything
anyway anyways anywhere are area arent around as ask asked at aw aww awww away awesome
awful baby back bad badly be beautiful became because become bed been before being believe best
better between big bit black blue body bored boring both bought boy bro brother bruh bs but buy
by bye call called came can cant care cause cheap check cheers chill clean clear close cold come
comes coming comment comments content cool could couldnt crazy cry crying cute dad damn day days
dead dear deal did didnt die different do does doesnt dog doing done dont down dream dress drink
during each early easy eat else end ending enough ep episode even ever every everybody everyone
everything exactly eye eyes face fact facts fake fam family fan far fast favorite favourite feel
feeling felt few fine finally first fit five follow food for forever forget forgot found four
free friend friends from full fun funny game gave get gets getting gg girl girlfriend girls give
glad go god goes going gone gonna good goodbye got gorgeous great green guess guy guys ha had haha
hahaha hair half hand happen happened happy hard has hate have having he head hear heard heart hello
help her here hers hey hi high him his home honest honestly hope hot house how however hug huge
i icon idc idea idk if ikr ill im important in inside insane instead into is isnt it its itself
ive jk job just keep kid kids kind knew know known lady last late later laugh learn least leave
left less let lets life like liked likes link literally little live lived lives living lmao lmfao
lol long look looked looking looks lost lot lots love loved lovely loves loving low luck lucky
mad made make makes making man many mate may maybe me mean means meant men might mine miss mom
money more morning most mostly mother move movie much music must my myself name need needed needs
never new next nice night nah no nobody none nope nor not nothing now obsessed obviously of off
oh ok okay old omg on once one only open or order other others our ours out outfit over own page
part party people perfect person pick place play please pls plz point pretty probably product
proud put queen quite rather read ready real really reason red rest right sad said same saw say
saying says school see seen seems send sent seriously shall she shoes shop should show shut sick
since sis sister size slay small smell so some somebody someone something sometimes song soon sorry
sound start still stop store story stuff stunning such super sure sus sweet take talk tbh team tell
than thank thanks thanku thankyou thats thx the their them then there these they thing things
think this those though thought three through time times tiny tired to today together told tomorrow
too took top total totally tried true truly try trying turn tv two ty ugh under understand until
up upon us use used using very vibe vibes vid video videos vlog wait want wanted wants was watch
watched watching water way we wear week weird well went were what whatever when where which while
white who whole why wife will win wish with without woman women wont word work world worth would
wow wtf ya yall yay yeah year years yep yes yet you youll young your youre yours yourself yup
zero ad ads post posted posting ps me2 xd xoxo cringe iconic queen king fire goat based bet
mid lit lowkey highkey fr frfr ngl rn istg smh tho bc cuz rly srsly omfg lmk dm dms ig insta
dot fav fave u ur r gf bf bff bestie babe hun luv pic pics selfie tho thru cuz coz wanna gonna gotta
"""

_ES = """
a abajo acá acaso además ahí ahora al algo alguien algún alguna alguno algunos allá allí alto amiga
amigo amigos amo amor año años antes aquí así aun aún bebé bello bella bien bonita bonito bueno
buena buenísimo cada casa casi cierto claro como cómo con contigo cosa cosas creo cual cuál cuando
cuándo cuanto cuánto de debe decir dejo del demás dentro desde después día días dice dicen dijo
dios donde dónde el él ella ellas ello ellos en encanta encantó enserio entonces era eres es esa
esas ese eso esos esta está estaba estamos están estar estas este esto estos estoy excelente fin
fue fuera genial gente gracias gran grande gusta gustó ha hace hacer hasta hay hermosa hermoso hola
hoy igual increíble ir ja jaja jajaja jajajaja jeje la las le les linda lindo lo los luego mal
mamá más me mejor menos mi mía mío mis misma mismo mucha mucho muchas muchos muy nada nadie ni
niña niño no nos nosotros nunca o otra otro otros para parece pero poco por porque porqué pues
que qué quien quién quiero rico sé se sea según ser si sí siempre sin sobre solo sólo somos son
soy su sus también tan tanto te tengo tenía ti tiempo tienda tienen tiene todo toda todas todos
tu tú tus un una uno unos usted ustedes va vamos ver verdad vez vida video vídeo vos voy wow y ya
yo xd xq pq porq tmb tb bn q k ke vdd mrd chido chida padre padrísimo chévere bacán guay vale
mola oye mira neta wey güey pana parce boludo che bro reina rey hermano hermana amiga cancion
canción música precioso preciosa brutal top fuego obvio claro listo ahi aqui tambien mas asi
porfa porfavor favor ojalá ojala sii siii noo nooo uff uy ay wow ok okey olé ole pa pal pla
"""

_PT = """
a à agora ai aí ainda ali amei amiga amigo amo amor ano anos antes aqui as às assim até bem boa
bom bonita bonito cara casa certeza coisa coisas com como cê da das de demais depois deus dia dias
disso do dos e é ela elas ele eles em então era essa esse esta está estão estou eu faz fazer foi
gente gostei gosto hoje isso isto já kk kkk kkkk kkkkk kkkkkk lá legal linda lindo mais mano mas
me meu meus mds melhor menina menino mesmo minha minhas muito muita muitos mt mto na nada não nas
né nem no nos nossa nosso num numa o obrigada obrigado oi os ou para pela pelo perfeita perfeito
pode porque pq pra quando que quem sabe se sei sem ser seu sim só sou sua tá também tambem tão
tava te tem tenho ter tipo toda todo todos tô tu tudo um uma umas uns vai vc vcs vem ver verdade
vez vida vídeo video você vocês voce rs rsrs rsrsrs kkkkkkk aff affs eita nossa oxe oxi uai vish
vixe caramba poxa pô top show massa demais maravilhosa maravilhoso lindaa amoo amooo socorro
mano mana manoo gata gato gostosa chorei morri amei amey sério serio ctz dms pfv pfvr tmj slk
mlk vlw valeu obg brigado brigada gnt neh ne hein né ah oh eh ué uau bora partiu
"""

_ID = """
ada adalah ah aja aku amin anda apa apalagi atau ayo baik bagus bang banget bener beneran benar
berapa bgt bikin bisa boleh buat bukan cakep cantik coba cuma dan dari deh dengan di dia dong emang
enak engga enggak ga gak gapapa gimana gitu gua gue gw hahaha hahah hai halo harus hehe hehehe ih
ini itu iya ja jadi jangan juga kak kakak kalau kalo kamu kan karena ke kenapa keren kita kok
kayak kyk lagi lah langsung lucu lu lo makasih mana mantap mantul mau mba mbak mas memang mereka
min minta mirip nah nanti ngga nggak nih nya oke pake pakai pas pengen pernah pokoknya punya
saja salam sama sampai sangat saya sayang sekali semua seperti siapa sih suka sudah tapi terima
kasih terus tolong tuh udah udh wkwk wkwkwk wkwkwkwk yaa yah yang yg ya yuk bgt bngt bet gan sis
om tante bro sist kk kok kek dah deh lho loh tuh tau tahu gitu gini begitu begini cuy cok anjir
anjay asli parah gokil wow mantap jiwa btw nder guys gaes
"""

_DE = """
aber alle alles als also am an auch auf aus bei bin bis bist bitte da dabei damit danke dann das
dass dein deine dem den denn der des dich die dir doch dort du durch echt ein eine einem einen
einer eins er es etwas euch euer fast für gar geil genau gerade gern gerne gibt gut habe haben
halt hast hat hier hmm ich ihm ihn ihr im immer in ist ja jetzt kann kannst kein keine klar krass
lieb liebe mal man mega mehr mein meine mich mir mit muss nach nee nein nicht nichts noch nur ob
oder ohne schon schön sehr sei sein seine sich sie sind so soll super toll über um und uns unser
viel vielen voll vom von vor war waren was weil wenn wer wie wieder wir wird wirklich wo wow zu
zum zur zusammen hammer geilo nice digga alter leute lol omg jo jop jep joa ne nö naja achso ach
oh okay ok haha hihi nett schade danke dankeschön bitteschön tschüss hallo servus moin
"""

# Places that end a clause ("envío a todo México.no hay").
_PLACES = """
usa us uk eeuu méxico mexico españa espanha spain brasil brazil colombia argentina chile peru perú
venezuela ecuador bolivia paraguay uruguay portugal indonesia jakarta bali bandung surabaya
deutschland germany alemania alemanha österreich austria schweiz berlin münchen hamburg köln
madrid barcelona lisboa paris london londres nyc la miami texas california florida canada europe
europa asia america américa latam
"""

COMMON_WORDS: frozenset[str] = (
    _words(_EN) | _words(_ES) | _words(_PT) | _words(_ID) | _words(_DE) | _words(_PLACES)
)

# TLDs that read as chat abbreviations or words though they are not in the lists above.
WORD_TLDS_EXTRA: frozenset[str] = _words(
    """
    ad al am as at be bf by do dm eg es eu ga gf gg gt gw ie im in is it jo ke km la lu ma me mo
    mt mu my na ne ni no nu om pa pm ps re rs se si so su td to tv us uy va vc ve vi ye yt
    lol wtf love live life fun cool best top one now new wow fail sucks how you free win fan fans
    fit day today here show run tips hot boo bar baby kids help rocks vip pink red blue black green
    gold deals sale shop store style world zone mom dad men man buy bet bom soy uno casa moda gratis
    """
)

# Never treated as word TLDs: the names under them are overwhelmingly real sites.
NEVER_WORD_TLDS: frozenset[str] = frozenset({"com", "net", "org", "co", "io", "ai", "app", "dev"})

# Well known sites whose names would otherwise read as a run-on sentence.
KNOWN_SITES: frozenset[str] = _words(
    """
    about.me link.me direct.me solo.to notion.so cash.app bild.de zeit.de welt.de spiegel.de
    stern.de kicker.de focus.de chip.de otto.de web.de bahn.de wetter.de lotto.de mobile.de
    post.de marca.es sport.es tap.bio bio.link tell.me fun.me europa.eu
    """
)

# Names that look like domains but are (almost always) product or framework names.
NOT_SITES: frozenset[str] = _words("asp.net vb.net ado.net dot.net")

# File extensions that are also TLDs.  Strong: a bare "x.py" is never counted.
FILE_TLDS_STRONG: frozenset[str] = _words("py mov zip md")
# Weak: only when the name before it looks like a file stem ("main.rs", "logo.ai").
FILE_TLDS_WEAK: frozenset[str] = _words("sh pl rs pm tf mk gd ps ai cc ml so mobi cab run app txt")

FILE_STEMS: frozenset[str] = _words(
    """
    main index app application test tests spec script scripts setup install installer run build lib
    libc module mod utils util helpers helper config settings logo design file files video videos
    clip clips photo photos image images img pic pics picture document doc docs notes note readme
    data export final draft project backup archive scene player game model train server client bot
    hello world foo bar example sample demo new old copy untitled output input temp tmp movie song
    audio recording screen screenshot edit render source src code program tool tools plugin patch
    update preset presets template resume cv homework assignment report invoice ebook book slides
    presentation portfolio wallpaper sticker icon banner thumbnail thumb intro outro vid trailer
    lyrics beat track mix remix loop sound voice vocals makefile dockerfile package manage models
    views urls admin tasks worker handler router routes api cli core common types schema db
    database query train predict inference notebook analysis plot plots style styles theme
    """
)

FILE_STEM_RE = re.compile(
    r"(?:img|image|vid|video|dsc|dscn|pxl|mvi|gopr|screenshot|screen|photo|file|clip|scan|doc|"
    r"rec|record|recording|audio|track|copy|final|draft|v)[-_]?\d+|lib\w+",
)

# Corporate forms that are also TLDs ("Foo.Ltd", "Siemens.GmbH").
CORPORATE_TLDS: frozenset[str] = _words("ltd inc llc gmbh ltda limited corp srl sarl")

# Portuguese "com" means "with": "amei.com certeza".  Words that follow it.
PT_AFTER_COM: frozenset[str] = _words(
    """
    certeza ctz ele ela eles elas você voce vc vcs a o as os um uma isso isto esse essa este esta
    meu minha meus minhas seu sua seus suas muito muita muitos muitas tudo todo toda todos todas
    amor carinho gente razão raiva fome sono medo vontade saudade saudades calma sorte cuidado
    tanto tanta nada ninguém alguém quem que nossa nosso mt mto aquele aquela mais minha
    """
)

# Word TLDs that are function words in one language, and the inflection endings that
# mark a word of that language: a bare "loved.it", "cansada.de", "wirklich.so" or
# "bagusnya.ga" is a run-on sentence, not a site.
RUN_ON_ENDINGS: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    (
        _words("so me it is at to in be by my us no do am as"),
        re.compile(r"\w{2,}(?:ing|ed|ly|ness|ful|less|ous|ive|able|ible|tion)"),
    ),
    (
        _words("se la me no do si na eu so al va vi ve su ni uy pa mt vc"),
        re.compile(
            r"\w{2,}(?:ei|ou|ando|endo|indo|ado|ada|ados|adas|ido|ida|idos|idas|mente|oso|osa|"
            r"ito|ita|inha|inho|ção|ções|ción|ciones|dade|dad|aste|iste|amos|emos|imos|aba|ía|é|ó)"
        ),
    ),
    (
        # .de and .es are big shop TLDs: only endings that no shop name has
        # (not "-ando", "-er": zalando.es, sprinter.es, bücher.de).
        _words("de es"),
        re.compile(
            r"\w{2,}(?:ei|ado|ada|ados|adas|ido|ida|idos|idas|endo|indo|mente|ção|ción|oso|osa|"
            r"inha|inho|ito|ita|aste|iste|é|ó)"
        ),
    ),
    (
        _words("so im am es in ne nu jo"),
        re.compile(r"\w{2,}(?:lich|ig|isch|ung|heit|keit|chen|bar|los|voll)"),
    ),
    (
        _words("ga lu ke mu om ni si la pa ma gw gt sm km cm bs td"),
        re.compile(r"\w{2,}(?:nya|kan|lah|kah|pun|in)"),
    ),
)

# Mail services: "jess at gmail dot com" is an e-mail address, not a site mention.
MAIL_SERVICES: frozenset[str] = _words(
    """
    gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud me mac aol proton
    protonmail pm gmx web t-online freenet uol bol terra ig yandex mail zoho tutanota hey
    """
)
