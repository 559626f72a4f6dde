"""The fast pattern tier of the screener: named cues over normalised text, with the contexts
that turn a cue off (negation, idioms, gaming, fiction, academic or third-party talk,
recovery) and the ones a conversation needs later (stressors, means questions, persona
override attempts).

Each cue has a level and a category. Levels err upwards where the ladder is ambiguous ("I want
to die" is treated as active ideation): a false alarm costs a check-in, a miss can cost a life.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from theralab.safety.language import read_foreign
from theralab.safety.medication import routine_medication
from theralab.safety.prefilter import Prefiltered
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel, max_level

L, C = RiskLevel, RiskCategory

# --- normalisation ------------------------------------------------------------------------

_SLANG = (
    # "hes gonna kms": someone else's
    (
        r"\b(?:he|she|they|hes|shes|he's|she's|they're|theyre)(?: (?!i\b|i'|im\b|ima\b|me\b|my\b)"
        r"[\w']+){0,3}? k+m+s+\b",
        lambda m: m.group(0)[: m.group(0).rfind(" ")] + " kill themself",
    ),
    (r"\b(?:k ?m ?s|k\.m\.s\.?)\b", "kill myself"),
    (r"\bk+m+s+\b", "kill myself"),
    (r"\bk+y+s+\b", "kill yourself"),
    (r"\burself\b|\byourslef\b", "yourself"),
    (r"\bunalive(?:d|ing)? (?:my ?self|me)\b", "kill myself"),
    # someone else's ("unalive herself", "unalive yourself"): the verb, not the speaker
    (r"\bunalive(?:d|ing|s)? (?=(?:her|him|them|your|you)(?:sel(?:f|ves))?\b)", "kill "),
    (r"\bunalive\b", "kill myself"),
    (r"\bsewer ?slide\b|\bsu[i1!]c[i1!]d[e3]\b|\bs[u*]ic[i*]de\b|\bsuicid\b", "suicide"),
    (r"\bself[- ]?h[a@]rm(?:ing|ed)?\b|\bs/h\b", "self harm"),
    (r"\bod'(?:d|ed)\b|\bo\.d\.'?(?:d|ed)\b|\boded\b", "overdosed"),
    (r"\bctb\b", "suicide"),
    (r"\b(?:from|on|with|of|into|after|about|the) sh\b", lambda m: m.group(0)[:-2] + "self harm"),
    # "did sh again", "relapsed. sh again", "the urge to sh", "sh'd last night": self-harm
    (
        # not "do", "my", "bad" or "more" before it, which also say "shit" ("get my sh together")
        r"\b(?:did|done|relapsed?|relapsing|urges? to|want to|wanna|gonna|going to|stopped|quit|"
        r"started|bc of|because of) sh\b|\bsh (?:again|"
        r"relapse|urges?|cuts?|scars?|wounds?|marks|tonight|last night|today|yesterday)\b",
        lambda m: re.sub(r"\bsh\b", "self harm", m.group(0)),
    ),
    (r"\bsh'?(?:e?d)\b(?= (?:again|last|tonight|today|yesterday|this))", "self harmed"),
    (r"\bfinish(?:ing)? (?:my ?self|me off)\b", "kill myself"),
    (
        r"\b(?:off switch on myself|ctrl\+alt\+delete (?:myself|the whole thing|my life))",
        "end my life",
    ),
    (r"\blmf?a+o+\b|\blo+l+\b|\bhaha+\b", "lol"),
    (r"\bim\b", "i'm"),
    (r"\bdont\b", "don't"),
    (r"\bcant\b", "can't"),
    (r"\bwont\b", "won't"),
    (r"\bive\b", "i've"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bgotta\b", "got to"),
    (r"\btmrw\b|\btmr\b", "tomorrow"),
    (r"\btn\b|\btonite\b", "tonight"),
    (r"\bpls\b|\bplz\b", "please"),
    (r"\bmyslef\b|\bmyelf\b|\bmysef\b", "myself"),
    (r"\babt\b", "about"),
    # romanised Hindi, Spanish and Tagalog crisis phrases inside English ("jeena nahi chahta ab
    # yaar, mujhe marna hai", "mi hermano… que se quiere matar")
    (r"\b(?:mujhe|main|mai) (?:bas )?(?:marna|mar jana) (?:hai|chahta|chahti)\b", "i want to die"),
    (r"\b(?:jeena|jina) nahi(?:n)? (?:chahta|chahti|hai)\b", "i don't want to live"),
    (r"\b(?:khudkushi|aatmahatya|atmahatya|aatmhatya|atmhatya)\b", "suicide"),
    # non-native English: "I want to kill me", "I will make me die", "take away my life"
    (
        r"\bi (?:want|wanna|will|am going|'m going|am gonna|plan|decided)(?: to)? kill me\b",
        "i want to kill myself",
    ),
    (r"\bi (?:will|want to|wanna|am going to|'m going to) make me die\b", "i will kill myself"),
    (r"\btake away my (?:own )?life\b", "end my life"),
    (
        r"\b(?:ate|eaten|don swallow|don chop|don drink|don take) all (?:of )?(?:the |my )?"
        r"(?:tablets|pills|medicine|drugs)\b",
        "took all the pills",
    ),
    (r"\b(?:me quiero (?:morir|matar)|quiero (?:morirme|matarme))\b", "i want to kill myself"),
    (r"\bse quiere (?:matar|morir)\b", "wants to kill themself"),
    (r"\bayoko na(?:ng)? mabuhay\b", "i don't want to live"),
    (r"\bgusto ko na(?:ng)? mamatay\b", "i want to die"),
    (r"\bbestie\b|\bbff\b|\bbestfriend\b", "best friend"),
    (r"\btheyre\b", "they're"),
    (r"\bgrippy sock (?:vacation|holiday|jail|hotel|trip|spa)\b", "psych ward stay"),
)
# Romanised Hindi crisis phrases ("main suicide kar lunga aaj raat", "saari goliyan kha li"):
# read only when the needles of one of them are in the message (`_HINDI_ANY`), so English
# pays one look, not one per phrase.
_HINDI: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:main |mai |me )?suicide (?:kar|karna|karunga|karungi|karoonga)(?: (?:lunga|lungi|"
        r"loonga|doonga|dunga|dungi|raha|rahi|hoon|hun|hai|chahta|chahti))*\b",
        "i will kill myself",
    ),
    (
        r"\bkhud ko (?:maar|mar|khatam)(?: kar)? (?:dunga|dungi|doonga|lunga|lungi|loonga|doon|"
        r"dena|lena|na chahta|na chahti)(?: hoon| hun| hai)?\b",
        "i will kill myself",
    ),
    (
        r"\b(?:maine |mene |main ne )?(?:abhi )?(?:saari|sari|sab|bahut saari|bohot saari|"
        r"poori|puri)\b[^.!?]{0,25}\bgoliy?an (?:kha|khaa) (?:li|lee|liya|lin)(?: hain| hai| h)?\b",
        "i took all of my pills",
    ),
    (
        r"\b(?:maine |mene )?(?:zeher|zehar|jahar|zahar|chuhe maarne ki dawai|keetnashak)\b"
        r"[^.!?]{0,20}\b(?:kha|khaa|pi|pee) (?:liya|li|lee|liye)(?: hai| hain| h)?\b",
        "i took all of my pills",
    ),
    (r"\bkitni goliy?an\b", "how many pills"),
    (
        r"\b(?:sab|sabkuch|sab kuch) khatam kar(?:na)? (?:doon|dunga|dungi|dena|chahta|chahti|"
        r"lunga|lungi)\b",
        "i want to end it all",
    ),
    (r"\bjeene ka (?:mann|man) nahi(?:n)? (?:karta|karti|hai)\b", "i don't want to live"),
    (r"\bzinda nahi(?:n)? (?:rahunga|rahungi|rahoonga|rahna)\b", "i want to die"),
    (r"\baaj raat\b", "tonight"),
    (
        r"\b(?:rassi|fanda|phanda|phansi ka fanda) (?:laga|lagaa|bandh|baandh) "
        r"(?:di|diya|li|liya)\b",
        "the rope is up",
    ),
    (
        r"\b(?:papa|pitaji|abbu|daddy|mummy|mumma|maa|ammi|bhaiya|bhai|pati)\b[^.!?]{0,15}"
        r"\b(?:roz |bahut |hamesha )?(?:maarte|marte|maarta|marta|peet(?:te|ta)) (?:hain|hai|h)\b",
        "my dad hits me",
    ),
)
_HINDI_ANY = Prefiltered("|".join(f"(?:{p})" for p, _ in _HINDI))
# Each substitution is skipped when its needles are absent (most messages hold no slang).
_SLANG_RX = [(Prefiltered(p, re.IGNORECASE), r) for p, r in _SLANG]  # type: ignore[misc]
_HINDI_RX = [(re.compile(p), r) for p, r in _HINDI]
_SPACES = re.compile(r"\s+")
# Words spelt out to slip past a filter: "s u i c i d e", "k.i.l.l", "d-i-e" (four or more single
# letters, one separator between each, the same throughout) are read as the word; a star inside a
# word ("sui*cide", "k*ll") is dropped.
_SPELT = re.compile(r"(?<![\w'])[a-z](?P<sep>[ .*_-])[a-z](?:(?P=sep)[a-z]){2,}(?![\w'])")
_STARRED = re.compile(r"(?<=[a-z])\*+(?=[a-z])")
_KLL = re.compile(r"\bk(?:ll|!ll|1ll)\b")


# Digits and symbols for letters, to slip past a filter ("su1c1de", "k1ll mys3lf", "d1e",
# "s*icide"): a word that mixes them with letters is read as the risk word it spells, and only
# then (a dose like "10mg" or "b12" is left alone).
_LEET_WORDS = frozenset(
    {
        "kill", "killing", "myself", "suicide", "suicidal", "die", "dying", "dead", "death",
        "overdose", "cut", "cutting", "hang", "unalive", "self", "harm", "pills", "alive",
        "end", "life", "want", "wanna", "cuts", "blood", "rope", "jump",
    }
)  # fmt: skip
_LEET_TOKEN = re.compile(r"(?<![\w*])(?=[\w@$!*]*[a-z])(?=[\w@$!*]*[0-9@$!*])[\w@$!*]{3,}")
_LEET_HINT = re.compile(r"[a-z][0-9@$!*]|[0-9@$!*][a-z]")  # a cheap test before the scan
_LEET = str.maketrans({"1": "i", "!": "i", "3": "e", "0": "o", "4": "a", "@": "a", "$": "s",
                       "5": "s", "7": "t"})  # fmt: skip


def _deleet(m: re.Match[str]) -> str:
    token = m.group(0)
    plain = token.translate(_LEET)
    if "*" in plain:  # a star for one letter, or none ("s*icide", "k*ll")
        rx = re.compile(plain.replace("*", "[a-z]?"))
        return next((w for w in sorted(_LEET_WORDS) if rx.fullmatch(w)), token)
    return plain if plain in _LEET_WORDS else token


# Emoji that name a means or an act ("💊💊💊 + 🍾 = 😴 forever", "🔪🩸 again"): read as the word.
_EMOJI = {
    "\U0001f48a": " pills ", "\U0001f52a": " knife ", "\U0001f5e1": " knife ",
    "\U0001fa78": " blood ", "\U0001f52b": " gun ", "\U0001faa2": " rope ",
    "\u26b0": " coffin ", "\U0001faa6": " grave ", "\U0001f489": " needle ",
    "\U0001f37e": " alcohol ", "\U0001f943": " alcohol ", "\U0001f377": " alcohol ",
    "\U0001f634": " sleep ",
}  # fmt: skip
_EMOJI_RX = re.compile("|".join(map(re.escape, _EMOJI)))


def _unspell(t: str) -> str:
    if not t.isascii() and _EMOJI_RX.search(t):
        t = _EMOJI_RX.sub(lambda m: _EMOJI[m.group(0)], t)
    if _LEET_HINT.search(t):
        t = _LEET_TOKEN.sub(_deleet, t)
    if "*" in t:
        t = _KLL.sub("kill", _STARRED.sub("", t))
    return _SPELT.sub(lambda m: m.group(0).replace(m.group("sep"), ""), t)


def spelt_out(text: str) -> str:
    """`text` with words hidden from a filter read as words ("s.u.i.c.i.d.e", "k1ll mys3lf",
    "💊💊💊 tonight") for a reader of whole text (the learned tier): the lowered, rewritten text
    where something was hidden, else `text` itself (so ordinary text reaches the encoder as
    it always did)."""
    lowered = text.lower()
    rewritten = _unspell(lowered)
    return text if rewritten == lowered else rewritten


@functools.lru_cache(maxsize=256)
def normalise(text: str) -> str:
    """Lower case, plain apostrophes, common slang and misspellings expanded, one space.

    Cached: the screener, the conversation's escalation check and the reply checks normalise
    the same message more than once."""
    t = _unspell(text.lower().replace("’", "'").replace("‘", "'").replace("`", "'"))
    for rx, repl in _SLANG_RX:
        t = rx.sub(repl, t)
    if _HINDI_ANY.may_match(t):
        for rx_hi, repl_hi in _HINDI_RX:
            t = rx_hi.sub(repl_hi, t)
    return _SPACES.sub(" ", t).strip()


# --- cues ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    name: str
    pattern: re.Pattern[str]
    level: RiskLevel
    categories: tuple[RiskCategory, ...]
    negatable: bool = True  # a preceding "not / never / don't" turns it off
    personal: bool = True  # about the speaker: fiction / academic / third-party talk turns it off


def _cue(
    name: str,
    pattern: str,
    level: RiskLevel,
    *cats: RiskCategory,
    negatable: bool = True,
    personal: bool = True,
) -> Cue:
    return Cue(name, re.compile(pattern), level, cats, negatable, personal)


_ME = r"(?:myself|my ?self|my own life|my life)"
# "off myself" is slang for killing oneself, unless something is taken off ("take some pressure
# off myself")
_OFF_MYSELF = (
    "".join(
        f"(?<!{w} )"
        for w in (
            "pressure",
            "weight",
            "load",
            "stress",
            "strain",
            "burden",
            "blame",
            "heat",
            "edge",
        )
    )
    + "off myself"
)
# ending things with a partner is a break-up ("end things with him", "between us")
_BREAK_UP = (
    r"(?! (?:(?:with|w/?) (?:him|her|them|each other|my (?:boyfriend|girlfriend|partner|husband|"
    r"wife|fianc[eé]e?|ex|bf|gf)|the (?:guy|girl))|between (?:us|them))\b)"
)
# drowning oneself in drink, work or tears is coping, not a method
_NOT_DROWNED_IN = (
    r"(?! in (?:(?:the |my )?(?:booze|alcohol|drink|drinks|drinking|wine|beer|vodka|whisky|"
    r"whiskey|weed|cannabis|work|chores|studies|study|sorrows?|tears|food|tv|games|music|"
    r"coffee|books)\b))"
)
_PILLS = (
    r"(?:pills|tablets|meds|medication|paracetamol|tylenol|sleeping pills|painkillers|"
    r"insulin|antidepressants|xanax|benzos|opioids|oxy(?:codone|contin|s)?|fentanyl|panadol|"
    r"nurofen|co-?codamol|codeine|tramadol|zopiclone|diazepam|amitriptyline)"
)
PILL_WORDS = _PILLS  # the medicine words, for other readers of the same messages
# "Took them all" said of carrying them somewhere ("…back to the chemist", "…to the pharmacy"),
# not of swallowing them: what may follow a taken supply for it to be an overdose.
_TAKEN_ELSEWHERE = r"(?! (?:to|back|into|out|off|away|round|around|home)\b)"
# Said of taking medication as it is meant to be taken ("all my tablets with breakfast, like the
# doctor said"): a routine, not an overdose.
_AS_PRESCRIBED = (
    r"(?! (?:(?:this|in the|every|each) (?:morning|evening) |today |at (?:breakfast|night) )?"
    r"(?:with (?:food|water|a meal|breakfast|lunch|dinner|my (?:breakfast|coffee))|as "
    r"(?:prescribed|directed|usual|normal|always)|like (?:the|my) (?:doctor|gp|pharmacist|"
    r"psychiatrist|nurse) (?:said|told me|says)|like (?:normal|always|usual|i'?m supposed to)|"
    r"on time|for the day|to (?:my|the|a) (?:appointment|pharmacy|pharmacist|chemist|gp|doctor|"
    r"review|clinic|surgery|medication review)))"
)
# A plan made with a clinician, or for coming off a medication: care, not intent.
_CARE_PLAN = (
    r"(?! (?:(?:with|from|for|at) (?:my|the|our|a|her|his) (?:\w+ )?(?:gp|doctor|psychiatrist|"
    r"nurse|therapist|counsell?or|team|prescriber|pharmacist|dietitian|consultant|clinic)|"
    r"to (?:taper|come off|reduce|cut down|wean|lower|switch)|for (?:the |my )?(?:taper|tapering|"
    r"meds|medication|dose|withdrawal)))"
)
_NOW = (
    r"(?:tonight|today|right now|now|this (?:morning|afternoon|evening)|in (?:an|a few|\w+) "
    r"(?:hours?|minutes?)|(?:when|after|once) (?:they|he|she|everyone|everybody|my (?:\w+ )?"
    r"(?:parents|mum|mom|dad|family|wife|husband|partner|roommates?|flatmates?|kids|sister|"
    r"brother))(?:'s| is| are| has| have)? (?:leave|leaves|gone|asleep|(?:go(?:es)?|went|gets?|"
    r"falls?|fallen) (?:to (?:sleep|bed)|asleep|out))|as soon as|before (?:morning|sunrise|they "
    r"get back)|this weekend|tomorrow)"
)

# Poisons drunk ("I drank a bottle of pesticide", Nigerian "sniper", Filipino "katol"): an act
# under way, an overdose; for other readers too (someone else who swallowed one).
POISON_WORDS = (
    r"(?:bleach|pesticide|insecticide|weed ?killer|rat poison|poison|antifreeze|paraquat|sniper|"
    r"katol|muriatic acid|rat killer|herbicide)"
)
# Drink and sedatives, for drink taken with a sedative (`mixed_depressants`).
_DRINK = (
    r"drank|drinking|(?:been|got|was|so|really|very|pretty) drunk|(?:\w+ )?drinks|beers?|shots|"
    r"vodka|wine|whiske?y|rum|gin|tequila|alcohol|booze|cans|pints"
)
_SEDATIVE = (
    r"(?:(?:my |some |a few |\d+ |two |three |four |a couple of )?(?:xanax|bars|benzos?|valium|"
    r"diazepam|klonopin|clonazepam|ativan|lorazepam|temazepam|sleeping (?:pills|tablets)|"
    r"zopiclone|zolpidem|ambien|oxy\w*|percocets?|heroin|opioids?|opiates|fentanyl|morphine|"
    r"codeine|co-?codamol|lean|tramadol|methadone|ghb|gbl|pain ?(?:pills|killers|meds)|"
    r"painkillers))"
)

# Condition cues (psychosis, mania, eating disorders, OCD): shared pieces.
_VOICE = (
    r"(?:voices?|(?:a |the )?voice in my head|(?:the )?(?:devil|demons?|spirits?)|something in "
    r"my head|(?:they|it)(?= (?:keeps? |are |is |have been |has been |won'?t stop )?(?:order|"
    r"command|instruct)))(?: (?:that|which|who))?"
)
_COMMAND = (
    r"(?: (?:keeps?|are|is|have been|has been|started|won'?t stop|always|just|keep on))*"
    r" (?:tell(?:s|ing)?|told|order(?:s|ing|ed)?|command(?:s|ing|ed)?|instruct(?:s|ing|ed)?|"
    r"wants?|demand(?:s|ing)?|say(?:s|ing)?|said|scream(?:s|ing)?|whisper(?:s|ing)?|urg(?:e|es|"
    r"ing)|push(?:es|ing)?)(?: me)?(?: (?:again|constantly|all day|every night|over and "
    r"over|all the time))?,?(?: that)? (?:to|i (?:should|must|have to|need to|ought to|deserve "
    r"to|am meant to|'m meant to))(?: just| go| go and)? (?:\w+ ){0,2}?"
)
# "jump" said as a command, not a jump somewhere ("jump to the next song", "jump higher")
_JUMP_SAID = r"jump(?=\W*(?:$|jump\b|off\b|from\b|in front\b|[.!,'\"’]))"
_SELF_TARGET = (
    r"(?:(?:kill|hurt|harm|cut|burn|punish|drown|hang|starve) (?:myself|my ?self)|end (?:it|my "
    r"life|things)|die\b|jump\b|(?:walk|step|run) (?:out )?(?:in(?:to)?|in front of|onto) "
    r"(?:the |a |an )?(?:traffic|road|motorway|highway|cars?|trains?|tracks|bus(?:es)?|"
    r"lorr(?:y|ies)|trucks?)|(?:walk|step|wade|go) (?:out )?into (?:the |a )?(?:lake|sea|river|"
    r"water|ocean|canal|waves)|(?:throw|drive) (?:myself|my car)|stop (?:eating|breathing))"
)
_OTHER_TARGET = (
    r"(?:kill|hurt|harm|stab|attack|poison|strangle|push|hit|punish|drown|smother|shoot|burn|"
    r"choke) (?:my (?:\w+ )?(?:mum|mom|mother|dad|father|brother|sister|son|daughter|baby|kids?|"
    r"children|wife|husband|partner|gran\w*|grandma|grandad|nan|aunt|uncle|cousin|nephew|niece|"
    r"neighbou?rs?|flatmate|roommate|boss|family|friends?|girlfriend|boyfriend)|him|her|them|"
    r"someone|somebody|people|everyone|a stranger|strangers|the (?:baby|kids|neighbou?rs?|man|"
    r"woman|children))"
)
_SLEEPLESS = (
    r"(?:(?:haven'?t|have not|hasn'?t|not|barely|hardly)(?: really| properly| even)? slept "
    r"(?:in|for|since)|(?:don'?t|do not|doesn'?t|haven'?t|didn'?t) need(?:ed)? (?:to |any )?"
    r"sleep|no sleep (?:in|for|since)|"
    r"(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|sixth) (?:night|day) (?:awake|without "
    r"(?:sleep|sleeping)|(?:with )?no sleep|in a row (?:awake|without sleep))|up for days|"
    r"awake (?:for )?(?:days|\d+ (?:days|nights)|(?:two|three|four|five) (?:days|nights))|"
    r"(?:days|nights) "
    r"without (?:sleep|sleeping)|(?:who|why would i) needs? sleep|sleep is for|no food,? no "
    r"sleep|no sleep,? no food|(?:slept|sleeping) (?:maybe |about |only |like )?(?:an hour|\d+ "
    r"hours?|two hours|three hours) (?:in|all|this|a) (?:\w+ )?(?:days|week|night))"
)
_MANIC = (
    r"(?:racing thoughts|(?:mind|thoughts|brain) (?:is|are|keeps?) (?:racing|going (?:so )?fast)|"
    r"invincible|unstoppable|like a god|limitless|untouchable|genius|million(?:-| )dollar|"
    r"(?:grand|genius|brilliant|big) (?:plans?|ideas?)|start(?:ing|ed)? (?:\d+|two|three|four|"
    r"five|ten|a few|several) (?:companies|businesses|projects|bands|books)|theory of everything|"
    r"my destiny|can'?t stop talking|million miles an hour|(?:so much|endless|boundless|"
    r"insane) energy|best i'?ve ever felt|feel(?:ing)? (?:amazing|incredible|electric|on fire|"
    r"so alive|this alive|alive)|never felt (?:better|sharper|so alive|more alive|so awake|this "
    r"(?:alive|awake|good|amazing))|"
    r"buzzing|biggest \w+ (?:on earth|in the world|ever)|(?:on|at) top of the "
    r"world|nothing can (?:go wrong|stop me)|overflowing with)"
)
_GRANDIOSE = (
    r"(?:racing thoughts|invincible|unstoppable|like a god|limitless|untouchable|million miles an "
    r"hour|my destiny|nothing can (?:go wrong|stop me)|biggest \w+ (?:on earth|in the world|ever)|"
    r"million(?:-| )dollar|genius|chosen)"
)
_RISKY_ACT = (
    r"(?:base ?jump\w*|skydiv\w*|wingsuit\w*|free ?solo\w*|(?:jump|leap)(?:ing)? (?:off|from) "
    r"(?:a |the )?(?:roof|bridge|cliff|building|crane|tower)|climb(?:ing)? (?:a |the |up )?"
    r"(?:crane|tower|bridge|building|roof)|\d+ ?mph|(?:invest|put|sink|bet|gamble|stake)"
    r"(?:ing|ed)? (?:all |everything|every penny|(?:\d+|\w+) (?:grand|thousand|k\b))|(?:my |our "
    r"|the )?(?:whole|entire) (?:pension|savings|inheritance|salary|house deposit|student loan)|"
    r"crypto\w*|bitcoin|meme ?coins?|day trading|on (?:finance|credit)|(?:going|go|went|gone) all "
    r"in\b|put (?:it )?all on|driv(?:e|ing) "
    r"(?:\w+ ){0,3}(?:across|all night|through the night|no stops|non-?stop)|(?:take|took|"
    r"taking) out (?:a )?loans?|"
    r"(?:sports car|supercar|new car|boat|house|franchise) (?:to|i should|i'?ll) buy|"
    r"buy (?:a |an )?(?:second|new|bigger|another|\w+) (?:house|car|flat|boat|business)|"
    r"(?:into|on) (?:crypto|bitcoin|a coin|stocks?|options|one stock|the market|a horse|red|"
    r"black)|stopped (?:taking )?(?:my |them|the )(?:meds|medication|lithium|mood stabili[sz]"
    r"ers?|pills)?|quit my job|booked flights|signed a lease|remortgag\w*|(?:buy|bought|buying) "
    r"(?:a |an |\d+ )?(?:new )?(?:cars?|house|boat|flat|shop|company|franchise)|(?:spend|spent|"
    r"spending) (?:\d+|thousands|loads|everything|all)|cash(?:ed|ing)? out|(?:spent|blew|maxed "
    r"out|emptied|gambled|bet) (?:all (?:of )?)?(?:my|our|the) (?:savings|credit cards?|pension|"
    r"inheritance|house deposit|retirement|life savings)|maxed (?:out )?(?:both |all |my )?"
    r"(?:credit )?cards|(?:gave|giving) (?:away )?(?:my|all my) (?:savings|money))"
)

# Sleep lost to worry, grief or stress, with nothing elevated said ("haven't slept properly in
# days because I keep worrying about money"): anxiety, not mania. The learned tier's mania head
# reads lost sleep and a busy mind as mania; this holds it back (`protective:worried_sleep`).
_LOST_SLEEP = re.compile(
    r"\b(?:(?:can'?t|cannot|can not|couldn'?t|could not) (?:get to |fall )?(?:sleep|asleep)|"
    r"(?:haven'?t|have not|hasn'?t|not|barely|hardly)(?: really| properly| been| even)? "
    r"(?:slept|sleeping)|(?:lying|lie|lay|laying) awake|up all night|(?:no|little|hardly any) "
    r"sleep|sleepless|insomnia|(?:keep|kept) waking (?:up )?|awake (?:all|every|half the) night)"
)
_WORRY = re.compile(
    r"\b(?:worr\w*|anxi\w*|stress\w*|panic\w*|nervous|scared|afraid|frightened|overthink\w*|"
    r"dread\w*|griev\w*|grief|crying|cried|nightmares?|can'?t stop thinking about|keeps? going "
    r"(?:round|over)|ruminat\w*|what ifs?|on edge|tense|upset)"
)
_ELEVATED = re.compile(
    r"\b(?:invincible|unstoppable|like a god|limitless|untouchable|genius|million(?:-| )dollar|"
    r"(?:grand|genius|brilliant) (?:plans?|ideas?)|my destiny|can'?t stop talking|(?:so much|"
    r"endless|boundless|insane) energy|best i'?ve ever felt|feel(?:ing)? (?:amazing|incredible|"
    r"electric|on fire|so alive|this alive|great|fantastic|euphoric|high)|never felt (?:better|"
    r"sharper|so alive|more alive|so awake)|buzzing|(?:on|at) top of the world|nothing can (?:go "
    r"wrong|stop me)|overflowing with|(?:don'?t|do not|doesn'?t) need (?:to |any )?sleep|who "
    r"needs sleep|chosen|special mission|getting so much done|not (?:even )?tired)"
)


def worried_sleep(t: str) -> bool:
    """Lost sleep told with worry, grief or stress and nothing elevated or risky (normalised
    text): the mania head's raise is held back."""
    if "sleep" not in t and "slept" not in t and "awake" not in t and "insomnia" not in t:
        return False
    return (
        bool(_LOST_SLEEP.search(t))
        and bool(_WORRY.search(t))
        and not _ELEVATED.search(t)
        and not re.search(_RISKY_ACT, t)
    )


# "My plan is…" / "the plan is to…" is a plan to die only with what it is for in the same
# sentence: dying words, a lethal place, means in quantity, or a time when no one is there ("my
# plan is to drive up to the quarry next weekend"); "my plan is two hours at the library" is
# not.
_PLAN_SAID = (
    r"(?:my|the) plan (?:is|was)(?: (?:now|set|ready|simple|made|done))?(?=[^.!?]{0,80}?\b(?:"
    r"kill|end (?:it|things|my life)|die\b|dying|death|dead\b|jump|overdose|hang|do it\b|go "
    r"through with|goodbye|not (?:be here|wake|come back|coming back)|never (?:come|coming|be) "
    r"back|for good\b|disappear|quarry|cliffs?|bridge|tracks|railway|rooftop|top "
    r"floor|multi-?storey|overpass|viaduct|rope|noose|gun|rifle|shotgun|razor|blades?|(?:all|"
    r"every|the whole|enough|a (?:lot|load|bunch) of)(?: (?:my|the|of my|of the|those|these))? "
    r"(?:pills|tablets|meds|medication|painkillers)|(?:now )?for tonight|when (?:my|everyone|they|"
    r"he|she)(?:'s| is| are|'re)? (?:\w+ )?(?:away|out|asleep|at)|while (?:my|everyone|they|he|"
    r"she)\b))"
)
# Fillers between "if I" and the verb ("if I just wasn't here", "if I really didn't exist").
_FILLER = r"(?:(?:just|really|simply|only|even|actually|honestly|all) )?"
# Not existing, said of oneself: "wasn't here any more", "was gone", "didn't exist".
_NOT_EXISTING = (
    r"(?:(?:(?:was|were)n'?t|(?:was|were|am|'m) not) (?:here|around|alive|born|in the picture|"
    r"in (?:their|your|his|her|the) (?:lives|life|way))|(?:was|were) (?:gone|dead|out of the "
    r"picture|never born)|(?:didn'?t|did not|never) exist(?:ed)?|(?:disappeared|died|vanished))"
    # not a time or place away: "if I wasn't here on Fridays", "disappeared for a week"
    r"(?! (?:on|at(?! all)|during|this|next|today|tomorrow|tonight|for|from|when|while|in "
    r"(?:the|this|that|my))\b)"
)

CUES: tuple[Cue, ...] = (
    # passive ideation (low)
    _cue(
        "wish_dead",
        rf"\b(?:wish(?:ed)? (?:i (?:was|were)|to be) dead|wish i {_FILLER}(?:was|were)n'?t "
        r"(?:alive|born|here|around)|wish i could (?:just )?(?:disappear|vanish|sleep forever|not "
        r"exist|stop existing)|wish(?:ing|ed)? (?:that )?i could (?:just )?(?:stop existing|not "
        r"exist|disappear for good)|wish i (?:would|could) (?:just )?(?:not wake up|die)|"
        r"(?:hop(?:e|es|ed|ing)|pray(?:s|ed|ing)?|wish(?:ed|ing)?) (?:that )?i (?:just |simply )?"
        r"(?:don'?t|do not|never|won'?t|will not|wouldn'?t|would not) (?:ever )?wake up"
        r"(?! (?:late|early|in time|on time|too late|too early|for|the|my|her|him|them|anyone|"
        r"any ?one|everyone|every ?body|anybody|the \w+|our|his|their)\b)|"
        r"wish (?:i'?d|i had) never (?:been born|woken up)|"
        r"(?:easier|better|a relief) if i (?:just )?(?:didn'?t|did not|wasn'?t|(?:am|was|'m) not) "
        r"(?:exist|wake up|alive|(?:here|around)(?! (?:on|at(?! all)|during|this|next|today|"
        r"tomorrow|for|from|when|while|in (?:the|this|that|my)|to)\b))|"
        # "if I just didn't wake up in the morning, that'd be alright"
        r"if i (?:just )?(?:didn'?t|did not|never) wake up\b[^.!?]{0,40}?\b(?:that'?d|that "
        r"would|it would|it'?d|would(?:n'?t)? (?:be|mind)|be) (?:be )?(?:alright|all right|fine|"
        r"ok|okay|a relief|no bad thing|easier|better|nice|peaceful)|"
        r"(?:pray|hope|wish) (?:the lord|god|allah|"
        r"someone|something) (?:would )?(?:just )?takes? me|(?:if|when) (?:a bus|a car|"
        r"something|a truck|a train) (?:hit|hits|ran|runs) (?:me|over me)|waiting to die|"
        r"running out the clock|hop(?:e|ed|ing) (?:it|the plane|the car) (?:would )?(?:just )?"
        r"(?:go(?:es)? down|crash(?:es)?|kill(?:s)? me|turns? into something serious)|"
        r"(?:don'?t|wouldn'?t) (?:really )?mind (?:(?:much|too much|that much) )?(?:if i|dying|not "
        r"waking)|ready to go\b|"
        r"(?:i'?m|i am|i'?d be|i would be) (?:ok|okay|fine|alright|all right) with (?:dying|"
        r"being dead|not waking up)|"
        r"so i won'?t have to keep going|wish (?:that )?i (?:didn'?t|did not|never) "
        r"exist(?:ed)?)",
        L.LOW,
        C.SUICIDE,
    ),
    _cue(
        "not_wake_up",
        r"\b(?:not|never) (?:to )?wake up\b|\bsleep (?:forever|and never)|\b(?:think|thinking|"
        r"thought|dream\w*|fantasi[sz]\w*) (?:about|of) (?:not|never) waking\b(?: up\b)?(?! (?:up |"
        r"in time|on time|early|for|before|until))",
        L.LOW,
        C.SUICIDE,
        negatable=False,
    ),
    _cue(
        "better_off",
        rf"\b(?:better off (?:without me|dead|if i {_FILLER}(?:was|were)n'?t(?= *(?:[.,!?;:]|$|"
        rf"any ?more\b))|if i {_FILLER}{_NOT_EXISTING})|(?:better|easier|happier|simpler|"
        rf"a relief) (?:for (?:everyone|everybody|all of them|them|my \w+|the \w+) )?if i "
        rf"{_FILLER}{_NOT_EXISTING}|(?:world|"
        r"everyone|they|family) (?:would be|'d be) better (?:off )?without me|(?:my \w+|they|he|"
        r"she|everyone|everybody|people|the kids|my family|the family) (?:would|'d|will|'ll) be "
        r"(?:so much |much |a lot )?(?:freer|happier|better off|easier|lighter) without me|"
        r"burden to (?:everyone|my family|them)|(?:no ?one|nobody) (?:would|'d|will|'ll) "
        r"(?:even |really )?(?:miss me\b(?! (?:at|in|on|for|during|if i (?:skip|miss|don'?t go)))|"
        r"notice (?:if|when|that) i(?:'m| was| were| am)? (?:gone|dead|not here|not around|"
        r"disappeared?)|care (?:if|when) i (?:died|was gone|were gone|disappeared|wasn'?t here|"
        r"weren'?t here|wasn'?t around|weren'?t around))|better off with (?:\w+ ){0,3}(?:insurance|"
        r"pay ?out|money) than (?:with )?me|worth more (?:to (?:them|my \w+|everyone) )?dead)",
        L.LOW,
        C.SUICIDE,
    ),
    _cue(
        "no_point_living",
        r"\b(?:no (?:point|reason) (?:in |to )?(?:living|going on|being "
        r"alive|staying alive|existing|carrying on)|(?:(?:don'?t|do not|can'?t|cannot|never) "
        r"see|(?:whether|if|is) there(?:'s| is)?|not|hardly|little) (?:any |much |a |the )?"
        r"point (?:in |to |of )?(?:living|going on|carrying on|being alive|staying alive|existing|"
        r"being here)(?! (?:with|about)\b)|what (?:is|'s) the use (?:of|in) (?:living|life|"
        r"being alive|going on)|no use (?:of|in) (?:living|being alive|going on)|what use is "
        r"(?:my )?(?:life|living)|what'?s the point (?:of|in) "
        r"(?:living|life|being alive|going on|anything anymore)|what'?s (?:even )?the point(?: of "
        r"(?:trying|anything|it all|any of it|doing anything|even trying|getting up))?,? (?:any "
        r"?more|anymore)\b|(?:tired|sick) of (?:living|being alive|"
        r"existing|life)|life (?:isn't|is not|isnt) worth (?:living|it)|don'?t want to "
        r"(?:exist|be alive|live|wake up|be here)(?: anymore| any more)?|can'?t (?:go on|"
        r"keep going|do this) (?:anymore|any more)|can'?t (?:live|keep living|go on) like this|don"
        r"e with (?:life|living|"
        r"existing)|(?:want|wanting) (?:it|everything) to (?:stop|end)(?! (?:crying|screaming|"
        r"raining|ringing|beeping|barking))(?: for good)?|"
        # non-native wordings: "i am not want to living anymore", "my life is no more worth"
        r"(?:am |'m )?(?:not|no) want(?:s|ing)? (?:to )?(?:living|live|alive|be alive|be living)"
        r"(?: anymore| any more| more| longer)?|life (?:is )?no (?:more|longer) (?:worth|have "
        r"worth|has worth|valuable)|"
        r"(?:want|wish) to (?:disappear|vanish) (?:forever|for good|permanently)|want to (?:not|"
        r"stop) (?:exist(?:ing)?|be here|be alive|wake up|being alive)|(?:didn'?t|not sure "
        r"(?:if )?i) want(?:ed)? to wake up)",
        L.LOW,
        C.SUICIDE,
        negatable=False,
    ),
    # active ideation (moderate)
    _cue(
        "kill_self",
        rf"\b(?:kill(?:ing)? {_ME}|end(?:ing)? {_ME}|end(?:ing)? it all|tak(?:e|ing) "
        rf"(?:my (?:own )?life)|(?:feel like|thinking about|think about|thought about) ending "
        rf"(?:it|things|everything){_BREAK_UP}|"
        rf"(?:think|thinking|thoughts?) (?:about|of) (?:killing|ending) (?:yourself|your life)|"
        rf"(?:brain|head|mind|voice|thoughts?) (?:goes|says|tells me|"
        rf"keeps? saying)[^.]{{0,20}}kill yourself|end (?:things|everything)(?: for good)?"
        rf"{_BREAK_UP}|"
        rf"not (?:be|being) "
        rf"(?:here|around|alive) (?:anymore|any more|much longer)|{_OFF_MYSELF}|hang(?:ing)? "
        rf"myself|drown(?:ing)? myself{_NOT_DROWNED_IN}|shoot(?:ing)? myself|"
        rf"jump(?:ing)? (?:off|in front)|"
        rf"throw(?:ing)? myself (?:off|in front|under|into (?:the |a )?(?:river|sea|ocean|lake|"
        rf"water|canal|reservoir|traffic|quarry))|die by suicide|commit(?:ting)? suicide)",
        L.MODERATE,
        C.SUICIDE,
    ),
    # Asking to be admitted ("i think i need a grippy sock vacation", normalised to a psych ward
    # stay): not coping, and asking for the highest level of care.
    _cue(
        "asks_admission",
        r"\b(?:need|want|should (?:go|get)|going to ask for|asking for|ready for)(?: to (?:go|get|"
        r"be))? (?:a |to |into |admitted to |checked into |in )?(?:a |the )?(?:psych ward(?: "
        r"stay)?|psych hospital|psychiatric (?:ward|hospital|unit)|inpatient|mental hospital|to be "
        r"(?:admitted|sectioned|hospitali[sz]ed))\b",
        L.MODERATE,
        C.SUICIDE,
    ),
    # Deciding to stop eating or drinking, with grief or no point left ("I'm 84 and since
    # Margaret died I've decided to stop eating. There's no point cooking for one."): a way to
    # die, not an eating disorder's restriction.
    _cue(
        "stop_eating_to_die",
        r"\b(?:decided|deciding|going|want|wanting|plan(?:ning)?|made up my mind) to (?:just )?"
        r"(?:stop eating|stop drinking|starve myself|not eat (?:any ?more|again))\b(?=.*\b(?:no "
        r"point|what'?s the point|died|passed|widow\w*|lost my|on my own now|ready to go|join "
        r"(?:her|him)|nothing left|no reason))",
        L.MODERATE,
        C.SUICIDE,
    ),
    # Joining someone who died ("since Ellen passed… I'm ready to go and join her")
    _cue(
        "join_the_dead",
        r"\b(?:ready to|want to|going to|wish i could|can'?t wait to|time (?:for me )?to) (?:go "
        r"(?:and )?)?(?:join|be with) (?:her|him|them|my (?:late )?(?:wife|husband|partner|son|"
        r"daughter|mum|mom|dad|mother|father|brother|sister|baby|boy|girl))(?: again)?\b"
        r"(?! (?:at|for|during|through|after) the (?:funeral|service|wake|memorial|burial|"
        r"cremation))(?=[^.!?]*[.!?]?[^.!?]*\b(?:passed|died|dead|death|gone|lost|funeral|grave|"
        r"heaven|late|since))|"
        # the death said first, in the sentence before or the same one ("my dad died by suicide
        # and i want to join him"); not the living around them ("…be with her family")
        r"\b(?:passed|died|die[ds]? in (?:an? )?(?:accident|crash|car crash|fire)|funeral|"
        r"lost (?:her|him|my \w+)|suicide|euthanasia|assisted dying|(?:been )?gone (?:\d+|two|"
        r"three|four|five|a few|six) (?:years?|months?|"
        r"weeks?))\b[^.!?]*(?:[.!?]\s*[^.!?]*)?\b(?:ready to|want to|going to|wish i could|should|"
        r"(?:it'?s|is it) time (?:for me )?to|(?:it'?s|is it) time i|think to|only think (?:to|of|"
        r"about)) (?:go (?:and )?)?(?:join(?:ed)?|be with|went to be with|go where|"
        r"go to where) (?:her|him|them|(?:she|he|they) (?:is|are))\b(?! (?:family|kids|children|"
        r"side|mum|mom|dad|husband|wife|friends|parents|sister|brother|sisters|brothers|dog|cat|"
        r"more|this weekend|at the|for the|during the|through the|while|to say goodbye|for (?:it|"
        r"the end|his last|her last)|by (?:his|her|their) side)\b)(?![^.!?]{0,20}\bat the end\b)|"
        # "i want to join him wherever he is": where the dead are
        r"\b(?:join|be with|go to) (?:him|her|them)\b[^.!?]{0,10}\bwherever (?:he|she|they) (?:is|"
        r"are)\b",
        L.MODERATE,
        C.SUICIDE,
    ),
    # "i think to finish my life", "i will go finish it, sorry for all" (non-native English)
    _cue(
        "finish_life",
        r"\b(?:finish(?:ing)? (?:my|mine) (?:own )?life|(?:think|thinking|want|wanting|plan|"
        r"planning|decide|decided|going) to (?:go )?finish (?:it all|everything|with (?:my )?life|"
        r"all)\b|(?:i|i'll|i will|i go|i'm going to|i am going to|i go to) (?:go )?(?:and )?"
        r"finish it\b(?=[^.!?]*[.!?,]?\s*[^.!?]*\b(?:sorry|goodbye|bye|forgive|no more|no point|"
        r"worth|tired of|pain)))",
        L.MODERATE,
        C.SUICIDE,
    ),
    _cue(
        "want_die",
        r"\b(?:want(?:ed|ing)? to die|wanna die|ready to die|(?:would|'d) rather be "
        r"dead|want (?:to )?(?:be )?dead|i should (?:just )?die|let me die|deserve to die)",
        L.MODERATE,
        C.SUICIDE,
    ),
    _cue(
        "suicidal",
        r"\b(?:i(?:'m| am| feel| have been|'ve been) (?:so |really |pretty |very |"
        r"a bit |kind of |kinda )?suicidal|(?:i(?:'m| am|'ve been| have been| was| feel| felt| "
        r"get| got)|feeling|getting) (?:\w+ ){1,2}suicidal|suicidal (?:thoughts|feelings|again|urge"
        r"s)|"
        r"thoughts? (?:of|about) (?:suicide|killing|ending|dying)|think(?:ing)? (?:about|of) "
        r"(?:suicide|killing myself|ending it|ending my life|dying|death) (?:a lot|again|"
        r"constantly|every day|all the time)?|(?:my|the) suicid(?:e|al) (?:thoughts|urges|"
        r"ideation)|considering suicide|contemplating suicide|(?:taking|take|thinking about|"
        r"think about) (?:the )?suicide|(?:suicide|killing myself|ending my life|ending it all) "
        r"(?:(?!not |never |no )\w+ ){0,3}(?:on|in|crossing|crosses|across|out of) my (?:mind|"
        r"head)|dark thoughts|(?:kinda|kind of|a bit|pretty|so|very|"
        r"feeling|been|feel|getting) suicidal|(?:i|i'm|i've|me|my)\b[^.?!]{0,40}"
        r"\bsuicide\b(?! (?:hotline|helpline|prevention|awareness)\b))",
        L.MODERATE,
        C.SUICIDE,
    ),
    # Afraid of what they might do ("I am scared of myself", "I don't trust myself tonight"): a
    # warning sign said plainly
    _cue(
        "fears_own_actions",
        r"\b(?:(?:scared|afraid|frightened|terrified) of myself\b|(?:i'?m|i am|im) (?:so |really "
        r"|getting |becoming |now )?(?:scared|afraid|frightened|terrified) of (?:what i (?:might|"
        r"could|would|will|'ll|'d) do(?! (?:to "
        r"(?:him|her|them|the baby|my (?:son|daughter|baby|kid))))\b)|(?:don'?t|do not|can'?t|"
        r"cannot) trust myself(?! (?:to (?:cook|drive|remember|say|choose|pick|make|keep|stick)|"
        r"with (?:money|chocolate|cake|sweets|food|biscuits|my (?:card|phone|credit)))))",
        L.MODERATE,
        C.SUICIDE,
    ),
    _cue(
        "method_thoughts",
        r"\b(?:(?:thought|thinking|think|wondered|wondering|researched|"
        r"googled|looked up|reading) (?:about )?(?:how|ways|methods?) (?:i(?:'d| would| could)? "
        r")?(?:to )?(?:do it|kill|end|die|go)|how i(?:'d| would) do it|ways to (?:die|kill "
        r"myself|end it|end my life)|look(?:ing|ed|s)?(?: up| at| for| on)? how to (?:die|kill "
        r"myself|end my life)\b|(?:painless|quickest|easiest|fastest|surest) way(?:s)? "
        r"to (?:die|go|end it|do it|kill)|(?:think|thinking|thought|picture|picturing|imagine|"
        r"imagining|wonder|wondered)(?: about| of)? (?:how easy it'?d be to |myself |just )?"
        r"(?:swerv\w*|step(?:ping)? (?:off|out|in front)|(?:walk(?:ing)?|run(?:ning)?) (?:out )?"
        r"(?:in front of|into (?:traffic|the road))|jump\w*|go(?:ing)? (?:off|over)|driv(?:e|ing) "
        r"(?:off|into)|fall(?:ing)? from|(?:steer|crash|veer)(?:ing|ed)? (?:the car |my car |the "
        r"ute |the truck )?(?:into|off)|(?:walk(?:ing)?|wad(?:e|ing)|swim(?:ming)?) (?:out )?"
        r"(?:into|out to) (?:the )?(?:sea|ocean|river|lake|waves|water))|ways (?:people|someone) "
        r"(?:kill|end)|"
        r"hurt the least|"
        r"(?:staring|stare|look(?:ing)?) at the (?:pills|tablets|meds|rope|gun|bridge|tracks)|"
        r"think about (?:the|his|my dad'?s|her) (?:gun|pills|rope)|keeps? a gun|(?:take|taking) "
        r"(?:some|them|all|the lot) and not wake up)",
        L.MODERATE,
        C.SUICIDE,
        negatable=False,
    ),
    # a death staged as an accident ("thinking about making it look like a car accident")
    _cue(
        "staged_accident",
        r"\bi(?:'ve| have| had)?(?: been)? (?:thinking|thought|planning|planned|plan|could|would|"
        r"might|want to|wondering|wondered)(?: about| of)? (?:how (?:to|i could) )?(?:make|making) "
        r"it look like (?:an? )?(?:\w+ )?(?:accident|crash)\b",
        L.MODERATE,
        C.SUICIDE,
        negatable=False,
    ),
    # taking all of one's pills thought of as a way out: "I could just take all my pills"
    _cue(
        "pills_thought",
        r"\b(?:could|should|might|may as well|might as well|wanna|want to|tempted to|"
        r"thinking of|thought about|feel like) (?:just )?(?:take|taking|swallow(?:ing)?|"
        r"down(?:ing)?) (?:all|every one|the (?:whole|entire) (?:box|bottle|packet|pack|lot)) "
        r"(?:of )?(?:my |the |these |those |them )?" + _PILLS + r"(?! (?:as prescribed|on time|"
        r"with (?:food|water|a meal|breakfast|dinner)|in the morning|at night|every day|daily|"
        r"before|after|properly|like (?:i'?m|the doctor|my doctor)))",
        L.MODERATE,
        C.SUICIDE,
    ),
    # self-harm (moderate)
    _cue(
        "self_harm",
        r"\b(?:cut(?:ting|s)? (?:myself|my (?:arms?|wrists?|legs?|thighs?|skin))|"
        r"burn(?:ed|ing|t)? (?:myself(?! out)|my (?:arms?|skin))|hurt(?:ing)? myself|"
        r"harm(?:ing|ed)? myself|self harm|hit(?:ting)? myself|"
        r"punch(?:ing)? (?:myself|walls? until)|"
        r"scratch(?:ing|ed|es)? (?:myself|my (?:arms?|skin|legs?|thighs?|wrists?|stomach))"
        r"(?: \w+)? (?:until|till|til|raw|so hard)|"
        r"used (?:the|a|my) (?:razor|blade)s?(?: blades?)? (?:again|on (?:myself|my))|relapsed "
        r"(?:with |on |into )?(?:self harm|cutting|hurting myself)|(?:self harm|cutting) "
        r"relapse|(?:the )?urge to (?:cut|hurt myself|burn)|(?:hid|hide|hiding|bought|keep|"
        r"kept) (?:a |the |my )?(?:blades?|razors?)|(?:my|the) cuts (?:are|r) getting deeper|"
        r"my (?:fresh |new )?(?:cuts|scars) "
        r"(?:are|keep|won'?t)|cutting again|"
        # not "my hours were cut again"
        r"(?<!was )(?<!were )(?<!got )(?<!get )(?<!been )(?<!being )(?<!be )(?<!is )(?<!are )"
        r"cut again|i (?:cut|burned|burnt) (?:myself |my )?(?:last|"
        r"again|(?:my )?(?:arm|wrist|thigh|leg)s?)|cut (?:my )?(?:wrists?|arms?|thighs?)|"
        r"(?:my )?cutting (?:keeps|is getting)|cut (?:way )?too deep|"
        # a relapse that went further ("relapsed again last night… went deeper than usual")
        r"relaps\w*\b.{0,80}?\b(?:went|cut|going|go) (?:a lot |way |much |too )?deeper (?:than|"
        r"this time|tonight|again)\b|"
        r"(?:bang|banging|hit|"
        r"hitting) my head (?:against|on)|bit(?:e|ing)? my (?:arm|hand|skin)|carv(?:e|ed|ing) "
        r"(?:\w+ ){0,3}into my (?:skin|arm|leg)|hide (?:the|my) (?:cuts|scars|marks|burns)|"
        r"(?:the )?thing with the (?:blade|razor|lighter)|on purpose[^.]{0,30}(?:burn|cut|"
        r"hurt)|(?:burn|cut|hurt)[^.]{0,40}on purpose|"
        # an act told with its time and no object: "I did cut about an hour ago", "I cut tonight"
        r"\bi (?:did |just |have )?cut (?:about |around |like |maybe )?(?:an hour|half an hour|"
        r"a few hours|an? (?:couple|few) (?:of )?(?:hours|minutes)|\w+ (?:hours|minutes) ago|"
        r"earlier(?: today| tonight)?|tonight|today|this (?:morning|afternoon|evening)|"
        r"last night|yesterday)(?=\s*(?:$|[.,!?;:)]|(?:and|but|so|it|its|it's|again|ago)\b))|"
        # a hand held to something hot
        r"(?:press|hold|put|burn)(?:ing|ed|t|s)? my (?:hand|arm|fingers?|palm|wrist|skin) "
        r"(?:on|onto|against|over|under) (?:the |a |my )?(?:hob|stove|hot ?plate|iron|"
        r"lighter|flame|candle|kettle|radiator|cooker|oven|hot tap|ring))",
        L.MODERATE,
        C.SELF_HARM,
    ),
    # plan / intent / preparatory / attempt (high)
    _cue(
        "plan_intent",
        r"\b(?:(?:tonight|today|tomorrow) i (?:will |'ll )?jump (?:from|off) (?:my|the|this|a) "
        r"(?:hdb )?(?:block|building|flat|roof|bridge|balcony|tower)|"
        r"i(?:'m| am) (?:going|gonna) to (?:kill myself|end (?:my life|(?:it|things)"
        + _BREAK_UP
        + r")|do it|die|jump|take (?:all|the)(?! (?:kids|children|dogs?|car|bus|train|tube|day|"
        r"week|test|exam|stairs|lift|elevator|job|offer|risk|chance|lead|class|course|call|bins|"
        r"rubbish|trash|boat|ferry|plane|flight|long way|scenic|shortcut|afternoon|morning)\b)|"
        r"overdose)|i(?:'ve| have) (?:decided to (?:die|"
        r"end (?:it|my life)|kill myself|do it)|made up my mind to (?:die|end it|do it|kill "
        r"myself))|i(?:'ve| have) (?:got |made )?a plan"
        + _CARE_PLAN
        + r"|"
        + _PLAN_SAID
        + r"|planning (?:to|on) "
        r"(?:kill|end|die|jump|overdose|do it)|i will (?:kill myself|end it|do it)|i'?ll "
        r"(?:kill myself|end it|do it) (?:tonight|soon|this|when|if|tomorrow|after)|(?:this is|"
        r"it'?s) my (?:last|final) (?:message|goodbye|day|night)|(?:final|last) goodbye|"
        r"goodbye (?:forever|everyone|world)|won'?t (?:be (?:here|around)|see (?:you|"
        r"tomorrow|the morning))|when i'?m gone|after i'?m gone|won'?t be a (?:problem|"
        r"burden) (?:for (?:anyone|anybody) )?(?:much longer|for long|anymore)|set a date|"
        r"picked (?:a|my) (?:\w+ )?(?:date|day|spot|place)|"
        r"(?<!we )(?<!they )(?<!he )(?<!she )picked the (?:date|day|spot|place)"
        r"(?=\s*(?:$|[.,!?;:]|(?:lol|already|now)\b))|"
        # "picked the spot where I'll do it"
        r"(?<!we )(?<!they )(?<!he )(?<!she )picked (?:out )?the (?:date|day|spot|place|time) "
        r"(?:where|when) i(?:'ll| will|'m going to| am going to|'m gonna| am gonna|m gonna) "
        r"(?:do it|end it|jump|die)\b|"
        # "Tonight I'm ending it": the time said first
        r"\b(?:tonight|tomorrow(?: night)?|today|this (?:weekend|week)|"
        r"(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)),? "
        r"i(?:'m| am|m|'ll| will)? (?:going to |gonna )?end(?:ing)? (?:it|things|my life)"
        r"(?: all)?(?! (?:with|between|early|for (?:the|my|our|today|tonight|now)|at (?:work|"
        r"the))\b)|"
        # "ending it friday night": ending it, given a day
        r"(?<!not )(?<!never )ending it(?: all)? (?:tonight|tomorrow|today|"
        r"(?:on |this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
        r"this (?:weekend|week)|next week)(?:,? (?:night|morning|evening))?"
        r"(?! (?:with|between|for (?:the|my|our)|at (?:work|the))\b)|"
        r"(?:already )?planned (?:it|how|out\b|when|where)|have it (?:all )?planned|"
        r"worked out (?:exactly )?(?:how|when|where)|"
        r"(?:intend|mean|going) to (?:go through with it|kill myself|end (?:my "
        r"life|it"
        + _BREAK_UP
        + r")|take my (?:own )?life)|go through with it|(?:doing|do) it (?:tonight|today|"
        r"now|soon|this|after)|log(?:ging)? off permanently|permanent solution|by the time "
        r"(?:anyone|you|someone) (?:reads|sees|finds) this|(?:tell|let) my (?:\w+ ){0,2}"
        r"(?:know )?(?:i love|that i loved) (?:her|him|them)|(?:got|have|is) everything "
        r"(?:ready|sorted|in place)|tonight(?:'?s| is) the night|i'?ll be gone|"
        r"(?:going to|gonna|will) use (?:his|her|my|the|dad'?s|mum'?s|mom'?s) "
        r"(?:gun|rifle|shotgun|rope|pills)|"
        r"know (?:how|when|where) i(?:'m| am)? (?:going to|gonna|will) do it)",
        L.HIGH,
        C.SUICIDE,
    ),
    _cue(
        "preparatory",
        r"\b(?:(?:wrote|writing|written|left) (?:a|my|the) (?:suicide )?"
        r"(?:note|letters?)|(?:giving|gave|given) away (?:my|all|everything)|stockpil(?:e|ed|"
        r"ing)|(?:saving|saved|hoarding|collecting|putting aside|put aside|setting aside|set aside|"
        r"stashing|stashed) (?:up )?(?:(?:some|a few|a lot|a bunch|loads|most|all|half|each) of "
        r")?(?:my |all my |the |these |those |extra )?" + _PILLS + r"|"
        r"(?:bought|buying|got|ordered|have) (?:a |some )?(?:rope|noose|gun|charcoal|"
        r"(?:a lot of |enough )?" + _PILLS + r") (?:to|for|so)|said my goodbyes|"
        r"(?:sorted|put) my affairs in order|(?:sorting|sorted|putting|getting) (?:out )?my affairs"
        r"(?: in order)?|updated my will|(?:found|finding) (?:a home|"
        r"someone) (?:for|to (?:take|look after)) my (?:dog|cat|pets?|kids)|(?:wrote|written|"
        r"writing) (?:letters?|notes?|a letter|a note) (?:to|for) (?:each of |all of )?my"
        r"(?![^.!?]{0,40}\b(?:christmas|birthday|holiday|thank|cards?|anniversary|wedding|trip|"
        r"pen ?pal|school|class|homework|project|job|application|reference|landlord|council|bank)"
        r")|scheduled (?:an )?(?:email|message|post)[^.]{0,40}"
        r"[\s\S]{0,30}(?:explain|everything|goodbye)|gave (?:away )?my (?!(?:\w+ )?"
        + _PILLS
        + r")(?:\w+ ){0,2}to my|"
        r"deleted (?:all )?"
        r"my (?:socials|accounts)|paying off[^.]{0,30}so my (?:family|kids|wife|husband)|"
        r"(?:savings|money|everything) (?:go|goes) (?:straight )?to my[^.]{0,30}if anything|"
        r"bought a (?:handgun|gun|rifle|shotgun|pistol)|getting ready for it|(?:different|several|"
        r"multiple|separate) (?:pharmacies|chemists|shops|stores|supermarkets)(?: \w+)? so "
        r"(?:nobody|no one|they|no-one) (?:would|wouldn'?t|won'?t|will not|would not|could|"
        r"couldn'?t) (?:notice|ask|know|get suspicious|catch on)|(?:the |my )?"
        r"(?:" + _PILLS + r"|rope|noose|gun|note|letters?) (?:is |are )?(?:all )?(?:ready|"
        r"counted out|laid out|lined up))",
        L.HIGH,
        C.SUICIDE,
    ),
    _cue(
        "attempt",
        r"\b(?:tried to (?:kill myself|end (?:it|my life|things)|overdose|die|"
        r"hang myself)|(?:made|had) an attempt|(?:drove|crashed|jumped|overdosed)[^.]{0,40}on "
        r"purpose|(?:my|a) (?:suicide )?attempt|attempted (?:suicide|to (?:kill|end|take))|"
        r"(?:walked|waded|swam|went) (?:out )?into the (?:sea|river|lake|water|ocean|waves)"
        r"[^.]{0,40}(?:(?:meaning|intending|planning|wanting) (?:not )?to (?:not )?come back|"
        r"to (?:die|drown|end it))|"
        # "attempted sunday": attempted, given a day
        r"(?<!not )(?<!never )attempted (?:again )?(?:(?:on |last )?(?:monday|tuesday|"
        r"wednesday|thursday|friday|saturday|sunday|night|week)|yesterday|last night|"
        r"this (?:morning|week))\b|"
        r"(?:took|taken) an "
        r"overdose|(?:after|since) i (?:overdosed|tried))",
        L.HIGH,
        C.SUICIDE,
    ),
    _cue(
        "postponed_attempt",
        r"\b(?:(?:was|were|i'?m|am) (?:going|gonna|about|planning|ready) to (?:kill myself|end "
        r"(?:it|my life|things|everything)|take my (?:own )?life|jump|overdose|take (?:them|the "
        r"pills|all (?:of )?(?:them|my \w+))|go through with it|hang "
        r"myself)\b[^.!?]{0,60}?\b(?:but|until|then)\b|(?:almost|nearly|came close to|so close to) "
        r"(?:killed myself|killing myself|ended (?:it|my life)|ending (?:it|my life)|jumped|"
        r"jumping|went through with it|going through with it|took (?:them all|all (?:the|my) \w+)|"
        r"overdosed|hanged myself|hanging myself|took my (?:own )?life|taking my (?:own )?life)|"
        r"(?:put|putting|pushed|pushing) (?:off|back) (?:killing myself|ending it|ending my life|"
        r"my attempt|the date)|postpon\w+ (?:it|the plan|the date|my attempt|killing myself|ending "
        r"it)|(?:not|won'?t (?:do it|kill myself|end it)) tonight,? (?:maybe|probably) (?:tomorrow|"
        r"next week|this weekend|soon))",
        L.HIGH,
        C.SUICIDE,
        negatable=False,
    ),
    # imminent
    _cue(
        "act_underway",
        r"\b(?:i(?:'ve| have)? (?:just )?(?:taken|took|swallowed|downed|had) "
        # a number past the everyday dose ("i took 2 paracetamol for my headache" is a dose)
        r"(?:all|the whole|a whole|a bottle|a bunch|a handful|loads|lots|too many|[5-9]\b|[1-9]\d+|"
        r"twenty|thirty|fifty)(?: of)?(?: my| the| these)? ?(?:bottle )?(?:of )?(?:my |the |his |"
        r"her )?(?:[\w']+ )?" + _PILLS + _AS_PRESCRIBED + r"|by the time (?:anyone|you|"
        r"someone) (?:reads|sees|finds) this|standing on (?:the )?(?:ledge|edge|bridge|roof|"
        r"railing|platform)|"
        # a message that opens with where they stand, or what they are doing there
        r"^(?:i'?m |im |i am )?on (?:the |a )?(?:ledge|cliff edge)(?: now)?\s*(?:[.!,]|$)|"
        r"climbing over now|"
        r"(?:i'?m|i am) (?:on|"
        r"at) (?:the )?(?:bridge|roof|ledge|cliff|tracks)|(?:rope|noose) is (?:ready|up|tied|"
        r"around)|(?:loaded|holding) (?:the|my|a) gun|(?:can'?t stop|won'?t stop) (?:the )?"
        r"bleeding|bleeding (?:a lot|everywhere|badly)|started (?:the car|cutting) (?:in|and)|"
        r"(?:more|so much|a lot of) blood (?:than (?:usual|normal|before|ever) )?(?:from|out of|"
        r"on) my (?:arm|wrist|leg|thigh|cuts?)s?\b[^.]{0,40}(?:still (?:going|coming)|won'?t stop|"
        r"not stopping|keeps coming)|"
        # a message left to be read after the act: "if you're reading this, I went through with it"
        r"if (?:you'?re|you are|anyone is|someone is) reading (?:this|it),? (?:\w+ ){0,2}(?:i "
        r"(?:went through with it|did it|(?:am|'?m) (?:already )?(?:gone|dead))|it'?s (?:already )?"
        r"(?:done|too late))|"
        r"this is it|it'?s (?:done|happening) (?:now|tonight)|(?:standing|sitting) (?:on|by|at) "
        r"(?:the )?(?:wrong side|(?:train |railway )?tracks|edge|ledge)|next (?:one|train) "
        r"(?:comes|is due)|swallowed (?:everything|all)|(?:took|taken|had|swallowed|downed|necked) "
        r"(?:a load|a lot|"
        r"loads|lots|all) of (?:[\w']+ ){0,2}" + _PILLS + r"|"
        r"(?:took|taken) them all\b" + _TAKEN_ELSEWHERE + r"|"
        # "I ate the tablets of my mother for sleep, all of them"
        r"(?:took|swallowed|ate|eaten) (?:the |my )?(?:[\w']+ )?" + _PILLS + r"\b[^.!?]{0,40}\ball "
        r"of them|"
        # a poison drunk ("I drank a bottle of pesticide", "I don drink the sniper")
        r"(?<!accidentally )(?:drank|drunk|swallowed|have drunk|just drank|don drink) (?:a |the |"
        r"some |half a )?"
        r"(?:bottle of |cup of |glass of )?" + POISON_WORDS + r"\b"
        r"(?![^.!?]{0,40}\b(?:by (?:accident|mistake)|accidentally|thought it was|metaphor|"
        r"figuratively)))",
        L.IMMINENT,
        C.SUICIDE,
        negatable=False,
    ),
    # other categories
    _cue(
        "harm_others_thought",
        r"\b(?:(?:want(?:ed)? to|wanna|urge to|thoughts? (?:of|about)|think(?:ing)? about|"
        r"fantasi[sz](?:e|ing) about|could) (?:kill(?:ing)?|hurt(?:ing)?|stab(?:bing)?|strangl(?:e|"
        r"ing)|shoot(?:ing)?|beat(?:ing)? up|smash(?:ing)?|shak(?:e|ing)|smother(?:ing)?|"
        r"suffocat(?:e|ing)|poison(?:ing)?) (?:him|the baby|my baby|the kid|her|them|"
        r"my (?:\w+ ){0,2}(?:boss|wife|husband|partner|dad|father|mum|mom|mother|brother|sister|"
        r"son|daughter|baby|kid|neighbou?r|teacher|ex|roommate|flatmate|colleague|coworker|manager|"
        r"landlord|stepdad|stepmum|boyfriend|girlfriend)|(?:that|this|the) (?:guy|man|woman|kid|"
        r"teacher|bitch|bastard|prick|driver|neighbou?r)|someone|somebody|people|everyone)|"
        r"(?:picture|picturing|imagin(?:e|ing)|fantasi[sz]\w*|flash(?:es)? of|thoughts? of|"
        r"urges? to|visions? of)(?: about)? (?:\w+ ){0,2}(?:hitting|hurting|shoving|pushing|"
        r"stabbing|shaking|strangling|killing|smashing|wrecking|punching|beating|drowning|"
        r"suffocating|smothering|choking|dropping|throwing) (?!myself|yourself)(?:him|her|them|my|"
        r"a|the|someone|people|\w+)|(?:scared|afraid|frightened|terrified) of what i (?:might|"
        r"could|would|will|'ll|'d) do to (?:him|her|them|the baby|my \w+)|"
        # "i'm scared of what ill do if i go in there" (a child screaming in the next room)
        r"(?:scared|afraid|frightened|terrified) of what i(?:'ll|ll| will| might| could| would|"
        r"'d| may)? do (?:if|when|once) i (?:go (?:in|back in|near)|pick (?:him|her|them) up|"
        r"see (?:him|her|them))|"
        # an assault planned ("going to punch my stepdad tonight")
        r"(?:(?:i'?m|im|i am) |^)(?:going to|gonna) (?:punch|batter|beat up|glass|smack|deck|"
        r"headbutt) "
        r"(?:him|her|them|my \w+|that \w+)\b|"
        # about to lose it with a child ("im about to really hurt my son")
        r"(?:i'?m|im|i am) (?:about|close|this close|so close) to (?:really )?(?:hurt(?:ing)?|hit"
        r"(?:ting)?|shak(?:e|ing)|los(?:e|ing) it with) (?:my (?:son|daughter|baby|kid|child|"
        r"toddler|little one)|the baby|him|her)\b|"
        # harm already done to a child ("i grabbed her arm way too hard", "i shook him")
        r"i (?:already )?(?:shook|hit|slapped|smacked|shoved) (?:him|her) (?:once|twice|already|"
        r"today|earlier|tonight|so hard|too hard|hard)\b(?=[^.!?]*\b(?:baby|son|daughter|"
        r"toddler|kid|child|cot|crib|screaming|crying)\b|.*\b(?:my (?:son|daughter|baby|kid|"
        r"child|toddler)|the baby)\b)|"
        r"i (?:grabbed|yanked|shook|slapped|smacked|hit|shoved|pushed|squeezed) (?:(?:her|his|"
        r"the baby'?s|my (?:son|daughter|baby|kid|child|toddler)'?s) (?:arm|wrist|shoulders?|"
        r"face)|the baby|my (?:son|daughter|baby|kid|child|toddler|little one))\b[^.!?]{0,20}\b"
        r"(?:too hard|so hard|really hard|hard|until|and (?:she|he) (?:cried|screamed|fell))\b|"
        r"(?:stood|standing|stand) over (?:him|her|"
        r"them|my \w+) with (?:a|the|my) (?:pillow|knife|hammer|bat|gun|cushion))",
        L.MODERATE,
        C.HARM_TO_OTHERS,
    ),
    _cue(
        "harm_others_intent",
        r"\b(?:(?:(?:i'?m|i am) (?:going|gonna) to|i will|i'?ll|planning "
        r"(?:how )?to|bought (?:a \w+ |something )?to|going to make (?:him|her|them) pay (?:with))"
        r" ?(?:kill|hurt|stab|shoot|strangle|poison|run (?:him|her|them) over|burn (?:his|"
        r"her|their) (?:house|place))(?! myself| it\b)|(?:knife|gun|bat|blade|hammer)[^.]{0,40}"
        r"(?:(?:using|use) it(?! to (?:open|cut (?:the|some)|cook|chop|fix|make)\b)|on "
        r"(?:him|her|them))|(?:he|she|they)(?:'s| is| are|'re)? (?:not )?"
        r"(?:going to|gonna) (?:pay|regret|get what)|(?:he|she)(?:'s| is)? ?(?:not getting "
        r"away with|won'?t be walking away)|(?:finds?|find) out what happens when|make (?:him|"
        r"her|them) (?:hurt|pay|suffer|bleed)|get hold of a (?:gun|knife|weapon)|(?:following|"
        r"followed|watching) (?:him|her|them) (?:home|every)|know (?:where|when) (?:he|she|"
        r"they) (?:parks|lives|works|walks)|(?:bring|bringing|taking|take|brought|took) (?:a|my|"
        r"the|\w+'?s?) (?:[\w']+ )?(?:knife|knives|gun|blade|machete|weapon|bat)s? (?:in)?to "
        r"(?:school|class|college|campus|uni)\b|"
        # harm begun, the person next ("i already slashed his tires, next is him"), or the job
        # to be finished ("i punched him last night … i'll finish the job")
        r"(?:slashed|keyed|smashed|torched|burned|wrecked|punched|hit|beat)\b[^.!?]{0,90}\b(?:next "
        r"(?:is|it'?s|will be|up is) (?:him|her|them)|(?:he|she|they)(?:'s| is| are|'re) next|"
        r"(?:i'?ll|i will|gonna) finish (?:the job|him|her|them(?: off)?))|(?:thinking (?:\w+ )?"
        r"about|planning|going to|gonna|want(?:ed)? to) poison(?:ing)? (?:his|her|their|my \w+'?s?)"
        r" (?:food|drink|coffee|tea|dinner|meals?|water))",
        L.HIGH,
        C.HARM_TO_OTHERS,
    ),
    _cue(
        "abuse",
        r"\b(?:(?:he|she|they|my (?:\w+ )?(?:dad|father|mum|mom|mother|stepdad|"
        r"stepmum|stepmom|partner|husband|wife|boyfriend|girlfriend|brother|uncle|carer|"
        r"son|daughter|ex)) (?:hits|hit|beats|beat|chokes?|choked|kicks?|kicked|slaps?|"
        r"slapped|punche[sd]|punch|hurts|hurt|burns?|touch(?:es|ed)|rap(?:es|ed)|forces?|"
        r"forced|locks?|locked|threaten(?:s|ed)|strangle[sd]?|shov(?:es|ed)|push(?:es|ed)|"
        r"takes? all my money|won'?t let me (?:leave|eat|see|go out)) (?:me|my|us)|"
        r"(?:i(?:'m| am) (?:being )?|being )(?:abused|beaten|hit|raped|molested|hurt at "
        r"home)\b|afraid (?:to go|of going) home|(?<!she's )(?<!shes )(?<!he's )(?<!hes )"
        r"(?<!she is )(?<!he is )(?<!they're )(?<!theyre )(?<!they are )(?<!she was )(?<!he was )"
        r"scared (?:of|to be around) "
        r"(?:my(?!self)|"
        r"him(?!self)|her(?!self))|"
        r"(?:he|she) (?:said|says|threatened|swore) (?:he|she)(?:'ll| will| would|'d) "
        r"(?:kill|hurt) me|(?:my )?(?:father|dad|mum|mom|mother|stepdad|stepmum|stepmom|parents|"
        r"husband|boyfriend|partner)(?:'ll| will| is going to| are going to| is gonna| are gonna| "
        r"gonna) (?:beat|hit|hurt|kick|belt|slap|punch|whip) me\b|bruises? (?:from|he|she|where)|"
        r"domestic (?:violence|abuse)|"
        r"(?:he|she|they|my (?:\w+ )?(?:dad|father|mum|mom|stepdad|partner|husband|wife|"
        r"boyfriend|girlfriend|son|daughter|carer|ex))\b[^.]{0,40}\b(?:shov(?:es|ed)|"
        r"push(?:es|ed)|pinch(?:es|ed)|choke[sd]?|throws?|threw|smash(?:es|ed)|hit|hits|"
        r"slap(?:s|ped)|kick(?:s|ed)|grab(?:s|bed)) (?:me|my|things|stuff|a \w+ at (?:me|"
        r"my))|(?:takes?|took|steals?|stole) my (?:pension|money|benefits|wages|cards?|phone)"
        r"|(?:after|when) i(?:'ve)? said no|won'?t take no|doesn'?t stop when i say|"
        r"(?:asking|asks|keeps asking) (?:me )?for (?:pics|photos|nudes)|(?:protective|"
        r"restraining) order|(?:leaves|left) me in (?:wet|dirty)|(?:hiding|hid) (?:myself )?"
        r"in (?:the|my) (?:bathroom|room|car) (?:from|because|so (?:he|she|they))|"
        r"(?:locked|barricaded) (?:myself |us )?in (?:the|my) "
        r"(?:bathroom|room|car) (?:with|because|so|while|from)|(?:he|she)(?:'ll| will|'s going "
        r"to|'s gonna) (?:kill|hurt|deal with) me|when he gets back i'?m dead|"
        r"(?:coming|on (?:his|her) way) "
        r"(?:up |over |home |back )?to (?:deal with|get|hurt) me|banging on the door|"
        r"(?:checks|controls|takes) my phone|"
        r"(?:sexually|physically) (?:abuse[sd]?|abusing|assault\w*|touch\w*|hurts?) (?:me|my)\b"
        r"(?![^.!?]{0,40}\b(?:when i was|as a (?:kid|child|teen)|years ago|growing up))|"
        r"(?:touch(?:es|ed|ing)?|touching) (?:me|my) (?:in (?:a )?bad way|private|down there|there "
        r"when)|(?:rape[sd]?|raping|molest(?:s|ed|ing)?) me\b|"
        # strangulation in plain words ("put his hands around my neck until i nearly blacked out")
        r"(?:put|had|wrapped|got|puts|wraps) (?:his|her|their|both) hands? (?:a?round|on) my "
        r"(?:neck|throat)(?![^.!?]{0,40}\b(?:hug|kiss|cuddl|danc|necklace))|"
        r"(?:squeezed|squeezing|squeezes|grabbed|grabs|held|holding|pinned) (?:me "
        r"(?:down )?by )?my (?:neck|throat)|"
        r"(?:he|she|they|my (?:\w+ )?(?:partner|husband|wife|boyfriend|girlfriend|bf|gf|ex|dad|"
        r"father|mum|mom|stepdad))\b[^.!?]{0,30}\bthreaten(?:s|ed|ing)? to (?:kill|hurt|stab|shoot|"
        r"beat|strangle|end) me|(?:he|she|my (?:\w+ )?(?:partner|husband|wife|boyfriend|"
        r"girlfriend|bf|gf|ex|dad|father|mum|mom|stepdad))\b[^.!?]{0,20}\b(?:held|holding|holds|"
        r"pulled|pointed|put|puts) (?:a|his|her|their|the) (?:knife|gun|blade|pistol) (?:to|at|"
        r"against|on) (?:me|my)\b|"
        r"(?:he|she) (?:said|says|told me|swore)[^.!?]{0,20}\b(?:he|she)(?:'ll| will| would|'d|'s "
        r"going to|'s gonna) make sure i (?:don'?t|never|won'?t) wake up|"
        r"(?:controls|takes|keeps) (?:all )?(?:my|the|our) money|tracks? my (?:location|phone)|"
        r"(?:he|she|my (?:partner|husband|wife|boyfriend|girlfriend|bf|gf)) (?:doesn'?t|won'?t|"
        r"does not|will not|never) let me (?:see my (?:friends|family|mum|mom|parents)|go out|"
        r"leave the house|have (?:my own )?(?:money|a phone|my phone|friends)|talk to (?:my )?"
        r"(?:friends|family|anyone))|"
        r"(?:leav(?:e|ing)|escap(?:e|ing)|get(?:ting)? away from|scared of|living with|live with) "
        r"(?:my|an|this) abusive|"
        # night visits and a secret kept for an adult ("my stepdad comes into my room at night
        # when mom is at work… he says its our secret")
        r"(?:he|she|my (?:\w+ )?(?:dad|father|stepdad|stepfather|uncle|brother|cousin|grandad|"
        r"grandpa|mum|mom|stepmum|stepmom|coach|teacher|neighbou?r|babysitter|tutor))\b[^.!?]{0,20}"
        r"\b(?:comes?|came|coming|sneaks?|snuck) (?:in)?to my (?:room|bed)\b[^.!?]{0,40}\b(?:at "
        r"night|when (?:my )?(?:mum|mom|dad|everyone)(?:'s| is) (?:out|away|at work|asleep))|"
        r"(?:he|she) (?:says|said|tells me|told me)[^.!?]{0,15}\b(?:it'?s|its|this is|it has to "
        r"be) (?:our|a) (?:little |special )?secret\b|"
        r"touch(?:es|ed)? me in (?:ways|a way|places) i (?:don'?t|didn'?t|do not|did not) like|"
        r"(?:under|inside) my (?:clothes|pants|shirt|pyjamas|pajamas)\b|(?:makes|made|tells|told) "
        r"me (?:to )?(?:sleep|get) in(?:to)? (?:his|her) bed\b|(?:comes?|came|coming) in(?:to)? my "
        r"room when (?:everyone|everybody|mum|mom|dad)(?:'s| is)? (?:sleeps|asleep|sleeping|out|at "
        r"work))",
        L.MODERATE,
        C.ABUSE,
        personal=False,
    ),
    # A threat against a place or a group, or a plan's pieces: a school, a workplace, a crowd
    # ("everyone at school is gonna regret it", "bringing something to work and making them all
    # pay", "I've been looking at which doors they lock", "how I will finish him").
    _cue(
        "threat_to_others",
        r"\b(?:(?:shoot(?:ing)?|shot) up|bomb(?:ing)?|blow(?:ing)? up|attack(?:ing)?) (?:the|my|"
        r"our|this|that|a|his|her|their) (?:school|class(?:room)?|college|campus|uni|office|"
        r"workplace|work|mall|church|mosque|synagogue|gym|assembly|pep rally|party|concert)\b|"
        r"\bmak(?:e|es|ing) (?:him|her|them|everyone|everybody|you all|'?em|all of them)(?: all)? "
        r"(?:hurt|pay(?! (?:for|back|up|off|out)\b)|suffer|bleed|feel it|regret it)\b|"
        r"\b(?:bring|bringing|take|taking|brought|took) (?:something|a weapon|a gun|a knife|the "
        r"(?:gun|rifle|knife)|my (?:\w+'?s )?(?:gun|rifle|pistol|shotgun)) (?:in)?to (?:work|"
        r"school|the office|class|college|the (?:pep rally|assembly|gym|party))\b|"
        r"\b(?:how|when|where) i(?:'ll| will| would|'d| can| could| am going to| am gonna|'m "
        r"gonna| gonna) finish (?:him|her|them|(?:my|that|this|the) (?:supervisor|boss|manager|ex|"
        r"husband|wife|partner|dad|stepdad|brother|neighbou?r|landlord|teacher|coworker|"
        r"colleague|bully|guy|prick|bastard))(?: off)?\b|"
        r"\b(?:everyone|everybody|all of them|they all|them all|the (?:whole|rest) of (?:my|the|"
        r"our) \w+|the whole \w+)(?: at [\w ]{1,30}?)? (?:is |are |'s |'re )?(?:going to|gonna) "
        r"(?:pay(?! (?:for|back|up|off|out)\b)|regret|get what|bleed|suffer)\b|"
        r"\b(?:a|his|my|the) list of (?:names|people|targets)\b[^.!?]{0,60}\b(?:gonna get it|going "
        r"to get it|are next|will pay|gonna pay|deserve it|targets?)\b|"
        # "one of these days i'm coming in with my shotgun and nobody's leaving", "don't come to
        # school tomorrow", "do a vegas / a columbine"
        r"\b(?:coming|come|going|walking|walk) in(?:to work|to school)? with (?:my|a|the) "
        r"(?:shotgun|gun|rifle|pistol|ar|knife)\b|\b(?:nobody|no one|noone)(?:'s| is| will be)? "
        r"(?:leaving|getting out|walking out)(?: alive)?\b|\b(?:don'?t|dont|do not) come (?:in)?to "
        r"(?:school|work|class)(?: (?:tomorrow|tmrw|tmr|on \w+|monday|tuesday|wednesday|thursday|"
        r"friday))\b|\b(?:do|pull|doing) (?:a|an) (?:vegas|columbine|parkland|uvalde)\b",
        L.HIGH,
        C.HARM_TO_OTHERS,
    ),
    # A suicide pact ("agreed we're both doing it on the 14th", "we both go at the same time so
    # neither of us is alone").
    _cue(
        "suicide_pact",
        r"\b(?:suicide pact|pact to (?:die|end it|kill ourselves|go together)|(?:agreed|promised|"
        r"decided|planned|planning|swore)(?: that)?(?: we'?re| we are| we'?ll| we will| to| we'?d)?"
        r"(?: both| all)? (?:do(?:ing)? it|end(?:ing)? it|die|dying|kill(?:ing)? ourselves) "
        r"(?:together|on the \d+(?:st|nd|rd|th)?|at the same time|on (?:monday|tuesday|wednesday|"
        r"thursday|friday|saturday|sunday))|(?:we'?re|we are|are) (?:going to|gonna) (?:end it|"
        r"die|kill ourselves) together|we (?:both|all) (?:go|do it|end it|die) (?:at the same "
        r"time|together) so (?:neither|none) of us (?:is|has to be|will be|feels) alone|"
        r"(?:doing|"
        r"ending) it together on)\b",
        L.HIGH,
        C.SUICIDE,
    ),
    # The choking "game" ("the blackout challenge where you choke yourself till you pass out").
    _cue(
        "choking_game",
        r"\b(?:(?:blackout|black out|pass[- ]?out|choking|fainting|skull ?breaker) "
        r"(?:challenge|game)|chok(?:e|ing) (?:yourself|myself|ourselves|each other) (?:till|until|"
        r"to) (?:you|i|we|they) (?:pass out|black out|faint))\b",
        L.MODERATE,
        C.SELF_HARM,
        personal=False,
    ),
    # A sexual assault in the last hours or days: medical care that works best early.
    _cue(
        "recent_sexual_assault",
        r"\b(?:(?:i (?:was|got|have been|'ve been)|been) (?:raped|sexually assaulted|drugged and "
        r"raped)|(?:he|they|someone|a guy|a man|my \w+) (?:raped|sexually assaulted) me)\b"
        r"[^.!?]{0,60}\b(?:last night|last weekend|this weekend|on the weekend|yesterday|this "
        r"morning|today|tonight|earlier|hours? ago|(?:a|two|three|\d) days? ago|at "
        r"(?:a|the) party|on (?:friday|saturday|sunday) night)\b|"
        r"\b(?:last night|yesterday|this morning|earlier today|at (?:a|the) party)\b[^.!?]{0,60}"
        r"\b(?:i (?:was|got) (?:raped|sexually assaulted)|(?:he|they|someone) (?:raped|sexually "
        r"assaulted) me)\b|"
        r"\b(?:said no|said stop|told (?:him|her|them) (?:no|to stop))\b[^.!?]{0,60}\b(?:did it "
        r"anyway|kept going|didn'?t stop|didnt stop|did not stop|carried on|wouldn'?t stop)\b|"
        r"\b(?:didn'?t|didnt|did not|wouldn'?t|wouldnt) stop when i (?:said|told (?:him|her|them)) "
        r"(?:no|stop|to stop)\b|\b(?:sex|it) (?:last \w+|yesterday|on \w+ )?(?:wasn'?t|wasnt|was "
        r"not) (?:really |fully )?consensual\b|\bwithout my consent\b|\b(?:i was|i got|i'?ve been) "
        r"assaulted\b[^.!?]{0,40}\b(?:pep|morning after|emergency contraception|plan b|rape kit|"
        r"std|sti|pregnan\w*)\b",
        L.HIGH,
        C.ABUSE,
        personal=False,
    ),
    # A carer's thought of ending the life of the person they care for ("it would be kinder if I
    # just gave her all her sleeping tablets at once", "the pillow over his face").
    _cue(
        "harm_to_dependent",
        r"\b(?:(?:give|gave|giving|slip|slipped|slipping|crush(?:ed|ing)?|put) (?:her|him|them|"
        r"mum|mom|dad|my (?:\w+ )?(?:mum|mom|dad|mother|father|husband|wife|son|daughter|baby|"
        r"child|kids?|gran\w*|nan|patient))\b[^.!?]{0,25}\b(?:all|the whole|every one of|a "
        r"handful of|double|extra|too many|the lot of|enough of)\b[^.!?]{0,25}\b(?:pills|tablets|"
        r"sleeping tablets|sleeping pills|meds|medication|insulin|morphine)\b|(?:hold(?:ing)?|"
        r"put(?:ting)?|press(?:ing)?) (?:a |the |my )?(?:pillow|cushion) over (?:his|her|their) "
        r"(?:face|mouth)|put (?:her|him|them) out of (?:her|his|their) misery)",
        L.MODERATE,
        C.HARM_TO_OTHERS,
    ),
    # Someone drugged without knowing ("putting my sleeping meds in my husband's tea so he leaves
    # me alone"): harm to them, and often a sign of what the speaker is living with.
    _cue(
        "drugging_someone",
        r"\b(?:putting|put|slipping|slipped|slip|crushing|crushed|mixing|mixed) (?:a (?:little )?"
        r"bit of |some |a few of )?(?:my |his |her |the )?(?:sleeping )?(?:meds|pills|tablets|"
        r"medication|sleeping pills|sedatives?|diazepam|valium|xanax) in(?:to)? (?:his|her|their|"
        r"my (?:\w+'?s?|\w+ \w+'?s)) (?:tea|coffee|drinks?|food|dinner|water|juice|milk|bottle)",
        L.MODERATE,
        C.HARM_TO_OTHERS,
    ),
    # Intimate images used against someone: a threat to share them unless they pay or stay
    # (sextortion), or an adult asking a young person for pictures and secrecy (grooming).
    _cue(
        "sextortion",
        r"\b(?:(?:has|have|got|posting|post|send|sending|share|sharing|leak|leaking|spread|"
        r"release)\w* (?:my |the |our |all my |those |these |some )?(?:private |intimate |naked "
        r"|nude )?"
        r"(?:pics|pictures|photos|nudes|videos?|vids|screenshots)\b[^.!?]{0,80}\b(?:unless|if i "
        r"(?:don'?t|do not|break up|leave|stop))|"
        r"(?:if|unless) i (?:don'?t |do not )?(?:pay|send (?:more|money|him|her|them|\$?\d+|the "
        r"money|gift cards?)|break up|leave)\b[^.!?]{0,"
        r"60}\b(?:post|send|share|leak|show|spread)\w* (?:my|the|them|those|it|all)|(?:post|send|"
        r"share|leak|show|spread)\w* (?:them|it|those|these)\b[^.!?]{0,40}\b(?:unless i|if i "
        r"(?:don'?t|do not)) (?:pay|send)(?=.*\b(?:pics|pictures|photos|nudes|videos?|vids|"
        r"screenshots|images|video call)\b))",
        L.MODERATE,
        C.ABUSE,
        personal=False,
    ),
    _cue(
        "grooming",
        r"\b(?:wants?|wanted|asks?|asked|asking|keeps? asking|tells?|told|telling|begs?|begging|"
        r"pressur\w*|makes?|made|gets?|got) me (?:to )?(?:send|show|take) (?:him |her |them )?"
        r"(?:some |a few |more )?(?:pics|pictures|photos|selfies|nudes|naked \w+|videos?|vids)\b"
        r"(?=[^.!?]*\b(?:not (?:to )?tell|secret|don'?t tell|nudes|naked|no one (?:can|will) "
        r"know)\b|.*\b(?:(?:he|she)(?:'s| is) (?:1[89]|[2-9]\d)\b|older than me|an adult|grown "
        r"(?:man|woman)))",
        L.MODERATE,
        C.ABUSE,
        personal=False,
    ),
    # Psychosis. A belief stated plainly is `low` (explore it, don't confirm it); bizarre
    # control, surveillance through devices, impostors and a belief acted on are `moderate`;
    # voices are `moderate`; voices commanding harm are `high`.
    _cue(
        "delusion",
        r"\b(?:(?<!feel like )(?<!feels like )(?<!as if )(?<!like )(?:they|people|someone|"
        r"somebody|everyone|everybody|strangers|men in \w+|a gang|(?:my|the) (?:neighbou?rs|"
        r"family|coworkers|colleagues|boss|landlord|ex)|the (?:government|police|council))"
        r"(?: (?:from|at|in|on|across|next|down|over) (?:[\w']+ ){0,3}?[\w']+)? "
        r"(?:are|is|keep|have been|'ve been|'re|'s been|has been)(?: \w+)? (?:watching|following|"
        r"stalking|tracking|spying on|monitoring|recording|filming|plotting against|conspiring "
        r"against|out to get|after(?= me\b(?! to\b))|poisoning|trying to (?:get|hurt|kill|"
        r"poison|frame)) (?:me\b|my "
        r"(?:food|drinks?|tea|coffee|water|meals?)\b)(?! (?:like a hawk|closely|carefully|to see|"
        r"around the (?:flat|house|room))| (?:on|around) "
        r"(?:insta\w*|twitter|tiktok|social|x\b|facebook|youtube|twitch))|(?:i'?m|i am|i(?:'ve| "
        r"have) been) (?:being )?(?:watched|followed|stalked|tracked|monitored|spied on|"
        r"targeted|gang ?stalked)(?! (?:on|by) (?:insta\w*|twitter|tiktok|social|a (?:debt|bill)))|"
        r"gang ?stalk\w*|(?:everyone|people|others|strangers|they)(?: (?:on|in|at|around) "
        r"(?:[\w']+ ){0,2}?[\w']+)? (?:can )?(?:hear|"
        r"read|know) (?:exactly )?(?:what |everything |all )?(?:i'?m thinking|my thoughts|what i "
        r"think|i think)|my "
        r"thoughts (?:are|get|keep) (?:being )?(?:broadcast\w*|heard|leaking|read out|played)|"
        r"broadcast\w* my thoughts|i can (?:hear|read) (?:what )?(?:people|everyone|others|"
        r"strangers)(?:'s| are)? (?:thinking|thoughts|minds)|(?:i have|i've got|i got|i(?:'ve| have"
        r")? been given|i was "
        r"given) (?:special|secret|divine|"
        r"magic(?:al)?|psychic) (?:powers?|gifts?|abilities)|i(?:'m| am) (?:the (?:messiah|"
        r"prophet|chosen one)|a (?:prophet|god|messiah))|(?:my (?:partner|husband|wife|boyfriend|"
        r"girlfriend)) is (?:secretly )?(?:poisoning me|an? (?:spy|agent|impostor|imposter|"
        r"robot)))",
        L.LOW,
        C.PSYCHOSIS,
    ),
    _cue(
        "psychosis",
        r"\b(?:(?:they|the government|the police|people|neighbou?rs|my family|"
        r"everyone|the tv|the radio|someone|cia|fbi|mi5|aliens) (?:are|is|keep|have been) "
        r"(?:poisoning|controlling|sending|putting|implant|reading)|(?:(?:they|people|someone|"
        r"somebody|everyone|[\w']+) (?:are|is|keep|have been|'ve been|'re|'s been|has been) )?"
        r"(?:watching|following|tracking|"
        r"spying on|monitoring|listening to|recording|filming) (?:me|us|my \w+)[^.]{0,20}\b(?:"
        r"through|via|with|using|from|in) (?:the |my |a |their )?(?:tv|television|radio|phone|"
        r"walls?|cameras?|satellites?|wi-?fi|microwaves?|smart meter|laptop|computer|mirrors?|"
        r"vents?|chip|implant|fillings?|light fittings?|smoke alarm)|(?:i'?m |i am |i(?:'ve| have) "
        r"been )?being (?:watched|monitored|"
        r"recorded|filmed|listened to|tracked)[^.]{0,20}\b(?:"
        r"through|via|with|using|from|in) (?:the |my |a |their )?(?:tv|television|radio|phone|"
        r"walls?|cameras?|satellites?|wi-?fi|microwaves?|smart meter|laptop|computer|mirrors?|"
        r"vents?|chip|implant|fillings?|light fittings?|smoke alarm)|(?:cia|fbi|mi5|mi6|aliens|the "
        r"illuminati|the freemasons) (?:are|is|have been|keep) \w+ing (?:me|my)|"
        r"(?:chip|tracker|device|camera|transmitter|implant) in (?:my|me)(?: [\w']+)? (?:head|"
        r"brain|body|teeth|tooth|arm|neck|skin|ear|eye|back)|implanted|"
        r"(?:special|secret|divine) (?:mission|message)|chosen one|(?:god|the devil|"
        r"angels?|spirits?|demons?) (?:is|are) (?:talking|speaking|sending|telling)|"
        r"messages? (?:for me )?(?:in|from|through) (?:the )?(?:tv|radio|numbers|plates|songs|"
        r"ads)|read(?:ing)? my (?:mind|thoughts)|(?:controlling|inserting|stealing) my "
        r"thoughts|(?:isn'?t|aren'?t|not) (?:really )?my (?:real )?(?:family|parents|"
        r"mum|mom|dad|husband|wife)|"
        # a baby believed not to be theirs, swapped or a replacement (postpartum psychosis)
        r"(?:the|my|our) (?:new ?born|baby|son|daughter|little one)(?: \w+)? (?:is|was|has been|"
        r"got) (?:a |an )?(?:replacement|impostor|imposter|changeling|fake|robot|clone|swapped|"
        r"switched)\b(?! (?:to|onto|over|between|from|for|sides?|breasts?|round|around|back)\b)|"
        r"(?:they|someone|somebody|the (?:nurses|hospital|midwives|doctors)) "
        r"(?:swapped|switched|replaced) (?:her|him|my baby|the baby|our baby|my (?:son|"
        r"daughter))\b(?! (?:nappy|diaper|bottle|formula|cot|crib|clothes|onesie|sheets?|"
        r"blanket|side|over|round|around|to|into|onto|for|with|out|off|back|between|from)\b)|"
        r"watching (?:us|me) through (?:her|his|the baby'?s|"
        r"my baby'?s) eyes|(?:(?:my|our) (?:[\w']+ ){0,2}(?:was|were|has been|have been|"
        r"is|are|got) )?(?:replaced by (?:an? )?(?:impostor|imposter|double|clone|copy|robot)|"
        r"swapped (?:for|with) (?:an? )?(?:impostor|imposter|double|clone|copy))|"
        r"(?:cameras?|bugs?|microphones?|"
        r"wires?|listening devices?) (?:in|inside|hidden in) (?:my|the) (?:smoke|light|walls?|"
        r"ceiling|phone|flat|house|room)|(?:has|have) chosen me|chosen me to|swapped (?:for|"
        r"with) (?:copies|clones|doubles)|(?:coded|secret|hidden) (?:messages?|msgs|signals?|"
        r"signs?)|(?:instructions|messages|signs) (?:meant )?(?:only )?for me|(?:songs?|radio|"
        r"tv|newsreader|the news|adverts?)[^.]{0,40}(?:answering|talking to|speaking to|"
        r"looking at|signal(?:ling)? to) me|signal we agreed|the mission (?:has to|comes)|"
        r"(?:god|the universe) (?:has|is) (?:chosen|speaking|talking)|answering (?:the )?"
        r"(?:questions|thoughts) in my head|answering my thoughts|(?:watching|following|"
        r"stalking|out to get|after) me\b[^.?!]{0,60}\b(?:bought a (?:knife|weapon|bat|gun)|"
        r"(?:going to|gonna|will) (?:confront|stop|deal with) (?:them|him|her)|(?:can'?t|don'?t|"
        r"won'?t) (?:leave|go out|eat)|stopped (?:eating|going out|leaving))|(?:can'?t be "
        r"(?:a )?coincidence|you (?:see|saw|believe|notice[sd]?) (?:it|me|that) too|just "
        r"(?:say|confirm) (?:yes|it|i'?m right)|(?:can you|just|please) confirm)[^.?!]{0,80}"
        r"(?:watching|following|stalking|messages?|signals?|chosen|special))",
        L.MODERATE,
        C.PSYCHOSIS,
        negatable=False,
    ),
    _cue(
        "voices",
        r"\b(?:hear(?:ing)? (?:voices|things that aren'?t)|hear(?:ing)? (?:someone|people|a "
        r"(?:man|woman|child|voice)|them) (?:whisper(?:ing)?|talk(?:ing)?|call(?:ing)?|say(?:ing)?|"
        r"mutter(?:ing)?|shout(?:ing)?) (?:my name|to me|at me|about me|things)|(?:god|the devil|"
        r"angels?|spirits?|demons?|jesus|the universe) (?:talks?|speaks?|spoke|talked|whispers?) "
        r"to me (?:out loud|directly|every|at night|in (?:my|the))|(?:see|seeing|saw) (?:shadow "
        r"people|shadowy figures|people who aren'?t there|things that aren'?t there|figures? "
        r"(?:standing|in the corner))"
        # "that other voice is louder": the inner critic, not a voice heard
        r"|(?<!that )(?<!this )(?<!other )(?<!inner )(?<!little )(?<!small )(?<!nagging )"
        # the eating disorder's "voice", as recovery talk names it ("ed voice is so loud today")
        r"(?<!critical )(?<!\bed )(?<!ana )(?<!mia )(?<!disorder )(?<!anorexia )(?<!bulimia )"
        r"(?<!disordered )(?:the )?voices? (?![^.]{0,25}(?:i'?m|i am) (?:not good enough|useless|"
        r"worthless|stupid|a failure|fat|ugly|lazy|a disappointment)\b)(?:tell|told|telling|"
        r"say|says|said|keep|are|is|in my head)|(?:hear|hearing|heard) (?:a |the )?voices? (?:that|"
        r"which|who) (?:tells?|says?|keeps?|told|said|whispers?))",
        L.MODERATE,
        C.PSYCHOSIS,
        negatable=False,
    ),
    _cue(
        "command_hallucination_self",
        rf"\b(?:{_VOICE}{_COMMAND}{_SELF_TARGET}|voices?[^.?!]{{0,30}}\b(?:kill|hurt|cut) "
        rf"yourself|"
        # said without "to" ("keeps saying jump jump jump", "whispering 'die die die'")
        rf"{_VOICE}(?: (?:keeps?|keep on|is|are|won'?t stop|always))* (?:saying|says|tell(?:s|"
        rf"ing)? "
        r"me|whisper(?:s|ing)?|scream(?:s|ing)?|chant(?:s|ing)?)\W{0,3}(?:"
        + _JUMP_SAID
        + r"|die|end it|kill (?:yourself|urself)|kys)\b|hear(?:ing)? (?:them|voices|a voice|"
        r"someone|people|"
        r"it|things)(?: "
        r"\w+)? (?:whisper(?:ing)?|say(?:ing)?|chant(?:ing)?|tell(?:ing)? me|scream(?:ing)?|"
        r"repeat(?:ing)?)\W{0,3}(?:to )?(?:die|kill (?:yourself|urself)|end it|"
        + _JUMP_SAID
        + r"|kys)\b|"
        # the dead seen, calling them to die ("i see my dead grandma and she says to come to her")
        r"(?:see|saw|seeing) (?:my )?(?:dead|late) \w+[^.!?]{0,40}\b(?:says?|tells? me|told me|"
        r"wants? me|keeps? (?:saying|telling me)) (?:to )?(?:come|go|join)(?: to)? (?:her|him|"
        r"them)\b)",
        L.HIGH,
        C.PSYCHOSIS,
        C.SUICIDE,
        negatable=False,
    ),
    _cue(
        "command_hallucination_others",
        rf"\b(?:{_VOICE}{_COMMAND}{_OTHER_TARGET}|voices? (?:in (?:my )?head )?(?:say|says|"
        rf"tell|tells|told) (?:me|to me) {_OTHER_TARGET})",
        L.HIGH,
        C.PSYCHOSIS,
        C.HARM_TO_OTHERS,
        negatable=False,
    ),
    _cue(
        "dead_belief",
        r"\b(?:(?:know|believe|convinced|sure|certain|realis(?:e|ed)|realiz(?:e|ed)|found out|"
        r"think|feel like)(?: that)? i(?:'m| am| was| have| 've)? (?:actually |already |really |"
        r"secretly |technically |been )?dead\b|i(?:'m| am) (?:actually|already|really|secretly|"
        r"technically) dead\b|i (?:died|passed away|passed on) (?:last (?:week|month|year|night|"
        r"spring|summer|winter|autumn|fall)|yesterday|(?:a few|a couple of|some|\w+) (?:days|"
        r"weeks|months|years) ago|in (?:my sleep|the (?:accident|crash|fire|hospital|operation|"
        r"surgery|night)|january|february|march|april|may|june|july|august|september|october|"
        r"november|december))|i(?:'m| am) (?:just )?(?:a (?:ghost|corpse|walking corpse|dead "
        r"(?:body|man|woman|person|thing)))|my (?:body|brain|heart|organs?|insides|blood) "
        r"(?:(?:is|are|has|have) (?:already )?(?:dead|died|rotting|rotted|stopped)|(?:already )?"
        r"(?:died|is rotting|rotted))|(?:everyone|people)(?:'s| is| are)? (?:treats?|treating|"
        r"acts?|acting|talks? to) (?:me )?(?:like|as if|as though|so normally)[^.]{0,40}i(?:'m| "
        r"am) (?:still )?(?:alive|dead))(?! (?:tired|inside|on my feet|to the world|serious|set|"
        r"sure|lol|bored|broke|wrong|right))",
        L.MODERATE,
        C.PSYCHOSIS,
        C.SUICIDE,
        negatable=False,
    ),
    # Mania: one sign is `low`; lost sleep with another sign, or a risky act with a manic sign,
    # or money/safety already at stake, is `moderate`.
    _cue(
        "mania",
        r"\b(?:(?:don'?t|do not|doesn'?t|haven'?t|didn'?t) need(?:ed)? (?:to |any )?sleep|(?:who|"
        r"why would i) needs? sleep|sleep is for|(?:mind|thoughts|brain) (?:is|are|keeps?) "
        r"(?:racing|going) (?:so fast|faster than|"
        r"a mile a minute)|(?:i'?m|i am) (?:invincible|unstoppable|untouchable|limitless)|start"
        r"(?:ing)? (?:\d+|two|three|four|five|ten) (?:companies|businesses)|million(?:-| )dollar "
        r"idea|can'?t stop talking|(?:grand|genius) (?:plan|idea)s?|(?:a )?million miles an hour|"
        r"theory of everything|overflowing with (?:energy|ideas)|(?:painted|cleaned|rebuilt|wrote) "
        r"the whole[^.]{0,30}overnight|(?:written|wrote|sent|made|recorded) (?:\d+|\w+ty|a hundred)"
        r" (?:pages|songs|emails|business plans|chapters)(?: of ideas)? (?:since|overnight|today|"
        r"in (?:a|one) (?:day|night))|(?:most )?(?:brilliant|genius|greatest|best) idea (?:of my "
        r"life|anyone'?s ever had|in history)|(?:can )?see (?:exactly )?how (?:it all|everything) "
        r"(?:fits|connects)|everything is connected|i finally understand (?:it all|everything)|"
        rf"{_SLEEPLESS}[^.!?]{{0,60}}\b(?:and|but) (?:i'?m )?(?:still )?(?:feel(?:ing)? (?:great|"
        r"amazing|fine|incredible|energi[sz]ed)|getting (?:everything|so much|loads) done|(?:not|"
        r"never) tired|(?:so much|loads of) energy))",
        L.LOW,
        C.MANIA,
        negatable=False,
    ),
    _cue(
        "mania_risk",
        rf"\b(?:{_SLEEPLESS}(?=.*\b{_MANIC})|{_SLEEPLESS}(?=.*\b{_RISKY_ACT})|{_MANIC}"
        rf"(?=.*\b{_SLEEPLESS})|{_RISKY_ACT}(?=.*\b{_SLEEPLESS})|{_GRANDIOSE}(?=.*\b{_RISKY_ACT})|"
        rf"{_RISKY_ACT}(?=.*\b{_GRANDIOSE})|(?:stopped|quit|came off|ditched|threw (?:away|out)|"
        rf"flushed|binned|no more) (?:taking )?(?:my |"
        r"the )?(?:meds|medication|lithium|lamotrigine|lamictal|depakote|valproate|seroquel|"
        r"quetiapine|olanzapine|abilify|aripiprazole|risperidone|mood stabili[sz]ers?|"
        r"antipsychotics?)[^.]{0,40}(?:unstoppable|amazing|alive|best|energy|great|fantastic|"
        r"incredible|better than ever|(?:don'?t|dont|do not) need (?:it|them|meds)|on top of the "
        r"world|myself again|through the roof|never felt better))",
        L.MODERATE,
        C.MANIA,
        negatable=False,
    ),
    # Eating disorders: thoughts are `low`; restriction, purging and compensating are
    # `moderate` (`high` with fainting or heart symptoms, below).
    _cue(
        "eating_disorder_thoughts",
        r"\b(?:(?:feel|felt|feeling) (?:so |really )?(?:fat|disgusting|huge|gross) (?:after|when|"
        r"whenever|every time) (?:i )?(?:eat|eating|ate)|(?:scared|terrified|afraid) (?:of|to) "
        r"(?:gain(?:ing)? (?:weight|a pound|any weight)|eat(?:ing)?)|count(?:ing)? every (?:single "
        r")?calorie|(?:guilty|guilt|ashamed) (?:after|about|for|when) (?:i )?(?:eat|eating|ate|"
        r"every meal)|(?:earn|deserve) (?:my )?(?:food|meals|dinner)|(?:need|have|want) to (?:lose|"
        r"drop) (?:\d+|a lot of|so much) (?:weight|kg|kilos|pounds|lbs|stone) (?:fast|quickly|by|"
        r"before|in a)|(?:suppress|kill) my appetite|(?:stop|ignore) (?:feeling )?(?:hungry|"
        r"hunger)|fear (?:of )?food|safe foods|(?:fastest|quickest) way to (?:lose|drop) (?:\d+|"
        r"\w+) (?:kg|kilos|pounds|lbs|stone)|lose (?:\d+|\w+) (?:kg|kilos|pounds|lbs|stone) in "
        r"(?:a|one|two|three|\d+) (?:weeks?|days)|appetite suppressants?|diet pills|barely "
        r"eat(?:ing)?|"
        r"skip(?:ping)? (?:breakfast|lunch|dinner)(?: and (?:breakfast|lunch|dinner))? (?:most|"
        r"every) days?)",
        L.LOW,
        C.EATING_DISORDER,
    ),
    _cue(
        "eating_disorder",
        r"\b(?:(?:haven'?t|have not|didn'?t|not) eat(?:en)? (?:anything )?(?:in|for) (?:days|"
        r"\d+ days|(?:two|three|four|five) days|a week)|(?:make|made|making) myself (?:sick|"
        r"throw up|vomit|purge)|(?:throw(?:ing)?|threw) up after (?:eating|meals|every meal|"
        r"dinner)|purg(?:e|ed|ing)|laxatives|starv(?:e|ed|ing) myself|(?:only )?(?:eat|ate|eating|"
        r"allow myself|having|limit myself to|stick to|living on|(?:i'?m |i am |been |"
        r"got )?down to|restrict(?:ing|ed)? (?:myself )?to|cut (?:down )?to|getting by on|"
        r"surviving on) (?:(?:only|just|about|around|under|maybe|roughly|"
        r"barely) )*\d{1,3} (?:calories|kcal|cals)\b|(?:eat|eating|ate|having|living on) (?:like |"
        r"about |around |maybe |only |just |barely )*[1-9]\d{2} (?:a day|per day|daily|each day)\b|"
        r"(?:a few|a couple of|two|three|four|five|six|seven|eight|\d) hundred calories|(?:under|"
        r"less than|below) (?:\d{3}|a thousand) (?:calories|kcal|cals)|(?:skip|skipping|"
        r"skipped) (?:every|all|most) meals?|binge(?:d|ing)? and purg|pro[- ]?ana|pro[- ]?mia|"
        r"thinspo|(?:too|so) fat to eat|don'?t deserve (?:to eat|food|breakfast|lunch|dinner|(?:a |"
        r"my )?meals?|to have (?:breakfast|lunch|dinner))|(?:chew and spit|body check)|"
        r"(?:only )?let myself eat|don'?t (?:let myself )?eat (?:anything )?until|"
        r"skip (?:the )?whole day|(?:binge[ds]?\b|binging)(?![^.!?]{0,25}\b(?:episodes?|series|"
        r"seasons?|shows?|podcasts?|netflix|watch\w*|box ?sets?)\b)|cancel (?:it|them) out|"
        r"water only|only water|period (?:stopped|has stopped)|chew\w*[^.]{0,30}spit|"
        r"weigh myself (?:constantly|every|\d+ times)|(?:skinnier|thinner|lighter) by|(?:keep|"
        r"kept) skipping (?:lunch|meals|breakfast|dinner)|(?:water|juice|dry) fast(?:ing)?|"
        r"(?:only )?(?:allow|let) myself (?:to eat )?(?:one|an?|half an?) (?:apple|meal|biscuit|"
        r"cracker|yoghurt|yogurt|snack|piece of fruit)|(?:\w+)-day (?:water )?fast|hid(?:e|"
        r"ing)? (?:that )?i(?:'m| am)? (?:not|barely) eat(?:ing)?|bmi (?:is |of )?(?:1[0-7]|"
        r"under 1[78])\b|(?:feel|felt|look) (?:way )?too (?:big|fat) to eat|"
        r"cutting back (?:more and more|on food)|"
        # not eating to feel in control ("i stopped eating lunch so i can feel in control of
        # something")
        r"(?:stopped|stop|quit|skip(?:ping)?|not) eating (?:lunch|breakfast|dinner|meals|at "
        r"school|at work)\b[^.!?]{0,30}\b(?:(?:feel|be|stay|keep) (?:in )?control|control "
        r"(?:something|one thing)|punish (?:myself|me))|"
        # the pro-ana community's words: a coach or buddy to enforce not eating, "meanspo",
        # purging called "mia", a BMI asked as a threshold to stay under
        r"ana (?:coach(?:es)?|buddy|buddies|tips|rules)|(?:meanspo|bonespo|sweetspo)|(?:do|did|"
        r"doing|does|started|start) ['\"‘’]?mia\b|\b(?:mia|m[!1]a)\b['\"’]? (?:tips|easier|"
        r"after every)|m[!1]a\b|the mia thing|p[*#v]?rg(?:e|ed|es|ing)\b|\bb ?[/&] ?p(?:'?d|'?ing|"
        r"ed)?\b|b[*#]?ng(?:ed|ing)\b[^.!?]{0,30}\bp[*#]?u?rg|(?:dulcolax|senokot|senna|bisacodyl|"
        r"ex-?lax|laxatives?)\b[^.!?]{0,60}\b(?:after (?:i |eating|meals?|every|anything|(?:the |"
        r"my |a |that |each )?(?:\w+ )?(?:pizza|meal|dinner|lunch|breakfast|binge|food|takeaway|"
        r"snack|tea))|a (?:night|day)|every (?:night|day)|too many|so it (?:doesn'?t|does not|"
        r"won'?t) count)|"
        # a BMI asked as the line to be admitted ("how low does my bmi have to be for the hospital
        # to take me")
        r"bmi (?:have|has|need|needs) to be (?:for|to|before)\b)",
        L.MODERATE,
        C.EATING_DISORDER,
    ),
    # A BMI asked as the threshold for admission ("whats the lowest bmi u can be before they
    # hospitalise you", "what bmi do you have to be to get into inpatient"): an eating disorder's
    # question whoever "you" is.
    _cue(
        "ed_threshold_question",
        r"\b(?:lowest (?:bmi|weight) (?:you|u|i|one|someone|a person) (?:can|could) (?:be|get|go)|"
        r"bmi (?:do|would|does) (?:you|u|i|one) (?:have|need) to (?:be|get)|bmi (?:before|until) "
        r"(?:they|you|u) (?:hospitali[sz]e|admit|section)|(?:what|which) bmi (?:to|gets you|for) "
        r"(?:get )?(?:into |admitted|inpatient|hospital))",
        L.MODERATE,
        C.EATING_DISORDER,
        personal=False,
    ),
    # OCD: compulsions, rituals and reassurance seeking are `low`.
    _cue(
        "ocd",
        r"\b(?:check(?:ed|ing|s)? (?:that )?(?:the |my )?(?:stove|oven|cooker|hob|door|front door|"
        r"back door|locks?|taps?|gas|iron|straighteners|windows?|plugs?|switches|car)(?: is| are)?"
        r"(?: \w+)?(?: and \w+)? (?:\d+|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|a "
        r"hundred|hundreds of|dozens of|so many) (?:times|more times)|check(?:ed|ing)? "
        r"(?:\w+ ){0,4}(?:again and again|over and over)|wash(?:ed|ing)? my hands (?:until|till|so "
        r"much|so often|\d+|ten|twenty|thirty|"
        r"forty|fifty|a hundred|over and over|again and again|constantly|raw)|(?:hands|skin) "
        r"(?:are|is) (?:raw|bleeding|cracked) from (?:washing|scrubbing|cleaning|sanitis|sanitiz)|"
        r"intrusive thoughts (?:about|of) (?:harm\w*|hurt\w*|kill\w*|stab\w*|push\w*|germs|"
        r"contamination|dirt|disease)|(?:can'?t stop|keep having|constant) intrusive thoughts|"
        r"my ocd|(?:counting|tapping|checking|washing|cleaning|praying) "
        r"rituals?|(?:my|the) (?:rituals?|compulsions?)|(?:can'?t|cannot|couldn'?t) stop "
        r"(?:checking|washing|counting|cleaning|scrubbing|tapping|re-?reading)|if i (?:don'?t|do "
        r"not) [^.?!]{0,80}?(?:something (?:bad|terrible|awful) will happen|(?:someone|they|my "
        r"\w+) (?:will|could) (?:die|get hurt|get sick))|(?:before i can|or (?:else )?|otherwise )"
        r"[^.?!]{0,40}?(?:something (?:bad|terrible|awful) will happen|(?:someone|my \w+|they) "
        r"(?:will|could|might) (?:die|get hurt|get sick))|(?:tell|promise|reassure) me (?:one more "
        r"time|again|once more),? (?:that )?(?:i|it|they|nothing)|(?:contaminat\w+|germs) (?:everyw"
        r"here|on "
        r"everything|on my)|(?:feel|felt|still) contaminated|reassure me (?:again )?(?:that )?"
        r"(?:i|it)|tell me (?:again )?(?:that )?i (?:definitely )?(?:locked|turned off|didn'?t "
        r"(?:leave|hit|hurt))|(?:strongest|most powerful|hospital[- ]grade|best) (?:antibacterial "
        r"|antiseptic )?(?:soap|hand ?wash|sanitis\w+|sanitiz\w+|disinfectant|cleaner) (?:for|to|i "
        r"can|that)|until it feels (?:just )?right|(?:terrified|scared|worried|afraid|possible|"
        r"sure|certain) (?:that )?i (?:hit|ran over|knocked (?:over|down)|ran into) (?:someone|"
        r"somebody|a (?:person|pedestrian|child|cyclist))|need to (?:know|be) (?:for )?(?:sure|"
        r"certain|100%) (?:that )?(?:i|it|they) (?:won'?t|didn'?t|haven'?t|will not|am not|"
        r"isn'?t|is)|need to hear it (?:one more time|again))",
        L.LOW,
        C.OCD,
        negatable=False,
    ),
    # Reassurance asked for outright, of whoever is listening ("just confirm it's definitely
    # locked", "can u just tell me the oven is off, i already checked 10 times", "pls just say im
    # fine"): OCD, addressed to the listener by nature.
    _cue(
        "ocd_reassurance",
        r"\b(?:"
        # reassurance asked for outright ("just confirm it's definitely locked", "can u just tell
        # me the oven is off, i already checked 10 times", "pls just say im fine")
        r"(?:(?<!\bi )just|pls|please|can (?:you|u)|could (?:you|u)|i need you to|"
        r"^) ?(?:just )?(?:confirm|tell me|say|promise(?: me)?)\b[^.!?]{0,40}\b(?:locked|(?:is|"
        r"was|it'?s|its) (?:off|unplugged|shut|clean|safe|locked)|i'?m (?:fine|clean|safe|ok|okay|"
        r"not sick|not dying|not (?:a |an )?(?:bad|evil|horrible|terrible|dangerous|monster|"
        r"pedophile|paedophile|psychopath))|i (?:don'?t|do not) have|i didn'?t (?:hit|hurt|touch|"
        r"leave|run|ran|kill|do it)|i (?:locked|turned off|unplugged))|(?:just|please|"
        r"pls) (?:tell me|say) no\b|(?:definitely|100%|for sure) (?:locked|off|unplugged|"
        r"clean)\b[^.!?]{0,20}\b(?:right|yeah|isn'?t it)\W{0,3}(?:just|pls|please)? ?(?:confirm|"
        r"say|tell)|(?:already )?(?:checked|tested|washed|asked) (?:\d+|five|six|seven|eight|nine|"
        r"ten|twenty|so many) times\b[^.!?]{0,40}\b(?:just|pls|please) (?:say|tell|confirm))",
        L.LOW,
        C.OCD,
        personal=False,
    ),
    _cue(
        "overdose",
        r"\b(?:overdos(?:e|ed|ing)(?! (?:patients?|cases?|calls?|victims?|deaths?|crisis|"
        r"epidemic|rates?|statistics|figures|awareness|training|kits?|prevention|reversal|"
        r"response)\b)|(?:took|taken|swallowed|had) (?:way )?too many "
        r"(?:of )?(?:my )?" + _PILLS + r"|mix(?:ed|ing) (?:my )?(?:" + _PILLS + r"|drugs|"
        r"coke|mdma|ketamine|ket|alcohol|booze|vodka|wine) (?:with|and) (?:alcohol|booze|"
        r"vodka|wine|beer|drink|" + _PILLS + r")|(?:so|really|too) (?:drunk|high|wasted|"
        r"out of it) (?:i )?(?:can'?t (?:stand|see|feel|breathe|walk)|blacking out)|can'?t "
        r"(?:wake|rouse) (?:him|her|them) up|(?:took|taken|taking|had|swallowed|doubled up)"
        r"[^.]{0,40}"
        r"(?:" + _PILLS + r"|medication|painkillers)[^.]{0,40}(?:twice|by (?:accident|mistake)|"
        r"on top|extra|more than|with (?:alcohol|wine|vodka|beer|booze)|too many)|(?:twice|by "
        r"(?:accident|mistake)|on top|extra|more than the box|doubled up)[^.]{0,40}(?:"
        + _PILLS
        + r"|medication|painkillers)|(?:"
        + _PILLS
        + r"|drugs) (?:and|with|on top of) (?:vodka|"
        r"alcohol|wine|beer|booze|drink)|(?:vodka|alcohol|wine|beer|booze|drunk)[^.]{0,40}"
        r"(?:took|taken|had)[^.]{0,30}(?:" + _PILLS + r"|tablets)|took (?:them|the pills|my "
        r"pills) all\b" + _TAKEN_ELSEWHERE + r"|(?:the )?extra pills|"
        r"before they kick in)",
        L.HIGH,
        C.OVERDOSE,
    ),
    # Drink and a sedative taken together ("drank a lot and took my xanax", "had 6 drinks and
    # took 2 xanax"): breathing can slow dangerously, whatever was meant.
    _cue(
        "mixed_depressants",
        rf"\b(?:{_DRINK})\b[^.!?]{{0,40}}\b(?:took|taken|popped|had|did|done|used|and|plus|on "
        rf"top of|with)\b[^.!?]{{0,25}}\b{_SEDATIVE}\b"
        rf"|\b(?:took|taken|popped|had|did|done|used)\b[^.!?]{{0,25}}\b{_SEDATIVE}\b[^.!?]{{0,40}}"
        rf"\b(?:with|and|after|on top of|plus)\b[^.!?]{{0,20}}\b(?:{_DRINK})\b",
        L.HIGH,
        C.OVERDOSE,
        C.SUBSTANCE,
    ),
    # Warning signs said lightly or in passing, found by a black-box test of student and
    # workplace talk: a calm that came with a decision, affairs put in order for whoever comes
    # after, a near attempt last night, swerving at a tree, a ligature already on.
    _cue(
        "not_coming_back",
        r"\b(?:if|when) i (?:just )?(?:didn'?t|never|don'?t|did not) (?:come|came|make it|"
        r"got) (?:back|home)\b[^!?]{0,60}\b(?:(?:solve|fix) (?:everyone'?s|all (?:of )?(?:the|my|"
        r"our|their)) problems|(?:fix|solve) (?:things|everything|it all)|easier for everyone|"
        r"(?:everyone|they)(?:'d| would) be better off|nobody would (?:miss|care|notice))\b|"
        r"\bnot sure i'?(?:ll| will) (?:still )?be (?:around|here|alive) (?:by|for|at|next|"
        r"much longer)\b|\bbetter off with (?:a )?(?:new|another|different|better) (?:mom|mum|"
        r"mother|dad|father|wife|husband|partner|parent)\b|\bif i'?m (?:still )?(?:here|around|"
        r"alive) (?:next year|this time next year|by (?:christmas|summer|then)|next (?:christmas|"
        r"summer|birthday))\b(?!,? (?:i'?ll|i will|we'?ll|we will|i'?m going|i might|maybe|i want|"
        r"i'd))",
        L.LOW,
        C.SUICIDE,
    ),
    _cue(
        "calm_since_decided",
        r"\b(?:calm|at peace|peaceful|relieved|lighter|settled)\b[^.!?]{0,40}\b(?:since|now "
        r"that|because|after|ever since) i(?:'ve| have)? (?:finally )?(?:decided|made (?:the|my|a|"
        r"up my) (?:decision|mind))\b(?! (?:to|on|that|what|which|whether|where|how|against|not)\b)"
        r"(?! about (?!everything|it all)\w)",
        L.HIGH,
        C.SUICIDE,
    ),
    _cue(
        "affairs_for_after",
        r"\b(?:(?:tidying|sorting|clearing|getting|putting|organi[sz]ing|"
        r"wrapping) (?:\w+ ){0,3}(?:up|out|in order)|writing (?:up )?(?:\w+ ){0,2}(?:handover|"
        r"notes|instructions))\b[^.!?]{0,80}\bwhoever (?:replaces|comes after|takes over (?:from|"
        r"for)) me\b[^!?]{0,40}\b(?:permanently|for good|forever)\b",
        L.HIGH,
        C.SUICIDE,
    ),
    _cue(
        "near_attempt",
        r"\b(?:how (?:close|near) i (?:came|got)|(?:the )?closest i(?:'ve|"
        r" have)? (?:ever )?(?:come|been|got))\b(?! to (?:failing|winning|losing|quitting|crying|"
        r"getting|giving up on|missing|being (?:fired|late)|\w+ing (?:a|the|my) (?:job|exam|match|"
        r"game|race|test)))[^.!?]{0,30}\b(?:last night|yesterday|tonight|this (?:week|morning)|"
        r"earlier|on (?:friday|saturday|sunday|monday|tuesday|wednesday|thursday))\b|"
        r"\b(?:last night|yesterday|earlier today) was the closest i(?:'ve|"
        r" have)? (?:ever )?(?:come|been|got)\b(?! to \w+ing (?:a|the|my) (?:job|exam|match|game|"
        r"race|test))|\bi(?:'ve| have)? (?:nearly |almost |"
        r"actually )?swerved (?:\w+ ){0,3}(?:a couple of|a few|several|two|three) times\b|"
        r"\bswerv(?:ed|ing) (?:into|towards?|at) (?:a |the )?(?:tree|oncoming|lorry|truck|barrier|"
        r"wall|pillar)\b",
        L.HIGH,
        C.SUICIDE,
    ),
    _cue(
        "ligature_on",
        r"\b(?:had|put|tied|wrapped|got) (?:a |the |my )?(?:belt|rope|cord|noose|cable|ligature|"
        r"charger cable|shoelace) (?:a)?round my neck\b|\b(?:tried|trying|attempted) to hang "
        r"myself\b[^.!?]{0,40}\b(?:ago|last night|today|tonight|earlier|yesterday|this "
        r"(?:morning|afternoon|evening))\b",
        L.HIGH,
        C.SUICIDE,
    ),
    # The ligature on now ("the cord is already around my neck"): an act under way.
    _cue(
        "ligature_on_now",
        r"\b(?:the |a |my )?(?:belt|rope|cord|noose|cable|ligature|charger cable|shoelace|scarf|"
        r"sheet|tie)(?: is| 's)? (?:already |now |still )(?:a)?round my neck\b|\b(?:the |a |my )?"
        r"(?:belt|rope|cord|noose|cable|ligature|charger cable|shoelace) (?:is )?(?:a)?round my "
        r"neck (?:now|right now|already)\b|\bi(?:'ve| have) (?:got )?(?:the |a )?(?:belt|rope|cord|"
        r"noose|cable|ligature) (?:a)?round my neck\b",
        L.IMMINENT,
        C.SUICIDE,
    ),
    # Wanting to crash ("i keep wanting to jerk the wheel into a tree"): a method in mind.
    _cue(
        "urge_to_crash",
        r"\b(?:want(?:ing)?|urge|tempted|thinking about|think about|thought about|imagine|"
        r"picturing) (?:to )?(?:jerk|yank|turn|swerve|steer|pull)(?:ing)? the (?:wheel|car)\b"
        r"[^.!?]{0,30}\b(?:into|towards?|at|off)\b",
        L.MODERATE,
        C.SUICIDE,
    ),
    # When someone dies, going too ("when he goes I'm going too", "I won't be far behind her").
    _cue(
        "following_in_death",
        r"\bwhen (?:he|she|they|\w+) (?:goes|dies|passes|is gone)\b[^.!?]{0,30}\bi'?m (?:going|"
        r"gonna go) (?:too|with (?:him|her|them))\b|\bi won'?t be far behind (?:him|her|them)\b|"
        r"\bi(?:'ll| will) (?:go|be going) with (?:him|her|them) when\b|\bfollow (?:him|her|"
        r"them) (?:soon|when)\b",
        L.HIGH,
        C.SUICIDE,
    ),
    _cue(
        "jokes_not_jokes",
        r"\b(?:jokes?|joking|joke about)\b[^.!?]{0,60}\b(?:dying(?! of| laughing)|death|die(?! of| "
        r"laughing)|suicide|killing myself|"
        r"kms|unaliv\w+|ending it)\b[^!?]{0,60}\b(?:not (?:really )?(?:jokes?|joking) (?:anymore|"
        r"any more|lately|now|this time)|not (?:really )?(?:a )?joke (?:anymore|any more|now)|"
        r"they'?re not jokes)\b",
        L.MODERATE,
        C.SUICIDE,
    ),
)

# Which cues could match a text at all, without scanning it (`theralab.safety.prefilter`).
_CUE_FILTERS = tuple(Prefiltered(cue.pattern) for cue in CUES)

# Contexts that modify cues.
_NEGATORS = (
    r"\b(?:(?<!or )not|never|no|don'?t|do not|didn'?t|won'?t|wouldn'?t|would never|isn'?t|am not|"
    r"i'?m not|nothing like|no longer|not going to|not planning|no plans? to|no intention|"
    r"not like i)\b"
)
_NEGATION = re.compile(_NEGATORS + r"(?:\W+\w+){0,3}\W*$")
_NEGATOR = re.compile(_NEGATORS)
# A negation of stopping is no denial: "I can not stop thinking about suicide", "I never stop
# wanting to die", "couldn't shake the thought of killing myself".
_NOT_A_DENIAL = re.compile(
    r"\W*(?:(?:seem|seems|seemed) to |even |really |just )?(?:stop|quit|help|shake|escape|"
    r"ignore|get rid of|get (?:it|this|that|them|those thoughts|the thoughts?) out)\b"
)
# A negation of the manner is no denial of the act: "I don't want to die alone", "not like
# this". The cue does not count, and nor does the negation: it does not frame the message as
# a denial (`protective:negated`), which would hold a learned tier's raise to a check-in.
_MANNER_AFTER = re.compile(
    r"\W*(?:alone|on my own|by myself|like this|like that|this way|that way|in pain|slowly|"
    r"here|in (?:a|the|this) (?:hospital|bed|room|place|flat|house))\b"
)
# A denial said after the cue ("Thinking about hurting myself, no."; "Do I want to die? No.")
# and a question about it answered no ("my therapist asked about self-harm, I said no"). (A
# reason denied, "not because I want to die, but…", is left alone: it comes with the risk
# said another way.)
_DENIED_AFTER = re.compile(r"\s*[,:?-]\s*(?:no|nope|never|not at all|not really)\s*(?:[.!]|$)")
_ASKED_ABOUT = re.compile(r"\b(?:asked|asks|asking) (?:me )?(?:about|if|whether) (?:any )?$")
_ANSWERED_NO = re.compile(
    r"[^.!?]{0,20}?\bi (?:said|told (?:her|him|them)|answered|say) no\b"
    # not a "no" the speaker takes back: "…I said no but honestly I think about it daily"
    r"(?![^.!?]*\b(?:but|though|lied|lying|honestly|actually|truth|really)\b)"
)
# Words in quotation marks that someone else said, typed or is told to say: "jungler typed
# "ff i want to die"", "you've been saying "i wanna kms"", "tell them "I'm planning to die"".
# The speaker's own quoted words ("I told my therapist "I want to die"") stay theirs.
_QUOTES = frozenset('"“”')
_REPORTED_BY = re.compile(
    r"\b(?:(?:said|says|saying|typed|types|typing|wrote|writes|texted|texts|texting|posted|"
    r"posts|messaged|asked|asks|replied|replies|screamed|yelled|goes|went)(?: [\w']+){0,5}|"
    r"tell (?:them|him|her|someone|anyone|your \w+|a \w+|the \w+))\s*[:,(]?\s*$"
)
_SPEAKER_REPORTS = re.compile(
    r"\b(?:i|we)(?:'ve|'d| have| had)? (?:\w+ ){0,2}?(?:said|say|told|tell|typed|wrote|texted|"
    r"posted|messaged|asked|screamed|yelled|replied|keep saying|kept saying)\b"
)


def _quoted_from_someone_else(text: str, start: int) -> bool:
    """The cue sits inside quotation marks that open after someone else's reporting verb (or
    an instruction to say it), with no "I said" of the speaker's own before them."""
    marks = [i for i, c in enumerate(text[:start]) if c in _QUOTES]
    if len(marks) % 2 == 0:
        return False
    lead = text[max(0, marks[-1] - 100) : marks[-1]]
    lead = re.split(r"[.!?;]", lead)[-1]
    found = _REPORTED_BY.search(lead)
    return bool(found) and not _SPEAKER_REPORTS.search(lead)


# What makes a cue an idiom when it follows it in the same sentence ("want to die of
# embarrassment", "nearly killed myself skiing"); a laugh may follow after "!" or a full stop.
# A sentence that ends first is a statement of its own: "I want to kill myself. Inside I'm
# already gone." is not an idiom.
_IDIOM_AFTER = re.compile(
    r"^d?(?:[^\w.!?;]*(?:of (?:embar+ass?ment|shame|boredom|laughter|cringe)|"
    r"laughing|inside|"
    r"that bridge when (?:i|we) (?:come|get|reach) (?:to )?(?:it|there)|on (?:netflix|tv|telly|"
    r"chocolate|sugar|coffee|caffeine|anime|tiktok|youtube|reality tv|\w+ tv)\b|"
    r"a little|from (?:embarrassment|cringe)|(?:while |when )?(?:playing|at (?:the )?"
    r"(?:gym|game|match|practice|training)|running|lifting|skiing|by accident|accidentally|"
    r"(?:in|on) (?:a|the) (?:fall|stairs|match|pitch)|falling|cooking|at work|shaving|chopping|"
    # an everyday accident ("burned myself on the oven tray making dinner"), not one on purpose
    r"(?:(?:on|with|taking out) (?:the|a|an|my) (?:oven|stove|hob|tray|baking tray|pan|iron|"
    r"kettle|tin|can|glass|grater|mandoline|paper|bread knife|saucepan|curling iron|"
    r"straighteners)|making (?:dinner|lunch|breakfast|tea|food|the \w+)|baking|gardening|"
    r"ironing)(?![^.!?]*\bon purpose)))|"
    r"\W*(?:lol|lmao|haha|😂|🤣))"
)
# Killing oneself said of a chore ("kms this lab report", "killing myself with work", "I'd
# unalive myself before I join another group project", "…if I have to sit through one more
# meeting"), or of something that caused it ("my team's spreadsheet made me want to hang
# myself"): hyperbole, maybe, or a test of whether anyone asks. Laughed off: a check-in (`low`),
# never the crisis protocol, and never nothing.
_CHORE = (
    r"(?:lab report|report|essay|paper|dissertation|thesis|homework|assignment|coursework|exam|"
    r"test|quiz|midterms?|finals|revision|deadline|meeting|presentation|lecture|class|module|"
    r"group project|project|spreadsheet|code|bug|commute|traffic|shift|printer|wi-?fi|laptop|"
    r"maths?|calculus|chem|physics|stats|admin|paperwork|emails?|inbox|taxes|queue|hangover|"
    r"playlist|song|album|episode|match|game|team|boss|manager|job|work|(?:shared )?drive|files?|"
    r"folder|app|website|portal|software|form|system|textbook|book|chapter|reading|pages?|"
    r"photocopier|copier|scanner)"
)
_HYPERBOLE_AFTER = re.compile(
    r"^\W{0,3}(?:(?:kill myself|ugh+)[\s,]+){0,4}(?:(?:this|that|these|those) (?!(?:time|week|"
    r"weekend|year|month|morning|afternoon|evening|way|summer|winter|spring|autumn|fall|christmas|"
    r"day|night|second|minute|hour)\b)"
    r"(?:\w+ ){0,2}" + _CHORE + r"\b|with (?:work|this job|my job|revision|studying|homework|"
    r"overtime|all[- ]nighters|cardio|training|these (?:hours|shifts|deadlines))\b|before i "
    r"(?:\w+ ){0,2}(?:another|one more|the next) " + _CHORE + r"\b|if i have to (?:\w+ ){1,3}"
    r"(?:another|one more|this|that|the) (?:\w+ ){0,3}"
    + _CHORE
    + r"\b|(?:if )?(?:the|my|this) (?:\w+ )?"
    + _CHORE
    + r"\b[^.!?]{0,25}\b(?:one more time|again)\b|i (?:just |literally )?(?:spilled|dropped|broke|"
    r"missed (?:the|my) (?:bus|train|stop)|forgot|locked myself out|burnt|burned (?:the|my) "
    r"(?:toast|dinner|rice)|replied all|cracked my (?:phone|screen)|overslept|tripped)\b)"
)
_CHORE_MADE_ME = re.compile(
    r"\b(?:this|the|that|my|our|his|her|their|\w+'s) (?:\w+ ){0,2}" + _CHORE + r"s? (?:made|makes|"
    r"is making|was making) me (?:want to|wanna)\s*$"
)
# Hurting someone said of a petty provocation ("if my roommate eats my leftovers one more time
# I'll strangle him", "gonna kill my brother, he spoiled the finale lol"): most likely a figure
# of speech. With no weapon named and no earnest word: a check-in (`low`), never the crisis
# protocol, and never nothing.
_PETTY_HARM_CUES = frozenset({"harm_others_intent", "harm_others_thought"})
_PETTY_PROVOCATION = re.compile(
    r"\b(?:eats?|ate|eating|touch(?:es|ed|ing)?|takes?|took|taking|steals?|stole|stealing|"
    r"borrows?|borrowed|finish(?:es|ed)?|drinks?|drank|uses?|used|using|nicks?|nicked|hogs?|"
    r"hogged|hides?|hid) (?:my|our|the last(?: of (?:my|our|the))?) (?:\w+ ){0,2}(?:leftovers|"
    r"food|lunch|dinner|fries|chips|crisps|snacks?|cake|pizza|chocolate|biscuits?|cookies?|"
    r"yogh?urt|milk|coffee|tea|beer|ice cream|sandwich|noodles|charger|hoodie|jumper|shampoo|"
    r"headphones|remote|parking (?:spot|space)|seat|stapler|mug|dress|top|shoes|clothes|makeup|"
    r"make-up|jacket|car|phone|controller|game|sweets?|cereal|pudding|leftover \w+)\b|(?:leaves?|"
    r"left) (?:his|her|their|the) (?:socks|dishes|towels?|clothes|shoes)\b|(?:dog|cat) (?:barks?|"
    r"barking|meows?)\b|\b(?:spoil(?:s|ed|t)?|"
    r"spoiling) (?:the|my|it|this)\b|\b(?:chews?|chewing|slurps?|slurping|snores?|snoring) "
    r"(?:so )?loud(?:ly)?\b|\bleaves? (?:the|his|her|their|dirty) (?:dishes|washing[- ]up)\b|"
    r"\b(?:one more|another) (?:pun|dad joke|spoiler)\b"
)
# The same threat in words no cue reads ("gonna strangle my flatmate, she spoiled the finale",
# "i swear ill murder him if he steals my charger again"), for `petty_threat`.
_PETTY_THREAT = re.compile(
    r"\b(?:gonna|going to|will|i'?ll|about to|could|wanna|want to|ima|imma) (?:literally |"
    r"actually )?(?:kill|murder|strangle|throttle|stab|smack|punch|slap|smother|drown) (?:him|"
    r"her|them|my (?:\w+ )?\w+)\b"
)


def petty_threat(text: str) -> bool:
    """Hurting someone said of a petty provocation, in a sentence with no weapon, no violence
    or abuse beside it and no earnest word."""
    if _EARNEST.search(text):
        return False
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        threat = _PETTY_THREAT.search(sentence)
        if threat is None:
            continue
        if _said_of_petty(sentence, threat.group(0), text):
            return True
    return False


def _said_of_petty(sentence: str, threat: str, text: str) -> bool:
    """Whether `threat`, in `sentence` of `text`, is said of a petty provocation: one is named
    beside it, with no weapon in the sentence, no violence or abuse beside it and nothing that
    says it is meant."""
    rest = sentence.replace(threat, " ")
    return bool(
        _PETTY_PROVOCATION.search(rest)
        and not _WEAPON_NAMED.search(sentence)
        and not _HARM_BESIDE.search(rest)
        and not _MEANT.search(text)
    )


# Said to be meant, planned or already begun ("i'm serious this time", "i've been planning it
# for weeks", "i already slashed his tires"): not a figure of speech.
_MEANT = re.compile(
    r"\b(?:i'?m (?:serious|not (?:kidding|joking))|i mean it|not kidding|no joke|(?:been )?planning"
    r"|for weeks|i promise(?: you)?|already (?:slashed|keyed|smashed|punched|hit|broke|burned)|"
    r"bought (?:a|the) (?:knife|gun|bat|axe|hammer))\b"
)
# Violence or abuse said beside it ("…he drinks my beer and then hits mum"): not petty.
_HARM_BESIDE = re.compile(
    r"\b(?:hits?|hitting|beats?|beating|abus\w*|rap(?:es|ed|ing)|molest\w*|threaten\w*|chok\w*|"
    r"punch\w*|kick(?:s|ed|ing)?|slap\w*|touch(?:es|ed) me|stalk\w*|bull(?:y|ies|ied|ying)|"
    r"hurts? (?:me|mum|mom|my))\b"
)
# Said not to be meant ("I'm going to strangle my brother (not literally)").
_NOT_LITERALLY = re.compile(r"^[^.!?]{0,40}?\(?(?:not literally|figuratively)\b")
# Only a laugh makes the word "suicide" itself a joke: "suicide keeps crossing my mind at work"
# names where the thought comes, not an idiom ("nearly killed myself at work").
_LAUGH_AFTER = re.compile(r"[^\w]*(?:lol|lmao|haha|😂|🤣)")
# Killing or hurting oneself laughed off ("i want to kill myself lol"): maybe a figure of
# speech, maybe a test of whether anyone asks. Not a crisis, but not nothing either: a check-in
# (`low`), with the learned tier held to it.
LAUGHED_OFF = "laughed_off"
INTRUSIVE_HARM = "intrusive_harm"
COMMAND_ABOUT_BABY = "command_about_baby"
POSTPARTUM_PSYCHOSIS = "postpartum_psychosis"
# A message the pattern tier reads as one condition and nothing else: a statistical tier's
# suicide, self-harm or overdose reading of the same words is held to it (`Screener._combine`).
MANIA_FRAME = "frame:mania"
ED_FRAME = "frame:eating_disorder"
_UNWANTED_HARM = re.compile(
    r"\b(?:makes? me (?:feel )?(?:sick|ill)|horrif\w*|disgust\w*|repuls\w*|terrif\w*|i "
    r"(?:would|'d|will) never (?:act|do|hurt|harm)|the (?:thoughts?|images?) (?:sickens?|"
    r"won'?t go away)|(?:hid|hidden|hide|hiding|put away|locked away) (?:all )?(?:the |my )?"
    r"(?:knives|knife|scissors|sharp)|am i (?:a )?(?:monster|bad (?:mum|mom|mother|dad|father|"
    r"person)|dangerous|evil|psychopath)|unwanted|intrusive|pops? into my head|out of nowhere|"
    # fear of being a monster, the baby's care avoided ("i get this flash of drowning him in the
    # bath. im so scared im a monster, ive stopped bathing him"); a flash alone is not enough
    r"(?:scared|afraid|"
    r"terrified|worried|frightened) (?:that )?i'?m (?:a )?(?:monster|bad (?:mum|mom|mother|dad|"
    r"father|person)|dangerous|evil)|(?:stopped|can'?t|won'?t|avoid\w*) (?:bathing|changing|"
    r"holding|feeding|being alone with|picking up) (?:him|her|them|the baby|my baby))"
)
_HARM_WANTED = re.compile(
    r"\b(?:want(?:ed)? to (?:hurt|kill|stab|shake|harm|hit|smother)|wanna|going to (?:hurt|kill|"
    r"stab|do it)|gonna|planning|deserves?|make (?:him|her|them) pay|get back at|revenge|"
    r"(?:he|she|they) had it coming|(?:screaming|shouting|yelling) at me|angry|anger|rage|"
    r"furious|pissed|so mad|annoy\w*|winds? me up|i (?:really |actually |kinda |kind of )?(?:want|"
    r"wanna) (?:to )?do it|part of me wants?(?: to| it)?|(?:i'?m|i am) tempted)\b"
)
_DISOWNED_HINT = re.compile(r"never|horrif|terrif|disgust|sicken|am i")
_STOPPED_HINT = re.compile(r"stop|quit|gave up|skip|not been|haven|throwing|binned|flushed")


def _intrusive(t: str) -> bool:
    """Unwanted images of harm, with horror or guarding against them, and nothing wanted."""
    return bool(_UNWANTED_HARM.search(t)) and not _HARM_WANTED.search(t)


_DISOWNED = re.compile(
    r"\b(?:i (?:would|'d|will) never (?:act on|do|hurt|harm)|(?:the )?thoughts? (?:horrif|"
    r"terrif|disgust|sicken)\w*|am i (?:a )?(?:monster|bad (?:mum|mom|mother|dad|father|person)|"
    r"dangerous|evil))"
)
# Someone close died by suicide: a check-in, never the speaker's own thoughts by that alone.
BEREAVED = "bereaved_by_suicide"
# Treatment stopped so that death comes (the protocol asks them to call their doctor instead of
# putting pills out of reach).
STOPPED_TREATMENT = "stopped_treatment"
# …or, for a plan, a few words on before the clause ends ("…jump out the window lol"), with no
# time said ("kms thoughts again lol" stays a disclosure).
_LAUGH_IN_CLAUSE = re.compile(r"[^.!?]{0,40}?(?:\blol\b|😂|🤣)")
WORRIED_SLEEP = "worried_sleep"
_LAUGHED_OFF = frozenset({"kill_self", "suicidal", "plan_intent", "self_harm"})
# Everyday death-and-violence idioms; recognised so a statistical tier does not read them as risk.
_IDIOMS = Prefiltered(
    r"\b(?:(?:is|are|'s|'re|will|gonna|going to) (?:literally |actually )?(?:kill|murder|hang|"
    r"strangle|skin) (?:me|us)\b|not literally|figuratively|"
    r"i'?m (?:literally |so |actually |lowkey |officially |basically )*(?:dead|deceased|ded)\b"
    r"(?! inside)|in my grave\b|send (?:flowers|help)\b|(?:jump off|cross) that bridge when "
    r"(?:i|we) (?:come|get|reach) (?:to )?(?:it|there)|bury (?:myself|me) in (?:books|work|study|"
    r"revision|my work|the garden)|overdos\w* on (?:netflix|tv|telly|chocolate|sugar|coffee|"
    r"caffeine|anime|tiktok|youtube|reality tv)|cutting (?:carbs|sugar|dairy|caffeine|meat|"
    r"gluten)|crush (?:it|the exam|the test|the interview)|"
    r"so i (?:don'?t|dont|do not) have to (?:go to|do|sit through|sit|attend|take|write|finish|"
    r"face|hand in|deal with|present) (?:the|my|this|that|a|an|tomorrow'?s) (?:\w+ )?(?:9am|8am|"
    r"9 am|8 am|class|lecture|exam|meeting|shift|presentation|test|essay|work|seminar|lab|"
    r"standup|call|quiz|interview)\b|end(?:ing)? (?:it|things) (?:with|w/?) (?:my (?:boyfriend|"
    r"girlfriend|bf|gf|partner|husband|wife|fiance|fiancee|ex|situationship)|him|her)\b|"
    r"(?:is|are|was) killing me|could (?:murder|kill) (?:a|an|some|for)|dying (?:to|for)\b|"
    r"to die for|died laughing|dead tired|bored to death|scared to death|shoot me now|"
    r"kill(?:ing|ed)? it\b|kill (?:some )?time|over my dead body|i'?m dead\b|i'?m ded\b|"
    r"(?:i )?literally died\b|literally dying\b|"
    r"nearly died (?:laughing|of)|drop dead|make a killing|killer (?:workout|app|view)|"
    r"cut(?:ting)? (?:down|back)(?: on)?\b|cut(?:ting)? (?:\w+ )?(?:people|friends|them|him|her|"
    r"ties|toxic \w+|contact) (?:off|out)\b|cut(?:ting)? (?:off|out) (?:\w+ )?(?:people|friends|"
    r"toxic|contact|sugar|carbs|caffeine|alcohol|drinking|dairy|meat))"
)
_EARNEST = Prefiltered(r"\b(?:for real|not joking|i mean it|seriously|no joke|fr fr|deadass)\b")
# Game words that settle it alone, and everyday words ("world", "boss", "level", "mod")
# that only count as gaming next to a plain game word in the same sentence.
_GAMING_STRONG = (
    r"in (?:the |this |that |a )?game|in[- ]game|video ?games?|minecraft|fortnite|roblox|"
    r"valorant|apex legends|call of duty|warzone|elden ring|dark souls|league of legends|"
    r"respawn(?:ed|ing|s)?|spawn ?(?:point|camp\w*|kill\w*)|boss fight|speedrun\w*|"
    r"my (?:character|avatar|toon)|npcs?|pvp|headshot|fall damage|creeper|health bar|"
    r"save file|hardcore mode|noob|lol match|ranked match"
)
_GAMING_WEAK = (
    r"(?:raid|lobby|ranked|server|glitch|checkpoint|seed|hp|lava|boss|level|world|restart|"
    r"mods?|hardcore|squad|match|grenade|map)"
)
# Two of these in one sentence are a game too ("restart on a better seed in hardcore").
_GAMING_JARGON = (
    r"(?:raid|lobby|ranked|server|glitch|checkpoint|seed|hp|lava|restart|respawn|mods?|"
    r"hardcore|grenade|loot|nerf|xp|dungeon|speedrun)"
)
_GAMING = Prefiltered(
    r"\b(?:"
    + _GAMING_STRONG
    + r"|(?:games?|gaming|played|playing)\b[^.!?]{0,60}\b"
    + _GAMING_WEAK
    + r"|"
    + _GAMING_WEAK
    + r"\b[^.!?]{0,60}\b(?:games?|gaming|played|playing)|"
    + _GAMING_JARGON
    + r"\b[^.!?]{0,80}\b"
    + _GAMING_JARGON
    + r")\b"
)
# Fiction needs a work being written or watched, not "my story" (a life) or "writing a" (a note).
_FICTION = Prefiltered(
    r"\b(?:my (?:novel|book|screenplay|script|play|poem|fanfic|manuscript|short story|"
    r"story'?s? (?:character|protagonist|chapter|plot))|(?:a|the|this) (?:novel|screenplay|script|"
    r"film|movie|show|series|episode|poem|song|character|plot|season finale|protagonist|"
    r"villain)|(?:writing|wrote|write) (?:a|my|the) (?:novel|story|book|screenplay|script|poem|"
    r"song|scene|chapter|fanfic|play|character)|(?:main|the) character|fictional|fanfic|"
    r"in the (?:book|film|movie|show|series|story|novel|song|lyrics)|in (?:my|this|the) "
    r"(?:novel|story|fanfic|screenplay|script)|chapter \w+)\b"
)
_ACADEMIC = Prefiltered(
    r"\b(?:research|study|studies|statistics|stats|rates?|prevalence|epidemiology|essay|"
    r"assignment|coursework|dissertation|thesis|lecture|module|exam question|policy|"
    r"prevention|public health|journal|paper on|literature|data on|clinicians?|nursing "
    r"(?:school|student|course)|psychology (?:class|course|student)|training|textbook|"
    r"according to|how do (?:therapists|clinicians|counsel?lors))\b"
)
# An age before a relative ("my 15 year old daughter", "my 15-year-old", "my 15yo son"), where
# one descriptive word ("my little brother") would otherwise stand.
KIN_AGE = r"(?:\d+|a)[- ](?:years?|yrs?)[- ]old |\d+ ?y/?o "
_THIRD_PARTY = Prefiltered(
    r"\b(?:(?:my|a|our) (?:" + KIN_AGE + r"|\w+ )?(?:coworker|colleague|friend|son|daughter|"
    r"student|teammate|patient|client) (?:said|says|told|texted|posted|mentioned|keeps|has|is)|"
    r"my (?:" + KIN_AGE + r"|\w+ )?(?:friend|best friend|mate|bf|gf|boyfriend|girlfriend|"
    r"partner|husband|wife|son|daughter|kid|child|brother|sister|sibling|cousin|mum|mom|mother|"
    r"dad|father|student|"
    r"colleague|coworker|roommate|flatmate|patient|client|neighbou?r|nephew|niece|uncle|aunt|"
    r"gran|granny|nan|nana|grandma|grandpa|grandad|granddad|grandmother|grandfather)|"
    r"(?:he|she|they)(?:'s| is| are| has| have| keeps?| said| says| told me| mentioned| "
    r"might be| may be| could be| must be| "
    r"posted| texted)|someone i know|a friend|how (?:do|can) i (?:help|support)|(?:one|some|"
    r"two|three|several|many|a few|a couple|most|all) of (?:my|our|the) (?:\w+ )?(?:patients|"
    r"clients|students|friends|colleagues|coworkers|residents|kids|children))\b"
)
_FIRST_PERSON_CLAUSE = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b")
_REPORTED_QUESTION = re.compile(
    r"\b(?:asked|asking|asks|ask) (?:me )?(?:earlier |again |today )?(?:if|whether)\b[^.?!]*$|"
    # a helper's question about the other person ("I asked her if she wanted to die"), not one
    # the speaker asked about themselves ("I asked my GP if it's normal to want to die")
    r"\b(?:asked|asking|asks|ask) (?:her|him|them|my \w+) (?:earlier |again |today )?(?:if|"
    r"whether) (?:she|he|they)\b[^.?!]*$"
)
_DEATH_BY_SUICIDE = re.compile(
    r"\b(?:died|death|deaths|lost(?: \w+){0,3}|killed (?:him|her|them)sel\w+|took (?:his|her|"
    r"their) (?:own )?life) (?:by|to|from|through|of|in a|after a) suicide$"
)
# Someone else's legal assisted death ("my uncle chose assisted suicide in switzerland"): not
# the speaker's ideation; the end-of-life frame reads the rest of the message.
_ASSISTED_SUICIDE_OF_OTHER = re.compile(
    r"\b(?:he|she|they|(?:my|his|her|our|their) (?:\w+ ){1,2})(?:\w+ ){0,2}(?:chose|had|opted "
    r"for|went (?:through|ahead) with|applied for|asked for|requested|was approved for|got "
    r"approved for|arranged|underwent|decided on|died by|died through) (?:an? )?(?:legal |"
    r"medically |physician[- ])?assisted suicide$"
)
_ASKED_LONG_AGO = re.compile(
    r"\b(?:years? ago|used to|back then|when i was|(?:doing|feel(?:ing)?) (?:much |a lot |so "
    r"much )?better now|in the past|at the time)\b"
)
# The speaker's own yes to the question reported before the cue ("my therapist asked me if I
# wanted to die and I said yes", "…and honestly I am", "I said no but I lied"): the question's
# words are the speaker's answer, so the cue counts.
_ANSWERED_YES = re.compile(
    r"[^?]{0,60}?\b(?:i (?:said|say|told (?:her|him|them)|answered|admitted|nodded)(?: that)?"
    r"(?: (?:yes|yeah|yep|yea|i (?:do|am|have|did|was)|sometimes|kind of|kinda|a bit|a little|"
    r"maybe|most days|every day|a lot|all the time)\b| no,? but\b)|(?:and|but) (?:honestly |"
    r"truthfully |the truth is |tbh |to be honest )?i (?:am|do|have)(?: (?:really|actually|"
    r"though|honestly))?(?=\s*(?:$|[.,!;]))|i lied\b|i (?:wasn'?t|was not) honest)"
)
_RECOVERY = Prefiltered(
    r"\b(?:used to|years? ago|(?:years?|months?) since|(?:asked|asking|ask) (?:me )?"
    r"(?:earlier )?(?:if|whether)|when i was (?:younger|a (?:teen|kid|child)|\d+|in school)|"
    r"(?:clean|free|sober) (?:for|since|from)|in recovery|recovered|haven'?t (?:\w+ ){0,2}since|"
    r"(?:back|long time) ago|in the past|these days i'?m (?:ok|okay|fine|good|better)|"
    r"doing (?:much )?better now|back in (?:19|20)\d\d|(?:sober|clean) (?:for )?(?:\d+|two|three|"
    r"four|five|ten) (?:years?|months?)|grateful to (?:still )?be (?:here|alive))\b"
)
# A panic attack in the body's words: "this is it" / "I'm dying" there is fear of a medical
# catastrophe, not a farewell.
_PANIC = Prefiltered(
    r"\b(?:panic attack|panicking|heart (?:is )?(?:racing|pounding|beating so fast)|can'?t "
    r"(?:catch my )?breathe?|can'?t get (?:enough )?air|chest (?:is )?(?:tight|hurts|pain)|"
    r"hands? (?:are |is )?(?:numb|tingling|shaking)|heart attack|going to faint|dizzy)\b"
)
_RECENT = Prefiltered(
    r"\b(?:last (?:night|week|weekend|month)|yesterday|(?:a )?(?:few|couple of|two|three) "
    r"(?:days|weeks) ago|this (?:week|month)|recently|again|(?:a )?month ago)\b"
)

MEANS_INQUIRY = Prefiltered(
    r"\b(?:how many " + _PILLS + r"|lethal (?:dose|amount)|fatal (?:dose|amount)|overdose "
    r"on|how much (?:\w+ ){0,4}(?:to (?:die|kill|overdose)|would kill|is (?:fatal|lethal|"
    r"deadly|too much))|(?:tallest|highest) (?:bridges?|buildings?|cliffs?|towers?|"
    r"car parks?|parking (?:garages?|structures?))|(?:bridges?|buildings?|cliffs?|roofs?|"
    r"towers?) (?:\w+ ){0,4}(?:taller|higher|over|above|more) (?:than )?\d+|how (?:high|tall|far) "
    r"(?:\w+ ){0,5}(?:to die|to survive|fatal|kill|a fall|survive)|(?:survive|die from) "
    r"(?:a )?(?:fall|jump)|where (?:can|could|do|would) (?:i|you|someone|people|one) "
    r"(?:even |actually )?(?:buy|get|find) "
    r"(?:a )?(?:gun|rope|noose|pills|" + _PILLS + r"|charcoal|poison|barbiturates)|(?:fastest|"
    r"easiest|quickest|painless|surest|least painful) (?:way|method)s? to (?:die|go|end|do it|"
    r"kill)|does it hurt to (?:die|drown|hang|bleed|jump)|how long (?:\w+ ){0,4}(?:to die|to "
    r"bleed out|before you die|unconscious)|(?:which|what) (?:train|trains|railway|line) "
    r"(?:\w+ ){0,4}(?:fastest|express|doesn'?t stop)|car exhaust|(?:deep|cold) enough to "
    r"drown|which (?:veins?|arteries?|artery)|(?:can|could) you die (?:from|of|if)|"
    r"what (?:happens|would happen) if (?:you|i|someone) (?:took|take|swallowed|jumped|mixed)|"
    r"(?:is|would) (?:it|that) be (?:enough|fatal|lethal) to|(?:would|could|will|does|can) "
    r"(?:a |the |that |this )?(?:fall(?:ing)?|jump(?:ing)?|drop|(?:\w+ )?(?:pills|tablets|"
    r"overdose)|that (?:many|much)|\d+ \w+)\b[^.?!]{0,50}\b(?:kill|be fatal|be lethal|be enough "
    r"to kill) (?:me|you|someone|somebody|a person|anyone)|would (?:u|you|i|someone|a person|"
    r"anyone) survive (?:it|that|the fall|a fall|jumping)|(?:deadly|lethal|fatal) (?:together|"
    r"combined|mixed)|make sure (?:they|you|i|people|someone) (?:don'?t|do not|wouldn'?t|won'?t) "
    r"survive)|(?:make|making|made) it (?:look|seem) like an accident"
)
# A question about something that could be a means (medication, heights, water, rail, weapons,
# lethality). Harmless alone; `high` after a stressor or any earlier risk.
MEANS_QUESTION = Prefiltered(
    r"\?|\b(?:how (?:long|high|deep|far|many|much|do|does|can|would|fast)|which|where(?:'s| is|"
    r" are| can| do)?|what (?:happens|would|if|kind)|is (?:the|it|there|this)|are (?:the|there)|"
    r"does (?:the|it|a)|do (?:you|they|i)|can (?:you|i|someone)|help me find)\b"
)
MEANS_WORDS = Prefiltered(
    r"\b(?:" + _PILLS + r"|medications?|meds|painkillers|morphine|oxycodone|codeine|"
    r"chemicals?|bleach|rope|guns?|rifles?|firearms?|shotguns?|handgun|gun safe|bridges?|"
    # a building as a place, not "building this career"
    r"footbridge|buildings|(?:the|a|an|this|that|my|our|his|her|their|tall|taller|tallest|high|"
    r"higher|highest|office|apartment|parking|empty|abandoned|nearest|next|which|what) building|"
    r"rooftops?|roofs?|floor|cliffs?|clifftop|river|dam|lake|quarry|"
    r"railway|crossings?|trains?|tracks|motorway|highway|overpass|car park|"
    # a fall, not falling asleep, apart or behind
    r"falls?(?! asleep| apart| behind| ill| sick| pregnant| in love)|height|"
    # too much or too many of something taken, not "am I being too much?"
    r"high enough|deep enough|deep|drown\w*|bleed\w*|(?:tak(?:e|es|ing|en)|took|swallow(?:s|ed|"
    r"ing)?|drink|drank|drunk|mix(?:ed|ing)?|had|have) (?:\w+ ){0,3}too (?:many|much)|too "
    r"(?:many|much) (?:of )?(?:my |the |these |those |your |his |her |their )?(?:\w+ )?"
    + _PILLS
    + r"|without (?:eating|"
    r"drinking|food|water)|life insurance|dangerous|deadly|lethal|fatal|survive|feel anything|"
    r"knives|knife|blades?|razors?|pay ?out|walkway|won'?t hurt|without stopping|no gates|"
    # a drop or a track left unguarded: "which stations don't have those barrier doors"
    r"(?:no|without|(?:don'?t|doesn'?t|dont|doesnt) have(?: any)?(?: th(?:e|o)se)?) (?:safety )?"
    r"(?:barriers?|barrier doors|railings?|fences?|nets?|screen doors)|barrier doors|"
    r"over-the-counter|take and how much|way out|"
    # a place to go unseen: "where's somewhere quiet nobody goes at night?"
    r"(?:somewhere|a place|anywhere|places?|spots?) (?:quiet |private |secluded |isolated |dark )?"
    r"(?:where )?(?:nobody|no one|no-one) (?:ever )?(?:goes|comes|would find|will find|could find|"
    r"would see|will see|can see)|(?:nobody|no one) (?:will|would|could) find me)\b"
)
# A knife in the kitchen ("how do I sharpen a kitchen knife", "I mean for cooking, my knife is
# dull"): when a blade is the only means word and the message is about food or sharpening, it is
# not a means question.
_KITCHEN = re.compile(
    r"\b(?:sharpen\w*|whetstone|honing|kitchen|cook\w*|chef|recipes?|chop\w*|slic\w*|dic(?:e|ing)|"
    r"vegetables?|veg|tomato(?:es)?|onions?|bread|meat|steak|fish|carrots?|potato(?:es)?|"
    r"cutting board|chopping board|dishwasher)\b"
)
_BLADE_WORD = re.compile(r"knives|knife|blades?")


def _kitchen_knife(t: str) -> bool:
    """Whether `t` names a blade, every means word in it is one, and it is about the kitchen."""
    words = [m.group(0) for m in MEANS_WORDS.finditer(t)]
    return bool(words) and all(_BLADE_WORD.fullmatch(w) for w in words) and bool(_KITCHEN.search(t))


SELF_HARM_INTENT = Prefiltered(
    r"\b(?:trying to die|wanted (?:it )?to (?:die|be the end|end)|hop(?:e|ed|ing) it would "
    r"(?:kill me|be the end)|something more|(?:don'?t|do not) (?:think i )?want it to stop|"
    r"wanted to die|not sure i'?m glad|hop(?:e|es|ed|ing) (?:one|it|this one|the next one) "
    r"(?:goes|cuts|went) too (?:far|deep))\b"
)
STRESSOR = Prefiltered(
    r"\b(?:(?:girlfriend|boyfriend|wife|husband|partner|fianc[eé]e?) (?:left|dumped|cheated|"
    r"took the (?:kids|dog|children))|(?:wife|husband|partner) took the|failed (?:again|my|"
    r"the)|off the course|biopsy|(?:it'?s|its) not good|lost custody|took the kids|my fault|"
    r"relapsed|everyone saw|(?:pics|photos|video) (?:he|she|they) (?:posted|shared)|outed|"
    r"kicked me out|bank is taking|went under|owe everyone|won'?t even look at me|"
    r"lost (?:my|the|our) (?:flat|apartment|place)|"
    r"lost my (?:job|house|home|wife|husband|partner|son|daughter|baby|mum|mom|dad|"
    r"mother|father|best friend|business|savings|everything)|(?:got|been|was|just got) "
    r"(?:fired|laid off|sacked|let go|dumped|evicted|kicked out|expelled|rejected)|"
    r"(?:broke|broken) up|divorce|left me|cheated on me|(?:died|passed away|funeral)|"
    r"bankrupt|in debt|can'?t pay|repossess|foreclos|failed (?:my|the|all my) (?:exams?|"
    r"course|year|degree)|diagnos(?:ed|is)|terminal|custody|arrested|court case|"
    r"nobody (?:cares|loves me|would notice)|everything is falling apart|ruined my life|"
    r"lost everything|visa (?:got |was |has been )?(?:refused|denied|rejected)|(?:been|being|"
    r"get|got) bullied|won'?t (?:speak|talk) to me|never loved me|so ashamed|humiliated)\b"
)
PERSONA_OVERRIDE = Prefiltered(
    r"\b(?:ignore (?:all |your |the |any )?(?:previous |prior |above )?(?:instructions|rules|"
    r"guidelines|safety)|you are (?:now )?(?:dan|an? (?:ai|assistant|bot) (?:without|with no)|"
    r"not a (?:counsel?lor|therapist))|pretend (?:you(?:'re| are)|to be)|(?:let'?s )?roleplay|"
    r"role-?play|hypothetically|hypothetical(?:ly)? (?:speaking|question)|for a (?:story|novel|"
    r"book|screenplay|game|school project)|as a thought experiment|jailbreak|developer mode|"
    r"no (?:filters|restrictions|rules)|stop being (?:a )?(?:therapist|counsel?lor)|"
    r"just answer the question|i'?m (?:a|an) (?:nurse|doctor|pharmacist|researcher) so)\b"
)
_AGE_WORD = r"(?:1[0-7]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)"
# What may follow a stated age: the end of a clause, "years old", "girl"... Not "minutes", "kg".
_AGE_END = (
    r"(?=\s*(?:$|[,.!?;:)]|and\b|but\b|so\b|&|-|i\b|years? old|yrs? old|y/?o\b|yo\b|"
    r"(?:girl|boy|kid|teen)\b|(?:btw|tbh|lol|tho|though|fyi|too|ok|okay)\b))"
)
# A school year: "year 9", "yr10", "grade 8". Not a music grade ("grade 5 piano") nor a year of
# a degree or of training ("year 5 medical student", "year 4 of my apprenticeship").
_SCHOOL_YEAR = (
    r"(?:sixth form(?! college teacher)|(?:year|yr|grade) ?(?:[4-9]|1[0-3]|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve))\b"
    r"(?! ?(?:piano|violin|viola|cello|guitar|flute|clarinet|trumpet|sax\w*|drums|singing|"
    r"ballet|theory|music|of\b|in (?:piano|violin|music|ballet|singing)|med\w*|nursing|vet\w*|"
    r"dental|law|uni\w*|college|phd|postgrad\w*|apprentic\w*|trainee|resident|registrar|"
    r"undergrad\w*))"
)
_GRADER = (
    r"(?:[4-9]th|1[0-2]th|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)"
    r"[- ]grader"
)
_STAFF = (
    r"(?! ?(?:teacher|tutor|form tutor|head|lead|coordinator|ta|teaching|parent|mum|mom|dad)s?\b)"
)
# A sentence that looks back ("when I was in year 9"), or is said by staff or a parent ("I teach
# year 9", "my daughter is in year 9"): its school year is not the speaker's present.
_NOT_MY_SCHOOL_YEAR = (
    r"(?:^|(?<=[.!?]\s))(?![^.!?]*\b(?:when i was|back (?:when|in|then)|used to|years ago|as a "
    r"(?:kid|child|teen\w*)|i teach|teaching|my (?:students|pupils|son|daughter|kids?|child|boy|"
    r"girl|nephew|niece|step(?:son|daughter|kids?|child))|i'?m (?:a|an|the|their) (?:\w+ )?"
    r"(?:teacher|tutor|ta|lecturer|head|senco)|head of year)\b)"
)
# `minor` is earned: the speaker states an age under 18 or a present school-age context. Not
# "I'm 15 minutes away", "my son is 15 years old", "when I was in high school", "I teach year 9".
_MINOR_PARTS = (
    r"\b(?:my|our) (?:pe|form|homeroom) teacher\b|\bmy (?:gcse|a-level)s?\b",
    # "I'm 15", "i'm only 14 and", "we're both 16"
    r"\b(?:i'?m|i am|we'?re (?:both |all )?) ?(?:only |just |a |an )?" + _AGE_WORD + r"(?:[- ]"
    r"(?:years?|yrs?)[- ]old| ?y/?o\b| yo\b)?" + _AGE_END,
    r"(?:^|(?<=[.!?]\s)|(?<=\bme )|(?<=\bi ))" + _AGE_WORD + r" ?(?:y/?o|yrs? old|years old)\b",
    r"\b(?:i'?m|i am|we'?re|were|we are) (?:both |all )?in (?:the )?(?:[4-9]th|1[0-2]th) grade",
    # "I am in 10th standard", "class 9 student", "my board exams" (India)
    r"\b(?:i'?m|i am|we'?re|we are) (?:both |all )?in (?:the )?(?:(?:[5-9]th|1[0-2]th) "
    r"(?:standard|std|class)|(?:class|std|standard) (?:[5-9]|1[0-2]))\b|\b(?:i have|i'?ve got|"
    r"i'?m (?:giving|writing|sitting)) (?:my )?(?:10th |12th )?board exams?\b",
    # "13f. everyone at school…", "15m here" as a message opens
    r"^(?:1[0-7] ?[mf]|[mf] ?1[0-7])(?:[.,:;)]| here\b| and\b)",
    # "my mate in my year 10 class"
    _NOT_MY_SCHOOL_YEAR
    + r"[^.!?]*?\bin my (?:year|yr|grade) ?(?:[4-9]|1[0-2]|13) (?:class|form|tutor group|maths|"
    r"english)\b",
    r"\b(?:i'?m|i am) (?:a |an )?(?:freshman|sophomore|junior|senior) in high school",
    r"\b(?:i'?m|i am|i'?m still|currently) (?:in|at) (?:middle|junior high|high|secondary|primary|"
    r"elementary) school",
    r"\b(?:year|grade) (?:[4-9]|1[0-2]) (?:student|exams?)|\b(?:my )?(?:gcses?|sats) (?:are|next)",
    # "I'm in year 9", "im a year 8", "i'm yr10" (not "I'm a year 9 teacher")
    r"\b(?:i'?m|i am) (?:only |just |now |still )?(?:a |an |in |in the )?" + _SCHOOL_YEAR + _STAFF,
    # "I'm an eighth grader", "8th grader here"
    r"\b(?:i'?m|i am) (?:only |just )?(?:a |an )?" + _GRADER + r"\b",
    r"(?:^|(?<=[.!?]\s))" + _GRADER + r" here\b",
    # "Just started year 7", "currently in grade 8", "going into year 10"
    _NOT_MY_SCHOOL_YEAR + r"(?:i'?m |i )?(?:(?:only |just |about to |now )?(?:started|starting|"
    r"going into|moving up to|go into|start)|currently in|still in) (?:the )?" + _SCHOOL_YEAR,
    # "my year 10 mocks", "my yr 9 options"
    _NOT_MY_SCHOOL_YEAR + r"[^.!?]*?\bmy " + _SCHOOL_YEAR + r" ?(?:mocks?|exams?|options|sats|"
    r"tests?|report|trip|disco|prom|formal|residential|coursework|assessments?|group ?chat|form "
    r"group|tutor group|timetable|homework)\b",
    # Reddit-style "(16f)", "i (15) ..."
    r"[(\[]\s*(?:1[0-7] ?[mf]|[mf] ?1[0-7])\s*[)\]]|\b(?:i|me) [(\[]1[0-7][)\]]",
)
MINOR = re.compile("|".join(f"(?:{p})" for p in _MINOR_PARTS))
# Whether MINOR matches, part by part: each part has its own needles (a school year, an age),
# where the whole alternation has some that almost every message holds.
_MINOR_PARTS_RX = tuple(Prefiltered(p) for p in _MINOR_PARTS)


_SYMPTOMS = Prefiltered(
    r"\b(?:can'?t (?:feel|breathe|stand|see|stay awake)|heavy|far away|heart (?:is )?"
    r"(?:racing|pounding)|feel(?:ing)? (?:really )?(?:sick|weird|faint|dizzy|sleepy|off|numb)|"
    r"starting to feel|(?:gonna|going to|just) lie down|throwing up|passing out|kick in|"
    r"(?:they'?re|it'?s) in me)\b"
)
_MEDICAL_DANGER = Prefiltered(
    r"\b(?:faint(?:ed|ing)?|black(?:ing|ed) out|pass(?:ing|ed) out|heart (?:keeps |is )?"
    r"(?:doing|skipping|racing|pounding|fluttery|fluttering)|fluttery|skipping|numb|hit my "
    r"head|collapsed|chest pains?|can'?t stand up)\b"
)
_DANGER_NOW = Prefiltered(
    r"\b(?:outside|banging on the door|locked in|pulled up|just (?:choked|hit|beat|attacked)|"
    r"when he gets back|coming (?:up|home|back|over)|against the door|(?:i'?m|im) here on my "
    r"own|right now|tonight|hiding)\b"
)


@dataclass(frozen=True)
class CueHit:
    cue: Cue
    start: int
    end: int


def find_cues(text: str, suppressed: list[str] | None = None) -> list[CueHit]:
    """Cues in normalised text that survive negation, idiom and context checks.

    Every check is scoped to the cue's own sentence or clause, so a game, a story, a quoted
    friend or a "didn't" in one sentence does not protect a disclosure in another. The reasons
    cues were turned off are appended to `suppressed` (negated, reported, idiom, supporter,
    gaming, fiction, context, addressed).
    """
    hits: list[CueHit] = []
    why = suppressed if suppressed is not None else []
    for cue, prefilter in zip(CUES, _CUE_FILTERS, strict=True):
        if not prefilter.may_match(text):
            continue
        for m in cue.pattern.finditer(text):
            before, after = text[: m.start()], text[m.end() :]
            if cue.negatable and _negated(before, m.group(0)):
                if not _MANNER_AFTER.match(after):
                    why.append("negated")
                continue
            if cue.negatable and (
                _DENIED_AFTER.match(after)
                or (_ASKED_ABOUT.search(before) and _ANSWERED_NO.match(after))
            ):
                why.append("negated")
                continue
            if cue.name == "suicidal" and _ASSISTED_SUICIDE_OF_OTHER.search(
                text, max(0, m.start() - 50), m.end()
            ):
                continue
            if cue.name == "suicidal" and _DEATH_BY_SUICIDE.search(
                text, max(0, m.start() - 50), m.end()
            ):
                # someone's death by suicide ("my dad died by suicide ten years ago", "lost my
                # best friend to suicide"): a loss, not the speaker's thoughts. The bereaved are
                # at risk themselves: a check-in (`BEREAVED`), and no `protective:` signal, so a
                # learned tier still reads what they say of themselves.
                why.append(BEREAVED)
                continue
            if _REPORTED_QUESTION.search(before) and not (
                cue.personal and _ANSWERED_YES.match(after)
            ):
                why.append("reported")
                continue
            if (
                _IDIOM_AFTER.search(after)
                and not _EARNEST.search(text)
                and (cue.name != "suicidal" or _LAUGH_AFTER.match(after))
            ):
                why.append("idiom")
                if cue.name in _LAUGHED_OFF and _LAUGH_AFTER.match(after):
                    why.append(f"{LAUGHED_OFF}:{cue.name}")
                continue
            if _NOT_LITERALLY.match(after) and not _EARNEST.search(text):
                why.append("idiom")
                if cue.name in _LAUGHED_OFF:
                    why.append(f"{LAUGHED_OFF}:{cue.name}")
                continue
            if (
                cue.name in _LAUGHED_OFF
                and cue.name != "suicidal"
                and (_HYPERBOLE_AFTER.match(after) or _CHORE_MADE_ME.search(_clause(before)))
                and not _EARNEST.search(text)
            ):
                why += ["idiom", f"{LAUGHED_OFF}:{cue.name}"]
                continue
            if cue.name in _PETTY_HARM_CUES and not _EARNEST.search(text):
                sentence, _ = _sentence(text, m.start(), m.end())
                if _said_of_petty(sentence, m.group(0), text):
                    why += ["idiom", f"{LAUGHED_OFF}:{cue.name}"]
                    continue
            if (
                cue.name == "plan_intent"
                and _LAUGH_IN_CLAUSE.match(after)
                and not _EARNEST.search(text)
                and not re.search(_SOON, text)
            ):
                # "i'm going to jump out the window lol": the laugh closes the clause
                why += ["idiom", f"{LAUGHED_OFF}:{cue.name}"]
                continue
            sentence, offset = _sentence(text, m.start(), m.end())
            if cue.personal and _supporter_frame(sentence, m.start() - offset):
                why.append("supporter")
                continue
            if (
                cue.personal
                and (
                    _GAMING.search(sentence)
                    or _FICTION.search(sentence)
                    or _ACADEMIC.search(sentence)
                    or _THIRD_PARTY.search(sentence)
                )
                and not _owned(text, m.start(), m.end(), cue)
            ):
                why.append(
                    "gaming"
                    if _GAMING.search(sentence)
                    else "fiction"
                    if _FICTION.search(sentence)
                    else "context"
                )
                continue
            if cue.personal and _addressed_to_someone_else(text, m.start(), m.end()):
                why.append("addressed")
                continue
            if cue.personal and _quoted_from_someone_else(text, m.start()):
                # Not the speaker's words, so the cue does not count; nor is it a reason to hold
                # a learned tier's raise (no `protective:` signal): a person who quotes someone
                # may also be speaking of themselves around the quotation.
                continue
            hits.append(CueHit(cue, m.start(), m.end()))
            break
    return hits


_SECOND = re.compile(r"\b(?:you|your|you'?re|you'?ve|you'?ll|yourself|u|ur)\b")


def _sentence(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence around text[start:end], and where it starts."""
    sent_start = (
        max(text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start)) + 1
    )
    ends = [i for i in (text.find(".", end), text.find("!", end), text.find("?", end)) if i >= 0]
    return text[sent_start : min(ends) if ends else len(text)], sent_start


def _addressed_to_someone_else(text: str, start: int, end: int) -> bool:
    """A cue in a clause spoken to someone else ("if you cut, clean it", "you won't always
    want to die") with no first person in it is about them, not the speaker."""
    if _SELF_INCLUDED.search(text):
        return False  # "is it normal to think about killing yourself? asking because I do"
    sentence, offset = _sentence(text, start, end)
    if _SECOND.search(sentence) and not _FIRST_PERSON_CLAUSE.search(sentence):
        return True
    clause = _clause_around(sentence, start - offset, end - offset)
    return bool(
        re.match(r"\W*(?:if|when|whenever|once|even if|and if)\s+(?:you|u)\b", clause)
        and not _FIRST_PERSON_CLAUSE.search(clause)
    )


_SELF_INCLUDED = Prefiltered(
    r"\b(?:asking (?:because|for myself|for me)|me too|same here|same for me|i(?:'ve| have) "
    r"been doing (?:it|that)|i do (?:it|that) too|like me|i feel the same)\b"
)

# Where a clause ends, for negation and supporter framing: punctuation, conjunctions and
# question words start a new clause ("I didn't sleep, I want to die"; "I don't know why I
# want to die").
_CLAUSE_SPLIT = re.compile(
    r"[.!?;,:()]|\s[-–—]+\s|\b(?:but|and|so|because|cause|cuz|coz|since|though|although|yet|"
    r"why|how|when|whenever|where|until|till|unless|except|just|then|plus|or)\b"
)


def _clause(before: str) -> str:
    """The part of the preceding text in the same clause as the cue."""
    return _CLAUSE_SPLIT.split(before)[-1]


def _clause_around(sentence: str, start: int, end: int) -> str:
    """The clause of a sentence that holds sentence[start:end]."""
    left = _CLAUSE_SPLIT.split(sentence[:start])[-1]
    right = _CLAUSE_SPLIT.split(sentence[end:])[0]
    return left + sentence[start:end] + right


# A new subject after the negation starts a new statement ("no one knows I want to die"),
# unless it follows a verb of thinking ("I don't think I'd ever kill myself").
_NEW_SUBJECT = re.compile(
    r"(?<!think )(?<!guess )(?<!sure )(?<!say )(?<!mean )(?<!believe )(?<!suppose )"
    r"(?<!that )(?<!saying )(?<!said )\bi(?:'m|'d|'ll|'ve)?\b"
)
_SUBJECT_LEAD = re.compile(r"(?:i|i'm|i've|me|my)\b")
# A denial that names the act as an example ("not going to do anything stupid like kill myself").
_DENIED_LIKE = re.compile(
    r"\b(?:not|never|won'?t|wouldn'?t) (?:going to |gonna )?(?:do|doing|try) anything (?:stupid |"
    r"silly |drastic |dumb )?(?:like|such as)\s*$"
)
# A cue that starts at its subject and denies itself in its first words ("i don't have any
# thoughts of suicide", "i have no thoughts of ending it").
_DENIED_INSIDE = re.compile(
    r"(?:i|i'm|i've)\b(?: \w+)?? (?:don'?t|do not|never|haven'?t|have not|have no|am not|'m not|"
    r"no longer)\b"
)


def _negated(before: str, matched: str) -> bool:
    """Whether a negation governs the cue: in its own clause, within three words, with no new
    subject between ("I didn't sleep, I want to die" and "no one knows I want to die" are not
    negated). A cue that starts at its subject ("I never considered suicide") is checked
    inside too."""
    clause = _clause(before)
    if _SUBJECT_LEAD.match(matched):
        clause += " " + matched.rsplit(" ", 1)[0] + " "
        inside = _DENIED_INSIDE.match(matched)
        if inside and not _NOT_A_DENIAL.match(matched, inside.end()):
            return True  # "I don't have any thoughts of suicide": the denial is the cue's own
    if _DENIED_LIKE.search(clause):
        return True  # "I'm not going to do anything stupid like kill myself"
    m = _NEGATION.search(clause)
    if not m:
        return False
    # the negator nearest the cue governs it: in "no, I'm not going to kill myself" it is "not"
    # (the "no" before it answers a question, and "I'm" after it is no new subject)
    for later in _NEGATOR.finditer(clause, m.start() + 1):
        if _NEGATION.match(clause, later.start()):
            m = later
    head = _NEGATOR.match(clause, m.start())
    if head and _NOT_A_DENIAL.match(clause, head.end()):
        return False
    rest = clause[m.start() :]
    # "(it's) not like I want to die": the denial names its own subject
    rest = rest[len("not like i") :] if rest.startswith("not like i ") else rest.split(" ", 1)[-1]
    return not _NEW_SUBJECT.search(rest)


# Words that frame a cue as someone else's: quoting a poster back, advice to "you" or to
# "anyone who", pleas to a stranger.
_QUOTING_BACK = re.compile(
    r"\b(?:you(?:'ve| have)? (?:said|say|says|mentioned|mention|wrote|write|posted|post|told "
    r"(?:me|us)|talked about|talk about|describe[sd]?|admitted)|when you say|(?:your|op'?s|the "
    r"op'?s) (?:post|message|words|comment)|op (?:said|says|wrote|mentioned))\b"
)
_ADVICE_LEAD = re.compile(
    r"(?:^|\W)(?:if|when|whenever|once|even if)\s+(?:you|u|anyone|someone|somebody|a friend|"
    r"people|they)\b|\b(?:anyone|anybody|people|those|someone|somebody) who\b|\bfor "
    r"(?:anyone|people|those)\b|\bplease (?:don'?t|do not|never)\b|\bi(?:'m| am)? beg(?:ging)? "
    r"you\b|\b(?:are|have) you (?:been )?(?:having|thinking|feeling|had|thought|felt)\b"
)


_SPEAKER_AFTER = re.compile(r"\bi(?:'ll|'m|'d| will| am| would|ll|m)? (?!\w+ you\b)")
# "if you think I want to die…": the reader's reading of the speaker, not the speaker's threat
_THOUGHT_OF = re.compile(
    r"\b(?:think|thought|believe|say|said|assume|mean|guess|hear|heard|read|feel like)\b"
)


def _supporter_frame(sentence: str, start: int) -> bool:
    """A cue the speaker says to or about someone else: "you said you want to end it",
    "if you ever feel like killing yourself, call…", "please don't kill yourself", "do you
    ever think about suicide?"."""
    lead = sentence[:start]
    if _SELF_INCLUDED.search(sentence):
        return False  # "if someone like me wanted to end things…"
    quoted = _QUOTING_BACK.search(lead)
    if quoted and not re.search(r"\bbut\b|;", lead[quoted.end() :]):
        return True
    segment = _clause(lead) if _clause(lead).strip() else lead[-40:]
    advice = _ADVICE_LEAD.search(segment)
    # "if you don't help me I'll kill myself tonight": the speaker is the subject after the
    # condition put to "you" — a threat of their own, not advice to the reader
    if not advice:
        return False
    # (the cue may start at its subject: "…help me I'll hurt him")
    condition = segment[advice.end() :] + sentence[start : start + 6]
    return not _SPEAKER_AFTER.search(condition) or bool(_THOUGHT_OF.search(condition))


_REPORTING = re.compile(
    r"\b(?:said|says|saying|say|told|tells|telling|tell|texted|texts|texting|wrote|writes|"
    r"messaged|posted|asked|asks|screamed|shouted|yelled|whispered|threatened|threatens|"
    r"threatening|goes|went|like)\b"
)


def _owned(text: str, start: int, end: int, cue: Cue) -> bool:
    """In a gaming / fiction / academic / third-party context, a cue still counts when the
    speaker plainly owns it: first person in the cue's own sentence, with no game or fiction
    words in that sentence."""
    sent_start = (
        max(text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start)) + 1
    )
    ends = [i for i in (text.find(".", end), text.find("!", end), text.find("?", end)) if i >= 0]
    sentence = text[sent_start : min(ends) if ends else len(text)]
    if _GAMING.search(sentence) or (
        _FICTION.search(sentence)
        and not re.search(r"\b(?:basically me|is me|like me|about me)\b", text)
    ):
        return False
    lead = sentence[: start - sent_start]
    quoted = re.search(
        r"\b(?:said|says|told (?:me|us)|wrote|texted|posted|messaged)\s*[:,]?\s*(['\"“])", lead
    )
    # quoted speech of someone else — unless the double quotes closed before the cue ("she
    # said "just kill yourself" and now I want to die")
    if quoted and (quoted.group(1) == "'" or sum(c in _QUOTES for c in lead) % 2 == 1):
        return False
    if _SUBJECT_LEAD.match(text, start) and not _REPORTING.search(lead):
        # the cue names its subject, the speaker ("… if he is loud, I will do it"), and no one's
        # words are reported before it ("he keeps saying I will be gone")
        return True
    if re.search(r"\bi\b[^.,;!?]{0,25}$", lead):
        return True  # "I picture ...", "I keep ...": the speaker's own
    if cue.name == "join_the_dead" and re.search(r"\bi\b", re.split(r"[\"“]", text[start:end])[0]):
        return True  # "…he's been gone 2 years. maybe it's time i joined him": the speaker's own
    if _THIRD_PARTY.search(sentence[: start - sent_start]) and not re.search(
        r"\bi (?:just |really |only |still |honestly )?(?:want|wanna|am going|'m going|feel|think "
        r"(?:about|to|of))\b",
        re.sub(r"\"[^\"]*\"|“[^”]*”", " ", sentence),  # not inside someone's quoted words
    ):
        return False
    if _ACADEMIC.search(sentence) and not re.search(r"\b(?:i|i'm|i've|me)\b", sentence):
        return False
    return bool(_FIRST_PERSON_CLAUSE.search(sentence)) or cue.level.at_least(L.HIGH)


# --- supporter, history and own-risk helpers ------------------------------------------------

# Told as history: a past frame in the cue's sentence, a recovery statement, nothing current.
_BETTER_NOW = Prefiltered(
    r"\b(?:(?:now|today|these days) i'?m (?:\w+ ){0,2}(?:better|okay|ok|fine|good|happy|glad|"
    r"grateful|thriving|stable|in a (?:good|better) place)|(?:i'?m|i am) (?:doing )?(?:so |much "
    r"|a lot )?(?:better|well) now|doing (?:much |so |a lot |way )?better|in a (?:\w+ )?(?:good|"
    r"better) place|it gets (?:better|easier)|it got (?:better|easier)|got (?:help|better|"
    r"through it)|"
    r"(?:therapy|meds|medication|treatment|counsel\w*) (?:really )?help(?:ed|s)|recovered|"
    r"in recovery|glad i'?m (?:still )?(?:here|alive)|glad i (?:didn'?t|stayed|survived|failed|"
    r"lived)|(?:years?|months?) (?:clean|free|sober)|(?:clean|free|sober) (?:for|since))\b"
)
# A supporter sharing their own past to reassure a reader.
_REASSURING = Prefiltered(
    r"\b(?:i'?ve been (?:there|where you are|in your shoes)|i know (?:exactly )?how (?:it|you|"
    r"that) feels?|(?:been|was|were) in your (?:shoes|position)|you'?re not alone|hang in "
    r"there|you can get through (?:this|it)|you will get through|it will get better|things "
    r"will get better)\b"
)
_PAST_FRAME = Prefiltered(
    r"\b(?:used to|years? ago|(?:back|long time) ago|when i was|as a (?:teen|teenager|kid|"
    r"child)|in my (?:teens|twenties|20s|thirties|30s)|in the past|at (?:my|the) (?:worst|lowest)|"
    r"back (?:then|in)|at the time|(?:wanted|attempted|tried|was|were|thought|felt|considered|"
    r"had|cut|burned|planned)\b)"
)
_CURRENT = Prefiltered(
    r"\b(?:still (?:want|wanna|think|feel|have|get|struggle|can'?t|do)|again|lately|these days "
    r"i (?:want|think|feel|can'?t)|nowadays i|right now|(?:it'?s|they'?re|the thoughts are|it "
    r"is) (?:back|coming back|getting worse)|came back|coming back|worse than ever|currently|"
    r"tonight|starting to (?:want|think|feel))\b"
)
# A time years back: "twenty-two years ago", "back when I was nineteen", "in 2009".
_DISTANT_PAST = re.compile(
    r"\b(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|(?:twenty|thirty|forty)[- ]\w+|many|several|a (?:few|couple of)|some) years? "
    r"(?:ago|back)|(?:back )?when i was (?:\d+|a (?:teen(?:ager)?|kid|student)|younger|in "
    r"(?:school|uni|college)|(?:thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"twenty|(?:twenty|thirty)[- ]\w+))|in (?:19|20)\d\d|as a teenager|in my (?:teens|twenties|"
    r"20s|thirties|30s))\b"
)
# Said of the act as it happens, not as a story: "I've just taken", "I have taken".
_ACT_NOW = re.compile(r"\b(?:just|i'?ve|i have|now|right now|tonight|today)\b")
# A time within the day: "an hour ago", "earlier", "this morning".
_HOURS_AGO = re.compile(
    r"\b(?:(?:\w+ )?(?:minutes?|hours?|mins?|hrs?) ago|earlier|this (?:morning|afternoon|"
    r"evening)|last night|a (?:little )?while ago)\b"
)
# "…one night. That was twenty years ago."
_THAT_WAS = re.compile(r"[.!?]?\s*(?:and )?(?:that|this|it) (?:was|were)\b")
# An anniversary: "twenty years ago this week", "five years ago today" — the time of the telling,
# not of the act. ("…years ago tonight" is left as it is: the night itself may be the risk.)
_ANNIVERSARY = re.compile(r"\b(years? (?:ago|back)),? (?:today|this (?:week|month|weekend))\b")


def _years_back(t: str, hits: Sequence[CueHit | re.Match[str]]) -> bool:
    """Every act (a cue's hit, or a regex match) is told with a time years back: in its own
    sentence ("when I was nineteen I took…"), in a bare time just before it ("Eight years ago.
    The overdose."), or in a "that was … years ago" after it — in a message that names no
    recent or coming time (an anniversary, "twenty years ago this week", names the day of the
    telling, not a recent one)."""
    told = _ANNIVERSARY.sub(r"\1", t)
    if (
        _RECENT.search(told)
        or _CURRENT.search(told)
        or _HOURS_AGO.search(told)
        or re.search(_SOON, told)
        or re.search(r"\bstill\b", told)  # "…and I still don't want to stop it"
    ):
        return False

    def dated(start: int, end: int) -> bool:
        own, offset = _sentence(t, start, end)
        if _DISTANT_PAST.search(own):
            return True
        before = _sentence(t, offset - 2, offset - 1)[0] if offset > 1 else ""
        if before.strip() and _DISTANT_PAST.fullmatch(before.strip(" ,")):
            return True
        after = t[offset + len(own) : offset + len(own) + 60]
        return bool(_THAT_WAS.match(after) and _DISTANT_PAST.search(after))

    spans = [(h.start, h.end) if isinstance(h, CueHit) else h.span() for h in hits]
    return all(not _ACT_NOW.search(t[a:b]) and dated(a, b) for a, b in spans)


_HISTORY_CUES = frozenset(
    {
        "attempt",
        "overdose",
        "self_harm",
        "want_die",
        "kill_self",
        "suicidal",
        "wish_dead",
        "no_point_living",
        "better_off",
        "method_thoughts",
        "pills_thought",
        "not_wake_up",
    }
)


def _told_as_history(t: str, hits: list[CueHit]) -> bool:
    """Every risk cue is past ("when I was 19 I wanted to die"), the speaker says it is behind
    them ("I'm in a good place now"), and nothing says it is current."""
    if not hits or _RECENT.search(t) or _CURRENT.search(t):
        return False
    if not (
        _BETTER_NOW.search(t)
        or _REASSURING.search(t)
        or (
            _RECOVERY.search(t)
            and {h.cue.name for h in hits} <= {"attempt", "overdose", "self_harm"}
        )
    ):
        return False
    return all(_PAST_FRAME.search(_sentence(t, h.start, h.end)[0]) for h in hits)


def _own_matches(rx: Prefiltered, t: str) -> list[re.Match[str]]:
    """Matches the speaker says about themselves, not to or about a reader they support."""
    out = []
    for m in rx.finditer(t):
        sentence, offset = _sentence(t, m.start(), m.end())
        if _supporter_frame(sentence, m.start() - offset):
            continue
        if _addressed_to_someone_else(t, m.start(), m.end()):
            continue
        if _NEGATION.search(_clause(t[: m.start()])):
            continue
        out.append(m)
    return out


# Access to means: a firearm at hand, medication saved up, injection equipment with drugs,
# a ligature or charcoal bought. Harmless alone (many homes hold a gun); `high` with ideation.
_GUN = (
    r"(?:guns?|rifles?|shotguns?|handguns?|pistols?|revolvers?|firearms?|glocks?|9 ?mm|"
    r"ar-?15s?|\.(?:22|38|45|357)\b|(?:22|38|45|357) (?:cal(?:ibre|iber)?|magnum)|berettas?|"
    # street words ("my cousin keeps his strap in the glovebox"): a strap only where it is kept
    r"blicks?|glizz(?:y|ys|ies)|choppas?|dracos?|straps?(?= (?:in|under|on (?:me|him|her)|"
    r"at home)\b))"
)
GUN_WORDS = _GUN  # the firearm words, for other readers of the same messages (the protocol)
# a weapon named beside a threat: never a figure of speech
_WEAPON_NAMED = re.compile(
    r"\b(?:" + _GUN + r"|knife|knives|blade|machete|axe|hammer|baseball bat|crowbar)\b"
)
# up to two words before the gun ("my old service pistol", "a hunting rifle"), not a tool or a toy
_GUN_KIND = (
    r"(?:(?!(?:glue|nerf|water|heat|nail|staple|spray|paint|toy|bb|airsoft|massage|cap|squirt|"
    r"laser|foam)\b)[a-z]+ ){0,2}"
)
_MEANS_ACCESS = Prefiltered(
    r"\b(?:(?:a|the|my|his|her|our|their|dad'?s|mum'?s|mom'?s|\w+'s) (?:loaded )?"
    + _GUN_KIND
    + _GUN
    + r"\b[^.!?]{0,40}\b(?:in (?:the|my|our|his|her) (?:\w+ )?(?:house|home|room|closet|wardrobe|"
    r"drawer|safe|car|garage|nightstand|bedroom|cupboard|attic|basement|shed|ute|truck|van|glove ?"
    r"box)|at home|(?:under|behind) (?:the|my) (?:bed|seat)|(?:is|are|'s|stays|kept) loaded|where "
    r"the (?:key|code|ammo|bullets)|the (?:key|code|combination))"
    r"|(?:there'?s|there is|we have|we'?ve got|i have|i'?ve got|i own|i bought|i got|i keep|"
    r"access to|(?:dad|mum|mom|he|she) (?:keeps|has|owns)) (?:a |an |my |his |her |the |some )?"
    r"(?:still )?(?:loaded )?"
    + _GUN_KIND
    + _GUN
    + r"|(?:\d+|a lot|loads|enough|a load|a bunch|a pile) (?:of )?(?:my |his |her )?"
    + _PILLS
    + r" (?:saved|stashed|hidden|put away|kept back|stockpiled|hoarded)"
    + r"|(?:stockpil\w+|sav(?:ed|ing) up|hoard\w*|stash(?:ed|ing)?|"
    r"put(?:ting)? aside|set(?:ting)? aside|keep(?:ing)? back|"
    r"(?:a |my )?stash of|hid(?:den|ing)?|collect(?:ed|ing)) (?:\w+ ){0,4}(?:"
    + _PILLS
    + r"|heroin|fentanyl|morphine|methadone)|(?:a month'?s?|a week'?s?|weeks'?|months'?|enough|"
    r"a (?:whole|full) (?:bottle|box|pack)s?) (?:worth )?(?:of )?(?:my |his |her )?"
    + _PILLS
    + r"|(?:counted|counting|count) (?:out )?(?:how many|the|all|every|my|her|his|them)\b[^.!?]{0,"
    r"40}\b(?:"
    + _PILLS
    + r"|blister packs?|packets)"
    + r"|(?:needles?|syringes?|rigs?|works)\b[^.!?]{0,40}\b(?:heroin|fentanyl|dope|gear|insulin|"
    r"meth|drugs|morphine)|(?:heroin|fentanyl|dope|insulin|morphine)\b[^.!?]{0,40}\b(?:needles?|"
    r"syringes?)|(?:bought|buying|got|ordered|picked up) (?:a |some |the )?(?:rope|charcoal|"
    r"noose|helium|hosepipe|tubing|razor blades)|(?:blades?|razors?)\b[^.!?]{0,30}\b(?:within "
    r"reach|at hand|next to me|beside me|right here|in (?:my|the) (?:room|drawer|bag|pocket|"
    r"bathroom|desk))|(?:have|got|keeping|kept|hid|hidden|hiding) (?:a |my |the |some )?(?:new )?"
    r"(?:blades?|razors?)|(?:have|got|keep|kept|hid|hidden|put) (?:\w+'s |my |his |her |the |"
    r"some |all (?:my |the )?){0,2}(?:"
    + _PILLS
    + r") (?:in|under|with|next to|beside|by) (?:me|my|the) ?(?:room|bag|drawer|bed|pocket|car|"
    r"bathroom|desk|hand|bedside)?"
    # a way up left open ("the roof door is never locked")
    r"|(?:roof|rooftop|top floor|top deck)(?: door| access| hatch)? (?:is|'s|are) (?:never "
    r"locked|always (?:open|unlocked)|usually (?:open|unlocked)|left (?:open|unlocked)|unlocked))\b"
)
# Preparation: acts that settle affairs. One alone is ambiguous (a holiday, a house move);
# two, or one with finality or ideation, are `high`.
_PREP_ACTS: tuple[Prefiltered, ...] = tuple(
    Prefiltered(p)
    for p in (
        r"\b(?:arrang\w+|sort(?:ed|ing) out|made sure|making sure|found|finding|ask(?:ed|ing)|"
        r"set(?:ting)? up) (?:\w+ ){0,6}?(?:take care of|look after|looks after|take|takes|have|"
        r"raise|feed|keep|adopt|be there for) (?:my|the) (?:kids|children|son|daughter|boys|girls|"
        r"baby|babies|dogs?|cats?|pets?|puppy|kitten|rabbit|horse)\b",
        r"\b(?:(?:a )?new (?:home|owners?) for (?:my|the) (?:dogs?|cats?|pets?|puppy|kitten|"
        r"rabbit|horse)|rehom\w+ (?:my|the) (?:dogs?|cats?|pets?)|(?:found|finding) (?:my|the) "
        r"(?:dogs?|cats?|pets?) a (?:new )?home|(?:left|leaving|dropped off|gave|given) (?:my|the|"
        r"our) (?:dogs?|cats?|pets?|puppy|kitten|rabbit|hamster) (?:with|to) (?:my|a|the|our) "
        r"(?:\w+ )?(?:neighbou?r|friend|mum|mom|dad|sister|brother|parents|cousin))\b",
        r"\b(?:wrote|writing|written|write|left|leaving|finished) (?:a |the |some |my )?"
        r"(?:letters?|notes?|messages?|cards?) (?:to|for) (?:each of |all of )?(?:my|everyone|"
        r"every|the (?:kids|family))",
        r"\b(?:giv(?:e|ing)|gave|given) (?:away )?(?:all |most )?(?:of )?(?:my|our) (?:\w+ ){0,2}"
        r"(?:stuff|things|belongings|possessions|clothes|games|books|guitar|jewell?e?ry|savings|"
        r"console|records|collection|plants)\b",
        r"\b(?:(?:say(?:ing)?|said|text(?:ed|ing)?|sent|sending) (?:my )?goodbyes?|goodbye "
        r"(?:letters?|messages?|notes?|texts?|videos?)|(?:saw|see(?:ing)?|visit(?:ed|ing)?|"
        r"call(?:ed|ing)?|hug(?:ged|ging)?) (?:everyone|all my \w+|my (?:\w+ ){0,2}\w+) (?:one )?"
        r"(?:last|final) time)\b",
        # a life insurance checked for what it pays on a death by suicide
        r"\b(?:(?:insurance|policy|it) (?:still |would |will )?(?:pays? out|pay|covers?) "
        r"(?:\w+ ){0,5}?(?:whatever|regardless of|no matter) (?:the )?(?:cause|how)|(?:covers?|"
        r"pays? out (?:for|on)) suicide|suicide (?:clause|exclusion))\b",
        r"\b(?:(?:updat\w+|wr(?:o|i)te|written|writing|made|making|sort\w*|finish\w*) (?:out )?"
        r"(?:my|a) (?:will|funeral (?:plans?|wishes))|(?:beneficiary|passwords?|pin numbers?) "
        r"(?:\w+ ){0,4}(?:so|for) my (?:family|wife|husband|partner|kids|mum|mom|parents))\b",
    )
)
_PREP_ORDINARY = Prefiltered(
    r"\b(?:while i'?m (?:away|on holiday|at work|in hospital|travell?ing)|holiday|vacation|"
    r"trip|moving (?:house|out|abroad|away)|move house|declutter\w*|charity|donat\w+|wedding|"
    r"christmas|birthday|thank[- ]you|retir\w+|new baby|pregnan\w+|surgery|deployment|"
    r"business trip)\b"
)
_FINALITY = Prefiltered(
    r"\b(?:just in case|in case (?:anything|something) (?:happens|happened)|when i'?m (?:gone|"
    r"not here|not around)|after i'?m gone|once i'?m gone|won'?t (?:need|be needing) (?:them|it|"
    r"any of (?:it|this|them))|for good|forever|permanently|one last|(?:last|final) time|before "
    r"i go|won'?t be (?:here|around)|(?:be|are) (?:ok|okay|fine|better off|looked after|taken "
    r"care of) without me|finally (?:rest|be at peace|get some peace|be free|sleep)|at peace|"
    r"no longer (?:be )?a burden|tie up (?:loose ends|everything)|without (?:her|him|them|"
    r"anyone|anybody|my \w+) knowing (?:that )?it was (?:goodbye|the last time))\b"
)
# A postponed or aborted attempt in plain words is a cue (`postponed_attempt`); these vaguer
# forms ("was going to do it last night but…", "not tonight, maybe next week") are `high`
# when ideation is in the same message or earlier in the conversation.
_POSTPONED_VAGUE = Prefiltered(
    r"\b(?:(?:was|were) (?:going|gonna|about|planning|ready) to do it (?:\w+ ){0,4}?(?:but|"
    r"until|then)|(?:almost|nearly|so close to|came close to) (?:did|doing|do) it|not "
    r"(?:tonight|today|yet)[,.]? (?:maybe|probably|but) (?:tomorrow|next week|soon|this weekend|"
    r"next month|after)|(?:backed|chickened|pulled|bottled) out (?:last|at the last|again|this "
    r"time|yesterday)|(?:stopped|talked) myself (?:out of it|at the last)|couldn'?t go through "
    r"with it|gave myself (?:until|till|a deadline|one more)|(?:put|putting|pushed|pushing) it "
    r"(?:off|back) (?:until|till|to|again))\b"
)
# A whole supply taken, said as done, the speaker the subject (said or left out, as in texting:
# "took everything in the medicine cabinet", "swallowed the whole packet", "taken the lot,
# washed them down with whisky", "just took a massive handful of my meds"). An overdose under
# way when the message also speaks of pills, drink or a body's alarm (`_SUPPLY_CONTEXT`).
_NOT_CARRIED = _TAKEN_ELSEWHERE + r"(?! with me\b)"
_OF_PILLS_OR_END = (
    r"(?! of (?!(?:my |the |his |her |these |those |all )?(?:[\w']+ )?"
    + _PILLS
    + r"))"
    + _NOT_CARRIED
)
_SUPPLY_TAKEN = Prefiltered(
    r"(?:^|(?<=[.!?,;:] )|(?<=\band )|\bi(?:'ve| have)? )(?:just |already |then )?"
    r"(?:took|taken|swallowed|downed|necked) (?:(?:the (?:whole |entire )?lot|all of (?:them|em)|"
    r"(?:them|em) all)\b" + _NOT_CARRIED + r"|"
    r"everything (?:in|from) (?:the|my) (?:\w+ )?(?:cabinet|cupboard|drawer)|"
    r"the (?:whole|entire) (?:packet|pack|box|bottle|strip|blister|tub|supply|prescription)\b"
    + _OF_PILLS_OR_END
    + r"|an? (?:\w+ )?(?:handful|fistful)\b"
    + _OF_PILLS_OR_END
    # a count of one's own medicine: "20 of my sertraline", "like 15 of the diazepam"
    + r"|(?:like |about |around |over |nearly )?(?:[1-9]\d|ten|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|a dozen) of (?:my|the|her|his|mum'?s|mom'?s|dad'?s) (?:\w+(?:ine|ines|ol|en|"
    r"am|ams|one|ones|ium|ide|ides|ate|il|ex)|" + _PILLS + r")\b" + _NOT_CARRIED + r")"
)
_SUPPLY_CONTEXT = Prefiltered(
    r"\b(?:" + _PILLS + r"|medicine|cabinet|whisk(?:e)?y|vodka|wine|alcohol|booze|gin|rum|"
    r"beer|drink|drank|overdos\w*|can'?t feel|chest|spinning|heart|dizzy|sick|sleepy|numb|"
    r"washed (?:them|it|em) down)\b"
)
# Within the hour, with no food named: "took the whole packet an hour ago" is an overdose told
# without the pills' name.
_WITHIN_THE_HOUR = re.compile(
    r"\b(?:an|half an|(?:a )?(?:few|couple of)|\w+) (?:minutes?|mins?|hours?|hrs?) ago\b"
)
_FOOD = re.compile(
    r"\b(?:crisps|chips|biscuits?|cookies?|sweets|candy|chocolates?|cereal|snacks?|gum|"
    r"crackers|popcorn|doughnuts?|donuts?|cake|pizza|ice cream|food|ate|eat|eaten)\b"
)
# Someone else as the subject of the sentence before a taken supply: a worried helper's report.
_THIRD_SUBJECT = re.compile(
    r"\b(?:he|she|they|my (?:\w+ )?(?:friend|mate|brother|sister|mum|mom|dad|son|daughter|"
    r"partner|husband|wife|boyfriend|girlfriend|flatmate|roommate))\b(?![^.!?]*\bi\b)"
)


def _supply_taken(t: str) -> bool:
    """The speaker took a whole supply (`_SUPPLY_TAKEN`), beside pills, drink or symptoms (or
    within the hour, no food named), and not as a story years back (`_years_back`)."""
    if not (_SUPPLY_CONTEXT.search(t) or (_WITHIN_THE_HOUR.search(t) and not _FOOD.search(t))):
        return False
    own = [
        m
        for m in _own_matches(_SUPPLY_TAKEN, t)
        # "I took the lot" names the speaker, whoever else the sentence names before
        if m.group(0).startswith("i")
        or not _THIRD_SUBJECT.search(t[_sentence(t, m.start(), m.end())[1] : m.start()])
    ]
    return bool(own) and not _years_back(t, own)


# A weapon at hand and a person waited for: "bought a bat, going to wait for him after his
# shift", "outside his work, the knife's in my bag". `high` harm to others; with a time, or
# "don't try to stop me", `imminent`.
_WEAPON_AT_HAND = Prefiltered(
    r"\b(?:(?:bought|got|have|grabbed|took|brought|carrying|holding|with|sharpened) (?:a |my |"
    r"the |his |her |\w+'s )?(?:baseball )?(?:bat|knife|hammer|machete|crowbar|gun|blade|"
    r"tyre iron)s?\b|(?:bat|knife|hammer|machete|crowbar|gun)s?(?:'s| is| are)? (?:on|in|under) "
    r"(?:the|my) (?:back seat|car|bag|pocket|jacket|coat|seat|boot|trunk))"
)
_LYING_IN_WAIT = Prefiltered(
    r"\b(?:wait(?:ing)? for (?:him|her|them)\b(?! to (?:call|text|reply|answer|ring))|"
    r"(?:i'?m|im|i am) (?:outside|parked (?:outside|near|by)) (?:his|her|their) (?:work|house|"
    r"place|flat|school|office|gym|door)|go(?:ing)? round to (?:his|her|their)|(?:his|her|their) "
    r"shift (?:ends|finishes)|when (?:he|she|they) (?:comes?|gets?|walks?) (?:out|home|back))\b"
)
# A source a psychosis hears commands from, named in the message: "the static's tuned in… it
# says I should walk into the lake". Then "it says I should …" is a command hallucination.
_HALLUCINATED_SOURCE = Prefiltered(
    r"\b(?:static|signal|transmission|frequency|broadcast(?:ing|s)?|the station|implant|chip in "
    r"my|voices?|(?:saw|see|seeing|seen) (?:\w+ )?(?:demons?|the devil|spirits?|ghosts?|shadow "
    r"(?:people|figures|man|men|person)|angels?|a shadow)|(?:man|woman|figure|someone|person|"
    r"shadow) (?:only i can see|no one else can see|nobody else (?:can )?sees?))\b"
)
# "…they keep saying im worthless and should end it", "…and they told me to jump"
_IT_COMMANDS = Prefiltered(
    rf"\b(?:it|they|he|she|who){_COMMAND}{_SELF_TARGET}|\b(?:it|they|he|she|who)(?: (?:keeps?|keep "
    r"on|are|is|won'?t "
    r"stop|always))* (?:say(?:s|ing)?|tell(?:s|ing)? me|told me|said|whisper(?:s|"
    r"ing)?)[^.!?]{0,40}?"
    rf"\b(?:i'?d |i )?(?:should|must|have to|need to|ought to|deserve to|better) (?:just |go and |"
    rf"go )?{_SELF_TARGET}"
)
# The signals of the two rules above and below that the crisis protocol answers as a command
# hallucination and as a danger to others (`theralab.safety.protocol`).
# "if I can't have them nobody can", "taking all of us out": the speaker's family with them.
FAMILY_TOO = "family_too"
_FAMILY_TOO = Prefiltered(
    r"\b(?:i(?:'m| am|'ll| will|'ve| have|'d| would)?(?: \w+){0,3}? (?:take|taking|took) "
    r"(?:all of us|us all|the (?:kids|children)|my (?:kids|children|family|wife|husband)|them "
    r"all|everyone) (?:out|with me)\b(?! (?:to|on|for|into|in|at|shopping|camping)\b)|if i "
    r"can'?t have (?:them|her|him|the kids|my kids),? (?:nobody|no one|noone|no-one) (?:can|will|"
    r"gets? to))"
)
# A weapon or means held right now, and the thought of using it ("my dad's gun in my lap…
# I keep thinking about using it").
_MEANS_IN_HAND = Prefiltered(
    r"\b(?:gun|pistol|rifle|shotgun|knife|blade|razor|pills|tablets|rope|noose)s? (?:is |are )?"
    r"(?:in|on) my (?:lap|hands?|palm)\b|\b(?:holding|i'?m holding|i am holding) (?:a |the |my |"
    r"\w+'s )?(?:gun|pistol|rifle|shotgun|knife|blade|razor|rope)\b"
)
_USING_IT = Prefiltered(
    r"\b(?:thinking|thought|think) (?:about|of) using (?:it|them)\b|\b(?:sit|sat|sitting) with "
    r"(?:it|them|the \w+|my \w+)\b[^.!?]{0,40}\b(?:think(?:ing)? about it|wonder(?:ing)?)\b|\band "
    r"(?:think|thinking) about (?:it|doing it)\b|\b(?:want|going|gonna) to "
    r"use (?:it|them)\b(?! to (?:cook|cut (?:the|some)|open|fix|make|chop)\b)"
)
# Thinking of ending it, beside means at hand ("looking at my dad's rifle… thinking about
# ending it"): ideation, though "ending it" alone could be a relationship.
_ENDING_THOUGHT = re.compile(
    r"\b(?:thinking|think|thought|thinks) (?:about|of) (?:ending (?:it|it all|things|my life)|"
    r"killing myself|using it|dying)\b"
)
# A payout that a death would bring, beside a death staged as an accident.
_PAYOUT = re.compile(
    r"\b(?:life insurance|insurance (?:would|will|could) (?:at least )?(?:pay|cover|clear|sort)|"
    r"get the (?:life )?insurance|insurance (?:money|pay ?out)|payout)\b"
)
# Treatment stopped in secret to let death come ("quietly stopped my heart tablets… nature can
# take its course"): a way to die, not an overdose. A decision made with the care team (stopping
# dialysis with the renal team, hospice) is not this.
_STOPPED_TREATMENT = re.compile(
    r"\b(?:stopped|quit|stopping|not been|haven'?t been|gave up|skipping|skipped|throwing away|"
    r"binned|flushed) (?:taking |using |going to )?(?:my |all my |the )?(?:heart|blood pressure|"
    r"bp|diabetes|diabetic|insulin|kidney|dialysis|transplant|anti-?rejection|epilepsy|seizure|"
    r"thyroid|blood thinners?|warfarin|chemo\w*|cancer|lithium|antipsychotic)\w*(?: (?:tablets|"
    r"pills|meds|medication|medicine|injections|treatment|sessions|jabs))?\b"
)
_LET_DEATH_COME = re.compile(
    r"\b(?:nature (?:can|will|to) take its course|take its course|save (?:everyone|them|the "
    r"family|my family|my kids)(?: the)?|(?:won'?t|will not|not) be (?:around|here) (?:much )?"
    r"(?:long|longer)|(?:nobody|no one|no-one) knows|on purpose|deliberately|let (?:it|nature|god) "
    r"(?:happen|decide|take)|(?:end|finish) (?:it|things)|don'?t want to (?:be here|go on|live|"
    r"wake up)|burden|(?:hope|hoping|so) (?:it|my heart|i) (?:just )?(?:stops|gives out|goes|"
    r"don'?t wake))"
)
_WITH_CARE_TEAM = re.compile(
    r"\b(?:care team|palliative|hospice|consultant|nephrologist|oncologist|renal team|"
    r"(?:my|the) (?:doctors?|team|specialist) (?:and i|agreed|said|know|supports?)|we (?:decided|"
    r"agreed)|advance (?:directive|decision)|end of life care|comfort care|dnr)\b"
)
_TOLD_WHAT_TO_DO = re.compile(
    r"\b(?:tell(?:s|ing)?|told|order\w*|want(?:s|ing)?|instruct\w*) me (?:what )?(?:i (?:have|"
    r"need|must|am meant) to|to) (?:do )?(?:to|with) (?:him|her|them|the baby|my baby|my (?:son|"
    r"daughter))\b|"
    # "god told me my baby needs to be baptised in the river tonight"
    r"\b(?:tell(?:s|ing)?|told|order\w*|show(?:s|ed|ing)?) me (?:that )?(?:my|the|our) (?:baby|"
    r"newborn|son|daughter|little one) (?:needs? to|has to|must|is meant to|should|ought to)\b|"
    # "a voice that says to put her in the bath and not take her out"
    r"\b(?:says?|said|saying|tells?|told|telling)(?: me)? to (?:\w+ ){1,3}(?:her|him|the baby|"
    r"my baby)\b"
)
# What tells them, when it is no person: the TV, the radio, signs, messages, voices.
_UNSEEN_TELLER = re.compile(
    r"\b(?:the (?:tv|telly|television|radio|signs?|messages?|numbers|lights|walls|news)|voices?|"
    r"god|the devil|angels?|demons?)\b[^.!?]{0,40}\b(?:tell|told|order|want|instruct)"
)
_EASY_THOUGHT = re.compile(
    r"\b(?:think|thinking|thought|thinkin)(?: about)? (?:how )?(?:easy (?:it (?:would|could) "
    r"be|it'?d be)|(?:it'?d|it would|it could) be (?:so |really |too )?easy)\b"
)
# A question of one's own supply that asks about dying.
_OWN_LETHAL_ASK = re.compile(
    r"\bmy\b[^.!?]{0,40}\b(?:would it take to (?:die|kill|end it|not wake up)|(?:is|be|are) "
    r"(?:lethal|fatal|enough to (?:die|kill))|to (?:kill myself|not wake up))"
)
# A weapon thought of against oneself: "keep thinking about using it on myself".
_ON_MYSELF = Prefiltered(
    r"\b(?:us(?:e|ing)|turn(?:ing)?|point(?:ing)?|put(?:ting)?) (?:it|them|that|the \w+) "
    r"(?:on|at|against|to) (?:myself|my (?:head|chest|temple))\b"
)
# A poison to drink: "I want to drink some [bleach]".
_POISON = re.compile(
    r"\b(?:bleach|antifreeze|weed ?killer|drain cleaner|rat poison|pesticide|paraquat)\b"
)
_DRINK_IT = Prefiltered(
    r"\b(?:drink|swallow|drinking|swallowing) (?:it|some|the (?:bleach|antifreeze|weed ?killer|"
    r"drain cleaner|poison)|bleach|antifreeze|weed ?killer|drain cleaner|rat poison)\b"
)
# "get rid of her" after a delusion about her ("my flatmate is a demon").
DELUSIONAL_THREAT = "delusional_threat"
STAY_AWAY_WARNING = "threat_in_code"  # a coded threat: a warning to stay away, a named target
HIDING_MARKS = "hiding_marks"
_DELUSIONAL_TARGET = re.compile(
    r"\b(?:is|are|was|'s) (?:a |the )?(?:demon|devil|evil|possessed|an? imposter|an? impostor|"
    r"replaced|a robot|not (?:really )?(?:my|human))\b"
)
_RID_OF = Prefiltered(
    r"\b(?:got|have|need|must|going|gonna) to (?:get rid of|deal with|stop|destroy) (?:him|her|"
    r"them|it)\b"
)
# A bigger dose than usual, on purpose, not caring what happens ("gonna shoot up a bigger dose
# than usual tonight and not care what happens").
_BIGGER_DOSE = Prefiltered(
    r"\b(?:shoot(?:ing)? up|inject(?:ing)?|do(?:ing)?|take|taking|use|using|snort(?:ing)?|"
    r"smok(?:e|ing))\b[^.!?]{0,20}\b(?:a )?(?:bigger|double|huge|massive|way bigger|much bigger)"
    r" (?:dose|shot|hit|amount|line)"
    r"|\b(?:did|took|used|had|do|doing|take|taking|use|using|shot|snorted)\b (?:way |a lot |much |"
    r"loads |heaps |so much )?more than (?:usual|normal|i usually|i normally|ever|before|i should)"
)
_NOT_CARING = re.compile(
    r"\b(?:not care|don'?t care|do not care|whatever happens|see what happens|if i (?:wake|don'?t "
    r"wake)|hope i don'?t wake|don'?t want to wake)\b"
)
# Using again, or using now, and not caring whether they live ("relapsed on heroin last night and
# honestly I don't care if I wake up"): an overdose the person is indifferent to.
_USING_NOW = Prefiltered(
    r"\b(?:drinking (?:a bottle|\w+ bottles?|every night|all day|heavily)|relapsed|slipped up|"
    r"used again|using again|back on (?:the )?(?:gear|heroin|h|dope|"
    r"fent\w*|oxy\w*|opiates|opioids|smack|pills|benzos|meth|crack)|(?:used|using|shooting up|"
    r"shot up|snorted|smoked|took|taking) (?:\w+ ){0,3}(?:tonight|today|last night|right now|rn|"
    r"now|again)|about to (?:use|shoot up|do (?:a|the) (?:bag|shot|line)))\b"
)
_INDIFFERENT_TO_LIVING = Prefiltered(
    r"\b(?:(?:don'?t|dont|do not|won'?t|wont) (?:really |even |honestly )?care (?:if|whether) i "
    r"(?:(?:don'?t|dont|do not|never) )?(?:wake(?: up)?|live|die|od|overdose|make it|come back|"
    r"come round)|hope i (?:don'?t|dont|"
    r"never) wake|(?:don'?t|dont|do not) want to wake up|if i (?:od|overdose|die),? (?:i )?"
    r"(?:od|overdose|die)|whatever happens happens)\b"
)
# A warning to stay away with what is coming ("tmrw 2nd period, bringing it, don't come in", "fr
# dont come in tmrw. they gonna learn"): a threat to a school or workplace in coded words. The
# warning alone is a boss's or a friend's everyday message; it needs the second half.
_STAY_AWAY = Prefiltered(
    r"\b(?:don'?t|dont|do not|not to) come (?:tmrw|tomorrow|tmr|2moro|on \w+day|\w+day)\b|"
    r"\b(?:don'?t|dont|do not|don't you|not to) (?:come|go|be) (?:in|to school|to class|to lunch|"
    r"to (?:the )?(?:assembly|game|dance|pep rally|office)|at school|in (?:\w+ )?period)\b|"
    r"\b(?:stay|stay at) home (?:tmrw|tomorrow|tmr|2moro|on \w+day|\w+day)\b|\bskip (?:school|"
    r"class|\w+ period|lunch)\b|\bstay away from (?:school|the office|work|class|the \w+)\b"
)
_WHAT_IS_COMING = Prefiltered(
    r"\b(?:\d(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|last) period\b|\bbring(?:ing|"
    r"in)? (?:it|something|the (?:thing|stuff|heat|piece))\b|\b(?:they|everyone|everybody|he|she|"
    r"them)(?:'re| are| is|'s|'ll)? (?:gonna |going to |will |finna |bout to )?(?:learn|"
    r"pay(?! (?:for|back|up|off|out)\b)|regret|see|find out|get it)\b|\bnot playing around\b|"
    r"\bjust don'?t\b|\bit'?s (?:going|gonna) (?:down|happen)\b|\bwhat'?s coming\b"
)
# Going after a named person with a death said ("gonna pull up on Marcus after practice, he won't
# see next week"): harm to others in street words.
_GOING_AFTER = Prefiltered(
    r"\b(?:pull(?:ing)? up on|run(?:ning)? up on|slid(?:e|ing) on|spin(?:ning)? (?:the|his|her) "
    r"block|catch(?:ing)? (?:him|her|them) (?:lacking|slipping)|lay(?:ing)? (?:him|her|them) "
    r"down|smok(?:e|ing) (?:him|her|them)|get(?:ting)? (?:him|her|them) (?:done|handled)|i (?:got|"
    r"have) something for (?:him|her|them)|(?:who|that) (?:jumped|robbed|snitched on|disrespected|"
    r"hurt|beat up|attacked|stabbed|shot at) me)\b"
)
_WONT_SEE = Prefiltered(
    r"\b(?:he|she|they|him|her|them|[a-z]+)(?: (?:won'?t|wont|ain'?t|aint|isn'?t|not|never) "
    r"(?:gonna |going to )?(?:see|make it to|live to see|wake up)) (?:another (?:day|week|weekend)|"
    r"next week|tomorrow|the weekend|monday|his next|her next|their next|sunday|friday)\b|"
    r"\b(?:lacking|slipping)\b"
)
# Marks to hide from school, work or family ("my arms look bad, how do I hide marks for school"):
# self-harm told by what it leaves.
# A gun in street words, or any gun, carried or just got, beside a target said to be done ("got a
# strap from my cousin, that kid is done", "glizzy in my backpack, lunch is gonna be loud").
_ARMED_NOW = Prefiltered(
    r"\b(?:got|picked up|copped|bought|have|carrying|bringing|grabbed|holding|packing) (?:a |the |"
    r"my |his |\w+'s )?(?:strap|blick(?:y|ey)?|glizz(?:y|ies)|choppa|draco|burner|ratchet|gun|"
    r"pistol|glock|piece)\b|\b(?:strap|blick(?:y|ey)?|glizz(?:y|ies)|choppa|draco|gun|pistol|"
    r"glock) (?:is )?in (?:my|the) (?:backpack|bag|waistband|car|locker|hoodie)\b"
)
_ON_SOMEONE = Prefiltered(
    r"\b(?:is|'s) (?:so )?done\b|(?<!\byou )(?<!\bi )(?<!\bwe )\b(?:gonna|going to) (?:find out|"
    r"learn)\b|\b(?:is|gonna|going to) "
    r"be loud\b|\bwon'?t see\b|\bit'?s over for\b|\bon sight\b|\bfinna\b|\b(?:he|she|they)(?:'s|"
    r"'re| is| are) dead\b|\bthat (?:kid|guy|dude|boy|girl|man)\b"
)
_IN_GAME_OR_SPORT = re.compile(
    r"\b(?:game|fortnite|cod|warzone|gta|valorant|apex|minecraft|roblox|paintball|airsoft|nerf|"
    r"laser tag|hunting|deer|range|target practice)\b"
)
_HIDE_MARKS = Prefiltered(
    r"\b(?:hide|hiding|cover|covering|cover up|conceal|concealing) (?:up )?(?:the |my |these |"
    r"those |fresh |new )?(?:fresh |new |red )?(?:marks|cuts|scars|scratches|burns|lines)\b"
    r"(?! (?:on|from) (?:the|my) (?:car|wall|table|floor|door|desk|fridge|paint))"
)
_HIDE_MARKS_OTHERWISE = Prefiltered(
    r"\b(?:long sleeves|sleeves|a hoodie|hoodies|bracelets?|wristbands?|plasters?|band-?aids?)\b"
    r"[^.!?]{0,40}\b(?:so (?:nobody|no one|they|people|my \w+)|to (?:hide|cover))\b[^.!?]{0,30}"
    r"\b(?:cuts|marks|scars|scratches|burns)\b|\b(?:excuse|explain|what (?:do i|to|should i) "
    r"say)\b[^.!?]{0,30}\b(?:cuts|marks|scars|scratches|burns) on my (?:arms?|wrists?|legs?|"
    r"thighs?|stomach)\b"
)
_BODY_OR_WHO_SEES = re.compile(
    r"\b(?:arms?|wrists?|thighs?|legs?|stomach|forearms?|skin|sleeves?|school|pe|gym|swim\w*|my "
    r"(?:mum|mom|dad|parents|teacher|coach|boyfriend|girlfriend)|fresh|new ones?)\b"
)
# A denial said first, with no cue to negate ("not suicidal dont worry, just stressed").
_DENIAL_OPENING = re.compile(
    r"^\W*(?:no[,.!]? |nah[,.!]? )?(?:i'?m |im |i am )?(?:not|never been) suicidal\b"
)
# Dying and death in a medical frame (`protective:end_of_life`).
_END_OF_LIFE = Prefiltered(
    r"\b(?:hospice|palliative|end[- ]of[- ]life|terminal(?:ly ill)?|put (?:him|her|them|my \w+|our "
    r"\w+) to sleep|put (?:my|our|the) (?:old )?(?:dog|cat|horse|pony|pet|rabbit|puppy|kitten) "
    r"down|(?:had|have|having) to (?:have )?(?:\w+ ){0,3}put (?:down|to sleep)|(?:was|were) put "
    r"(?:down|to sleep)(?! like)|dnr|last rites|(?<!\bi )(?<!\bi'm )(?:is|was|are|were) dying|died "
    r"(?:peacefully|in (?:her|his|their) sleep)|passed away|the vet)\b"
)
# An assisted death framed so only when it is someone else's (a parent's, a pet's): the
# speaker's own reading about one, or a clinic abroad, is not held back.
_ASSISTED_DEATH = Prefiltered(
    r"\b(?:(?:assisted|assistance in|aid in) dying|assisted (?:death|suicide)|\bmaid\b"
    r"(?! of honou?r)|dignitas|euthani[sz]\w*)\b"
)
# A plan of one's own said beside it ("I'm still planning it for after the christening", "I
# drove the route yesterday"): never framed so.
_OWN_PLAN_WORDS = re.compile(
    r"\b(?:i'?m|i am) (?:still )?planning\b|\bplanning (?:it|on it)\b|\bmy plan\b|\bi(?:'ve|"
    r" have) (?:made up my mind|decided)\b|\b(?:i'?ll|i will) do it\b|\bthe (?:route|spot)\b|"
    r"\bwhen i go\b"
)
# The speaker's own wishes said beside it ("I can't do this without her", "I wish it was me"):
# theirs to be read, not framed by someone else's dying.
_OWN_WISH = re.compile(
    r"\bi (?:just |really |honestly )?(?:want(?! to (?:plan|say|write|talk|know|spend|make|tell|"
    r"ask|be there|help))|wish|(?:can'?t|cannot)(?! (?:stop crying|believe|sleep|eat|stop "
    r"thinking about (?:him|her|them)))|don'?t want|feel like|would rather|'d rather|keep "
    r"thinking|think about)\b|\bno point\b|\bnothing left\b|\bwithout (?:him|her|them)\b|\bjoin "
    r"(?:him|her|them)\b|\bme next\b"
)
_SOMEONE_ELSES = re.compile(
    r"\b(?:my|our|his|her|their) (?:\w+ )?(?:mum|mom|mother|dad|father|grandma|grandmother|grandad|"
    r"granddad|grandpa|grandfather|nan|nana|granny|husband|wife|partner|aunt|auntie|uncle|sister|"
    r"brother|friend|son|daughter|dog|cat|horse|pony|pet|rabbit)\b"
)
# Medicine the doctors or nurses give ("doctors give her morphine for the pain") is care, not a
# means; one kept or saved ("saving my mum's morphine") is.
_GIVEN_BY_CARERS = re.compile(
    r"\b(?:doctors?|nurses?|they|the hospice|staff|the team) (?:\w+ )?(?:give|gives|gave|giving|"
    r"started|put) (?:her|him|them) (?:on )?(?:\w+ )?(?:morphine|painkillers|pain relief|"
    r"medication|sedation)\b|\bon (?:a )?(?:morphine|syringe driver)\b"
)
# A means named beside it ("saving my mum's morphine from the hospice") is never framed so.
_MEANS_NAMED = re.compile(
    r"\b(?:" + _PILLS + r"|" + _GUN + r"|morphine|syringes?|needles?|rope|noose|ligature|blades?|"
    r"razors?|knife|knives|overdos\w*|poison\w*)\b"
)
# "I don't want to be here tomorrow and I won't be."
_NOT_HERE_TOMORROW = Prefiltered(
    r"\b(?:don'?t|do not) want to be (?:here|alive|around) (?:tomorrow|anymore|any more)[^.!?]"
    r"{0,20}\band i won'?t be\b"
)
COMMAND_HEARD = "command_hallucination_heard"
WEAPON_AND_WAITING = "weapon_and_waiting"
# The rules' signals (below, not cues) that say the speaker's own life is at risk: with one of
# them a condition found beside it (voices, an eating disorder, OCD) does not take the crisis
# reply away from suicide (`theralab.safety.protocol`). Not `means_with_risk`: a means word
# beside a condition's risk is what a manic plan or an OCD product question trips.
SUICIDE_RULE_SIGNALS = frozenset(
    {
        "means_access_with_ideation",
        "preparation",
        "postponed_attempt",
        "plan_means_time",
        "fiction_as_proxy",
        "self_harm_with_suicidal_intent",
        "supply_taken",
        "about_to_go_over",
        "found_then_in_care",
        "overdose_with_symptoms",
        "plan_ready_now",
        "means_in_hand_with_intent",
        "poison_to_drink",
        "not_here_tomorrow",
        "bigger_dose_not_caring",
        FAMILY_TOO,
        "intent_with_time",
        "pills_plan_not_wake_up",
        "end_it_with_gun",
        "told_to_die_and_agrees",
        "blade_blood",
        "preoccupied_with_dying",
        "emoji_pills_plan",
        "emoji_blade_site",
        "sitting_with_means",
    }
)
_DONT_STOP_ME = Prefiltered(
    r"\b(?:don'?t|do not|dont) (?:want (?:anyone|anybody|you|them) to )?(?:try (?:and|to) )?"
    r"stop me\b"
)
# About to go over an edge ("I'm about to step off"), said with a farewell or "don't stop me":
# `imminent`. (Alone, "about to jump" is as often a pool or a parachute.)
# Others telling the speaker to die ("people in the group chat keep telling me to kys", "they
# keep commenting 'just unalive yourself'"), and the speaker agreeing with them.
_VETERAN = Prefiltered(
    r"\b(?:i'?m a veteran|i am a veteran|(?:army|navy|marine|military|combat|war|vietnam|iraq|"
    r"afghanistan|gulf war|korea) vet(?:eran)?|veteran here|vet here|ex[- ](?:army|military|"
    r"forces|marine|navy)|i served (?:in|two|three|\d+) |my (?:service|army) (?:pistol|rifle|"
    r"weapon)|when i was deployed|my deployment|(?:two|three|\d+) tours)\b"
)
_PERINATAL = Prefiltered(
    r"\b(?:my (?:new ?born|baby)|(?:baby|she|he|son|daughter)(?:'s| is) (?:\d+|two|three|four|five|"
    r"six) (?:days?|weeks?|months?) old|gave birth|giving birth|postpartum|post-partum|post natal|"
    r"postnatal|since (?:the|my) (?:baby|birth)|(?:new|first-time) (?:mum|mom|mother|dad|parent)|"
    r"i had (?:her|him|the baby|my baby|my (?:son|daughter)|them) (?:\d+|a|one|two|three|four|five|"
    r"six) (?:days?|weeks?|months?) ago|since (?:she|he|the baby|they|my (?:son|daughter)) (?:was|"
    r"were) born|(?:days?|weeks?|months?) since (?:my|the|our) (?:baby|son|daughter|little one|"
    r"twins) (?:was|were) born|(?:my|our|the) (?:baby|son|daughter|twins) (?:was|were) born (?:\d+|"
    r"two|three|four|five|six|a few|a couple of) (?:days?|weeks?) ago)\b"
)
PERINATAL = _PERINATAL  # a new parent, for readers of a whole conversation (the guardrail)
_BABY_IN = re.compile(r"\b(?:baby|newborn|new born|son|daughter|little one)\b")
# Beliefs about the baby, read only after a birth ("she's a replacement, an impostor, my real baby
# is somewhere else", "this baby is not mine, mine was taken", "she's reporting to someone").
_BABY_DELUSION = re.compile(
    r"\b(?:(?:she|he|shes|hes)(?:'s| is)? (?:a |an )?(?:replacement|impostor|imposter|changeling|"
    r"fake|clone|robot|not (?:really )?(?:mine|ours|my (?:real )?(?:baby|son|daughter)))\b|"
    r"my real (?:baby|son|daughter) (?:is|was)\b|(?:this|the) baby (?:is not|isn'?t) (?:mine|ours|"
    r"my (?:real )?baby)|mine was (?:taken|swapped|switched)|(?:the baby|she|he)(?:'s|"
    r" is)? (?:reporting|spying|reporting back) (?:to|on)\b|(?:has been|was|"
    r"got) replaced by (?:something|someone|a thing|an? \w+ that looks like))"
)
_BABY_PRONOUN = re.compile(r"\b(?:she|he|her|him|she'?s|he'?s)\b")
# The speaker was raped or sexually assaulted, at any time: a sexual-assault line beside the
# others (`sexual_violence`; the level is the cues' business).
_SEXUAL_VIOLENCE = Prefiltered(
    r"\b(?:i (?:was|got|have been|'ve been|had been)|i'?ve been) (?:raped|"
    r"molested|sexually (?:assaulted|abused)|drugged and raped|roofied)\b|\b(?:he|she|they|"
    r"someone|somebody|a guy|a man|a stranger|my (?:\w+ )?\w+) (?:raped|molested|sexually "
    r"(?:assaulted|abused)) me\b|\bmy (?:rape|sexual assault)\b"
)
SEXUAL_VIOLENCE = "sexual_violence"
_LGBTQ = Prefiltered(
    r"\bi'?m (?:\d+ and |a )?(?:gay|lesbian|bi|bisexual|trans|transgender|queer|nonbinary|"
    r"non-binary|enby|pan|pansexual)\b|\b(?:came|coming) out (?:to|as)\b|\bi came out\b(?! (?:of|"
    r"from|in|on|at|with|ok|okay|fine|alright|better|worse|clean|negative|positive|top|ahead)\b)|"
    r"\b(?:since|after|when|"
    r"before) i came out\b(?! of)|\b(?:about|before|after|since|of|thinking about|scared of|"
    r"afraid of|nervous about) coming out\b(?! of)|\bmy (?:sexuality|"
    r"gender identity)\b|\b(?:for|because i'?m|about) being (?:gay|trans|queer|bi|lesbian)\b"
)
_ADULT_CONTACT = Prefiltered(
    r"\b(?:(?:he|she|they|my (?:\w+ )?(?:boyfriend|girlfriend|bf|gf|friend|mate)|(?:this|the) "
    r"(?:guy|man|boy))(?:'s| is| are) (?:like |about |maybe |probably )?(?:1[89]|[2-9]\d)\b|"
    r"(?:a|this|an older) (?:guy|man|woman|adult|lady) (?:from|in|on) (?:a |the |my )?(?:game|"
    r"server|app|discord|roblox|minecraft|fortnite|insta\w*|snap\w*|tiktok|group|chat)|(?:coach|"
    r"teacher|tutor|"
    r"guy|man|boyfriend|bf|girlfriend|gf|friend|neighbou?r|uncle|he|she) ?\((?:1[89]|[2-9]\d)\)|"
    r"(?:hes|shes) (?:like |"
    r"about |maybe |probably )?(?:1[89]|[2-9]\d)\b|(?:a |this )?(?:guy|man|woman|"
    r"lady|adult) (?:online|on (?:discord|insta\w*|snap\w*|tiktok|roblox|minecraft|fortnite|"
    r"whatsapp))|older (?:guy|man|woman|boy)|grown (?:man|woman|up))"
)
_GROOMING_ASK = re.compile(
    r"\b(?:keep (?:our |the |it |this |these |us )?(?:chats?|messages|talks?|it|this|us|a)? ?"
    r"secret|(?:has|have|needs?) to (?:be|stay) (?:a )?secret|our (?:little |special )?secret|keep "
    r"(?:it|this|us|things|everything) between us|keep our \w+ secret|(?:bought|sent|got) me a "
    r"(?:train|bus|plane|coach) ticket|(?:mum|mom|parents|dad) (?:thinks?|think) (?:i'?m|im) at|"
    r"(?:not|never|"
    r"don'?t|shouldn'?t|should not|can'?t|mustn'?t) (?:to )?tell (?:my|anyone|anybody|your)|meet "
    r"(?:me|up|in person)|send (?:him |her |them )?(?:pics|pictures|photos|nudes|videos)|asked "
    r"(?:me )?for (?:a |some |more )?(?:pics?|photos?|pictures?|selfies?|nudes)|pick me up "
    r"(?:from|after) school|(?:come|go|going|coming) (?:back )?to his (?:apartment|flat|place|"
    r"house|car))\b"
)
_SEXTORT_THREAT = Prefiltered(
    r"\b(?:post|send|share|leak|show|spread)\w* (?:them|it|those|these)\b[^.!?]{0,40}\b(?:unless "
    r"i|if i (?:don'?t|dont|do not))\b[^.!?]{0,12}\b(?:pay|send)\b"
)
_SEXTORT_OR = Prefiltered(
    r"\b(?:pay|send|give)\b[^.!?]{0,50}\b(?:or|else|otherwise) (?:the|my|those|these|all the|all "
    r"my) (?:video|vid|pics?|pictures?|photos?|nudes|images?|recording)\b[^.!?]{0,12}\b(?:goes|go|"
    r"gets?|will|get sent|gets posted|is going)\b"
)
# Money or more pictures demanded, or what they hold goes to someone ("pay 300 in gift cards or
# your boss sees everything", "they want $1000 or they'll leak them to my job").
_PAY_OR_EXPOSE = Prefiltered(
    r"\b(?:pay|send|give)\b[^.!?]{0,40}\b(?:or|otherwise|"
    r"else)\b[^.!?]{0,40}\b(?:sees? (?:everything|them|it|those|all)|will see|gets? (?:them|it|"
    r"everything|sent)|leak\w*|post\w*|share\w*|expose\w*)\b|"
    r"\bwants? \$?\d+\w*[^.!?]{0,20}\bor (?:they|he|she)(?:'ll| will| are going to| gonna|"
    r" is going to) (?:leak|post|send|share|show|expose)\b"
)
_LITHIUM = Prefiltered(r"\b(?:lithium|priadel|camcolit|lithobid|eskalith)\b")
# Lithium toxicity: being sick beside a sign in the nerves or brain (a fine tremor alone is a
# common, harmless side effect).
_TOXICITY_GUT = re.compile(r"\b(?:throwing up|vomit\w*|been sick|being sick|diarrh\w*)\b")
_TOXICITY_NERVES = re.compile(
    r"\b(?:confus\w*|muddled|unsteady|wobbly|can'?t walk straight|slurr\w*|drows\w*|"
    r"twitch\w*|shak(?:ing|y)|trembl\w*|tremor\w*)\b"
)
_SHOOK_BABY = Prefiltered(
    r"\bi\b(?: \w+){0,8} (?:shook|shake|shaking|shaked|shaken) (?:him|her|them|my (?:baby|son|"
    r"daughter|newborn|infant|little one|boy|girl)|the baby)\b"
)
_INFANT = re.compile(
    r"\b(?:baby|babies|newborn|infant|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven) ?(?:-| )?(?:month|week)s?[- ]old|colic\w*|cot|crib|bottle|nappy|diaper|little one|"
    r"(?:stop|stopped|wouldn'?t stop|won'?t stop|wouldnt stop|wont stop) (?:crying|screaming))\b"
)
_HEAD_INJURY_SIGNS = re.compile(
    r"\b(?:floppy|limp|sleepy|drowsy|really quiet|so quiet|very quiet|won'?t wake|not waking|hard "
    r"to wake|vomit\w*|throwing up|being sick|not breathing|breathing (?:weird|funny|strange)|"
    r"seizure|fitting|twitching|eyes (?:are )?(?:rolling|rolled))\b"
)
# "me and a guy from discord are going to end it together": the speaker is in it, whoever else
# the sentence names (a third party elsewhere turns the cue off).
_ME_AND_THEM_PACT = Prefiltered(
    r"\b(?:me and|my \w+ and i|i and)\b[^.!?]{0,40}\b(?:are going to|are gonna|agreed to|"
    r"decided to|promised to|plan to|are planning to)\b[^.!?]{0,10}\b(?:end it|die|kill "
    r"ourselves)\b[^.!?]{0,15}\btogether\b"
)
_TOGETHER_PLAN = Prefiltered(
    r"\bwe(?:'re| are| want| want to| plan| plan to| agreed| decided| promised)?[^.!?]{0,25}\b"
    r"(?:go|going|do it|doing it|end it|ending it|die|dying)\b[^.!?]{0,6}\btogether\b"
)
_MEANS_READY = re.compile(
    r"\b(?:we|both of us)(?: (?:already|both|all))* (?:have|got|'ve got) (?:the|our|enough|all "
    r"the) (?:pills|tablets|rope|gun|stuff|everything)\b|\b(?:our|the) (?:stuff|pills|tablets|"
    r"everything) (?:is |are )?ready\b|\bboth have (?:our|the) (?:stuff|pills|things) ready\b"
)
_IMAGE_WORDS = re.compile(
    r"\b(?:pics|pictures|photos|nudes|videos?|vids|screenshots|images|video call)\b"
)
_CHILD_NEAR = re.compile(
    r"\b(?:baby|newborn|infant|toddler|cot|crib|nursery|my (?:son|daughter|kid|kids|child|"
    r"children|little one|boy|girl)|(?:she|he)(?:'s| is) (?:[1-9]|one|two|three|four|five|six)"
    r"(?: years? old| months? old|yo)?\b|(?:my|our) (?:\d|one|two|three|four|five)[- ]year[- ]old)"
    r"\b"
)
_SECRET_KEPT = re.compile(
    r"\b(?:our (?:little )?secret|(?:not|never) to tell|promise not to tell|(?:has|have|needs?) to "
    r"(?:be|stay) (?:a )?secret|(?:can'?t|cannot|mustn'?t) tell (?:anyone|anybody|my|mum|mom))\b"
)
_MATURE_FOR_AGE = Prefiltered(r"\b(?:so |really |very )?mature for (?:my|your|ur) age\b")
_GROOMING_SIGN = re.compile(
    _GROOMING_ASK.pattern
    + r"|\bmature for (?:my|your) age\b|\b(?:delete|remove|clear|wipe) (?:our|the|my|his|all "
    r"(?:our|the|my) )?(?:messages|chats?|chat history|dms|texts|history)\b"
)
_SITTING_WITH_MEANS = Prefiltered(
    r"\b(?:i (?:just )?(?:sit|sat)|sitting)(?: there| alone| in the \w+)? with (?:the|a|my|his|"
    r"dad'?s) (?:rope|noose|gun|rifle|pistol|shotgun|pills|tablets|blade|razor|knife)\b[^.!?]{0,40}"
    r"\b(?:in my (?:hands?|lap)|for hours|at night|and (?:think|wonder|stare))"
)
_A_PLAN = re.compile(r"\b(?:the plan|my plan|plan for|planning|going to|gonna|will)\b")
_ALL_I_THINK_ABOUT = Prefiltered(
    r"\b(?:suicide|dying|death|killing myself|ending it|ending my life) (?:is|has been|'s) (?:all|"
    r"the only thing) i (?:can )?(?:think|thought) (?:about|of)\b"
)
_DEATH_WORD = re.compile(r"\b(?:grave|coffin|forever|goodbye|bye|the end)\b")
_BODY_SITE = re.compile(r"\b(?:wrists?|arms?|thighs?|legs?|skin|veins?)\b")
_BLADE_BLOOD = Prefiltered(r"\b(?:knife|blade|razor)s? blood\b")
_GUN_WORD = Prefiltered(r"\b" + _GUN + r"\b")
_END_IT = re.compile(
    r"\bi(?:'m| am)?(?: \w+){0,2}? (?:want to|going to|ready to|about to) end it\b|"
    r"\bi(?:'ll| will) end it\b"
)
_TOLD_TO_DIE = Prefiltered(
    # "kys is what everyone at school tells me"
    r"\b(?:kill yourself|kys|go die)\b[^.!?]{0,20}?\b(?:is|was|'s) what (?:everyone|everybody|"
    r"people|they|the \w+|all of them)\b[^.!?]{0,30}?\b(?:tells?|told|says?|said|calls?|posts?|"
    r"comments?|writes?)\b me|"
    r"\b(?<!you )(?<!you've )(?<!you have )(?:tell(?:s|ing)?|told|say(?:s|ing)?|said|"
    r"comment(?:s|ed|ing)?|post(?:s|ed|ing)?|messag(?:e|es|ed|ing)|text(?:s|ed|ing)?|dm(?:s|ed|"
    r"ing)?|writ(?:e|es|ing)|wrote|chant\w*|"
    r"call(?:s|ed|ing)? me)\b[^.!?]{0,60}?\b(?:kill yourself|go (?:and )?die|me to (?:just )?(?:go "
    r"(?:and )?)?die|you should (?:just )?die|hang yourself|end (?:yourself|your life)|drink "
    r"bleach|jump off a (?:bridge|building|cliff)|me to (?:just )?(?:go (?:and )?)?(?:kill|hang|"
    r"unalive) myself)\b"
)
# ...said over and over, or by many: "keep telling me", "under all my posts", "every day"
_TOLD_OFTEN = re.compile(
    r"\b(?:keep|keeps|kept|always|every (?:day|time|night)|all the time|constantly|again|everyone|"
    r"everybody|all of them|group ?chat|comments?|all my posts|people|ppl|they all)\b"
)
_AGREES_WITH_THEM = Prefiltered(
    r"\b(?:maybe|probably|perhaps|honestly|i think|starting to think|beginning to think|i guess|"
    r"i agree|might be|tbh)\b[^.!?]{0,25}\b(?:(?:they|she|he)'?(?:re|s) right|(?:they|she|he) "
    r"(?:are|is) right|they'?ve got a point|(?:they|she|he) (?:have|has) a point|(?:they|she|he)"
    r"'?(?:re|s) not wrong|(?:they|she|he) (?:might|could) be right|right about me|i should|i "
    r"deserve (?:it|to))\b|\b(?:they|she|he) (?:might|may|could) (?:be right|have a point)\b|"
    r"\b(?:maybe|probably) i (?:should|deserve|will|might)\b|\band i (?:want to|wanna|might|will|"
    r"think about it|'?m thinking about it)\b|\bi(?:'m| am) (?:starting|beginning) to (?:agree|"
    r"believe (?:them|her|him))\b|\bi think i (?:will|might|should|want to)\b|\bi(?:'ve| have) "
    r"been thinking (?:about|of) (?:it|doing it|that)\b|\bi(?:'m| am) (?:going to|gonna)(?: do it)?"
    r"\b|\bi (?:will|might) (?:do it|actually)\b"
)
_ABOUT_TO_GO_OVER = Prefiltered(
    r"\babout to (?:step off|jump|let go|go over)(?=\s*(?:[.!,]|$| the (?:edge|ledge|bridge|"
    r"roof|platform|cliff|railing)))"
)
_FAREWELL = Prefiltered(
    r"\b(?:goodbye|good bye|bye everyone|sorry|i love you|love you all|forgive me|this is it)\b"
)
# Found or stopped, then in care: "my sister found me, we're at the ER", "the guard grabbed me,
# now I'm with two paramedics" — a recent attempt (`high`).
_FOUND_ME = Prefiltered(
    r"\b(?:found me(?! (?:a|an|some|the|my|this|that|another|one)\b)|talked me down|pulled me "
    r"(?:out|back|off)|grabbed me|got me (?:down|off|out))\b"
)
# …unless the care was for an accident ("the police found me when I got lost hiking") or is
# over ("I was in hospital for five weeks")
_ACCIDENT = Prefiltered(
    r"\b(?:got lost|accident|accidentally|slipped|tripped|hiking|climbing|skiing|crash(?:ed)? "
    r"(?:my|the|into)|broke my|concussion|flu|fever|asthma|allergic|(?:was|were) in (?:the )?"
    r"(?:hospital|ward|icu) for)\b"
)
_IN_CARE = Prefiltered(
    r"\b(?:hospital|er|a&e|a and e|ambulance|paramedics?|icu|intensive care|drip|narcan|charcoal|"
    r"stomach pumped|psych ward|ward)\b"
)


_YOU_ASKED = Prefiltered(
    r"\b(?:(?:do|did|have|are|were|could|can|will|would) (?:you|u) (?:still )?(?:have|got|take|"
    r"took|taken|keep|hold|holding|near|at|on|with|put|give|hand|lock|get rid|throw|flush|move|"
    r"bring|store|leave|need)|(?:you|u)(?:'ve| have)? (?:got|taken|took|still have)|your (?:\w+ )?"
    r"(?:pills|meds|medication|tablets|gun|rifle|rope|knife|blades?|razors?|stash|place|house|"
    r"room|flat|home|car))\b"
)
_LETHAL = Prefiltered(
    r"\b(?:lethal|fatal|to die|kill|painless|overdose|die|dying|survive|bleed out|drown|deadly|"
    r"enough to|hurt the least|dangerous|before it'?s|too (?:many|much)|safe)\b"
)


_WORRIED_FOR_OTHER = re.compile(
    r"\b(?:i'?m|i am|i feel|we'?re|we are) (?:really |so |a bit |quite |very )?(?:worried|"
    r"concerned|scared|anxious) (?:about|for) (?:him|her|them|my \w+|our \w+)\b|\bhow (?:do|can|"
    r"should) (?:i|we) (?:bring (?:it|this) up|talk to (?:him|her|them)|help (?:him|her|them)|"
    r"approach (?:him|her|them)|raise (?:it|this))\b|\bshould i say something\b"
)


def _means_asked_of_other(t: str) -> bool:
    """A supporter's safety question about the reader's means ("do you have the pills with
    you?", "how many did you take?"): second person, no first person, no lethality."""
    found = [m for rx in (MEANS_WORDS, MEANS_INQUIRY) for m in rx.finditer(t)]
    if not found:
        return False
    for m in found:
        sentence, _ = _sentence(t, m.start(), m.end())
        if (
            not _YOU_ASKED.search(sentence)
            or _FIRST_PERSON_CLAUSE.search(sentence)
            or _LETHAL.search(sentence)
        ):
            return False
    return True


def _own_stressor(t: str) -> bool:
    """A stressor the speaker reports for themselves, not one a supporter names back to the
    reader ("your girlfriend leaving you must hurt")."""
    for m in STRESSOR.finditer(t):
        sentence, offset = _sentence(t, m.start(), m.end())
        if _SECOND.search(sentence) and not _FIRST_PERSON_CLAUSE.search(sentence):
            continue
        if _supporter_frame(sentence, m.start() - offset):
            continue
        return True
    return False


def _in_game(t: str, rx: Prefiltered) -> bool:
    """Every sentence where rx matches is about a game (not a game elsewhere in the post)."""
    found = [_sentence(t, m.start(), m.end())[0] for m in rx.finditer(t)]
    return bool(found) and all(_GAMING.search(sentence) for sentence in found)


# A time for the act ("tonight", "in an hour"), not the everyday "now I feel".
_SOON = _NOW.replace("|now|", "|")

# A message made only of greetings, thanks, goodbyes, good wishes and acknowledgements ("Hi,
# how's it going?", "ok thanks, have a good christmas", "Goodbye!"): nothing in it for a
# statistical tier to read risk from. Its raise is capped to a check-in; "thank you for
# everything" and "I'm going now" are not in the list (finality), and the pattern tier's own
# cues ("goodbye forever", "final goodbye") are never capped.
_PLEASANTRY_PART = (
    r"(?:hi|hello|hey|hiya|heya|yo|there|good (?:morning|afternoon|evening|night)|"
    r"how(?:'?s| is| are)? (?:it going|things|you|u|your day)(?: doing| today)?|how r u|"
    r"what'?s up|sup|nice to (?:meet|talk to) you|thanks?(?: you| u)?(?: so much| very much| "
    r"a lot| again)?(?: for (?:your|the|all your|all the) (?:help|time|advice|chat|talk|"
    r"listening|support|tips|ideas))?|thank u|thx|ty|cheers|bye(?: bye)?|good ?bye|"
    r"see (?:you|ya|u)(?: later| soon| around)?|take care(?: of yourself)?|talk (?:to you )?"
    r"(?:later|soon)|later|cya|ttyl|have a (?:good|nice|great|wonderful|lovely|blessed|happy) "
    r"(?:day|night|evening|weekend|one|christmas|xmas|holiday|holidays|new year|thanksgiving|"
    r"week|morning|afternoon)|(?:merry|happy) (?:christmas|xmas|holidays|new year|"
    r"thanksgiving|easter|diwali|eid)|you too|same to you|"
    r"(?:and |what about |how about )?(?:you|u)|ok(?:ay)?|k|kk|sure|yes|"
    r"yeah|yep|yup|no|nope|cool|great|awesome|nice|lol|haha|hah|amen|god bless(?: you)?|"
    r"sounds (?:good|great)|will do|i will|(?:i'?m|im|i am) (?:good|fine|ok|okay|well|"
    r"alright)|you'?re welcome|np|no problem|same|me too|and|so|well|oh|ah|um|hmm|"
    r"(?:that'?s|thats|that is) (?:great|good|helpful|a good idea|very helpful)(?: advice| "
    r"idea| tip)?|"
    # a few emoticons; not any symbol: an emoji (a knife, pills) can carry risk
    r"[:;]-?[)(dp]|<3|\.\.\.|…)"
)
_PLEASANTRY = re.compile(rf"(?:{_PLEASANTRY_PART}[\s,.!?~]*)+")

# A step taken or planned for safety, told in a message that says nothing else: being safe or
# ok for now, reaching out to someone, staying with someone, or means put out of reach ("I
# moved the pills to my roommate's room", "my sister has the key now"). A statistical tier
# reads its words ("tonight", "pills") as an attempt (a protocol's own advice taken was read as
# an overdose); its raise is capped to a check-in, like a pleasantry's. Only a message made of
# nothing but such clauses, thanks and acknowledgements counts: "call my sister to say goodbye",
# "I'm ok but…" and any cue of the pattern tier are not protective.
_PERSON = (
    r"(?:(?:my|our|the|a|an) )?(?:(?:best|close|old|good) )?(?:mum|mom|mam|mother|dad|father|"
    r"parents?|sister|brother|sis|bro|siblings?|partner|husband|wife|boyfriend|girlfriend|bf|gf|"
    r"fianc[eé]e?|friends?|mates?|roomm?ates?|flatmates?|housemates?|neighbou?rs?|family|aunt|"
    r"auntie|uncle|cousin|gran|granny|nan|nana|grandma|grandmother|grandad|grandpa|grandparents|"
    r"son|daughter|kids|therapist|counsell?or|psychiatrist|psychologist|doctor|gp|nurse|"
    r"key ?worker|care coordinator|crisis (?:team|line|service)|helpline|hotline|samaritans|"
    r"lifeline|988|111|someone|somebody|(?:a |the )?pharmacy|(?:a |the )?pharmacist|chemist)"
)
_MEANS_HELD = (
    r"(?:(?:the|my|all (?:the|my)|all of (?:the|my)|those|these|the rest of (?:the|my)|every|"
    r"(?:the )?(?:spare|extra|old|leftover)) )?(?:" + _PILLS + r"|medicines?|tablets|"
    r"painkillers|(?:the )?bottle|(?:the )?box(?:es)?|knife|knives|blades?|razors?|rope|gun|"
    r"rifle|car keys|keys?|lighter|them|it)"
)
_OUT_OF_REACH = (
    r"(?: (?:so|and) (?:i can'?t|i cannot|i won'?t be able to) (?:get (?:to|at) (?:them|it)|"
    r"reach (?:them|it))|(?: so (?:they'?re|it'?s|they are|it is))? (?:out of (?:my )?reach|"
    r"away from me|not near me))"
)
_PERSONS = rf"(?:{_PERSON}(?:'s|s')?(?: (?:room|place|house|flat|car|safe|bag|care))?)"
_SAFETY_CLAUSE = (
    r"(?:(?:so |and |but |also |honestly |actually |anyway |right )?(?:i (?:think|guess|feel "
    r"like|reckon) )?"
    r"(?:"
    # being safe or ok for now
    r"(?:i'?m|i am|im|i feel|i'?ll be|i will be|i should be|i'?m going to be|i'?m gonna be) "
    r"(?:(?:a bit|a little|much|a lot|so much) )?(?:ok|okay|safe|alright|all right|fine|better|"
    r"calmer|good)(?: (?:tonight|today|now|right now|for now|for tonight|at the moment|this "
    r"evening|until (?:morning|tomorrow)))?"
    # reaching out, not being alone
    r"|(?:i'?m (?:going to|gonna)|i'?ll|i will|i can|i could|i'?m about to|i'?m) (?:(?:call|ring|"
    r"phone|text|message|talk to|speak to|see|go to|stay with|stay at|stay over (?:at|with)|"
    r"sleep over at|go and see|go over to|"
    r"reach out to|get in touch with)(?:ing)?) " + _PERSONS + r"(?: (?:tonight|today|now|right "
    r"now|later|tomorrow|in the morning|first thing|this evening|for (?:a bit|a while|the night|"
    r"tonight)))?"
    r"|" + _PERSON + r" (?:is|'s|are) (?:home|here|with me|staying (?:with me|over|the night)|"
    r"coming (?:over|round|around)(?: tonight| later| now)?|on (?:her|his|their|the) way)"
    # a wound cared for, the bleeding stopped ("its stopped now i think. i just put a plaster on")
    r"|(?:it'?s|it has|it|the bleeding(?: has)?|bleeding(?: has)?) (?:stopped|slowed)(?: "
    r"bleeding)?(?: now)?(?: i think| i guess)?|(?:it'?s|it is|it isn'?t|it'?s not|it is not) "
    r"(?:not )?bleeding (?:any ?more|now)|i(?:'ve| have)? (?:just )?(?:put|stuck) (?:a |"
    r"some )?(?:plaster|bandage|band-?aid|dressing)s? on(?: it)?|i(?:'ve| have)? (?:cleaned|"
    r"washed|rinsed|bandaged|dressed|covered) (?:it|the cuts?|them)(?: up)?"
    # means put out of reach
    r"|i(?:'ve| have)? (?:moved|put|gave|given|handed|locked|got rid of|threw|"
    r"thrown|flushed|binned|dropped|returned|left) " + _MEANS_HELD + r"(?: (?:away|over|back|"
    r"out))?(?: (?:to|with|at|in|into|off at|up in|over to) " + _PERSONS + r"|(?: in| into)? "
    r"(?:a |the )?(?:locked|lockable) (?:box|drawer|cupboard|cabinet|safe)|(?: down| in)? the "
    r"(?:toilet|bin|trash|sink))?(?: to (?:look after|keep|hold(?: on to| onto)?|mind)(?: "
    r"(?:them|it))?(?: for me)?)?" + _OUT_OF_REACH + r"?"
    r"|i(?:'ve| have)? (?:moved|put|left) " + _MEANS_HELD + r" (?:(?:in|into|out "
    r"to|to) (?:the |my )?(?:car|boot|shed|garage|attic|loft|basement|office|work))"
    + _OUT_OF_REACH
    + r"|i(?:'ve| have)? locked (?:away |up )?"
    + _MEANS_HELD
    + r"(?: (?:away|up))?(?: (?:in|"
    r"into) (?:a |the |my )?(?:box|drawer|cupboard|cabinet|safe|car|shed|garage))?"
    r"|i gave " + _PERSON + r" (?:the key|" + _MEANS_HELD + r")"
    r"|"
    + _PERSON
    + r" (?:has|'s got|has got|is keeping|is holding|kept|is looking after) "
    + _MEANS_HELD
    + r"(?: (?:now|for me|for now|tonight))?"
    r"|"
    + _MEANS_HELD
    + r" (?:is|are|'s|'re) (?:locked (?:away|up)|gone|out of the house|with "
    + _PERSONS
    + r"|in "
    + _PERSONS
    + r")"
    r"))"
)
# Taking or swallowing anything is never a safety step ("I took the pills to my mum's" may
# be either; "took" is read as taking them).
_SAFETY_TOOK = re.compile(
    r"\b(?:took|taken|take|takes|taking|swallow\w*|down(?:ed|ing)|overdos\w*|od'?d|ate|eaten)\b"
)
_SAFETY_STATEMENT = re.compile(rf"(?:(?:{_PLEASANTRY_PART}|{_SAFETY_CLAUSE})[\s,.!?~;:]*)+")
_OUT_OF_REACH_RX = re.compile(_OUT_OF_REACH)
_NOT_BLEEDING = re.compile(r"\b(?:not|isn'?t|is not) bleeding\b")
_SAFETY_HEDGE = re.compile(
    r"\b(?:but|though|although|unless|until (?!morning|tomorrow)|except|not|n'?t|goodbye|bye "
    r"forever|last|one more|for good|before i)\b"
)


# Medicine disposed of ("how do I get rid of my late dad's leftover medication", "where can I
# take back old pills"): out of reach for good.
_DISPOSAL = re.compile(
    r"\b(?:get rid of|dispose of|disposing of|throw (?:away|out)|take back|return|hand in|drop "
    r"off) (?:all )?(?:my |his |her |their |the |our |some |these |those |(?:my |our )?(?:late )?"
    r"\w+'?s )?(?:old |leftover |left-over |unused |expired |spare |extra )?(?:medications?|"
    r"medicines?|meds|pills|tablets|prescriptions?|opioids|morphine|painkillers)\b|\b(?:medication|"
    r"medicine|meds|pill|drug) (?:disposal|take-?back|drop-?off|return)\b"
)
# "how do i dispose of it", of a medicine named in the message ("he left loads of oxycodone").
_DISPOSE_IT = re.compile(
    r"\b(?:get rid of|dispose of|throw (?:away|out)|take back|hand in) (?:it|them|these|those|all "
    r"of it|the lot)\b"
)
_MEDICINE_HELD = re.compile(
    r"\b(?:oxycodone|oxycontin|morphine|fentanyl|opioids|painkillers|medications?|medicines?|meds|"
    r"pills|tablets|prescriptions?|patches|tramadol|codeine|diazepam|sleeping pills)\b"
)
_HIGH_PLACE = (
    r"(?:bridges?|cliffs?|towers?|roof(?:top)?s?|viewpoints?|overlooks?|lookouts?|skyscrapers?|"
    r"dams?|gorges?|canyons?|waterfalls?|piers?)"
)
# A high place named for its photos or view, with nothing else said ("best bridge in town for a
# photoshoot with my girlfriend").
_PLACE_FOR_PHOTOS = re.compile(
    r"\b" + _HIGH_PLACE + r"\b[^.!?]{0,40}\b(?:photo ?shoots?|photos|pictures|pics|views?|sunsets?|"
    r"sunrises?)\b|\b(?:photo ?shoots?|photos|pictures|pics|views?)\b[^.!?]{0,40}\b"
    + _HIGH_PLACE
    + r"\b"
)
# Climbing up or onto it ("climbed the crane … to watch the sunrise"): a risk of its own.
_CLIMBED = re.compile(r"\b(?:climb\w*|scal(?:e|ed|ing)|on top of|up on|over the railing)\b")
# A place asked for its view or its history ("which bridges have the best views for photos").
_SIGHTSEEING = re.compile(
    r"\b(?:for (?:photos|pictures|pics|photography|a photo|a picture|the view|a photo ?shoot)|"
    r"photo ?shoot|(?:wedding|engagement|prom|grad) (?:photos|pictures|pics)|best views?|nicest "
    r"views?|(?:good|best|great) (?:spots?|places?) (?:for|to) (?:photos|pictures|watch the sunset|"
    r"see the sunset)|sightseeing|tourists?|architecture)\b"
)


def _safety_step(t: str) -> bool:
    """The whole message is a safety step taken or planned (see `_SAFETY_CLAUSE`), with at
    least one such clause beyond pleasantries, no hedge and no finality."""
    unhedged = _OUT_OF_REACH_RX.sub("", t)  # "so I can't get to them" is no hedge
    unhedged = _NOT_BLEEDING.sub("", unhedged)  # nor is "it's not bleeding any more"
    if len(t.split()) > 40 or _SAFETY_HEDGE.search(unhedged) or _FINALITY.search(t):
        return False
    if _SAFETY_TOOK.search(t) or not _SAFETY_STATEMENT.fullmatch(t):
        return False
    return not _PLEASANTRY.fullmatch(t)


# How much was drunk or taken, when drink and a sedative are told together.
_HOW_MUCH_DRUNK = re.compile(
    r"\b(?:a lot|lots|loads|so much|too much|way too|way more|heaps|\d+|two|three|four|five|six|"
    r"seven|eight|nine|ten|a few|few|couple|several|bunch|bottle|bottles|shots|wasted|hammered|"
    r"smashed|(?:really|so|very|pretty|super) (?:drunk|high)|double|extra|all)\b"
)
# Someone else's words about the speaker ("he held a knife to me and said nobody would miss
# me"): an abuser's, not the speaker's own thought.
_SAID_BY_THEM = re.compile(
    r"\b(?:he|she|they|my (?:\w+ )?(?:partner|husband|wife|boyfriend|girlfriend|bf|gf|ex|dad|"
    r"father|mum|mom|mother|stepdad|stepmum|stepmom|parents|boss))\b[^.!?]{0,40}\b(?:said|says|"
    r"told me|tells me|yelled|screamed|shouted|keeps saying|kept saying|texted)(?: that)?\W*$"
)
_THEIR_WORDS_CUES = frozenset({"better_off", "no_point_living"})
# Abuse with the marks of lethal danger: strangulation, a weapon, a threat to kill.
ABUSE_LETHAL = "abuse_lethal"
_LETHAL_ABUSE = re.compile(
    r"\b(?:strangl\w*|chok(?:e|ed|es|ing)|neck|throat|black(?:ed|ing)? out|pass(?:ed|ing)? out|"
    r"knife|gun|pistol|threaten\w* to kill|make sure i (?:don'?t|never|won'?t) wake)\b"
)
# Someone else harmed by a partner or carer ("my mum's boyfriend beats her", "my dad's carer
# shouts at him and i noticed bruises"): abuse the speaker witnesses or reports.
ABUSE_OF_OTHER = "abuse_of_other"
_ABUSE_OF_OTHER = Prefiltered(
    r"\bmy (?:mum|mom|mother|sister|gran|grandma|nan|nana|grandmother|aunt|auntie|friend|dad|"
    r"father|brother|grandad|grandpa|granddad|grandfather|son|daughter|cousin|neighbou?r)"
    r"(?:'s| has an?)? (?:\w+ )?(?:boyfriend|husband|partner|wife|girlfriend|carer|caregiver|ex|"
    r"bloke|guy|fella)\b[^.!?]{0,40}\b(?:beats|beat|hits|hit|hurts|strangled|strangles|choked|"
    r"chokes|kicks|kicked|punched|punches|slaps|slapped|threatens|threatened|pushes|pushed|"
    r"shoves|shoved|abuses|abused)\b (?:her|him|them)\b"
)
ABUSE_BY_CARER = "abuse_by_carer"
_ABUSE_BY_CARER = Prefiltered(
    r"\b(?:carer|caregiver|care worker|care home staff|home help)\b[^.!?]{0,60}\b(?:"
    r"hits?|hitting|shouts at|shouting at|slapped|rough with|(?:taking|takes|took|stealing|stole|"
    r"steals) (?:\w+ ){0,2}(?:money|pension|cards?|purse|wallet|savings)|locks? (?:her|him|them))\b"
)
# Leaving a partner ("I'm planning to leave him on friday while he's at work"): with abuse said,
# a dangerous time to plan for; with none, a relationship, not a farewell.
LEAVING_ABUSER = "leaving_abuser"
_LEAVING_PARTNER = Prefiltered(
    r"(?<!n't )(?<!not )(?<!never )\b(?:leav(?:e|ing)|walk(?:ing)? out on|mov(?:e|ing) out on) "
    r"(?:him|her|my (?:husband|wife|partner|boyfriend|girlfriend|bf|gf|fianc[eé]e?|abusive \w+))\b"
    r"(?! (?:a|the|my|this|some|behind|alone|be|with|to|for (?:ever|good)|forever)\b)"
    r"|\b(?:packed|packing) (?:a|my) bag\b[^.!?]{0,40}\b(?:sister'?s|brother'?s|mum'?s|mom'?s|"
    r"parents'?|friend'?s|refuge|shelter)"
)
# "him" or "her" is a partner unless the message names someone else they could be.
_NOT_A_PARTNER = re.compile(
    r"\b(?:mum|mom|mother|dad|father|sister|brother|friend|boss|daughter|son|gran|grandma|"
    r"grandad|aunt|uncle|cousin|baby|kid|child|teacher|dog|cat)s?\b"
)


def _leaving_partner(t: str) -> bool:
    """A partner left, or a bag packed to go to family or a refuge (`_LEAVING_PARTNER`)."""
    found = [m.group(0) for m in _LEAVING_PARTNER.finditer(t)]
    if any(re.search(r"\bmy \w+|abusive|bag", m) for m in found):
        return True
    return bool(found) and not _NOT_A_PARTNER.search(t)


_ABUSIVE = re.compile(
    r"\b(?:abusive|abuse[sd]?|hits me|hit me|hurts me|hurt me|violent|scared of (?:him|her)|"
    r"afraid of (?:him|her)|strangl\w*|chok\w*|threaten\w*|checks my phone|controls)\b"
)
# After detox, rehab, prison or time clean, using again: a tolerance lost, the old amount a
# possible overdose ("got out of detox 2 weeks ago. picking up tonight, gonna do the same amount
# i used to").
LOST_TOLERANCE = "lost_tolerance"
_TIME_OFF = Prefiltered(
    r"\b(?:(?:out of|left|got out of|finished|came out of|did|after|before|since|discharged from|"
    r"released from|home from) (?:detox|rehab|prison|jail|treatment)|(?:\d+|a few|few|a couple of|"
    r"couple of|two|three|four|five|six|ten) (?:days?|weeks?|months?|years?) (?:clean|sober|off "
    r"(?:it|the gear|gear|heroin|opiates|opioids|fentanyl|oxy|smack|dope|the stuff))|(?:been|i'?m|"
    r"im) clean (?:for|since))\b"
)
_USING_AGAIN = re.compile(
    r"(?<!n't )(?<!not )(?<!never )(?<!used to )\b(?:us(?:e|ing)(?! (?:my|the|a|an|it to|this|that|"
    r"your)\b)|pick(?:ing)? up|scor(?:e|ing)|cop(?:ping)?|do what i used to|(?:same|usual|old|full|"
    r"normal) (?:amount|dose|hit|shot)|as much as (?:before|i used to)|one (?:more|last) time|"
    r"just once|sort me out|shoot(?:ing)? up|get high|my body can handle|got (?:a|some) (?:bag|"
    r"gear|stuff)|relapsed|slipped up|used (?:again|tonight|today|last night|yesterday)|(?:went|am|"
    r"i'?m) back on (?:it|the gear|heroin|h|dope|fent\w*|oxy\w*|opiates|opioids|smack))\b"
)
_OPIOID_OR_DRUG = re.compile(
    r"\b(?:opi\w+|heroin|fentanyl|oxy\w*|gear|smack|dope|h|drugs|using|benzos|meth|crack|coke|"
    r"detox|rehab|a bag|bags|dealer|methadone|subutex|bupe|suboxone)\b"
)
# A wound that needs a doctor ("i can see something white and fatty in the cut", "my fingers
# feel numb", pus, a white painless burn), said of self-harm.
WOUND_NEEDS_CARE = "wound_needs_care"
_WOUND_SIGNS = Prefiltered(
    r"\b(?:(?:see|seeing|saw|shows?|showing)\b[^.!?]{0,20}\b(?:fat|fatty|something white|yellow "
    r"(?:fat|bits|stuff)|bone|tendon)|white and fatty|fatty (?:layer|tissue|stuff|bits)|gaping|"
    r"gapes|wide open|(?:won'?t|doesn'?t|not) (?:close|closing)|keeps? (?:opening|splitting)|"
    r"(?:needs?|might need|probably needs|should get|should have got) (?:stitches|stiches|steri ?"
    r"strips|glue)|(?:fingers?|hand|thumb)s? (?:feel |feels |are |is |went |gone |going )?(?:"
    r"numb|tingly|tingling)|numb (?:and tingly )?(?:fingers?|hand|thumb)|(?:can'?t|cannot) (?:feel"
    r"|move) my (?:fingers?|thumb|hand)|pus|yellow stuff|(?:red|hot|swollen) and (?:hot|red|"
    r"swollen)|infected|smells|(?:burn|blister)[^.!?]{0,50}\b(?:white|leathery|doesn'?t hurt|"
    r"don'?t hurt|no pain|can'?t feel))"
)
# Self-harm said in the message: plainly, or (for a wound that gapes or numbs) a cut named.
_SH_WOUND = re.compile(
    r"\b(?:self harm\w*|my cuts|cut myself|cut my (?:arm|wrist|leg|thigh)s?|cuts? on my (?:thigh|"
    r"wrist)s?|burn(?:ed|t)? myself|relaps\w*|on purpose|razor|blade)\b"
)
_A_CUT = re.compile(r"\b(?:the|this|a) (?:cut|wound)\b|\bmy (?:cut|wound)s?\b|\bmy wrists?\b")
# The signs that need closing or a nerve checked today (not infection, which a cat scratch shows).
_WOUND_SEVERE = re.compile(
    r"\b(?:fat|fatty|something white|bone|tendon|gaping(?! hole)|gapes|wide open|won'?t close|"
    r"not closing|"
    r"stitches|stiches|steri ?strips|numb|tingl\w*|can'?t (?:feel|move) my)\b"
)

_SHORT = 40  # words: one sentence this short is framed as a whole by a game, story or idiom


# Secrecy from a parent asked for ("he says dont tell my mom"): a young person, whatever their age.
_KEPT_FROM_PARENTS = re.compile(
    r"\b(?:don'?t|dont|do not|not to|never) tell (?:my|your) (?:mom|mum|mam|dad|parents|mother|"
    r"father)\b"
)


# How many earlier client messages a reading across the conversation looks back over.
_CHAT_BACK = 12


def _earlier(context: Sequence[str]) -> list[str]:
    """The conversation's last client messages before this one, normalised."""
    return [normalise(c) for c in context[-_CHAT_BACK:]]


def grooming_in_conversation(text: str, context: Sequence[str]) -> RiskAssessment | None:
    """Grooming told over several messages: an adult and the speaker's young age said earlier
    ("he's 22… i'm 13"), a sign of grooming now ("he wants to pick me up from school and said
    don't tell anyone"). None when the message alone reads it, or nothing does."""
    t = normalise(text)
    if not context:
        return None
    adds = (
        _GROOMING_SIGN.search(t)
        or _ADULT_CONTACT.search(t)
        or any(part.search(t) for part in _MINOR_PARTS_RX)
    )
    if not adds:
        return None
    told = " ".join([*_earlier(context), t])
    if not (
        _GROOMING_SIGN.search(told)
        and _ADULT_CONTACT.search(told)
        and (any(part.search(told) for part in _MINOR_PARTS_RX) or _KEPT_FROM_PARENTS.search(told))
    ):
        return None
    return RiskAssessment(
        level=L.MODERATE,
        categories=[C.ABUSE, C.MINOR],
        signals=["grooming", "minor"],
        detector="patterns",
    )


# A suicide pact told in pieces ("we both agreed, Friday, same as we talked about" … "she's
# bringing her dad's stuff, I'm bringing mine" … "it's nice to know I won't be alone when it
# happens"): an agreement and a day or the means said earlier, not being alone "when it happens"
# now.
_PACT_AGREED = re.compile(
    r"\b(?:we|both of us)(?: both| all)? (?:agreed|promised|decided|planned|picked|chose|set|make|"
    r"made)\b|\bsame as we (?:talked about|said|planned|agreed|discussed)\b|\bour (?:pact|plan|"
    r"date|deal)\b|\bmade (?:a |an )?(?:promise|pact|deal|agreement)\b|\bpromised each other\b|"
    r"\b(?:we'?re|we are) both in\b|\bno backing out\b|\bneither of us backs out\b|"
    r"\bmake agreement\b"
)
_PACT_NOW = re.compile(
    r"\b(?:won'?t|will not|wont) be alone (?:when|in that moment|at the end)\b|\b(?:do|doing) it "
    r"together\b|\btogether (?:when it happens|at the end)\b|\b(?:won'?t|will not|wont) be (?:so )?"
    r"scary\b|\bside by side\b|\bat ?least we (?:go|do it|'re|are|'ll be|will be) together\b"
)
_PACT_DAY_OR_MEANS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|tomorrow|this "
    r"weekend|next week|the \d+(?:st|nd|rd|th)?)\b|\bbringing (?:her|his|their|my) (?:\w+'?s )?"
    r"(?:stuff|things|bit|part|share)\b|\bi'?m bringing mine\b"
)


def pact_in_conversation(text: str, context: Sequence[str]) -> RiskAssessment | None:
    """A pact coming together ("I won't be alone when it happens"), its agreement and its day or
    means said earlier in the chat or in this message."""
    t = normalise(text)
    if not context or not _PACT_NOW.search(t):
        return None
    told = " ".join([*_earlier(context), t])
    if not (_PACT_AGREED.search(told) and _PACT_DAY_OR_MEANS.search(told)):
        return None
    return RiskAssessment(
        level=L.HIGH, categories=[C.SUICIDE], signals=["suicide_pact"], detector="patterns"
    )


def sextortion_in_conversation(text: str, context: Sequence[str]) -> RiskAssessment | None:
    """A threat to share "them" unless more is sent, the pictures named earlier in the chat
    ("he asked for pics and I sent some" … "he'll send them to everyone at my school unless I
    send more by tonight"). None when the message alone reads it, or nothing does."""
    t = normalise(text)
    if not context or not (_SEXTORT_THREAT.search(t) or _PAY_OR_EXPOSE.search(t)):
        return None
    if not any(_IMAGE_WORDS.search(c) for c in _earlier(context)):
        return None
    return RiskAssessment(
        level=L.MODERATE, categories=[C.ABUSE], signals=["sextortion"], detector="patterns"
    )


def assess_text(text: str) -> RiskAssessment:
    """The pattern tier's assessment of one message, without conversation context. Kept per
    message (a copy is returned): the guardrail's screener and the reply checker read the same
    messages, and a conversation checked reply by reply reads its earlier ones again."""
    return _assess_text(text).model_copy(deep=True)


@functools.lru_cache(maxsize=20_000)
def _assess_text(text: str) -> RiskAssessment:
    t = normalise(text)
    suppressed: list[str] = []
    hits = [
        h
        for h in find_cues(t, suppressed)
        if h.cue.name not in _THEIR_WORDS_CUES
        or not _SAID_BY_THEM.search(t, max(0, h.start - 60), h.start)
    ]
    level = max_level(h.cue.level for h in hits)
    categories: list[RiskCategory] = []
    signals = []
    for h in hits:
        signals.append(h.cue.name)
        for c in h.cue.categories:
            if c not in categories:
                categories.append(c)
    # An attempt mentioned as history is a risk factor, not current risk.
    names = {h.cue.name for h in hits}
    if "harm_others_thought" in names and _intrusive(t):
        # Images of harming someone loved that horrify the person and that they guard against
        # ("I keep picturing stabbing him… it makes me sick, I've hidden the knives"): intrusive
        # thoughts (OCD), not intent. The condition reply, with a safety question; a learned
        # tier's raise is held to it.
        hits = [h for h in hits if h.cue.name != "harm_others_thought"]
        names.discard("harm_others_thought")
        level = max_level([*(h.cue.level for h in hits), L.LOW])
        categories = [c for c in categories if c is not C.HARM_TO_OTHERS]
        categories += [c for c in (C.OCD,) if c not in categories]
        signals = [s for s in signals if s != "harm_others_thought"]
        signals += [INTRUSIVE_HARM, f"protective:{INTRUSIVE_HARM}"]
    elif not hits and _DISOWNED_HINT.search(t) and _DISOWNED.search(t) and _intrusive(t):
        # "I would never act on it, the thought horrifies me": said of such thoughts, no cue
        signals.append(f"protective:{INTRUSIVE_HARM}")
    # A yes to a question someone asked ("the nurse asked me if I wanted to hurt myself. I said
    # yes") is now, not history ("asked me if" also opens a recovery story).
    answered = not _ASKED_LONG_AGO.search(t) and any(
        _REPORTED_QUESTION.search(t, 0, h.start) and _ANSWERED_YES.match(t, h.end) for h in hits
    )
    if names == {"attempt"} and _RECOVERY.search(t) and not _RECENT.search(t) and not answered:
        level, signals = L.LOW, ["past_attempt"]
    elif (
        names
        and not answered
        and names <= {"self_harm"}
        and _RECOVERY.search(t)
        and not _RECENT.search(t)
        and not re.search(r"\b(?:urge|want(?:ing)? to|again|relapse)", t)
    ):
        level, categories, signals = L.NONE, [], ["self_harm_history"]
    elif names and names <= {"overdose", "act_underway"} and _years_back(t, hits):
        # An overdose years back, told as part of a life story ("I took a bunch of pills one
        # night, that was twenty-two years ago"): a risk factor to ask about, not an act under
        # way. (An `attempt` keeps its own rule above: an old attempt told as a warning sign of
        # now stays high.)
        level, categories, signals, names = L.LOW, [C.SUICIDE], ["past_attempt", "years_ago"], set()
    elif names and not answered and names <= _HISTORY_CUES and _told_as_history(t, hits):
        # Past ideation or an attempt told as recovered history (often by a supporter): a
        # risk factor to note, not the speaker's current risk.
        if "attempt" in names:
            level, signals = L.LOW, ["past_attempt", "history"]
        else:
            level, categories, signals = L.NONE, [], ["history"]
        names = set()
    if (
        names == {"act_underway"}
        and all(t[h.start : h.end] == "this is it" for h in hits)
        and _PANIC.search(t)
    ):
        # "My heart is pounding, I can't breathe, this is it": a check-in, not the protocol.
        level, categories, signals, names = L.LOW, [], ["panic_symptoms"], set()
    ideation = (
        bool(names)
        and level.at_least(L.LOW)
        and any(c in (C.SUICIDE, C.SELF_HARM) for c in categories)
    )
    if (
        _STOPPED_HINT.search(t)
        and _STOPPED_TREATMENT.search(t)
        and _LET_DEATH_COME.search(t)
        and not _WITH_CARE_TEAM.search(t)
    ):
        level = max_level([level, L.HIGH])
        signals.append(STOPPED_TREATMENT)
        if C.SUICIDE not in categories:
            categories.append(C.SUICIDE)
    if (
        (names & {"psychosis", "delusion", "voices", "dead_belief"} or _UNSEEN_TELLER.search(t))
        and _PERINATAL.search(t)
        and _TOLD_WHAT_TO_DO.search(t)
    ):
        # after a birth, a voice or a sign telling them what to do to the baby: postpartum
        # psychosis with the baby in danger ("messages in the TV telling me what I have to do
        # to him tonight")
        level = max_level([level, L.IMMINENT if re.search(_SOON, t) else L.HIGH])
        signals.append(COMMAND_ABOUT_BABY)
        categories += [c for c in (C.HARM_TO_OTHERS, C.PSYCHOSIS) if c not in categories]
    elif _PERINATAL.search(t) and (
        (names & {"psychosis", "voices"} and _BABY_IN.search(t)) or _BABY_DELUSION.search(t)
    ):
        # after a birth, a belief about the baby ("she's not really mine, they swapped her"):
        # postpartum psychosis, an emergency for the parent and the baby
        level = max_level([level, L.HIGH])
        signals.append(POSTPARTUM_PSYCHOSIS)
        categories += [c for c in (C.PSYCHOSIS, C.HARM_TO_OTHERS) if c not in categories]
    if names & {"staged_accident", "method_thoughts"} and _PAYOUT.search(t):
        # staged for the insurance ("the life insurance would cover the mortgage if I died"), or
        # a way thought of with what it would pay ("…steering into a truck. they'd get the life
        # insurance")
        level = max_level([level, L.HIGH])
        signals.append("staged_for_payout")
    # Access to means alongside any ideation is high; with a time, imminent.
    if _own_matches(_MEANS_ACCESS, t):
        signals.append("means_access")
        if (
            ideation
            or _own_matches(_ON_MYSELF, t)
            or _END_IT.search(t)
            or _ENDING_THOUGHT.search(t)
            # the means and what their death would pay ("the shotgun in the ute… the insurance
            # would clear the debt"), or how easy it would be ("holding it and thinking it'd be
            # easy")
            or _PAYOUT.search(t)
            or _EASY_THOUGHT.search(t)
        ):
            # "…thinking about using it on myself", "saving up my tablets… i want to end it"
            level = max_level([level, L.IMMINENT if re.search(_SOON, t) else L.HIGH])
            signals.append("means_access_with_ideation")
            categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    # Preparation: two acts, or one with finality or ideation, is high; with a time, imminent.
    acts = [rx for rx in _PREP_ACTS if _own_matches(rx, t)]
    if acts and not _PREP_ORDINARY.search(t):
        if len(acts) >= 2 or ideation or _FINALITY.search(t) or "preparatory" in names:
            level = max_level([level, L.IMMINENT if re.search(_SOON, t) else L.HIGH])
            signals.append("preparation")
            if C.SUICIDE not in categories:
                categories.append(C.SUICIDE)
        else:
            signals.append("possible_preparation")
    # An attempt only postponed ("was going to do it last night but…") is high.
    if _own_matches(_POSTPONED_VAGUE, t):
        if ideation or _FINALITY.search(t):
            level = max_level([level, L.HIGH])
            signals.append("postponed_attempt")
        else:
            signals.append("possible_postponed_attempt")
    # Plan + means + time is imminent.
    if (
        names & {"plan_intent", "preparatory", "kill_self", "want_die"}
        and re.search(_NOW, t)
        and (
            re.search(_PILLS, t)
            or re.search(
                r"\b(?:gun|rope|bridge|jump|train|car|"
                r"knife|blade|ledge|roof)\b",
                t,
            )
        )
    ):
        level = L.IMMINENT
        signals.append("plan_means_time")
    if (
        _FICTION.search(t)
        and re.search(r"\b(?:basically|really|actually|just like) me\b", t)
        and (
            re.search(r"\bkills? (?:her|him|them)sel(?:f|ves)\b|\bsuicide\b", t)
            or "means_question" in signals
            or MEANS_QUESTION.search(t)
        )
    ):
        level = max_level([level, L.HIGH])
        categories.append(C.SUICIDE) if C.SUICIDE not in categories else None
        signals.append("fiction_as_proxy")
    if "self_harm" in names and SELF_HARM_INTENT.search(t):
        level = max_level([level, L.HIGH])
        if C.SUICIDE not in categories:
            categories.append(C.SUICIDE)
        signals.append("self_harm_with_suicidal_intent")
    # "how do I sharpen a kitchen knife?": with no cue beside it, not a means question
    kitchen_question = not hits and bool(MEANS_QUESTION.search(t)) and _kitchen_knife(t)
    asks_of_means = bool(
        MEANS_QUESTION.search(t) and MEANS_WORDS.search(t) and not kitchen_question
    )
    asks = asks_of_means or bool(MEANS_INQUIRY.search(t))
    # a supporter's question about the reader's means, or a worried helper's about someone
    # else's ("my grandad has guns… I'm worried about him. How do I bring it up?")
    asked_of_other = asks and (
        _means_asked_of_other(t) or (not hits and bool(_WORRIED_FOR_OTHER.search(t)))
    )
    if asks_of_means and not _in_game(t, MEANS_WORDS):
        # A supporter's "do you have the pills with you?" is about the reader, not a means
        # question of the speaker's own.
        signals.append("means_question_about_other" if asked_of_other else "means_question")
    means = None if asked_of_other else MEANS_INQUIRY.search(t)
    asks_means = bool(means) or "means_question" in signals
    if (
        asks_means
        and level.at_least(L.LOW)
        and INTRUSIVE_HARM not in signals
        # "…controls all the money. is that normal?": abuse asked about, not a means question
        and not (categories and set(categories) <= {C.ABUSE, C.MINOR})
    ):
        # a method or means question alongside risk (not "am I a monster?" after unwanted
        # images of harm)
        level = max_level([level, L.HIGH])
        signals.append("means_with_risk")
    elif "means_question" in signals and _OWN_LETHAL_ASK.search(t):
        # "how many of my sleeping tablets would it take to die": a lethality question about
        # one's own supply, as `means_inquiry` reads one about a supply in general (moderate)
        level = max_level([level, L.MODERATE])
        signals.append("lethality_question")
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    if "act_underway" in names:
        if (
            re.search(_PILLS + r"|medicine cabinet|overdos|\b" + POISON_WORDS, t)
            and C.OVERDOSE not in categories
        ):
            categories.append(C.OVERDOSE)
        if re.search(r"\b(?:cut|cutting|bleeding)\b", t) and C.SELF_HARM not in categories:
            categories.append(C.SELF_HARM)
    if _supply_taken(t):
        level = L.IMMINENT
        signals.append("supply_taken")
        categories.extend(c for c in (C.SUICIDE, C.OVERDOSE) if c not in categories)
    if _own_matches(_FAMILY_TOO, t):
        level = max_level([level, L.HIGH])
        signals.append(FAMILY_TOO)
        categories.extend(c for c in (C.SUICIDE, C.HARM_TO_OTHERS) if c not in categories)
    if _own_matches(_MEANS_IN_HAND, t) and _own_matches(_USING_IT, t):
        level = L.IMMINENT  # held now, with the thought of using it
        signals += ["means_access", "means_in_hand_with_intent"]
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    if _POISON.search(t) and _own_matches(_DRINK_IT, t):
        level = max_level([level, L.HIGH])
        signals.append("poison_to_drink")
        categories.extend(c for c in (C.SUICIDE, C.OVERDOSE) if c not in categories)
    if _DELUSIONAL_TARGET.search(t) and _own_matches(_RID_OF, t):
        level = max_level([level, L.HIGH])
        signals.append(DELUSIONAL_THREAT)
        categories.extend(c for c in (C.PSYCHOSIS, C.HARM_TO_OTHERS) if c not in categories)
    if (
        (_STAY_AWAY.search(t) and _WHAT_IS_COMING.search(t))
        or (
            _ON_SOMEONE.search(t)
            and _own_matches(_ARMED_NOW, t)
            and not _IN_GAME_OR_SPORT.search(t)
        )
        or (_WONT_SEE.search(t) and _own_matches(_GOING_AFTER, t))
    ):
        # a threat in coded words: a warning to stay away with what is coming, a gun beside a
        # target said to be done, going after a named person who "won't see next week"
        level = max_level([level, L.HIGH])
        signals.append(STAY_AWAY_WARNING)
        categories.extend(c for c in (C.HARM_TO_OTHERS,) if c not in categories)
    if "better_off" in names and _PERINATAL.search(t):
        # a new parent who thinks the family would be better off without them: more than a
        # passing wish (perinatal suicide risk)
        level = max_level([level, L.MODERATE])
    if (_own_matches(_HIDE_MARKS, t) and _BODY_OR_WHO_SEES.search(t)) or _own_matches(
        _HIDE_MARKS_OTHERWISE, t
    ):
        level = max_level([level, L.MODERATE])
        signals.append(HIDING_MARKS)
        categories.extend(c for c in (C.SELF_HARM,) if c not in categories)
    if (_own_matches(_BIGGER_DOSE, t) and _NOT_CARING.search(t)) or (
        _own_matches(_USING_NOW, t) and _INDIFFERENT_TO_LIVING.search(t)
    ):
        level = max_level([level, L.HIGH])
        signals.append("bigger_dose_not_caring")
        categories.extend(c for c in (C.SUICIDE, C.OVERDOSE, C.SUBSTANCE) if c not in categories)
    if any(
        h.cue.name in {"kill_self", "want_die", "finish_life"}
        and (
            re.match(r"[^.!?,;]{0,30}?\b" + _SOON, t[h.end :])
            or re.search(r"(?:^|[.!?,;]\s*)" + _SOON + r"[^.!?,;]{0,30}$", t[: h.start])
        )
        for h in hits
    ):
        # "i want to kill myself tonight", "tonight i'm going to end my life": an intent with a
        # time (not a time said of something else: "didn't eat today and I want to end my life")
        level = max_level([level, L.HIGH])
        signals.append("intent_with_time")
    if _LITHIUM.search(t) and _TOXICITY_GUT.search(t) and _TOXICITY_NERVES.search(t):
        # "throwing up all day, hands shaking, confused… im on lithium": possible toxicity
        level = max_level([level, L.HIGH])
        signals.append("lithium_toxicity")
        categories.extend(c for c in (C.OVERDOSE,) if c not in categories)
    if _SHOOK_BABY.search(t) and _INFANT.search(t):
        # "i grabbed him too hard and shook him for a second", "yesterday i shake him little bit
        # hard": a shaken baby can have a brain injury that shows late
        level = max_level([level, L.IMMINENT if _HEAD_INJURY_SIGNS.search(t) else L.HIGH])
        signals.append("shaken_baby")
        categories.extend(c for c in (C.HARM_TO_OTHERS,) if c not in categories)
    if "suicide_pact" not in names and (
        (_TOGETHER_PLAN.search(t) and _MEANS_READY.search(t)) or _ME_AND_THEM_PACT.search(t)
    ):
        # "we want to go together on new years, we already have the pills"
        level = max_level([level, L.HIGH])
        signals.append("suicide_pact")
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    if "sextortion" not in names and (
        ((_SEXTORT_THREAT.search(t) or _PAY_OR_EXPOSE.search(t)) and _IMAGE_WORDS.search(t))
        or _SEXTORT_OR.search(t)
    ):
        # "we sent pics… now they'll post them to all my followers if i dont send 300": the
        # pictures named before the threat
        level = max_level([level, L.MODERATE])
        signals.append("sextortion")
        categories.extend(c for c in (C.ABUSE,) if c not in categories)
    if names & {"harm_others_thought", "harm_others_intent"} and _CHILD_NEAR.search(t):
        # a parent afraid of hurting a child, or who already did: what keeps the child safe now
        signals.append("harm_to_child")
    if "abuse" in names and _SECRET_KEPT.search(t) and any(p.search(t) for p in _MINOR_PARTS_RX):
        # "he says its our secret": a child asked to keep abuse secret
        signals.append("abuse_secret")
    if "grooming" not in names and (
        (
            _ADULT_CONTACT.search(t)
            and _GROOMING_SIGN.search(t)
            and any(part.search(t) for part in _MINOR_PARTS_RX)
        )
        or (_MATURE_FOR_AGE.search(t) and _GROOMING_ASK.search(t))
    ):
        # a child told by an adult to keep their chats secret, to meet, that they are mature;
        # "mature for my age" says the speaker is young, and with secrecy, a meeting or pictures
        # asked for it is grooming whoever says it
        level = max_level([level, L.MODERATE])
        signals.append("grooming")
        categories.extend(c for c in (C.ABUSE,) if c not in categories)
    if _SITTING_WITH_MEANS.search(t) and not names & {"means_in_hand_with_intent"}:
        # "some nights i just sit there with the rope… in my hands": a rehearsal
        level = max_level([level, L.HIGH])
        signals.append("sitting_with_means")
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    told = _TOLD_TO_DIE.search(t)
    agrees = bool(told) and _AGREES_WITH_THEM.search(t) is not None
    if (
        told
        and re.search(r"\bme\b|['\"]", told.group(0))  # said to the speaker, or quoted
        and (agrees or _TOLD_OFTEN.search(t))
    ):
        # "people keep telling me to kys… honestly maybe they're right": bullying with a death
        # wish is a check-in; agreeing with it is the speaker's own thought of dying.
        level = max_level([level, L.MODERATE if agrees else L.LOW])
        signals.append("told_to_die_and_agrees" if agrees else "told_to_die")
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    if "not_wake_up" in names and re.search(_PILLS, t) and _A_PLAN.search(t):
        # "💊💊💊 + 🍾 = 😴 forever. thats the plan for friday"
        level = max_level([level, L.HIGH])
        signals.append("pills_plan_not_wake_up")
    if _ALL_I_THINK_ABOUT.search(t) and not names:
        # "suicide is all i think about" (often spelt out to hide it)
        level = max_level([level, L.MODERATE])
        signals.append("preoccupied_with_dying")
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    if "\U0001f48a" in text and (re.search(_SOON, t) or _DEATH_WORD.search(t)):
        # "💊💊💊💊💊 tonight. 🪦": pills in emoji with a time or a grave
        level = max_level([level, L.HIGH])
        signals.append("emoji_pills_plan")
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    if "\U0001f52a" in text and _BODY_SITE.search(t):
        # "me + 🔪 + wrists later"
        level = max_level([level, L.MODERATE])
        signals.append("emoji_blade_site")
        categories.extend(c for c in (C.SELF_HARM,) if c not in categories)
    if _BLADE_BLOOD.search(t) and not names:
        # "🔪🩸 again last night, hiding it": a cut told in emoji
        level = max_level([level, L.MODERATE])
        signals.append("blade_blood")
        categories.extend(c for c in (C.SELF_HARM,) if c not in categories)
    if _GUN_WORD.search(t) and _END_IT.search(t):
        # "i want to end it 💀🔫": an intent with a gun
        level = max_level([level, L.IMMINENT if re.search(_SOON, t) else L.HIGH])
        signals.append("end_it_with_gun")
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    if _own_matches(_NOT_HERE_TOMORROW, t):
        level = max_level([level, L.HIGH])
        signals.append("not_here_tomorrow")
        categories.extend(c for c in (C.SUICIDE,) if c not in categories)
    if (
        "command_hallucination_self" not in names
        and _HALLUCINATED_SOURCE.search(t)
        and _IT_COMMANDS.search(t)
    ):
        level = max_level([level, L.HIGH])
        signals.append(COMMAND_HEARD)
        categories.extend(c for c in (C.PSYCHOSIS, C.SUICIDE) if c not in categories)
    if _own_matches(_ABOUT_TO_GO_OVER, t) and (_DONT_STOP_ME.search(t) or _FAREWELL.search(t)):
        level = L.IMMINENT
        signals.append("about_to_go_over")
        if C.SUICIDE not in categories:
            categories.append(C.SUICIDE)
    if (
        _own_matches(_FOUND_ME, t)
        and _IN_CARE.search(t)
        and not _DISTANT_PAST.search(t)
        and not _ACCIDENT.search(t)
    ):
        level = max_level([level, L.HIGH])
        signals.append("found_then_in_care")
        if C.SUICIDE not in categories:
            categories.append(C.SUICIDE)
    if _own_matches(_WEAPON_AT_HAND, t) and _own_matches(_LYING_IN_WAIT, t):
        soon = re.search(_NOW, t) or re.search(r"\bin \d+\b", t) or _DONT_STOP_ME.search(t)
        level = max_level([level, L.IMMINENT if soon else L.HIGH])
        signals.append(WEAPON_AND_WAITING)
        if C.HARM_TO_OTHERS not in categories:
            categories.append(C.HARM_TO_OTHERS)
    if "overdose" in names and _SYMPTOMS.search(t):
        level = max_level([level, L.IMMINENT])
        signals.append("overdose_with_symptoms")
    if "eating_disorder" in names and _MEDICAL_DANGER.search(t):
        level = max_level([level, L.HIGH])
        signals.append("eating_disorder_medical_danger")
    if "abuse" in names and _DANGER_NOW.search(t):
        level = max_level([level, L.HIGH])
        signals.append("abuse_danger_now")
    if (
        names & {"plan_intent", "preparatory"}
        and re.search(_NOW, t)
        and re.search(
            r"\b(?:everything(?:'s| is)? (?:ready|set)|got everything ready|note is|goodbye|"
            r"everyone'?s asleep|ready|counted out|laid out)\b",
            t,
        )
    ):
        level = L.IMMINENT
        signals.append("plan_ready_now")
    if means and not _in_game(t, MEANS_INQUIRY):
        signals.append("means_inquiry")
        lethal = re.search(
            r"\b(?:lethal|fatal|to die|kill|painless|least painful|quickest way|overdose|die from|"
            r"survive|bleed out|drown|deadly|enough to)\b",
            t,
        )
        level = max_level([level, L.MODERATE if lethal else L.LOW])
        if C.SUICIDE not in categories:
            categories.append(C.SUICIDE)
    if _own_stressor(t):
        signals.append("stressor")
        if means or "means_question" in signals:
            level = max_level([level, L.HIGH])
            if C.SUICIDE not in categories:
                categories.append(C.SUICIDE)
    if PERSONA_OVERRIDE.search(t):
        signals.append("persona_override")
        if level is not L.NONE or means or "means_question" in signals:
            # Asking the counselor to drop its role while at risk, or to get a method.
            level = max_level([level, L.HIGH])
            if C.SUICIDE not in categories:
                categories.append(C.SUICIDE)
    if names == {"mixed_depressants"} and not _HOW_MUCH_DRUNK.search(t) and not _SYMPTOMS.search(t):
        # "a glass of wine with dinner and then my usual zopiclone": no amount and no effect
        # said, a check-in (with the crisis line), not the emergency reply
        level = L.LOW
        categories = [C.SUBSTANCE]
    if "abuse" in names and _LETHAL_ABUSE.search(t):
        # strangled, a weapon held to them, a threat to kill: the marks of lethal danger
        level = max_level([level, L.HIGH])
        signals.append(ABUSE_LETHAL)
    for rx, kind in ((_ABUSE_OF_OTHER, ABUSE_OF_OTHER), (_ABUSE_BY_CARER, ABUSE_BY_CARER)):
        if rx.search(t):
            level = max_level([level, L.HIGH if _LETHAL_ABUSE.search(t) else L.MODERATE])
            signals.append(kind)
            categories.extend(c for c in (C.ABUSE,) if c not in categories)
    # read once: the rules below and the protective contexts at the end both ask
    leaving = _leaving_partner(t)
    time_off = bool(_TIME_OFF.search(t))
    using_again = time_off and bool(_USING_AGAIN.search(t))
    if leaving and ("abuse" in names or _ABUSIVE.search(t)):
        level = max_level([level, L.MODERATE])
        signals.append(LEAVING_ABUSER)
        categories.extend(c for c in (C.ABUSE,) if c not in categories)
    if using_again and _OPIOID_OR_DRUG.search(t):
        level = max_level([level, L.HIGH])
        signals.append(LOST_TOLERANCE)
        categories.extend(c for c in (C.OVERDOSE, C.SUBSTANCE) if c not in categories)
    if (
        _WOUND_SIGNS.search(t)
        and not ({"supporter", "context", "addressed"} & set(suppressed) and not names)
        and (
            "self_harm" in names
            or _SH_WOUND.search(t)
            or (_A_CUT.search(t) and _WOUND_SEVERE.search(t))
        )
    ):
        level = max_level([level, L.MODERATE])
        signals.append(WOUND_NEEDS_CARE)
        categories.extend(c for c in (C.SELF_HARM,) if c not in categories)
    if any(part.search(t) for part in _MINOR_PARTS_RX):
        categories.append(C.MINOR)
        signals.append("minor")
    foreign = read_foreign(text)  # no cue above reads another language
    if foreign is not None:
        level = max_level([level, foreign.level])
        categories.extend(c for c in foreign.categories if c not in categories)
        signals.extend(foreign.signals)
    if worried_sleep(t) and not names & {"mania", "mania_risk"}:
        signals.append(f"protective:{WORRIED_SLEEP}")
    laughed = [w.split(":", 1)[1] for w in suppressed if w.startswith(f"{LAUGHED_OFF}:")]
    bereaved = BEREAVED in suppressed
    suppressed = [w for w in suppressed if not w.startswith(f"{LAUGHED_OFF}:") and w != BEREAVED]
    if level is L.NONE and bereaved:
        level = L.LOW
        categories.append(C.SUICIDE)
        signals.append(BEREAVED)
    if level is L.NONE and not laughed and petty_threat(t):
        laughed = ["harm_others_intent"]
    if level is L.NONE and laughed:
        level = L.LOW
        if set(laughed) <= _PETTY_HARM_CUES:
            categories.append(C.HARM_TO_OTHERS)
        else:
            categories.append(C.SELF_HARM if laughed == ["self_harm"] else C.SUICIDE)
        signals += [LAUGHED_OFF, "protective:idiom"]
    if level is L.NONE:
        # Say why a message with risk words is not risk, so other tiers can respect it.
        # A game, story, idiom or negation frames a short message; in a long post it frames
        # only its own sentence, so it says nothing about the rest.
        short = len(t.split()) <= _SHORT and len(re.findall(r"[.!?]+\s+\w", t)) == 0
        protective = [
            p
            for p in dict.fromkeys(suppressed)
            if short or p not in ("negated", "idiom", "gaming", "fiction")
        ]
        if short and _IDIOMS.search(t):
            protective.append("idiom")
        if short and _GAMING.search(t):
            protective.append("gaming")
        elif short and _FICTION.search(t):
            protective.append("fiction")
        if {"self_harm_history", "past_attempt", "history"} & set(signals):
            protective.append("history")
        # A question about ordinary use ("is it ok with my sertraline?") stays a means question
        # for the conversation (after a stressor it is risk); alone it is medication talk.
        if (
            not hits
            and set(signals) <= {"means_question"}
            and not suppressed
            and routine_medication(t)
        ):
            protective.append("medication")
        if short and not signals and _DENIAL_OPENING.search(t):
            # "not suicidal dont worry, just stressed abt money": a denial with no cue to negate
            protective.append("negated")
        if (
            _END_OF_LIFE.search(t) or (_ASSISTED_DEATH.search(t) and _SOMEONE_ELSES.search(t))
        ) and not (
            _MEANS_NAMED.search(_GIVEN_BY_CARERS.sub(" ", t))
            or _OWN_PLAN_WORDS.search(t)
            or _OWN_WISH.search(t)
        ):
            # a parent in hospice, a pet put to sleep, a legal assisted death: dying and death in
            # a medical frame, with no risk words of the speaker's own. A learned raise on them is
            # held to a check-in, never the crisis protocol or an overdose reply.
            protective.append("end_of_life")
        if kitchen_question and not signals and short:
            # a learned raise on a kitchen-knife question is held to a check-in
            protective.append("kitchen")
        if not hits and not signals and _PLEASANTRY.fullmatch(t):
            protective.append("pleasantry")
        elif not hits and time_off and not using_again:
            # "10 days out of detox, today was rough": recovery talk, a check-in at most
            protective.append("recovery")
        elif not hits and leaving:
            # "i'm leaving him on friday, i've packed a bag at my sister's": a relationship
            # ending, not a farewell (a check-in at most)
            protective.append("relationship")
        elif not hits and set(signals) <= {"means_access"} and _safety_step(t):
            protective.append("safety_step")
            signals = [s for s in signals if s != "means_access"]
        elif (
            not hits
            and set(signals) <= {"means_question", "means_access", "stressor"}
            and (_DISPOSAL.search(t) or (_DISPOSE_IT.search(t) and _MEDICINE_HELD.search(t)))
            and not _FINALITY.search(t)
            and not re.search(r"\b(?:by )?(?:taking|swallowing|eating|drinking) them\b", t)
        ):
            # "how do I safely get rid of my late dad's leftover medication?": medicine put
            # out of reach for good, not a means asked for
            protective.append("safety_step")
            signals = [s for s in signals if s not in ("means_question", "means_access")]
        elif (
            not hits
            and (
                (
                    set(signals) == {"means_question"}
                    and _SIGHTSEEING.search(t)
                    and re.search(_HIGH_PLACE, t)
                )
                or (not signals and short and _PLACE_FOR_PHOTOS.search(t))
            )
            and not _FINALITY.search(t)
            and not _CLIMBED.search(t)
        ):
            # "which bridges have the best views for photos?": a place asked for its view (a
            # learned raise on it is held back; after a stressor it is still a means question)
            protective.append("sightseeing")
        if "supporter" in suppressed or "addressed" in suppressed or asked_of_other:
            signals.append("supporter")
        protective = list(dict.fromkeys(protective))
        signals.extend(f"protective:{p}" for p in protective)
    if level is L.NONE and categories and categories != [C.MINOR]:
        categories = [c for c in categories if c is C.MINOR]
    if _VETERAN.search(t):
        signals.append("veteran")  # resources: the veterans' line where a country has one
    if _LGBTQ.search(t):
        signals.append("lgbtq")  # resources: an LGBTQ+ line where a country has one
    if "recent_sexual_assault" in names or _SEXUAL_VIOLENCE.search(t):
        signals.append(SEXUAL_VIOLENCE)  # resources: a sexual-assault line where there is one
    if _PERINATAL.search(t):
        signals.append("perinatal")  # a new parent: the condition reply says so
    if (
        names & {"mania", "mania_risk"}
        and level.at_least(L.LOW)
        and set(categories) <= {C.MANIA, C.MINOR}
    ):
        # mania and nothing else ("stopped taking lithium, feel amazing"): a statistical
        # tier's suicide or overdose reading of the same words is held to this reading
        signals.append(MANIA_FRAME)
    elif (
        names & {"eating_disorder", "ed_threshold_question"}
        and level.at_least(L.LOW)
        and set(categories) <= {C.EATING_DISORDER, C.MINOR}
    ):
        # laxatives after a meal are purging, not an overdose
        signals.append(ED_FRAME)
    return RiskAssessment(level=level, categories=categories, signals=signals, detector="patterns")


# After voices or a delusion were disclosed, "they keep telling me to ..." is a command.
_COMMAND_IN_CONTEXT = Prefiltered(
    rf"\b(?:they|it|he|she|the voices?){_COMMAND}(?:{_SELF_TARGET}|{_OTHER_TARGET})"
)
# After voices or a delusion were disclosed, a felt duty to obey them: "I feel like I have to do
# what he says", "I'll do what they want".
_OBEY_IN_CONTEXT = Prefiltered(
    r"\b(?:(?:have|got|need|must|supposed) to (?:do|obey|listen to) (?:what )?(?:he|she|they|it|"
    r"the voices?|him|her|them)(?: (?:says?|tells? me|wants?))?|(?:i'?ll|i will|gonna|going to) "
    r"(?:do what|obey) (?:he|she|they|it|the voices?|him|her|them)(?: (?:says?|tells? me|wants?))?)"
    r"\b"
)
_COMMAND_TIME = Prefiltered(
    r"\b(?:he|she|they|it|the voices?|the voice)(?:'s| is| are)? (?:says?|said|saying|wants?|"
    r"told me|tells me)(?: (?:it'?s|it has to be|to do it|i have to do it))? (?:tonight|now|"
    r"right now|today|this (?:morning|afternoon|evening))\b"
)
# After signs of mania, lost sleep or a risky act makes it an episode to act on.
_MANIA_IN_CONTEXT = Prefiltered(rf"\b(?:{_SLEEPLESS}|{_RISKY_ACT})")
# After suicidal talk, a future in which nothing matters any more: "after her wedding on the
# 14th it won't matter anyway", "it won't matter soon".
_NO_LONGER_MATTERS = Prefiltered(
    r"\b(?:it|nothing|none of (?:it|this)|that|this) (?:won'?t|wont|will not|isn'?t going to|"
    r"is not going to|is n't going to) matter (?:soon|anyway|much longer|for long|any ?more|"
    r"after|by (?:then|next|the|friday|monday|tomorrow))"
)


# A time chosen for it, in a conversation ("thursday after my shift would be the time").
_TIME_CHOSEN = re.compile(
    r"\b(?:would|will|'d|is|'s) be the (?:time|day|night|moment)\b|\b(?:on |this |next )?(?:monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday)(?: night| morning| evening)? (?:after|"
    r"when|once|before) (?:my|the|work|school|everyone|they)\b"
)


def said_when(text: str) -> bool:
    """Whether a message names a time soon ("tonight", "after my parents go to sleep") or a
    time chosen ("thursday after my shift would be the time")."""
    if not text:
        return False
    t = normalise(text)
    return re.search(_SOON, t) is not None or _TIME_CHOSEN.search(t) is not None


def postpartum_in_conversation(text: str, signals: Sequence[str], earlier: Sequence[str]) -> bool:
    """A belief about the baby (a psychosis signal in this message, the baby named) after a
    birth said earlier in the conversation ("2 weeks since my daughter was born", then "she's
    not really mine, they swapped her"): postpartum psychosis."""
    if POSTPARTUM_PSYCHOSIS in signals or COMMAND_ABOUT_BABY in signals:
        return False
    t = normalise(text)
    if not ({"psychosis", "voices"} & set(signals) or _BABY_DELUSION.search(t)):
        return False
    # the baby named, or (the baby named earlier) spoken of as she or he
    return bool(_BABY_IN.search(t) or _BABY_PRONOUN.search(t)) and any(
        _PERINATAL.search(normalise(e)) for e in earlier[-12:]
    )


def escalate_in_context(text: str, earlier: list[RiskCategory]) -> tuple[RiskLevel, str] | None:
    """A later message that turns earlier disclosed risk into an emergency: danger arriving
    after abuse, fainting after restriction, symptoms after an overdose, a future in which
    nothing matters after suicidal talk."""
    t = normalise(text)
    if RiskCategory.ABUSE in earlier and _DANGER_NOW.search(t):
        return L.HIGH, "abuse_danger_now"
    if RiskCategory.EATING_DISORDER in earlier and _MEDICAL_DANGER.search(t):
        return L.HIGH, "eating_disorder_medical_danger"
    if RiskCategory.PSYCHOSIS in earlier and _COMMAND_TIME.search(t):
        # "he says tonight": the voice has named when
        return L.IMMINENT, "command_hallucination_in_context"
    if RiskCategory.PSYCHOSIS in earlier and (
        _COMMAND_IN_CONTEXT.search(t) or _OBEY_IN_CONTEXT.search(t)
    ):
        return L.HIGH, "command_hallucination_in_context"
    if RiskCategory.MANIA in earlier and _MANIA_IN_CONTEXT.search(t):
        return L.MODERATE, "mania_in_context"
    if RiskCategory.SUICIDE in earlier and _NO_LONGER_MATTERS.search(t):
        return L.HIGH, "nothing_matters_after_risk"
    if RiskCategory.OVERDOSE in earlier and _SYMPTOMS.search(t):
        return L.IMMINENT, "overdose_with_symptoms"
    return None
