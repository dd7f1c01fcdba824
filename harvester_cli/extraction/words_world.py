"""Word lists for the ten languages added by issue 14 (French, Italian, Turkish, Polish,
Dutch, Vietnamese, Thai, Japanese, Russian, Arabic).

Hand written from the languages' everyday comment vocabulary (no external list was
copied); like :mod:`.words` they only ever *reject* a bare name.

* ``WORDS[lang]``: words that end or start a clause in comments ("génial", "bellissimo",
  "güzel", "świetne", "leuk", "đẹp", "супер") and the language's function words.  A bare
  ``<word>.<tld>`` where the name is a word of one language and the TLD also reads as a
  word of *that same* language ("bellissima.io", "świetne.co", "güzel.ve", "leuk.ga",
  "Супер.Дети") is two sentences run together.  Across languages it is not: ``subito.it``
  (Italian word, English "it") is a site.
* ``STOP[lang]``: function words; ``<stop word> <dot word> <tld>`` is prose ("le point de
  vue", "bu nokta de").
* ``DOT_WORDS``: the word for "dot" in each language, as written in ``NAME <word> SUFFIX``.
* ``MARKERS[lang]``: letters only that language writes (Turkish ğ ı ş, Polish ą ę ł ń ś ź ż ć,
  Vietnamese đ ơ ư and the tone-marked vowels, French and Italian accents): a name holding
  one before a TLD that is a word of that language is a run-on even when the word is not
  listed ("Beğendim.De biraz", "Dostałam.Co za").
* ``NOT_DOT_PAIRS``: a dot word followed by a TLD that, with that word, is a set phrase:
  French/Spanish/Portuguese "point de", "punto de", "ponto de" ("point de vue").
* ``THAI_CUES``: Thai words that come right before a name ("ที่" at, "จาก" from,
  "เว็บ" web): Thai is written without spaces, so a Thai host name starts after them.
* ``KNOWN_SITES_WORLD``: sites of these markets whose names read like run-ons.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in text.split() if w)


_FR = """
acheter achète achetez commander reçois recu arrivé arrivée arrive envoyé envoi colis taille
prix pas cher cher chère petit petite grand grande nouveau nouvelle vieux vieille joli jolis
jolies belles beaux bonne bons bonnes mauvais mauvaise facile difficile rapide lent lente
heureuse heureux contente content triste fatigué fatiguée magnifiques sublimes parfaits
incroyables vraiment absolument complètement totalement honnêtement sincèrement clairement
surtout seulement juste presque assez beaucoup peu moins plus tellement tant autant souvent
parfois toujours jamais bientôt tard tôt hier soir matin demain semaine mois année jour
maison voiture chat chien enfant enfants bébé copain copains amis amies famille cadeau
regarde regardez écoute attends viens vas va allez fais faites dis dites pense crois sais
veux voudrais peux aime aimes aimons adore adorons déteste trouve trouvé cherche
super génial genial top trop bien merci magnifique parfait parfaite beau belle jolie joli mignon
mignonne incroyable adore adorable sublime canon ouf grave vraiment cool nickel bravo hâte oui non
bon bonne vrai vraie stylé stylée chouette excellent excellente énorme dingue fou folle waouh mdr
ptdr voilà voila bref enfin alors donc aussi encore toujours jamais déjà deja demain hier
maintenant commande commandé acheté reçu reçue livré vidéo robe couleur taille prix qualité
livraison fille copine amie maman papa soeur sœur frère mère père moi toi lui elle nous vous eux
ça cela ceci là ici tout tous rien quoi pourquoi comment quand qui que trop génialissime
franchement carrément grave sérieux vite pareil pareille aussi même
"""
_FR_STOP = """
le la les l un une des du de d au aux ce cet cette ces mon ma mes ton ta tes son sa ses notre nos
votre vos leur leurs et ou mais donc car ni que qui quoi dont où à a en dans par pour sur avec sans
sous chez entre vers je j tu il elle on nous vous ils elles me m te t se s y ne n pas plus très
tout tous toute toutes c est ça cela ceci ci là ici bien quel quelle
"""
_IT = """
bellissime bellissimi stupende stupendi fantastici fantastiche carini carine ottimi ottime
perfetti perfette comodo comoda economico economica caro cara costoso costosa veloce lento
lenta nuovo nuova vecchio vecchia grande piccolo piccola felice contento contenta triste
stanco stanca arrivato arrivati arrivate spedito spedita ordinata preso presa comprata
voglio vuoi vuole volevo posso puoi può devo devi sai so penso credo dico dici guarda senti
aspetta vieni vai andiamo facciamo fatto fatta detto detta visto vista trovato trovata
davvero veramente assolutamente sicuramente finalmente purtroppo ovviamente praticamente
sempre spesso presto tardi ieri stasera stamattina settimana mese anno giorno casa macchina
gatto cane bambino bambina bambini figlio figlia amica amico amiche amici famiglia regalo
tutto tutti tutta tutte niente nulla qualcosa ciascuno ognuno altro altra altri poi dopo prima
bello bella belli belle bellissimo bellissima bellissimi stupendo stupenda fantastico fantastica
ottimo ottima perfetto perfetta carino carina grazie prego ciao sì si no certo davvero proprio
troppo tanto tanta molto poco sempre mai già gia ancora adesso ora oggi domani ieri subito allora
quindi però pero comunque anche io tu lui lei noi voi loro mi ti ci vi ne lo la li le gli il un
una uno che chi cosa come dove quando perché perche boh dai vabbè vabbe wow top super figo figa
brava bravo bravissima bravissimo amore tesoro mamma video colore taglia prezzo qualità
consegna preso comprato ordinato arrivato arrivata voglio vorrei compro prendo adoro
"""
_IT_STOP = """
il lo la i gli le un uno una di a da in con su per tra fra e ed o ma se che chi non è sono era
mio mia miei mie tuo tua suo sua nostro vostro loro questo questa quello quella io tu lui lei noi
voi mi ti ci vi si ne del della dei delle al alla ai alle dal dalla nel nella sul sulla
"""
_TR = """
geldi geliyor gelir gelecek aldım aldın aldık aldı alacağım almak sipariş verdim verdik
beğendim begendim bayıldım sevdim seviyorum istiyorum istedim lazım gerek var yok oldu olur
olacak oluyor güzeldi harikaydı süperdi mükemmeldi kötü kötüydü berbat ucuzdu pahalıydı hızlı
yavaş yeni eski büyük küçük uzun kısa tatlı şirin sevimli kaliteli kalitesiz orijinal sahte
teşekkür ederim sağolun sağ olun lütfen rica hemen şimdi bugün yarın dün sonra önce hep
bazen asla zaten hala hâlâ artık sadece bile daha çok az biraz tam gerçek gerçekten kesin
bence sence annem babam kardeşim arkadaşım kızım oğlum ablam abim eşim ev araba kedi köpek
güzel harika süper super çok cok en iyi teşekkürler tesekkurler sağol sagol evet hayır hayir tamam
peki ama fakat ve veya ile de da ki mi mı mu mü ne neden nasıl nasil nerede kim bu şu o ben sen
biz siz onlar bir hiç hic her şey sey bence aynen kesinlikle gerçekten gercekten mükemmel
mukemmel muhteşem muhtesem efsane bayıldım bayildim aldım aldim geldi ucuz pahalı pahali kargo
fiyat renk beden video abla abi canım canim kanka
"""
_TR_STOP = """
ve veya ile de da ki mi mı mu mü ne bu şu o bir için icin gibi kadar ama fakat çok cok en daha
ben sen biz siz onlar her hiç son ilk
"""
_PL = """
wczoraj dzisiaj dziś jutro zaraz potem wcześniej później szybko wolno tanio drogo dobrze źle
ładnie pięknie super extra ekstra bardzo trochę dużo mało więcej mniej zawsze czasem czasami
nigdy często rzadko już jeszcze tylko nawet właśnie chyba może raczej oczywiście naprawdę
serio kupiłam kupiłem kupiła kupił zamówiłam zamówiłem zamówiła przyszło przyszła przyszedł
doszło doszła dostałam dostałem dostała polecam polecacie podoba podobają kocham lubię
chcę chce chciałam chciałem muszę mogę wiem myślę sądzę widzę widziałam mam masz ma mamy
macie mają jest są będzie było była był nowy nowa nowe stary stara duży duża małe mały mała
tani tania tanie drogi droga drogie fajnie świetnie cudowne cudowny piękny śliczne śliczny
dom domu auto kot pies dziecko dzieci mama tata siostra brat córka syn mąż żona prezent
bo my im mu ci je sa az pa
super świetne świetny świetna swietne fajne fajny fajna piękne piękny piękna ładne ładny ładna
dzięki dzieki dziękuję dziekuje polecam wow ok okej tak nie no dobra dobrze spoko serio naprawdę
naprawde bardzo trochę troche też tez już juz jeszcze teraz dziś dzis jutro wczoraj zawsze nigdy
co to ten ta te na do za by ma mam masz jest są sa był była ja ty on ona my wy oni mi mnie ci
cię cie go jej nam wam im czy jak gdzie kiedy dlaczego bo ale albo lub więc wiec kupiłam kupiłem
zamówiłam zamówiłem przyszło przyszła cena kolor rozmiar jakość jakosc kochana kochanie
"""
_PL_STOP = """
i w we z ze na do za o od po przez dla bez pod nad przy u a ale albo lub czy że ze to ten ta te
ja ty on ona ono my wy oni mi ci go jej mu nam wam im się sie nie tak co jak jest są sa był
była było mój moja moje twój twoja jego jej nasz wasz ich
"""
_NL = """
besteld gekocht gekregen ontvangen aangekomen bezorgd verstuurd betaald gisteren vandaag
morgen straks later eerst daarna altijd nooit soms vaak meteen snel langzaam goedkoop duur
nieuw oud groot klein mooier mooiste leukste beste lekker heerlijk fijn prima perfect
helemaal echt zeker misschien natuurlijk gewoon eigenlijk trouwens eindelijk helaas jammer
wil wilde kan kon moet moest mag mocht zal zou weet denk vind vond zie zag heb hebt heeft
hebben had ben bent wordt werd kijk kijken koop kopen bestel bestellen huis auto kat hond
kind kinderen moeder vader zus broer dochter zoon vriend vriendin cadeau
leuk leuke mooi mooie prachtig prachtige top super geweldig geweldige heerlijk gaaf gave cool
schattig lief lieve echt heel erg zo wel niet nee ja oke oké dank bedankt thanks haha jeetje
wauw wow nu ga gaan gaat ik je jij u hij zij ze we wij jullie het de een is zijn was waren al
ook nog maar en of dan dus want om in op aan bij met voor van naar uit er hier daar wat wie waar
wanneer hoe waarom besteld gekocht gekregen binnen kleur maat prijs kwaliteit levering video
"""
_NL_STOP = """
de het een en of maar dus want om in op aan bij met voor van naar uit over onder tot door is zijn
was waren ik je jij u hij zij ze we wij jullie mijn jouw zijn haar ons onze hun dit dat deze die
er hier daar niet geen wel al ook nog zo te goed
"""
_VI = """
điểm dấu câu bài rồi nhận được giao nhanh chậm rẻ đắt mắc mới cũ to nhỏ dài ngắn xịn xinh xắn dễ thương
đáng yêu tuyệt vời quá trời siêu cực kỳ hơi khá rất lắm thật sự luôn liền ngay bây giờ
hôm nay qua mai tuần tháng năm sáng tối chiều mua đặt order nhận về tới đến chưa xong
thích yêu ghét muốn cần có không được bị phải nên sẽ đã đang vừa mới còn nữa thôi mà nhé
nha nè ha hả hen ơi ạ dạ vâng ừ ok oke bạn mình tụi chúng tôi anh chị em cô chú bác
con cháu mẹ ba bố má nhà xe mèo chó quà
đẹp dep xinh quá qua lắm lam ghê ghe thích thich yêu yeu hay tốt tot rẻ re mắc đắt dat ok oke
cảm cam ơn on cám vâng dạ da ừ ừm không khong có co chưa chua rồi roi nhé nhe nha nè ne à ạ
ai gì gi đâu dau nào nao sao vậy vay thế the mình minh bạn ban tôi toi em anh chị chi mẹ me bố
bo ba má ma con to nhỏ nho lớn lon mới moi cũ cu mua bán ban giao hàng hang shop giá gia màu
mau size chất chat lượng luong vải vai đi di về ve ra vào vao cho với voi và va là la của cua
thật that sự su do vì vi nên nen
"""
_VI_STOP = """
và với của là có không cho trong trên dưới này đó kia thì mà nên vì do bởi để ở tại từ đến
các những một hai ba cái con người em anh chị bạn mình tôi nó họ
"""
_RU = """
заказ заказала заказал заказали купила купил купили пришло пришла пришёл пришел доставили
получила получил быстро медленно дёшево дешево дорого красиво красивый красивая красивое
классный классная классное крутой крутая новый новая новое старый старая большой большая
маленький маленькая хороший хорошая плохой плохая отличный отличная отличное прекрасный
милый милая удобно удобный удобная вчера сегодня завтра потом сначала сразу всегда иногда
часто редко уже ещё еще только даже просто правда конечно наверное кажется точно хочу хочет
хотела могу можно нужно надо знаю думаю вижу люблю нравится понравилось советую рекомендую
дом машина кот собака ребёнок ребенок дети мама папа сестра брат дочь сын муж жена подарок
супер класс круто клёво отлично прекрасно красиво красота спасибо привет пока да нет ок окей
хорошо плохо очень тоже ещё еще уже сейчас сегодня завтра вчера всегда никогда здесь там тут
это этот эта эти что кто где когда как почему потому зачем и а но или же ли вот так такой
дети сайт онлайн москва рус мама папа подруга цена цвет размер качество доставка видео купила
купил заказала заказал пришло пришла
"""
_RU_STOP = """
и в во на с со к ко по о об от до за из у для без под над при про через а но или же ли не ни
это этот эта эти тот та те я ты он она оно мы вы они мой моя мои твой наш ваш их его её ее что
кто как так вот там тут здесь все всё
"""
_AR = """
شكرا شكراً جميل جميلة رائع رائعة حلو حلوة ممتاز ممتازة نعم لا هذا هذه ذلك تلك الله ماشاء
موقع شبكة مصر عمان قطر
"""
_AR_STOP = """
في من على إلى الى عن مع هذا هذه ذلك تلك هو هي هم أنا انا أنت انت نحن و أو او ثم لا ما لم لن
"""

WORDS: dict[str, frozenset[str]] = {
    "fr": _words(_FR) | _words(_FR_STOP),
    "it": _words(_IT) | _words(_IT_STOP),
    "tr": _words(_TR) | _words(_TR_STOP),
    "pl": _words(_PL) | _words(_PL_STOP),
    "nl": _words(_NL) | _words(_NL_STOP),
    "vi": _words(_VI) | _words(_VI_STOP),
    "ru": _words(_RU) | _words(_RU_STOP),
    "ar": _words(_AR) | _words(_AR_STOP),
}

MARKERS: dict[str, str] = {
    "tr": "ğışİ",
    "pl": "ąęłńśźżć",
    "vi": "đơưă\u1ea0-\u1ef9",
    "fr": "èêçùûôîïëœ",
    "it": "àèìòù",
}

STOP: frozenset[str] = (
    _words(_FR_STOP)
    | _words(_IT_STOP)
    | _words(_TR_STOP)
    | _words(_PL_STOP)
    | _words(_NL_STOP)
    | _words(_VI_STOP)
    | _words(_RU_STOP)
    | _words(_AR_STOP)
)

# The word for "dot" written between the labels of a name, spaces around it:
# Polish, Turkish, Dutch, French/English, Italian/Spanish, Portuguese, German, Indonesian,
# Vietnamese (with and without its tone mark), Russian (and "дот"), Arabic (and "دوت").
DOT_WORDS_SPACED: tuple[str, ...] = (
    "kropka",
    "nokta",
    "punto",
    "punt",
    "point",
    "ponto",
    "punkt",
    "titik",
    "chấm",
    "cham",
    "точка",
    "дот",
    "نقطة",
    "دوت",
)
# Written with or without spaces (Japanese and Thai have none between words), only between
# Latin labels: "zozoドットjp", "lazadaจุดcoจุดth".
DOT_WORDS_GLUED: tuple[str, ...] = ("ドット", "จุด", "ดอท")

NOT_DOT_PAIRS: frozenset[tuple[str, str]] = frozenset({("point", "de"), ("punto", "de"), ("ponto", "de")})

THAI_CUES: tuple[str, ...] = ("เว็บไซต์", "เว็บ", "เวป", "ที่", "จาก", "ลิงก์", "ลิ้งค์")

KNOWN_SITES_WORLD: frozenset[str] = _words(
    """
    vinted.it vinted.fr vinted.nl vinted.pl vinted.es vinted.de vinted.be subito.it libero.it
    bol.com extra.com mavi.com
    """
)
