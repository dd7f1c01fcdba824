"""Word lists behind the heuristics that keep prose, files and e-mails from counting as sites.

Hand written for the five comment languages the product sees (English, Spanish,
Portuguese, Indonesian, German) plus chat slang.  They only ever *reject* a bare
name (no scheme, no ``www.``, no path, no defanged dot); a name written as a URL
is always counted.

* ``COMMON_WORDS``: words that end a clause in comments ("video", "so", "love",
  "gracias", "amei", "banget", "danke", ...): a bare ``<word>.<word TLD>``
  ("ok.so", "love.it", "casa.de") is a run-on sentence.  Brand-like nouns that
  are real sites on word TLDs are kept out or listed in ``KNOWN_SITES``.
* ``WORD_TLDS_EXTRA``: TLDs that read as words or chat abbreviations though not
  in the lists (``gw`` "I" in Indonesian, ``mt`` "muito", ``vc`` "você", ``af``).
  The word-TLD set used is ``(COMMON_WORDS | WORD_TLDS_EXTRA) & PSL TLDs`` less
  ``NEVER_WORD_TLDS``.
* ``RUN_ON_ENDINGS``: inflections that mark a word of one language before a TLD
  that is a function word of it ("loved.it", "cansada.se", "wirklich.so").
* ``STOP_WORDS``: function words; ``<stop word> dot <tld>`` is prose.
* ``PLACE_TLDS``: the places in ``COMMON_WORDS`` and the TLDs of their country:
  "berlin.de", "paris.fr" are the cities' sites, "México.no hay" is prose.
* ``KNOWN_SITES``: well known sites that read like a run-on (``about.me``,
  ``bild.de``); always counted.  ``NOT_SITES``: framework names (``asp.net``).
* ``FILE_TLDS_*`` / ``FILE_STEMS``: file extensions that are TLDs ("main.py").
* ``CORPORATE_TLDS``: "Foo.Ltd", "Siemens.GmbH".
* ``PT_AFTER_COM``: Portuguese "com" is "with" ("amei.com certeza").
* ``MAIL_SERVICES``: "jess at gmail dot com" is an e-mail address.
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
dot fav fave u ur r gf bf bff bestie gm gn af etc vs aka approx prod feat ft ca bzw evtl ggf inkl
usw dll dsb yg tdk sdh blm krn utk dgn pd tp jd dr mr mrs ms sr sra srta ud uds dra prof st nr vol
ep pt min max avg est dept jr sign log login logout signup babe hun luv pic pics selfie tho thru
cuz coz wanna gonna gotta
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

_EN_MORE = """
absolutely adorable agreed alive anymore apparently appreciate arent asap attention aunt avoid
bag bags beach beauty bedroom belly bestfriend birthday blessed blonde boots boss bottle brain
brand break brilliant broke brown buying cake camera car cat chance change cheaper chocolate
city class closet clothes cloud coffee color colors colour comfy company cook cooking cost costs
couple course cousin cover cream creative cried cuz cut cuteness daily dancing dark daughter
definitely delicious delivery design dinner dirty doctor dollars door dope drama dresses dry
dude earrings easier edit effort either energy epic especially evening event ever everyday evil
excited expensive experience explain fabric fail fall famous fashion fav favorites feels filter
finish fire fits floor flowers fly forgot fresh fridge fries front gift gifts glasses glow gold
gorgeous grandma grateful gym hahah hahahah handsome hat healthy heaven heavy hell hello helpful
hilarious holiday honey hour hours hubby hungry husband ice idol ikr imagine incredible inspired
instead jealous jeans jewelry joke jokes keeps kidding kinda kitchen knee lady laptop
laughing lazy legit lemme lil lips lipstick listen lookin lord loud lovely lunch makeup mama
material meal meme mess message mind minute minutes mirror mom moment monday mood moon mum nail
nails natural neck needed nervous nobody normal notice obsessed office ohh okk ones orange
outfits pain pants paper parents park pay paid perfect perfectly period phone photo photos piece
pink pizza plan plastic played player please pleasee pls pocket poor post power pray pregnant
price prices pink pretty purple purse quality question quick quiet quit rain random rate reading
recipe relatable remember review rich ring room rose sale salty sauce save saved scared scary
season seriously set shape share shirt shoe shop shopping short shot shower silver simple
sister skin skincare skirt sleep sleeping slow smart smile smooth soft sold somewhere son sorry
soup special spicy spring star stay stick store strong student stupid style summer sun sunday
sure surprise sweater sweet swim table tea teacher tears tell terrible test texture thank thanks
therapy thick thin thinking tho ticket tight tip today toes tonight tooth town trend
trending trip trust truth tshirt tutorial ugly unbelievable underrated uniform update useful
usual usually vacation value version view voice vote waiting wallet wanna warm wash waste
wearing weather wedding weekend welcome whats whoa wig wild window winter wise wonderful wrong
yellow yesterday yummy
"""

_ES_MORE = """
ayer anoche mañana manana temprano tarde noche semana mes lunes martes miércoles jueves viernes
sábado domingo ahorita aca allí alla casi nunca jamás tampoco todavía aunque mientras pronto
bonitas bonitos lindas lindos hermosas hermosos guapa guapo precioso preciosa feo fea caro cara
barato barata nuevo nueva viejo vieja rápido lento fácil difícil perfecta perfecto enorme chiquito
chiquita pequeño pequeña gordo gorda flaco flaca rica rico sabroso delicioso deliciosa divertido
divertida aburrido aburrida loco loca triste feliz contento contenta cansado cansada enojado
enojada dormido dormida vestido zapatos ropa color talla precio calidad envío pedido paquete
tienda compra compré compró quería quiero necesito tengo tienes tiene tenemos puedo puedes puede
podemos sé sabes sabe quiere quieres amo amas ama gusta gustan encantan encantó vi viste vio
fui fuiste fue hice hizo dije dijo llegó llego pasó paso sale salió salio dame dime mira mirá
oye escucha espera ven vamos vengo voy vas vaya pues bueno buena buenas buenos malo mala malos
malas gracias perdón perdon disculpa hola adiós chao chau besos beso abrazo corazón corazon mamá
papá hija hijo hermana hermano novio novia esposo esposa amiga amigas amigos prima primo tía tío
señora señor jefe gente mundo vida día noche cosa cosas parte final canción música baile video
verdad mentira sueño sueños dinero trabajo escuela casa cuarto cocina baño carro coche auto
"""

_PT_MORE = """
ontem amanhã amanha hoje cedo tarde noite semana mês segunda terça quarta quinta sexta sábado
domingo nunca jamais ainda enquanto logo depois antes sempre quase lindas lindos bonitas bonitos
maravilhosa maravilhoso perfeitas perfeitos caro cara barato barata novo nova velho velha rápido
lento fácil difícil enorme pequeno pequena gordo gorda magro magra gostoso gostosa delicioso
deliciosa divertido divertida chato chata louco louca triste feliz cansado cansada bravo brava
vestido sapato sapatos roupa roupas cor tamanho preço qualidade entrega pedido pacote loja
compra comprei comprou quero queria preciso tenho tens tem temos posso pode podemos sei sabe
sabia quer ama amava gosta gostou gostei adorei adoro vi viu fui foi fiz fez disse chegou
passou sai saiu olha escuta espera vem vamos vou vai bora boa boas bons bom ruim ruins
obrigado obrigada desculpa oi olá tchau beijo beijos abraço coração mãe pai filha filho irmã
irmão namorado namorada marido esposa amiga amigas amigos prima primo tia tio senhora senhor
chefe gente mundo vida dia noite coisa coisas parte final música dança vídeo verdade mentira
sonho sonhos dinheiro trabalho escola casa quarto cozinha banheiro carro mina mina mano véi
"""

_ID_MORE = """
kemarin besok hari ini minggu bulan tahun pagi siang sore malam sekarang nanti tadi dulu lagi
selalu kadang jarang pernah belum sudah masih baru lama cepat lambat mudah susah mahal murah
besar kecil bagus jelek cantik ganteng lucu imut seru asik asyik enak gurih manis pedas asin
capek lelah senang sedih marah takut bosan lapar haus ngantuk sakit sehat baju celana sepatu
tas warna ukuran harga kualitas pengiriman pesanan paket toko beli belinya jual jualan pesan
pesen order checkout ongkir diskon promo gratis mau pengen ingin butuh punya bisa boleh tau
ngerti lihat liat nonton denger dengar kasih kasi ambil kirim datang pergi pulang makan minum
tidur mandi kerja sekolah kuliah rumah kamar dapur mobil motor uang duit teman temen sahabat
pacar suami istri ibu bapak ayah mama papa adik kakak om tante nenek kakek anak bayi orang
semua banyak sedikit lebih paling sekali banget bgt bngt sangat agak cukup terlalu juga saja
doang aja sih dong deh kok kan lah loh lho nih tuh yuk ayo yah ya iya ok oke sip siap mantap
mantul gokil keren parah asli serius beneran bener betul salah amin aamiin alhamdulillah
masyaallah mashaallah subhanallah bismillah insyaallah makasih terimakasih maaf permisi halo hai
"""

_DE_MORE = """
gestern morgen heute abend nacht woche monat jahr montag dienstag mittwoch donnerstag freitag
samstag sonntag nie niemals manchmal oft selten bald später vorher nachher immer fast schön
schöne schöner hässlich teuer billig günstig neu alt schnell langsam leicht schwer einfach
schwierig groß klein riesig winzig lecker süß scharf salzig lustig witzig traurig glücklich
müde sauer wütend krank gesund kleid schuhe kleidung farbe größe preis qualität lieferung
bestellung paket laden kaufen gekauft bestellt will wollte brauche habe hatte kann konnte weiß
wusste mag mochte liebe liebt gefällt gefallen gesehen sah war bin bist ist sind gehe geht
komme kommt mache macht sage sagt schau guck warte komm los gut gute guter schlecht danke
bitte entschuldigung hallo hi tschüss kuss küsse herz mama papa mutter vater tochter sohn
schwester bruder freund freundin mann frau chef leute welt leben tag ding dinge teil ende lied
musik tanz video wahrheit lüge traum träume geld arbeit schule haus zimmer küche bad auto
endlich leider eigentlich natürlich sicher vielleicht bestimmt total ziemlich ganz wenig
genug zusammen allein richtig falsch ehrlich okay ordentlich unbedingt sofort gleich
"""

_SHOPPING = """
recommend recommended recommending arrived arrive ordered received receive shipped ship returned
return refund refunded seller sellers service customer package packaging order orders shipping
sizing size sizes quality material fabric product products item items purchase purchased worth
legit scam scammed fake original dupe dupes haul restock restocked stock discount code coupon bio
app website site web cart checkout wishlist comfy cozy soft stretchy tight loose thick durable
cheap cheaply affordable pricey broke broken ripped torn faded tiny huge small medium large
quick slow fast fastest late early exactly literally honestly actually basically seriously
finally totally definitely absolutely obviously apparently personally hopefully luckily sadly
loved hated liked wanted needed tried bought got gotten came sent paid spent saved returned
works worked working fits fitted fitting looks looked smells smelled feels felt runs ran
slaps hits ate served eats serves vibes vibe mood energy aesthetic gorgeous stunning obsessed

recomiendo recomendado recomendada pedí pedi llegó llego compré compre devolví devolvi talla
tallas calidad tela material producto productos artículo envío envio vendedor vendedora tienda
paquete pedido pedidos barato barata caro cara cómodo cómoda comoda suave rapidísimo rapido
lento tarde pronto original falso falsa réplica vale vale la pena precioso hermoso bonito feo

recomendo recomendado recomendada pedi chegou chegaram comprei devolvi tamanho tamanhos qualidade
tecido material produto produtos entrega vendedor vendedora loja pacote pedido pedidos barato
barata caro cara confortável macio macia rápido rapido demorou original falso falsa réplica
vale valeu lindo linda feio feia top show perfeito perfeita

puas nyesel menyesal murah mahal ori kw asli cepat lambat sampai nyampe dateng datang rapi rapih
aman tebal tipis halus lembut wangi nyaman adem pas kebesaran kekecilan sesuai mirip beda
recommended rekomen rekomended worth worthit mantep jos joss markotop sukses laris amanah trusted
respon seller penjual toko barang produk kualitas bahan jahitan warna ukuran packing kurir paket

gekauft bestellt angekommen geliefert zurückgeschickt verkauft empfehle empfehlenswert qualität
stoff material produkt artikel lieferung verkäufer paket bestellung größe passt bequem weich
schnell langsam billig teuer günstig original fake echt gut schlecht toll super top
"""


_GENERAL = """
the be to of and a in that have i it for not on with he as you do at this but his by from they we
say her she or an will my one all would there their what so up out if about who get which go me
when make can like time no just him know take people into year your good some could them see other
than then now look only come its over think also back after use two how our work first well way
even new want because any these give day most us is was are were been has had did does said made
went got gets getting goes going gone came comes coming took taken takes saw seen sees looked looks
thought thinks knew known knows told tells tell asked asks ask used uses using tried tries try
found finds find gave gives given left leaves leave felt feels feel put puts let lets lets seemed
seems seem kept keeps keep began begins begin started starts start showed shows show heard hears
hear played plays play moved moves move lived lives live believed believes believe brought brings
bring happened happens happen wrote writes write sat sits sit stood stands stand lost loses lose
paid pays pay met meets meet included includes include continued continues continue set sets
learned learns learn changed changes change led leads lead understood understands understand
watched watches watch followed follows follow stopped stops stop created creates create spoke
speaks speak read reads spent spends spend grew grows grow opened opens open walked walks walk
won wins win offered offers offer remembered remembers remember loved loves love considered
appeared appears appear bought buys buy waited waits wait served serves serve died dies die sent
sends send expected expects expect built builds build stayed stays stay fell falls fall cut cuts
reached reaches reach killed kills kill remained remains remain suggested raised raises raise
passed passes pass sold sells sell required requires require reported reports report decided
decides decide pulled pulls pull broke breaks break
very much more many such own same few little great small large big long high old young right
wrong sure real true false full empty best worst better worse last next early late hard easy
important public able bad different free whole certain clear possible major recent human local
black white red blue green social political national general special strong low dark short single
open close closed nice fine cool hot warm cold happy sad funny crazy weird beautiful pretty ugly
cute sweet kind rude mean smart dumb stupid silly lazy busy tired ready sick ill safe famous rich
poor cheap expensive amazing awesome awful terrible horrible perfect fantastic wonderful brilliant
incredible lovely gorgeous stunning adorable hilarious obsessed insane wild fresh clean dirty
here there where everywhere somewhere nowhere always never sometimes often usually already still
yet again ever soon later today tonight tomorrow yesterday now then once twice almost quite rather
really actually literally basically seriously honestly totally definitely probably maybe perhaps
especially exactly simply finally suddenly quickly slowly together alone away around through
across along against among between behind below beneath beside beyond during except inside
outside since toward towards under until upon within without before after above off down
something anything nothing everything someone anyone everyone noone somebody anybody nobody
everybody each every either neither both several enough another whatever whoever whenever
wherever however whether while though although unless because since
man men woman women child children kid kids boy boys girl girls guy guys baby babies friend friends
family mom mother dad father sister brother son daughter wife husband boyfriend girlfriend parents
thing things stuff way ways life lives world home house room place places city country school job
work money time times day days night nights week weeks month months year years hour hours minute
minutes moment part parts end side point fact case problem question answer reason idea story song
songs music video videos movie movies show game games team food water car phone picture photo
photos name word words line hand hands eye eyes face head heart body hair
"""


_VERBS = """
ser estar haber tener hacer poder decir ir ver dar saber querer llegar pasar deber poner parecer
quedar creer hablar llevar dejar seguir encontrar llamar venir pensar salir volver tomar conocer
vivir sentir tratar mirar contar empezar esperar buscar entrar trabajar escribir perder entender
pedir recibir recordar terminar aparecer conseguir comenzar servir sacar necesitar leer caer
cambiar crear abrir ganar traer morir aceptar explicar comprar usar amar gustar probar regalar
ter fazer dizer chegar passar dever ficar falar levar deixar chamar vir sair voltar viver olhar
começar procurar trabalhar escrever receber lembrar precisar ler mudar ganhar trazer morrer
aceitar gostar provar
sein haben werden können müssen sagen machen geben kommen sollen wollen gehen wissen sehen lassen
stehen finden bleiben liegen heißen denken nehmen tun dürfen glauben halten nennen mögen zeigen
führen sprechen bringen leben fahren meinen fragen kennen stellen spielen arbeiten brauchen folgen
lernen verstehen setzen bekommen beginnen erzählen versuchen schreiben laufen erklären sitzen
ziehen scheinen fallen gehören treffen suchen legen tragen schaffen lesen verlieren erkennen reden
aussehen anfangen erwarten wohnen warten helfen gewinnen fühlen bieten erinnern fehlen bedeuten
kaufen lieben bestellen
akan tidak jangan ingin tahu lihat dengar pakai jual makan minum tidur pergi pulang masuk keluar
naik turun duduk berdiri jalan lari main belajar baca tulis bilang kata tanya jawab cari dapat
tunggu mulai selesai buka tutup bayar kirim terima pilih ganti ubah tambah kurang cinta rindu kangen
"""

# Places that end a clause ("envío a todo México.no hay").
_PLACES = """
usa us eeuu méxico mexico españa espanha spain brasil brazil colombia argentina chile peru perú
venezuela ecuador bolivia paraguay uruguay portugal indonesia jakarta bali bandung surabaya
deutschland germany alemania alemanha österreich austria schweiz berlin münchen hamburg köln
madrid barcelona lisboa paris london londres nyc la miami texas california florida canada europe
europa asia america américa latam
"""

# A place under its own country's TLD is that place's site, not a clause ending: the city
# and country portals ("berlin.de", "paris.fr", "madrid.es", "canada.ca", "barcelona.cat").
# Under any other word TLD the place still ends a clause ("México.no hay").
PLACE_TLDS: dict[str, frozenset[str]] = {
    place: _words(tlds)
    for places, tlds in (
        ("usa us nyc miami texas california florida", "us"),
        ("méxico mexico", "mx"),
        ("españa espanha spain madrid", "es"),
        ("barcelona", "es cat"),
        ("brasil brazil", "br"),
        ("colombia", "co"),
        ("argentina", "ar"),
        ("chile", "cl"),
        ("peru perú", "pe"),
        ("venezuela", "ve"),
        ("ecuador", "ec"),
        ("bolivia", "bo"),
        ("uruguay", "uy"),
        ("portugal lisboa", "pt"),
        ("indonesia jakarta bali bandung surabaya", "id"),
        ("deutschland germany alemania alemanha berlin münchen hamburg köln", "de"),
        ("österreich austria", "at"),
        ("schweiz", "ch"),
        ("paris", "fr"),
        ("london londres", "uk"),
        ("canada", "ca"),
        ("europe europa", "eu"),
    )
    for place in _words(places)
}

COMMON_WORDS: frozenset[str] = (
    _words(_EN)
    | _words(_ES)
    | _words(_PT)
    | _words(_ID)
    | _words(_DE)
    | _words(_EN_MORE)
    | _words(_ES_MORE)
    | _words(_PT_MORE)
    | _words(_ID_MORE)
    | _words(_DE_MORE)
    | _words(_SHOPPING)
    | _words(_GENERAL)
    | _words(_VERBS)
    | _words(_PLACES)
)

# TLDs that read as chat abbreviations or words though they are not in the lists above.
WORD_TLDS_EXTRA: frozenset[str] = _words(
    """
    ad af al am as at be bf by do dm eg es eu ga gf gg gm gn gt gw ie im in is it jo ke km la lu ma
    me mo
    mt mu my na ne ni no nu om pa pm ps re rs se si so su td to tv us uy va vc ve vi ye yt
    lol wtf love live life fun cool best top one now new wow fail sucks how you free win fan fans
    fit day today here show run tips hot boo bar baby kids help rocks vip pink red blue black green
    gold deals sale shop store style world zone mom dad men man buy bet bom soy uno casa moda gratis
    info
    """
)

# Never treated as word TLDs: the names under them are overwhelmingly real sites.
NEVER_WORD_TLDS: frozenset[str] = frozenset({"com", "net", "org", "co", "io", "ai", "app", "dev"})

# Well known sites whose names would otherwise read as a run-on sentence.
KNOWN_SITES: frozenset[str] = _words(
    """
    about.me link.me direct.me solo.to notion.so cash.app bild.de zeit.de welt.de spiegel.de
    stern.de kicker.de focus.de chip.de otto.de web.de bahn.de wetter.de lotto.de mobile.de
    post.de marca.es sport.es tap.bio bio.link tell.me fun.me europa.eu bit.ly t.co t.me wa.me
    fb.me m.me amzn.to lnk.to youtu.be dm.de dia.es game.es real.de next.co.uk kayak.de
    kayak.es
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
CORPORATE_TLDS: frozenset[str] = _words("ltd inc llc gmbh ltda limited corp srl sarl kg ag")

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
            r"ito|ita|inha|inho|ção|ções|ción|ciones|dade|dad|aste|iste|amos|emos|imos|aba|ía|é|ó|í)"
        ),
    ),
    (
        # .de and .es are big shop TLDs: only endings that no shop name has
        # (not "-ando", "-er": zalando.es, sprinter.es, bücher.de).
        _words("de es"),
        re.compile(
            r"\w{2,}(?:ei|ado|ada|ados|adas|ido|ida|idos|idas|endo|indo|mente|ção|ción|oso|osa|"
            r"inha|inho|ito|ita|aste|iste|é|ó|í)"
        ),
    ),
    (
        _words("so im am es in ne nu jo"),
        re.compile(
            r"\w{2,}(?:lich|ig|isch|ung|heit|keit|chen|bar|los|voll)"
            r"|(?:ge|an|auf|aus|ein|ver|be|zer|zu)\w{3,}(?:t|en)"
        ),
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

# Function words: a name spelled out with " dot " or " . " that is one of these is prose
# ("the dot com bubble", "love it . com").  Nouns and verbs are not here: "wish dot com".
STOP_WORDS: frozenset[str] = _words(
    """
    the a an this that these those it its my your his her our their me you him them us we they i
    he she and or but so if then than to of in on at by for with from as is are was were be been
    am do does did not no yes all any some what which who how why when where there here just very
    too also only
    el la los las un una unos unas lo de del al en con por para que y o pero si no sí mi tu su mis
    tus sus me te se nos le les es son era fue muy más ya
    os as um uma do da dos das na nos nas em com e ou mas não sim meu minha seu sua é são foi
    muito mais já
    yang dan di ke dari ini itu aku kamu dia saya kita kami mereka ada tidak gak ga ya iya juga
    sudah udah aja saja
    der die das ein eine einen dem den des und oder aber wenn dann als zu von mit für auf im am an
    ist sind war ich du er sie es wir ihr mich dich mir dir uns nicht kein ja nein auch noch schon
    sehr
    """
)

# Function words that are also ccTLDs with a second level ("com.so", "com.es"): after a
# complete name they start the next sentence ("shein.com.so cheap").  Not "my":
# shopee.com.my is real.
RUN_ON_TAILS: frozenset[str] = _words("so me it is to in no do es se la eu at be by us am im na si")
