"""Messages the screener cannot read: text that is not English.

Every cue of the pattern tier and every example the learned tier was trained on is English, so
a message in another language screened `none` only because nothing in it could be read ("Quiero
morir" passed as ordinary talk). This module says when a message is not English and reads the
few crisis phrases it knows in other languages; the pattern tier turns that into a level:

- a crisis phrase of another language (wanting to die or to kill oneself, suicide, self-harm in
  Spanish, Portuguese, French, German, Italian, Dutch, Russian, Chinese, Japanese, Korean,
  Arabic, Hindi, Turkish, Polish, Indonesian, Tagalog, Swahili, Ukrainian, Greek, Hebrew,
  Thai, Persian or Bengali) is `moderate`, with signal `crisis_phrase:<language>`;
- any other message confidently not English is `low`, with signal `unread_language:<language>`:
  the guardrail then asks its safety question with the crisis line instead of answering as if
  nothing could be wrong. The screener cannot tell distress from risk in that language; an
  operator serving other languages needs a screener for them (a model tier:
  `--model-role screener=…`).

Language identification is py3langid's naive Bayes model (97 languages, ~0.04 ms a message;
`theralab.text.langid` loads it from an unpacked copy). It is loaded on the first message that
does not read as English at a glance (two English function words, or one in five words or
fewer), so most English-only runs never load it.
Thresholds were set on real English chat and counseling talk (ESConv and AnnoMI, 41,282
messages: none flagged at the chosen confidence) and are checked in
`tests/test_safety_language.py`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from theralab.safety.prefilter import Prefiltered
from theralab.safety.risk import RiskCategory, RiskLevel
from theralab.text.langid import identifier as _identifier

__all__ = [
    "MIN_CONFIDENCE",
    "MIN_CONFIDENCE_NO_ENGLISH",
    "UNREAD_LANGUAGE",
    "ForeignReading",
    "fold",
    "not_english",
    "read_foreign",
    "reads_as_english",
]

UNREAD_LANGUAGE = "unread_language:"  # the signal of a message read as another language

# The identifier's probability a Latin-script message must reach before it is called another
# language. Chosen on real English talk (41,282 messages): the identifier alone flagged 22 at
# 0.5, 1 at 0.7, none at 0.9; with the rules below, 1 / 0 / 0 (bench/screener_languages.py).
MIN_CONFIDENCE = 0.7
# … and one of four words or more with no English function word at all: 0 of the 41,282.
MIN_CONFIDENCE_NO_ENGLISH = 0.4
_SCAN_CHARS = 2000  # a long post is judged on its start
_SHORT = 5  # words: a reply this short with one English function word is English
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")  # words of any alphabet ("çok", not "ok")
# Words that are English and not also common words of other languages written in Latin
# letters (so "no", "me", "a", "i", "to", "do", "on", "so", "or", "he", "die", "will", "is",
# "was" and "ok" are left out).
_ENGLISH_WORDS = (
    "the and you your i i'm im i've ive i'd i'll it's its that this with have has had just "
    "don't dont can't cant won't wont not what when where why how who because about would "
    "could should been being they them their there here from were are my myself feel feeling "
    "really very think know want like get got going doing today tonight anymore anything "
    "nothing something everything thanks thank yeah yes of for at be did she we our us his "
    "her him if but all any some much too which every again without after before first "
    "maybe sure honestly right fine that's what's there's let's you're we're they're "
    "doesn't didn't isn't wasn't couldn't wouldn't shouldn't own last well still even never "
    "always than then into over only other people time work home said told tell make made "
    "take took keep kept back way good bad lot little yet while though since until these "
    "those such asked feels felt pretty"
)
_ENGLISH = frozenset(_ENGLISH_WORDS.split())


# Function words of the languages whose short messages the identifier is least sure of; the
# lower MIN_CONFIDENCE_NO_ENGLISH needs two of them (texting shorthand like "gym tmrw whos
# coming" reads as Welsh to the identifier, and has none).
_FUNCTION_WORDS = {
    "es": "de la que el en y los se del las un por con una su para es al lo como mas pero le ya "
    "porque esta cuando muy sin sobre tambien hasta hay donde desde todo nos yo mi mis tu te "
    "estoy estas esta tengo tiene hoy nada algo",
    "pt": "de o que e do da em um para com nao uma os no se na por mais as dos como mas ao ele "
    "das tem seu sua ou quando muito nos ja esta eu tambem so isso ela sem me voce meu minha "
    "estou hoje nada",
    "fr": "de la le et les des en un du une que est pour qui dans par plus pas au sur ne se ce "
    "il sont avec ou mais je tu nous vous elle mon ma mes suis tres rien tout",
    "de": "der die und den von zu das mit sich des auf fur ist im dem nicht ein eine als auch es "
    "aus er hat dass sie nach bei um sind noch wie uber einen zum haben nur oder aber vor bis "
    "ich bin mir mich mein meine du dich kann heute nichts",
    "it": "di il la che per un non una sono mi da ho lo ma ti si le con del della io tu lui lei "
    "noi mio mia sei molto oggi niente tutto piu anche come",
    "nl": "de en van ik te dat die een hij het niet zijn op aan met als voor maar om dan wat "
    "mijn dit zo door ze bij ook je mij uit daar naar heb hoe geen omdat iets nog ben kan "
    "niets vandaag",
}
_FUNCTION = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}


@dataclass(frozen=True)
class ForeignReading:
    """What could be read of a message that is not English."""

    language: str  # ISO 639-1 code (py3langid's), or the phrase table's
    level: RiskLevel
    categories: tuple[RiskCategory, ...]
    signals: tuple[str, ...]


_S, _H, _O = RiskCategory.SUICIDE, RiskCategory.SELF_HARM, RiskCategory.OVERDOSE
# Crisis phrases, matched on lower-cased text with accents removed. Only phrases that are not
# English words or parts of them.
_PHRASES: dict[str, list[tuple[str, RiskCategory]]] = {
    "es": [
        (r"\b(?:me )?quiero (?:morir|matar|suicidar)(?:me)?\b", _S),
        (r"\b(?:matarme|suicidarme|suicidio|suicida)\b", _S),
        (r"\b(?:acabar con|quitarme) (?:mi|la) vida\b", _S),
        (r"\bno quiero (?:seguir )?viv(?:ir|iendo)\b", _S),
        (
            r"\b(?:ganas de|quisiera|quiero|deseo|me gustaria) (?:morir|desaparecer para siempre)"
            r"(?:me)?\b|\bpienso en (?:morir(?:me)?|quitarme la vida)\b",
            _S,
        ),
        (r"\b(?:cortarme|me corto|autolesion\w*)\b", _H),
        # a whole supply taken: the overdose is the emergency ("me tome todas mis pastillas")
        (
            r"\b(?:me )?(?:tome|he tomado|trague|me trague) (?:todas (?:mis|las)|demasiadas|una "
            r"caja (?:entera )?de)\b[^.!?]{0,30}\b(?:pastillas|pildoras|medicamentos|tabletas)\b|"
            r"\bsobredosis\b|\b(?:me )?(?:tome|trague|he tomado)\b[^.!?]{0,20}\b\d+ (?:pastillas|"
            r"pildoras|tabletas)\b|\bme (?:las|los) (?:tome|trague)\b.{0,40}\b(?:muchas|todas|"
            r"todos|muchos)\b|\b(?:tome|trague|me tome)\b[^.!?]{0,15}\b(?:veneno|cloro|"
            r"raticida|insecticida)\b",
            _O,
        ),
        (r"\b(?:me mato|matarme) (?:hoy|esta noche|manana|ahora)\b|^me mato\W*$", _S),
        (r"\bpara no (?:volver a )?despertar(?:me)?\b|\bno despertar(?:me)? (?:nunca )?mas\b", _S),
        (
            r"\bcuant[ao]s\b[^.!?]{0,30}\b(?:pastillas|pildoras|tabletas|comprimidos)\b[^.!?]{0,40}"
            r"\b(?:para no (?:volver a )?despertar|para morir|para matarme)\b",
            _O,
        ),
    ],
    "pt": [
        (r"\bquero (?:morrer|me matar)\b", _S),
        (r"\b(?:me matar|suicidar|suicidio)\b", _S),
        (r"\b(?:tirar|acabar com) (?:a )?minha (?:propria )?vida\b", _S),
        (r"\bnao quero (?:mais )?viver\b", _S),
        (
            r"\b(?:vontade de|queria|gostaria de) (?:morrer|me matar)\b|\bsuicida\b|\bpenso em "
            r"(?:morrer|me matar|suicidio)\b",
            _S,
        ),
        (r"\b(?:me cortar|automutila\w*)\b", _H),
        (
            r"\b(?:tomei|engoli)\b[^.!?]{0,30}\b(?:todos? (?:os|as|meus|minhas)|uma cartela|uma "
            r"caixa|um monte de|\d+)\b[^.!?]{0,25}\b(?:remedios?|comprimidos|pilulas|capsulas)\b|"
            r"\bsuperdosagem\b",
            _O,
        ),
        (r"\bme mato\b|\bvou me matar\b", _S),
    ],
    "fr": [
        (r"\bje (?:veux|voudrais) mourir\b|\bj'?aimerais mourir\b", _S),
        # thinking about suicide, wanting to die or to end it ("j'ai envie de mourir", "je pense
        # au suicide", "envie d'en finir")
        (
            r"\benvie (?:de (?:mourir|crever|me tuer|me suicider)\b|d'? ?en finir\b(?! avec "
            r"(?!la vie\b)))",
            _S,
        ),
        (
            r"\bje (?:pense|songe|reflechis)(?: \w+)? (?:au suicide|a (?:me suicider|me tuer|"
            r"mourir|en finir|la mort))\b|\bpensees? (?:suicidaires|de mort)\b|"
            r"\bje veux en finir\b(?! avec (?!la vie\b))",
            _S,
        ),
        (r"\b(?:me|m') ?suicider\b|\bsuicidaire\b|\bme tuer\b", _S),
        (r"\bmettre fin a (?:mes jours|ma vie)\b", _S),
        (r"\bje ne veux plus vivre\b", _S),
        (r"\b(?:pour )?ne (?:plus|jamais) me reveiller\b", _S),
        (
            r"\bcombien de (?:comprimes|cachets|pilules|somniferes|"
            r"medicaments)\b[^.!?]{0,40}\bpour (?:ne (?:plus|jamais) me reveiller|mourir|"
            r"en finir)\b",
            _O,
        ),
        (r"\b(?:me scarifier|scarification|automutil\w*|je me coupe)\b", _H),
        (
            r"\b(?:j'? ?ai|je viens d'? ?) ?(?:pris|avale) (?:toutes? (?:mes|les)|trop de|une "
            r"boite (?:entiere )?de|toute (?:la|ma) (?:boite|plaquette) de)\b[^.!?]{0,30}\b"
            r"(?:pilules|cachets|comprimes|medicaments|somniferes)\b|\bsurdose\b",
            _O,
        ),
    ],
    "de": [
        (r"\bich (?:will|mochte) sterben\b", _S),
        (r"\b(?:mich umbringen|bringe? mich um|selbstmord\w*|suizid\w*)\b", _S),
        (
            r"\bmich\b[^.!?]{0,25}\bumbringen\b|\bkeinen (?:bock|bog) mehr (?:zu|auf(?:s)?) "
            r"leben\b|\bverabschiedet\b[^.!?]{0,60}\bnicht mehr da\b",
            _S,
        ),
        (r"\bmir das leben nehmen\b|\bnicht mehr leben\b", _S),
        (
            r"\bich (?:will|mochte|wurde gerne?|wurde lieber) (?:tot sein|sterben)\b|"
            r"\blieber tot\b|"
            r"\b(?:will|mochte|wurde) (?:am liebsten )?sterben\b|\bdenke (?:daran|dran),? "
            r"(?:mich umzubringen|zu sterben|mir das leben zu nehmen)\b",
            _S,
        ),
        (r"\b(?:ritze mich|mich ritzen|selbstverletz\w*)\b", _H),
        # not waking again, and how many pills it would take ("wie viele schlaftabletten …, um
        # nicht mehr aufzuwachen")
        (
            r"\b(?:um )?nicht mehr (?:auf)?zuwachen\b|\b(?:nie (?:mehr|wieder)|"
            r"nicht mehr) aufwachen\b",
            _S,
        ),
        (
            r"\bwie viele\b[^.!?]{0,30}\b(?:tabletten|schlaftabletten|"
            r"pillen)\b[^.!?]{0,40}\b(?:nicht mehr (?:auf)?zuwachen|nicht mehr aufwachen|sterben|"
            r"tot)\b",
            _O,
        ),
        (
            r"\b(?:alle|zu viele|die ganze packung|eine ganze packung|die ganze schachtel)\b"
            r"[^.!?]{0,40}\b(?:genommen|geschluckt|eingenommen)\b|\buberdosis\b",
            _O,
        ),
    ],
    "it": [
        (
            r"\b(?:voglio|vorrei|ho voglia di) morire\b|\bpenso (?:di|a) (?:morire|farla finita)\b|"
            r"\bsuicida\b",
            _S,
        ),
        (r"\b(?:uccidermi|ammazzarmi|suicidarmi|suicidio)\b", _S),
        (r"\btogliermi la vita\b|\bfarla finita\b|\bnon voglio piu vivere\b", _S),
        (r"\b(?:tagliarmi|mi taglio|autolesionis\w*)\b", _H),
        (
            r"\bmi (?:voglio|vorrei|vado ad?) (?:ammazzare|uccidere|suicidare)\b|\bmi (?:ammazzo|"
            r"uccido)\b(?! (?:di|dal|dalle|dalla|a forza))|\bla faccio finita\b",
            _S,
        ),
        (
            r"\bho (?:preso|ingoiato|mandato giu)\b[^.!?]{0,30}\b(?:tutte? (?:le|i|le mie|i miei)|"
            r"troppe|troppi|una scatola|\d+)\b[^.!?]{0,25}\b(?:pillole|pastiglie|compresse|farmaci|"
            r"medicine|sonniferi)\b",
            _O,
        ),
    ],
    "nl": [
        (r"\bik wil dood\b|\bzelfmoord\b|\bniet meer leven\b", _S),
        (
            r"\bik wil(?: \w+)? (?:sterven|dood zijn)\b|\bzelfdoding\b|\bsuicidaal\b|"
            r"\bdenk(?:en)? aan (?:suicide|zelfdoding|dood gaan)\b",
            _S,
        ),
        (r"\bmezelf (?:van kant maken|doden|ombrengen)\b", _S),
        (r"\bzelfbeschadig\w*\b", _H),
        (
            r"\b(?:al mijn|alle|te veel|een hele (?:strip|doos|pot))\b[^.!?]{0,30}\b(?:pillen|"
            r"medicijnen|tabletten|slaappillen)\b[^.!?]{0,25}\b(?:ingenomen|geslikt|genomen)\b",
            _O,
        ),
        (r"\b(?:pillen|tabletten)\b[^.!?]{0,30}\bklaar(?:liggen|gelegd|staan)?\b", _S),
    ],
    "ru": [
        (
            r"суицид|самоубийств|покончить с собой|убить себя|хочу умереть|не хочу жить|хочется "
            r"умереть|хочу покончить",
            _S,
        ),
        (r"режу себя|селфхарм", _H),
        (
            r"(?:выпил|выпила|проглотил|проглотила|съел|съела|наглотал\w*)[^.!?]{0,30}(?:все|всю|"
            r"целую|пачку|упаковку|много)[^.!?]{0,20}(?:таблет|лекарств|снотворн|пачк)",
            _O,
        ),
        (r"прощальн\w* (?:письм|запис)", _S),
    ],
    "zh": [
        (
            r"自杀|自殺|想死|轻生|輕生|不想活|跳楼|跳樓|烧炭|燒炭|(?:今晚|今天)[^。！？]{0,10}跳下去",
            _S,
        ),
        (r"自残|自殘|割腕", _H),
        (
            r"(?:一整瓶|整瓶|一大把|全部)[^。！？]{0,8}(?:药|藥)|(?:药|藥)[^。！？]{0,6}(?:都吃了|全吃了|吞了)",
            _O,
        ),
    ],
    "ja": [
        (r"死にたい|自殺|消えたい|飛び込|飛び降り", _S),
        (r"自傷|リストカット", _H),
        (
            r"(?:薬|くすり)を?(?:全部|たくさん|大量に?|まとめて)飲ん|オーバードーズ|ＯＤ|OD(?:した|しちゃ)",
            _O,
        ),
    ],
    "ko": [
        (r"죽고 싶|자살|죽을 거|죽을거|뛰어내릴|번개탄", _S),
        (r"자해", _H),
        (r"(?:수면제|약)[^.!?]{0,12}(?:한 통|다|전부|많이|잔뜩)[^.!?]{0,6}(?:먹었|삼켰)", _O),
    ],
    "ar": [
        (r"انتحار|انتحر|أريد أن أموت|اريد ان اموت|أقتل نفسي|اقتل نفسي", _S),
        (
            r"(?:بلعت|شربت|أخذت|اخذت)[^.!?]{0,20}(?:كل|جميع)[^.!?]{0,12}(?:حبوب|الحبوب|دواء|"
            r"الدواء|أدوية)",
            _O,
        ),
    ],
    "vi": [
        (
            r"\b(?:muon|se|dinh|nghi den|nghi toi) (?:chet|tu tu|tu sat)\b|\btu sat\b|"
            r"\bkhong muon song\b|\bnhay (?:cau|lau|xuong song)\b|\bcau\b.{0,40}\btam biet\b",
            _S,
        ),
        (
            r"\buong het\b[^.!?]{0,25}\bthuoc\b|\buong\b[^.!?]{0,20}\b(?:ca lo|ca vi|nhieu|mot lo) "
            r"thuoc\b|\bthuoc (?:tru sau|chuot|diet co)\b",
            _O,
        ),
    ],
    "hi": [(r"आत्महत्या|मरना चाहत|खुद को मार", _S)],
    "tr": [
        (r"\b(?:olmek istiyorum|intihar\w*|kendimi oldur\w*)", _S),
        (
            r"\b(?:butun|tum|hepsini)\b[^.!?]{0,30}\bila[cç]\w*\b[^.!?]{0,10}\b(?:ictim|yuttum|"
            r"aldim|aldım)|\bila[cç]\w* (?:hepsini )?(?:ictim|yuttum)\b",
            _O,
        ),
    ],
    "pl": [
        (
            r"\b(?:chce umrzec|chcia[lł]a?bym umrzec|samoboj\w*|zabic sie|"
            r"chce sie zabic|nie chce (?:juz )?zyc)\b|\bskocz\w* z (?:mostu|dachu|okna|balkonu)\b",
            _S,
        ),
        (
            r"\bpo[lł]kn\w*\b[^.!?]{0,30}\b(?:wszystkie|ca[lł]e opakowanie|za duzo)\b|"
            r"\b(?:wszystkie|ca[lł]e opakowanie)\b[^.!?]{0,30}\b(?:tabletki|leki|pigulki)\b"
            r"[^.!?]{0,15}\b(?:po[lł]kn|wzi[eę]?[lł])\w*",
            _O,
        ),
    ],
    "id": [
        (r"\b(?:bunuh diri|ingin mati|mau mati|pengen mati|ingin mengakhiri hidup)\b", _S),
        (
            r"\b(?:minum|menelan|nelen)\b[^.!?]{0,12}\b(?:semua|seluruh|banyak|sebotol|satu botol|"
            r"\d+)\b[^.!?]{0,20}\bobat\b",
            _O,
        ),
    ],
    "tl": [
        (r"\b(?:magpakamatay|magpapakamatay|gusto ko nang mamatay)\b", _S),
        (
            r"\b(?:ininom|nilunok)\b[^.!?]{0,20}\b(?:lahat|isang banig|madami|"
            r"marami)\b[^.!?]{0,20}\b(?:gamot|pills|tableta)\b|\b(?:ininom|uminom|iinumin|"
            r"inumin)\b[^.!?]{0,25}\b(?:katol|lason|muriatic|zonrox)\b|"
            r"\blason\b.{0,40}\b(?:iinumin|inumin|ininom)\b",
            _O,
        ),
    ],
    "sw": [(r"\b(?:kujiua|nataka kufa)\b", _S)],
    "uk": [(r"самогубств|хочу померти|не хочу жити|вбити себе", _S)],
    "el": [(r"αυτοκτον|θελω να πεθανω", _S)],
    "he": [(r"התאבד|רוצה למות", _S)],
    "th": [(r"ฆ่าตัวตาย|อยากตาย", _S)],
    "fa": [(r"خودکشی", _S)],
    "bn": [(r"আত্মহত্যা", _S)],
}
# Tonight, today, tomorrow, now, in each language with crisis phrases (matched on the folded
# text, or as written for other scripts).
_SOON_WORDS = {
    "es": r"\b(?:esta noche|hoy|manana|ahora|ahorita)\b",
    "pt": r"\b(?:hoje|esta noite|hoje a noite|amanha|agora)\b",
    "fr": r"\b(?:ce soir|cette nuit|aujourd'? ?hui|demain|maintenant)\b",
    "de": r"\b(?:heute|morgen|jetzt|heute nacht|heute abend)\b",
    "it": r"\b(?:stasera|stanotte|oggi|domani|adesso)\b",
    "nl": r"\b(?:vanavond|vannacht|vandaag|morgen)\b",
    "pl": r"\b(?:dzis|dzisiaj|jutro|teraz)\b",
    "tr": r"\b(?:bu gece|bugun|yarin|simdi)\b",
    "id": r"\b(?:malam ini|hari ini|besok|sekarang|nanti malam)\b",
    "tl": r"\b(?:mamaya|ngayon|bukas|mamayang gabi)\b",
    "vi": r"\b(?:toi nay|hom nay|ngay mai|bay gio|dem nay)\b",
    "ru": r"сегодня|сейчас|завтра|ночью",
    "uk": r"сьогодні|зараз|завтра|вночі",
    "zh": r"今晚|今天|明天|现在|現在",
    "ja": r"今夜|今日|明日|今から",
    "ko": r"오늘|내일|지금",
    "ar": r"الليلة|اليوم|غدا|الآن",
}
_SOON = {lang: re.compile(rx) for lang, rx in _SOON_WORDS.items()}
# Each phrase runs only when a string it must contain is in the text (the pattern tier's
# prefilters): English text holds none of them, so it costs a look-up, not a scan.
_COMPILED = [
    (lang, Prefiltered(rx), category) for lang, items in _PHRASES.items() for rx, category in items
]


def fold(text: str) -> str:
    """Lower case without accents (Latin letters only; other scripts are kept as they are)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _non_latin_share(text: str) -> float:
    if text.isascii():
        return 0.0
    letters = [ch for ch in text[:_SCAN_CHARS] if ch.isalpha()]
    if not letters:
        return 0.0
    other = sum(1 for ch in letters if not ("a" <= ch.lower() <= "z") and not _latin(ch))
    return other / len(letters)


@functools.lru_cache(maxsize=4096)
def _latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def not_english(text: str) -> str | None:
    """The language of `text` when it is confidently not English, else None. A text in
    another script (Cyrillic, Han, Arabic…) is never English; a Latin-script text needs four
    words or more (two with letters outside ASCII), fewer than two English function words
    (none in five words or fewer), and the identifier's probability
    ≥ MIN_CONFIDENCE (≥ MIN_CONFIDENCE_NO_ENGLISH for four words or more without any)."""
    head = text[:_SCAN_CHARS]
    if _non_latin_share(head) >= 0.5:
        lang, _ = _identifier().classify(head)
        return str(lang) if lang != "en" else "other-script"
    words = _WORD.findall(head.lower())
    hints = sum(1 for w in set(words) if w in _ENGLISH)
    if len(words) < 2 or hints >= 2 or (hints and len(words) <= _SHORT):
        return None  # English at a glance: the identifier is not even loaded
    if len(words) < 4 and head.isascii():
        return None  # two or three plain words: too short for the identifier to be sure
    lang, probability = _identifier().classify(head)
    if lang == "en":
        return None
    # Four words or more without one English function word and with two of the language's own
    # need less of the identifier (short Spanish is often only 0.5 Spanish to it).
    if probability >= MIN_CONFIDENCE:
        return str(lang)
    relaxed = (
        probability >= MIN_CONFIDENCE_NO_ENGLISH
        and len(words) >= 4
        and not hints
        and len(set(_WORD.findall(fold(head))) & _FUNCTION.get(str(lang), frozenset())) >= 2
    )
    return str(lang) if relaxed else None


# For saying a client's words back, a stricter reading than `not_english`, and one that never
# loads the identifier (a run of English talk would pay for it in time and memory): a sentence
# of four words or more where fewer than one word in seven is an English function word, or with
# three or more function words of another language and fewer than twice as many English ones,
# is not said back ("my abuela dice que soy una carga…" is English by its first words and
# Spanish by the rest).
_ECHO_ENGLISH_SHARE = 1 / 7
# … counting the short words English shares with other languages too (left out of `_ENGLISH`)
_ECHO_SHARED_WORDS = "i a an to is was he me on in it so or no do will ok as by up out one am at"
_ECHO_ENGLISH = _ENGLISH | frozenset(_ECHO_SHARED_WORDS.split())
# Other languages' function words that English chat also writes (ESConv seekers' most frequent:
# "come", "plus", "die", "door", "ya", "yo"…): not counted as foreign.
_ALSO_ENGLISH_WORDS = (
    "come ya met plus o die per e door non uber yo y com em er hat um ben mon al par des ma ho "
    "wat om ne un ist pour di ti ela mag den war son see con pro sin le lo mas tu"
)
_ALSO_ENGLISH = frozenset(_ALSO_ENGLISH_WORDS.split())
_FOREIGN_FUNCTION = frozenset().union(*_FUNCTION.values()) - _ECHO_ENGLISH - _ALSO_ENGLISH


def reads_as_english(text: str) -> bool:
    """Whether `text` (a sentence to be said back) reads as English throughout: False for any
    other script, for four words or more with too few English function words, or with three or
    more function words of another language beside fewer than twice as many English ones."""
    head = text[:_SCAN_CHARS]
    if _non_latin_share(head) > 0.0:
        return False
    words = _WORD.findall(fold(head))
    if len(words) < 4:
        return True
    hints = sum(1 for w in words if w in _ECHO_ENGLISH)
    if hints / len(words) < _ECHO_ENGLISH_SHARE:
        return False
    foreign = sum(1 for w in words if w in _FOREIGN_FUNCTION)
    return foreign < 3 or hints >= 2 * foreign


def read_foreign(text: str) -> ForeignReading | None:
    """A crisis phrase of another language (`moderate`; `high` for a whole supply of pills
    taken, in German, French or Spanish), else a message confidently not English (`low`,
    unread), else None (English, or too short to tell)."""
    lowered = text[:_SCAN_CHARS].lower()
    folded = fold(lowered)  # Latin phrases are written without accents
    found = [
        (lang, category)
        for lang, rx, category in _COMPILED
        # Devanagari, Bengali… lose their vowel signs and viramas to folding: read as written too
        if rx.search(folded) or (folded != lowered and rx.search(lowered))
    ]
    if found:
        categories = tuple(dict.fromkeys(category for _, category in found))
        languages = dict.fromkeys(lang for lang, _ in found)
        # a whole supply taken is an emergency in any language; a wish to die or to kill
        # oneself with a time said beside it ("ich bring mich heute nacht um") is a plan
        timed = any(
            _SOON[lang].search(folded) or _SOON[lang].search(lowered)
            for lang in languages
            if lang in _SOON
        )
        return ForeignReading(
            next(iter(languages)),
            RiskLevel.HIGH if _O in categories or timed else RiskLevel.MODERATE,
            categories,
            tuple(f"crisis_phrase:{lang}" for lang in languages)
            + (("crisis_phrase_with_time",) if timed else ()),
        )
    lang = not_english(text)
    if lang is None:
        return None
    return ForeignReading(lang, RiskLevel.LOW, (), (f"{UNREAD_LANGUAGE}{lang}",))
