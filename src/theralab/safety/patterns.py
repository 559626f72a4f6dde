"""The fast pattern tier of the screener: named cues over normalised text, with the contexts
that turn a cue off (negation, idioms, gaming, fiction, academic or third-party talk,
recovery) and the ones a conversation needs later (stressors, means questions, persona
override attempts).

Each cue has a level and a category. Levels err upwards where the ladder is ambiguous ("I want
to die" is treated as active ideation): a false alarm costs a check-in, a miss can cost a life.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel, max_level

L, C = RiskLevel, RiskCategory

# --- normalisation ------------------------------------------------------------------------

_SLANG = (
    (r"\bk+m+s+\b", "kill myself"),
    (r"\bk+y+s+\b", "kill yourself"),
    (r"\bunalive(?:d|ing)? (?:my ?self|me)\b", "kill myself"),
    (r"\bunalive\b", "kill myself"),
    (r"\bsewer ?slide\b|\bsu[i1!]c[i1!]d[e3]\b|\bs[u*]ic[i*]de\b|\bsuicid\b", "suicide"),
    (r"\bself[- ]?h[a@]rm(?:ing|ed)?\b|\bs/h\b", "self harm"),
    (r"\bod'(?:d|ed)\b|\bo\.d\.'?(?:d|ed)\b|\boded\b", "overdosed"),
    (r"\bctb\b", "suicide"),
    (r"\b(?:from|on|with|of|into|after|about|the) sh\b", lambda m: m.group(0)[:-2] + "self harm"),
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
)
_SLANG_RX = [(re.compile(p, re.IGNORECASE), r) for p, r in _SLANG]  # type: ignore[misc]


def normalise(text: str) -> str:
    """Lower case, plain apostrophes, common slang and misspellings expanded, one space."""
    t = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    for rx, repl in _SLANG_RX:
        t = rx.sub(repl, t)
    return re.sub(r"\s+", " ", t).strip()


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
_PILLS = (
    r"(?:pills|tablets|meds|medication|paracetamol|tylenol|sleeping pills|painkillers|"
    r"insulin|antidepressants|xanax|benzos|opioids|oxy|fentanyl)"
)
_NOW = (
    r"(?:tonight|today|right now|now|this (?:morning|afternoon|evening)|in (?:an|a few|\w+) "
    r"(?:hours?|minutes?)|when (?:they|he|she|everyone)(?:'s| is| are)? (?:leave|leaves|gone|"
    r"asleep)|as soon as|before (?:morning|sunrise|they get back)|this weekend|tomorrow)"
)

CUES: tuple[Cue, ...] = (
    # passive ideation (low)
    _cue(
        "wish_dead",
        r"\b(?:wish(?:ed)? (?:i (?:was|were)|to be) dead|wish i (?:was|were)n'?t "
        r"(?:alive|born|here)|wish i could (?:just )?(?:disappear|vanish|sleep forever|not "
        r"exist|stop existing)|wish i (?:would|could) (?:just )?(?:not wake up|die)|"
        r"(?:hop(?:e|es|ed|ing)|pray(?:s|ed|ing)?|wish(?:ed|ing)?) (?:that )?i (?:don'?t|do not|"
        r"never|won'?t|will not|wouldn'?t|would not) (?:ever )?wake up"
        r"(?! (?:late|early|in time|on time|too late|too early|for)\b)|"
        r"wish (?:i'?d|i had) never (?:been born|woken up)|"
        r"(?:easier|better|a relief) if i (?:just )?(?:didn'?t|did not|wasn'?t) "
        r"(?:exist|wake up|here|around|alive)|(?:pray|hope|wish) (?:the lord|god|allah|"
        r"someone|something) (?:would )?(?:just )?takes? me|(?:if|when) (?:a bus|a car|"
        r"something|a truck|a train) (?:hit|hits|ran|runs) (?:me|over me)|waiting to die|"
        r"running out the clock|hop(?:e|ed|ing) (?:it|the plane|the car) (?:would )?(?:just )?"
        r"(?:go(?:es)? down|crash(?:es)?|kill(?:s)? me|turns? into something serious)|"
        r"(?:don'?t|wouldn'?t) (?:really )?mind (?:if i|dying|not waking)|ready to go\b|"
        r"so i won'?t have to keep going)",
        L.LOW,
        C.SUICIDE,
    ),
    _cue(
        "not_wake_up",
        r"\b(?:not|never) (?:to )?wake up\b|\bsleep (?:forever|and never)",
        L.LOW,
        C.SUICIDE,
        negatable=False,
    ),
    _cue(
        "better_off",
        r"\b(?:better off (?:without me|dead|if i (?:was|were)n'?t)|(?:world|"
        r"everyone|they|family) (?:would be|'d be) better (?:off )?without me|burden to "
        r"(?:everyone|my family|them))",
        L.LOW,
        C.SUICIDE,
    ),
    _cue(
        "no_point_living",
        r"\b(?:no (?:point|reason) (?:in |to )?(?:living|going on|being "
        r"alive|staying alive|existing|carrying on)|what'?s the point (?:of|in) "
        r"(?:living|life|being alive|going on|anything anymore)|tired of (?:living|being alive|"
        r"existing|life)|life (?:isn't|is not|isnt) worth (?:living|it)|don'?t want to "
        r"(?:exist|be alive|live|wake up|be here)(?: anymore| any more)?|can'?t (?:go on|"
        r"keep going|do this) (?:anymore|any more)|done with (?:life|living|"
        r"existing)|(?:want|wanting) (?:it|everything) to (?:stop|end)(?: for good)?|"
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
        rf"(?:it|things|everything)|(?:think|thinking|thoughts?) (?:about|of) (?:killing|ending) "
        rf"(?:yourself|your life)|(?:brain|head|mind|voice|thoughts?) (?:goes|says|tells me|"
        rf"keeps? saying)[^.]{{0,20}}kill yourself|end (?:things|everything)(?: for good)?|"
        rf"not (?:be|being) "
        rf"(?:here|around|alive) (?:anymore|any more|much longer)|off myself|hang(?:ing)? "
        rf"myself|drown(?:ing)? myself|shoot(?:ing)? myself|jump(?:ing)? (?:off|in front)|"
        rf"throw myself (?:off|in front)|die by suicide|commit(?:ting)? suicide)",
        L.MODERATE,
        C.SUICIDE,
    ),
    _cue(
        "want_die",
        r"\b(?:want(?:ed)? to die|wanna die|ready to die|(?:would|'d) rather be "
        r"dead|want (?:to )?(?:be )?dead|i should (?:just )?die|let me die|deserve to die)",
        L.MODERATE,
        C.SUICIDE,
    ),
    _cue(
        "suicidal",
        r"\b(?:i(?:'m| am| feel| have been|'ve been) (?:so |really |pretty |very |"
        r"a bit |kind of |kinda )?suicidal|suicidal (?:thoughts|feelings|again|urges)|"
        r"thoughts? (?:of|about) (?:suicide|killing|ending|dying)|think(?:ing)? (?:about|of) "
        r"(?:suicide|killing myself|ending it|ending my life|dying|death) (?:a lot|again|"
        r"constantly|every day|all the time)?|(?:my|the) suicid(?:e|al) (?:thoughts|urges|"
        r"ideation)|considering suicide|contemplating suicide|(?:taking|take|thinking about|"
        r"think about) (?:the )?suicide|dark thoughts|(?:kinda|kind of|a bit|pretty|so|very|"
        r"feeling|been|feel|getting) suicidal|(?:i|i'm|i've|me|my)\b[^.?!]{0,40}"
        r"\bsuicide\b)",
        L.MODERATE,
        C.SUICIDE,
    ),
    _cue(
        "method_thoughts",
        r"\b(?:(?:thought|thinking|think|wondered|wondering|researched|"
        r"googled|looked up|reading) (?:about )?(?:how|ways|methods?) (?:i(?:'d| would| could)? "
        r")?(?:to )?(?:do it|kill|end|die|go)|how i(?:'d| would) do it|ways to (?:die|kill "
        r"myself|end it|end my life)|(?:painless|quickest|easiest|fastest|surest) way(?:s)? "
        r"to (?:die|go|end it|do it|kill)|(?:think|thinking|thought|picture|picturing|imagine|"
        r"imagining|wonder|wondered)(?: about| of)? (?:how easy it'?d be to |myself )?(?:swerv"
        r"\w*|step(?:ping)? (?:off|out|in front)|jump\w*|go(?:ing)? (?:off|over)|driv(?:e|ing) "
        r"(?:off|into)|fall(?:ing)? from)|ways (?:people|someone) (?:kill|end)|hurt the least|"
        r"(?:staring|stare|look(?:ing)?) at the (?:pills|tablets|meds|rope|gun|bridge|tracks)|"
        r"think about (?:the|his|my dad'?s|her) (?:gun|pills|rope)|keeps? a gun|(?:take|taking) "
        r"(?:some|them|all|the lot) and not wake up)",
        L.MODERATE,
        C.SUICIDE,
        negatable=False,
    ),
    # self-harm (moderate)
    _cue(
        "self_harm",
        r"\b(?:cut(?:ting|s)? (?:myself|my (?:arms?|wrists?|legs?|thighs?|skin))|"
        r"burn(?:ed|ing|t)? (?:myself|my (?:arms?|skin))|hurt(?:ing)? myself|harm(?:ing|ed)? "
        r"myself|self harm|hit(?:ting)? myself|punch(?:ing)? (?:myself|walls? until)|"
        r"scratch(?:ing|ed)? (?:myself|my (?:arms?|skin)) (?:until|till|raw)|relapsed "
        r"(?:with |on |into )?(?:self harm|cutting|hurting myself)|(?:self harm|cutting) "
        r"relapse|(?:the )?urge to (?:cut|hurt myself|burn)|(?:hid|hide|hiding|bought|keep|"
        r"kept) (?:a |the |my )?(?:blades?|razors?)|my (?:fresh |new )?(?:cuts|scars) "
        r"(?:are|keep|won'?t)|cut(?:ting)? again|i (?:cut|burned|burnt) (?:myself |my )?(?:last|"
        r"again|(?:my )?(?:arm|wrist|thigh|leg)s?)|cut (?:my )?(?:wrists?|arms?|thighs?)|"
        r"(?:my )?cutting (?:keeps|is getting)|cut (?:way )?too deep|(?:bang|banging|hit|"
        r"hitting) my head (?:against|on)|bit(?:e|ing)? my (?:arm|hand|skin)|carv(?:e|ed|ing) "
        r"(?:\w+ ){0,3}into my (?:skin|arm|leg)|hide (?:the|my) (?:cuts|scars|marks|burns)|"
        r"(?:the )?thing with the (?:blade|razor|lighter)|on purpose[^.]{0,30}(?:burn|cut|"
        r"hurt)|(?:burn|cut|hurt)[^.]{0,40}on purpose)",
        L.MODERATE,
        C.SELF_HARM,
    ),
    # plan / intent / preparatory / attempt (high)
    _cue(
        "plan_intent",
        r"\b(?:i(?:'m| am) (?:going|gonna) to (?:kill myself|end (?:it|my life|"
        r"things)|do it|die|jump|take (?:all|the)|overdose)|i(?:'ve| have) (?:decided to (?:die|"
        r"end (?:it|my life)|kill myself|do it)|made up my mind to (?:die|end it|do it|kill "
        r"myself))|i(?:'ve| have) (?:got |made )?a plan|my plan is|planning (?:to|on) "
        r"(?:kill|end|die|jump|overdose|do it)|i will (?:kill myself|end it|do it)|i'?ll "
        r"(?:kill myself|end it|do it) (?:tonight|soon|this|when|if|tomorrow|after)|(?:this is|"
        r"it'?s) my (?:last|final) (?:message|goodbye|day|night)|(?:final|last) goodbye|"
        r"goodbye (?:forever|everyone|world)|won'?t (?:be (?:here|around)|see (?:you|"
        r"tomorrow|the morning))|when i'?m gone|after i'?m gone|won'?t be a (?:problem|"
        r"burden) (?:for (?:anyone|anybody) )?(?:much longer|for long|anymore)|set a date|"
        r"picked (?:a|my) (?:\w+ )?(?:date|day|spot|place)|(?:already )?planned (?:it|how|out|"
        r"when|where)|have it (?:all )?planned|worked out (?:exactly )?(?:how|when|where)|the "
        r"plan is to|(?:intend|mean|going) to (?:go through with it|kill myself|end (?:it|my "
        r"life)|take my (?:own )?life)|go through with it|(?:doing|do) it (?:tonight|today|"
        r"now|soon|this|after)|log(?:ging)? off permanently|permanent solution|by the time "
        r"(?:anyone|you|someone) (?:reads|sees|finds) this|(?:tell|let) my (?:\w+ ){0,2}"
        r"(?:know )?(?:i love|that i loved) (?:her|him|them)|(?:got|have|is) everything "
        r"(?:ready|sorted|in place)|tonight'?s the night|i'?ll be gone|(?:going to|gonna|will) "
        r"use (?:his|her|my|the|dad'?s|mum'?s|mom'?s) (?:gun|rifle|shotgun|rope|pills)|"
        r"know (?:how|when|where) i(?:'m| am)? (?:going to|gonna|will) do it)",
        L.HIGH,
        C.SUICIDE,
    ),
    _cue(
        "preparatory",
        r"\b(?:(?:wrote|writing|written|left) (?:a|my|the) (?:suicide )?"
        r"(?:note|letters?)|(?:giving|gave|given) away (?:my|all|everything)|stockpil(?:e|ed|"
        r"ing)|(?:saving|saved|hoarding|collecting) (?:up )?(?:my |all my )?" + _PILLS + r"|"
        r"(?:bought|buying|got|ordered|have) (?:a |some )?(?:rope|noose|gun|charcoal|"
        r"(?:a lot of |enough )?" + _PILLS + r") (?:to|for|so)|said my goodbyes|"
        r"(?:sorted|put) my affairs in order|updated my will|(?:found|finding) (?:a home|"
        r"someone) (?:for|to (?:take|look after)) my (?:dog|cat|pets?|kids)|wrote (?:letters?|"
        r"notes?) to (?:each of )?my|scheduled (?:an )?(?:email|message|post)[^.]{0,40}"
        r"[\s\S]{0,30}(?:explain|everything|goodbye)|gave (?:away )?my (?:\w+ ){0,2}to my|"
        r"deleted (?:all )?"
        r"my (?:socials|accounts)|paying off[^.]{0,30}so my (?:family|kids|wife|husband)|"
        r"(?:savings|money|everything) (?:go|goes) (?:straight )?to my[^.]{0,30}if anything|"
        r"bought a (?:handgun|gun|rifle|shotgun|pistol)|getting ready for it|(?:the |my )?"
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
        r"(?:took|taken) an "
        r"overdose|(?:after|since) i (?:overdosed|tried))",
        L.HIGH,
        C.SUICIDE,
    ),
    # imminent
    _cue(
        "act_underway",
        r"\b(?:i(?:'ve| have)? (?:just )?(?:taken|took|swallowed|downed|had) "
        r"(?:all|the whole|a whole|a bottle|a bunch|a handful|loads|lots|too many|\d+|twenty|"
        r"thirty|fifty)(?: of)?(?: my| the| these)? ?(?:bottle )?(?:of )?(?:my |the |his |her )?"
        r"(?:[\w']+ )?" + _PILLS + r"|by the time (?:anyone|you|someone) (?:reads|sees|finds) "
        r"this|"
        r"standing on (?:the )?(?:ledge|edge|bridge|roof|railing|platform)|(?:i'?m|i am) (?:on|"
        r"at) (?:the )?(?:bridge|roof|ledge|cliff|tracks)|(?:rope|noose) is (?:ready|up|tied|"
        r"around)|(?:loaded|holding) (?:the|my|a) gun|(?:can'?t stop|won'?t stop) (?:the )?"
        r"bleeding|bleeding (?:a lot|everywhere|badly)|started (?:the car|cutting) (?:in|and)|"
        r"this is it|it'?s (?:done|happening) (?:now|tonight)|(?:standing|sitting) (?:on|by|at) "
        r"(?:the )?(?:wrong side|(?:train |railway )?tracks|edge|ledge)|next (?:one|train) "
        r"(?:comes|is due)|swallowed (?:everything|all)|(?:took|taken|had) (?:a load|a lot|"
        r"loads|lots|all) of (?:[\w']+ ){0,2}" + _PILLS + r"|"
        r"(?:took|taken) them all)",
        L.IMMINENT,
        C.SUICIDE,
        negatable=False,
    ),
    # other categories
    _cue(
        "harm_others_thought",
        r"\b(?:(?:want(?:ed)? to|wanna|urge to|thoughts? (?:of|about)|"
        r"think(?:ing)? about|fantasi[sz](?:e|ing) about|could) (?:kill(?:ing)?|hurt(?:ing)?|"
        r"stab(?:bing)?|strangl(?:e|ing)|shoot(?:ing)?|beat(?:ing)? up|smash(?:ing)?) (?:him|"
        r"her|them|my (?:\w+ ){0,2}(?:boss|wife|husband|partner|dad|father|mum|mom|mother|"
        r"brother|sister|son|daughter|baby|kid|neighbou?r|teacher|ex|roommate|flatmate|"
        r"colleague|coworker|manager|landlord|stepdad|stepmum|boyfriend|girlfriend)|"
        r"(?:that|this|the) (?:guy|man|woman|kid|teacher|bitch|bastard|prick|driver|"
        r"neighbou?r)|someone|somebody|people|everyone)|(?:picture|picturing|imagin(?:e|ing)|"
        r"fantasi[sz]\w*|flash(?:es)? of|thoughts? of|urges? to|visions? of)(?: about)? "
        r"(?:\w+ ){0,2}(?:hitting|hurting|shoving|pushing|stabbing|shaking|strangling|killing|"
        r"smashing|wrecking|punching|beating|drowning|suffocating|choking) (?!myself|yourself)"
        r"(?:him|her|them|my|a|the|someone|people|\w+))",
        L.MODERATE,
        C.HARM_TO_OTHERS,
    ),
    _cue(
        "harm_others_intent",
        r"\b(?:(?:(?:i'?m|i am) (?:going|gonna) to|i will|i'?ll|planning "
        r"to|bought (?:a \w+ |something )?to|going to make (?:him|her|them) pay (?:with))"
        r" ?(?:kill|hurt|stab|shoot|strangle|poison|run (?:him|her|them) over|burn (?:his|"
        r"her|their) (?:house|place))(?! myself)|(?:knife|gun|bat|blade|hammer)[^.]{0,40}"
        r"(?:using it|use it|on (?:him|her|them))|(?:he|she|they)(?:'s| is| are|'re)? (?:not )?"
        r"(?:going to|gonna) (?:pay|regret|get what)|(?:he|she)(?:'s| is)? ?(?:not getting "
        r"away with|won'?t be walking away)|(?:finds?|find) out what happens when|make (?:him|"
        r"her|them) (?:hurt|pay|suffer|bleed)|get hold of a (?:gun|knife|weapon)|(?:following|"
        r"followed|watching) (?:him|her|them) (?:home|every)|know (?:where|when) (?:he|she|"
        r"they) (?:parks|lives|works|walks))",
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
        r"home)|afraid (?:to go|of going) home|scared (?:of|to be around) (?:my|him|her)|"
        r"(?:he|she) (?:said|says|threatened|swore) (?:he|she)(?:'ll| will| would|'d) "
        r"(?:kill|hurt) me|bruises? (?:from|he|she|where)|domestic (?:violence|abuse)|"
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
        r"(?:checks|controls|takes) my phone)",
        L.MODERATE,
        C.ABUSE,
        personal=False,
    ),
    _cue(
        "psychosis",
        r"\b(?:(?:they|the government|the police|people|neighbou?rs|my family|"
        r"everyone|the tv|the radio|someone|cia|fbi|mi5|aliens) (?:are|is|keep|have been) "
        r"(?:watching|following|tracking|spying on|poisoning|monitoring|listening to|reading|"
        r"controlling|sending|putting|implant)|hear(?:ing)? (?:voices|things that aren'?t)|"
        r"(?:the )?voices? (?:tell|told|telling|say|says|said|keep|are|is|in my head)|"
        r"(?:chip|tracker|device|camera) in my (?:head|brain|body|teeth|tooth)|implanted|"
        r"(?:special|secret|divine) (?:mission|message|powers?)|chosen one|(?:god|the devil|"
        r"angels?|spirits?|demons?) (?:is|are) (?:talking|speaking|sending|telling)|"
        r"messages? (?:for me )?(?:in|from|through) (?:the )?(?:tv|radio|numbers|plates|songs|"
        r"ads)|read(?:ing)? my (?:mind|thoughts)|(?:controlling|inserting|stealing) my "
        r"thoughts|(?:isn'?t|aren'?t|not) (?:really )?my (?:real )?(?:family|parents|"
        r"mum|mom|dad|husband|wife)|replaced by (?:an )?(?:impostor|imposter|double)|"
        r"(?:they|someone)(?:'re| are) (?:out to get|after) me|(?:cameras?|bugs?|microphones?|"
        r"wires?|listening devices?) (?:in|inside|hidden in) (?:my|the) (?:smoke|light|walls?|"
        r"ceiling|phone|flat|house|room)|(?:has|have) chosen me|chosen me to|swapped (?:for|"
        r"with) (?:copies|clones|doubles)|(?:coded|secret|hidden) (?:messages?|msgs|signals?|"
        r"signs?)|(?:instructions|messages|signs) (?:meant )?(?:only )?for me|(?:songs?|radio|"
        r"tv|newsreader|the news|adverts?)[^.]{0,40}(?:answering|talking to|speaking to|"
        r"looking at|signal(?:ling)? to) me|signal we agreed|the mission (?:has to|comes)|"
        r"(?:god|the universe) (?:has|is) (?:chosen|speaking|talking)|answering (?:the )?"
        r"(?:questions|thoughts) in my head|answering my thoughts)",
        L.MODERATE,
        C.PSYCHOSIS,
        negatable=False,
    ),
    _cue(
        "mania",
        r"\b(?:(?:haven'?t|have not|hasn'?t|not|barely) slept (?:in|for) (?:days|"
        r"\d+ (?:days|nights)|(?:two|three|four|five|several) (?:days|nights))|don'?t need "
        r"(?:to )?sleep|no sleep (?:in|for) (?:days|\d+)|racing thoughts|(?:my )?(?:mind|"
        r"thoughts) (?:is|are|keeps?) racing|feel(?:ing)? (?:invincible|unstoppable|like a "
        r"god|limitless)|(?:spent|spending|blew|maxed out|emptied) (?:all )?(?:my|our|the) "
        r"(?:savings|credit cards?|rent|pension|inheritance)|start(?:ing)? (?:\d+|two|three|"
        r"four|five|ten) (?:companies|businesses)|million(?:-| )dollar idea|can'?t stop "
        r"talking|(?:grand|genius) (?:plan|idea)s?|(?:haven'?t|not) (?:really )?slept since|"
        r"(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth) night (?:awake|without sleep|no "
        r"sleep)|up for days|no (?:food|sleep),? no (?:sleep|food)|(?:a )?million miles an hour|"
        r"my destiny|maxed (?:out )?(?:both |all |my )?(?:credit )?cards|(?:gave|giving) "
        r"(?:away )?(?:my|all my) (?:savings|money)|(?:house|home) deposit|theory of everything|"
        r"biggest \w+ (?:on earth|in the world|ever)|nothing can go wrong|stopped (?:taking )?my "
        r"(?:meds|medication|lithium)[^.]{0,40}(?:unstoppable|amazing|alive|best|energy)|"
        r"overflowing with (?:energy|ideas)|(?:painted|cleaned|rebuilt) the whole[^.]{0,30}"
        r"overnight)",
        L.MODERATE,
        C.MANIA,
        negatable=False,
    ),
    _cue(
        "eating_disorder",
        r"\b(?:(?:haven'?t|have not|didn'?t|not) eat(?:en)? (?:anything )?"
        r"(?:in|for) (?:days|\d+ days|(?:two|three|four|five) days|a week)|(?:make|made|"
        r"making) myself (?:sick|throw up|vomit|purge)|(?:throw(?:ing)?|threw) up after "
        r"(?:eating|meals|every meal|dinner)|purg(?:e|ed|ing)|laxatives|starv(?:e|ed|ing) "
        r"myself|(?:only )?(?:eat|ate|eating|allow myself) (?:only )?\d+ calories|"
        r"(?:skip|skipping|skipped) (?:every|all|most) meals?|binge(?:d|ing)? and purg|"
        r"pro-?ana|thinspo|(?:too|so) fat to eat|don'?t deserve (?:to eat|food)|"
        r"(?:chew and spit|body check)|(?:only )?let myself eat|don'?t (?:let myself )?eat "
        r"(?:anything )?until|skip (?:the )?whole day|binge[ds]?\b|binging|cancel (?:it|them) "
        r"out|water only|only water|period (?:stopped|has stopped)|chew\w*[^.]{0,30}spit|"
        r"weigh myself (?:constantly|every|\d+ times)|(?:skinnier|thinner|lighter) by|"
        r"(?:keep|kept) skipping (?:lunch|meals|breakfast|dinner)|(?:feel|felt|look) (?:way )?"
        r"too (?:big|fat) to eat|cutting back (?:more and more|on food))",
        L.MODERATE,
        C.EATING_DISORDER,
    ),
    _cue(
        "overdose",
        r"\b(?:overdos(?:e|ed|ing)|(?:took|taken|swallowed|had) (?:way )?too many "
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
        r"pills) all|(?:the )?extra pills|before they kick in)",
        L.HIGH,
        C.OVERDOSE,
    ),
)

# Contexts that modify cues.
_NEGATION = re.compile(
    r"\b(?:(?<!or )not|never|no|don'?t|do not|didn'?t|won'?t|wouldn'?t|would never|isn'?t|am not|"
    r"i'?m not|nothing like|no longer|not going to|not planning|no plans? to|no intention)\b"
    r"(?:\W+\w+){0,3}\W*$"
)
_IDIOM_AFTER = re.compile(
    r"^\W*(?:of (?:embarrassment|shame|boredom|laughter|cringe)|laughing|lol|lmao|haha|😂|🤣|"
    r"inside|a little|from (?:embarrassment|cringe)|(?:while |when )?(?:playing|at (?:the )?"
    r"(?:gym|game|match|practice|training)|running|lifting|skiing|by accident|accidentally|"
    r"(?:in|on) (?:a|the) (?:fall|stairs|match|pitch)|falling|cooking|at work))"
)
# Everyday death-and-violence idioms; recognised so a statistical tier does not read them as risk.
_IDIOMS = re.compile(
    r"\b(?:(?:is|are|'s|'re|will|gonna|going to) (?:literally |actually )?kill (?:me|us)\b|"
    r"(?:is|are|was) killing me|could (?:murder|kill) (?:a|an|some|for)|dying (?:to|for)|"
    r"to die for|died laughing|dead tired|bored to death|scared to death|shoot me now|"
    r"kill(?:ing|ed)? it\b|kill (?:some )?time|over my dead body|i'?m dead\b|"
    r"nearly died (?:laughing|of)|drop dead|make a killing|killer (?:workout|app|view))"
)
_EARNEST = re.compile(r"\b(?:for real|not joking|i mean it|seriously|no joke|fr fr|deadass)\b")
_GAMING = re.compile(
    r"\b(?:in (?:the )?game|in[- ]game|minecraft|fortnite|roblox|valorant|apex|cod|warzone|"
    r"elden ring|dark souls|league|lol match|respawn(?:ed|ing)?|spawn|boss fight|the boss|"
    r"speedrun|my character|my avatar|npc|pvp|raid|lobby|ranked|hardcore mode|noob|"
    r"headshot|fall damage|lava|creeper|hp|health bar|checkpoint|glitch|mod|hardcore|seed|"
    r"restart|save file|world)\b"
)
_FICTION = re.compile(
    r"\b(?:my (?:novel|story|book|screenplay|script|play|poem|fanfic|manuscript|short story)|"
    r"(?:a|the|this) (?:novel|story|book|screenplay|script|film|movie|show|series|episode|"
    r"play|poem|song|character|scene|plot|season finale|protagonist|villain)|writing a|"
    r"(?:main|the) character|fictional|fanfic|in the (?:book|film|movie|show|series))\b"
)
_ACADEMIC = re.compile(
    r"\b(?:research|study|studies|statistics|stats|rates?|prevalence|epidemiology|essay|"
    r"assignment|coursework|dissertation|thesis|lecture|module|exam question|policy|"
    r"prevention|public health|journal|paper on|literature|data on|clinicians?|nursing "
    r"(?:school|student|course)|psychology (?:class|course|student)|training|textbook|"
    r"according to|how do (?:therapists|clinicians|counsel?lors))\b"
)
_THIRD_PARTY = re.compile(
    r"\b(?:(?:my|a|our) (?:\w+ )?(?:coworker|colleague|friend|son|daughter|student|"
    r"teammate|patient|client) (?:said|says|told|texted|posted|mentioned|keeps|has|is)|"
    r"my (?:\w+ )?(?:friend|best friend|mate|bf|gf|boyfriend|girlfriend|partner|husband|wife|son|"
    r"daughter|kid|child|brother|sister|sibling|cousin|mum|mom|mother|dad|father|student|"
    r"colleague|coworker|roommate|flatmate|patient|client|neighbou?r|nephew|niece|uncle|aunt)|"
    r"(?:he|she|they)(?:'s| is| are| has| have| keeps?| said| says| told me| mentioned| "
    r"posted| texted)|someone i know|a friend|how (?:do|can) i (?:help|support))\b"
)
_FIRST_PERSON_CLAUSE = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b")
_REPORTED_QUESTION = re.compile(
    r"\b(?:asked|asking|asks|ask) (?:me )?(?:earlier |again |today )?(?:if|whether)\b[^.?!]*$"
)
_RECOVERY = re.compile(
    r"\b(?:used to|years? ago|(?:years?|months?) since|(?:asked|asking|ask) (?:me )?"
    r"(?:earlier )?(?:if|whether)|when i was (?:younger|a (?:teen|kid|child)|\d+|in school)|"
    r"(?:clean|free|sober) (?:for|since)|in recovery|recovered|haven'?t (?:\w+ ){0,2}since|"
    r"(?:back|long time) ago|in the past|these days i'?m (?:ok|okay|fine|good|better)|"
    r"doing (?:much )?better now)\b"
)
_RECENT = re.compile(
    r"\b(?:last (?:night|week|weekend|month)|yesterday|(?:a )?(?:few|couple of|two|three) "
    r"(?:days|weeks) ago|this (?:week|month)|recently|again|(?:a )?month ago)\b"
)

MEANS_INQUIRY = re.compile(
    r"\b(?:how many " + _PILLS + r"|lethal (?:dose|amount)|fatal (?:dose|amount)|overdose "
    r"on|how much (?:\w+ ){0,4}(?:to (?:die|kill|overdose)|would kill|is (?:fatal|lethal|"
    r"deadly|too much))|(?:tallest|highest) (?:bridges?|buildings?|cliffs?|towers?|"
    r"car parks?|parking (?:garages?|structures?))|(?:bridges?|buildings?|cliffs?|roofs?|"
    r"towers?) (?:\w+ ){0,4}(?:taller|higher|over|above|more) (?:than )?\d+|how (?:high|tall|far) "
    r"(?:\w+ ){0,5}(?:to die|to survive|fatal|kill|a fall|survive)|(?:survive|die from) "
    r"(?:a )?(?:fall|jump)|where (?:can|could|do|would) (?:i|you|someone) (?:buy|get|find) "
    r"(?:a )?(?:gun|rope|noose|pills|" + _PILLS + r"|charcoal|poison|barbiturates)|(?:fastest|"
    r"easiest|quickest|painless|surest|least painful) (?:way|method)s? to (?:die|go|end|do it|"
    r"kill)|does it hurt to (?:die|drown|hang|bleed|jump)|how long (?:\w+ ){0,4}(?:to die|to "
    r"bleed out|before you die|unconscious)|(?:which|what) (?:train|trains|railway|line) "
    r"(?:\w+ ){0,4}(?:fastest|express|doesn'?t stop)|car exhaust|(?:deep|cold) enough to "
    r"drown|which (?:veins?|arteries?|artery)|(?:can|could) you die (?:from|of|if)|"
    r"what (?:happens|would happen) if (?:you|i|someone) (?:took|take|swallowed|jumped|mixed)|"
    r"(?:is|would) (?:it|that) be (?:enough|fatal|lethal) to)"
)
# A question about something that could be a means (medication, heights, water, rail, weapons,
# lethality). Harmless alone; `high` after a stressor or any earlier risk.
MEANS_QUESTION = re.compile(
    r"\?|\b(?:how (?:long|high|deep|far|many|much|do|does|can|would|fast)|which|where(?:'s| is|"
    r" are| can| do)?|what (?:happens|would|if|kind)|is (?:the|it|there|this)|are (?:the|there)|"
    r"does (?:the|it|a)|do (?:you|they|i)|can (?:you|i|someone)|help me find)\b"
)
MEANS_WORDS = re.compile(
    r"\b(?:" + _PILLS + r"|medications?|meds|painkillers|morphine|oxycodone|codeine|"
    r"chemicals?|bleach|rope|guns?|rifles?|firearms?|shotguns?|handgun|gun safe|bridges?|"
    r"footbridge|buildings?|rooftops?|roofs?|floor|cliffs?|clifftop|river|dam|lake|quarry|"
    r"railway|crossings?|trains?|tracks|motorway|highway|overpass|car park|fall|falls|height|"
    r"high enough|deep enough|deep|drown\w*|bleed\w*|too many|too much|without (?:eating|"
    r"drinking|food|water)|life insurance|dangerous|deadly|lethal|fatal|survive|feel anything|"
    r"knives|knife|blades?|razors?|pay ?out|walkway|won'?t hurt|without stopping|no gates|"
    r"over-the-counter|take and how much|way out)\b"
)
SELF_HARM_INTENT = re.compile(
    r"\b(?:trying to die|wanted (?:it )?to (?:die|be the end|end)|hop(?:e|ed|ing) it would "
    r"(?:kill me|be the end)|something more|(?:don'?t|do not) (?:think i )?want it to stop|"
    r"wanted to die|not sure i'?m glad)\b"
)
STRESSOR = re.compile(
    r"\b(?:(?:girlfriend|boyfriend|wife|husband|partner|fianc[eé]e?) (?:left|dumped|cheated|"
    r"took the (?:kids|dog|children))|(?:wife|husband|partner) took the|failed (?:again|my|"
    r"the)|off the course|biopsy|(?:it'?s|its) not good|lost custody|took the kids|my fault|"
    r"relapsed|everyone saw|(?:pics|photos|video) (?:he|she|they) (?:posted|shared)|outed|"
    r"kicked me out|bank is taking|went under|owe everyone|won'?t even look at me|"
    r"lost my (?:job|house|home|wife|husband|partner|son|daughter|baby|mum|mom|dad|"
    r"mother|father|best friend|business|savings|everything)|(?:got|been|was|just got) "
    r"(?:fired|laid off|sacked|let go|dumped|evicted|kicked out|expelled|rejected)|"
    r"(?:broke|broken) up|divorce|left me|cheated on me|(?:died|passed away|funeral)|"
    r"bankrupt|in debt|can'?t pay|repossess|foreclos|failed (?:my|the|all my) (?:exams?|"
    r"course|year|degree)|diagnos(?:ed|is)|terminal|custody|arrested|court case|"
    r"nobody (?:cares|loves me|would notice)|everything is falling apart|ruined my life|"
    r"lost everything)\b"
)
PERSONA_OVERRIDE = re.compile(
    r"\b(?:ignore (?:all |your |the |any )?(?:previous |prior |above )?(?:instructions|rules|"
    r"guidelines|safety)|you are (?:now )?(?:dan|an? (?:ai|assistant|bot) (?:without|with no)|"
    r"not a (?:counsel?lor|therapist))|pretend (?:you(?:'re| are)|to be)|(?:let'?s )?roleplay|"
    r"role-?play|hypothetically|hypothetical(?:ly)? (?:speaking|question)|for a (?:story|novel|"
    r"book|screenplay|game|school project)|as a thought experiment|jailbreak|developer mode|"
    r"no (?:filters|restrictions|rules)|stop being (?:a )?(?:therapist|counsel?lor)|"
    r"just answer the question|i'?m (?:a|an) (?:nurse|doctor|pharmacist|researcher) so)\b"
)
MINOR = re.compile(
    r"\b(?:(?:my|our) (?:pe|form|homeroom) teacher|school nurse|my (?:gcse|a-level)s?\b|"
    r"i'?m (?:only |just )?(?:1[0-7]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen)(?: years old| yrs? old| y/?o| yo)?\b(?! (?:years|yrs) (?:ago|married|"
    r"sober|clean))|\b(?:1[0-7]) ?(?:y/?o|yrs? old|years old)\b|i'?m in (?:year|grade) "
    r"(?:[4-9]|1[0-2]|four|five|six|seven|eight|nine|ten|eleven|twelve)\b|in (?:middle|junior "
    r"high|high) school|(?:my )?(?:mum|mom|parents) (?:won'?t|will not|don'?t) let me|"
    r"(?:year|grade) (?:[4-9]|1[0-2]) (?:student|exams?)|(?:gcses?|sats) (?:are|next))"
)


_SYMPTOMS = re.compile(
    r"\b(?:can'?t (?:feel|breathe|stand|see|stay awake)|heavy|far away|heart (?:is )?"
    r"(?:racing|pounding)|feel(?:ing)? (?:really )?(?:sick|weird|faint|dizzy|sleepy|off|numb)|"
    r"starting to feel|(?:gonna|going to|just) lie down|throwing up|passing out|kick in|"
    r"(?:they'?re|it'?s) in me)\b"
)
_MEDICAL_DANGER = re.compile(
    r"\b(?:faint(?:ed|ing)?|black(?:ing|ed) out|pass(?:ing|ed) out|heart (?:keeps |is )?"
    r"(?:doing|skipping|racing|pounding|fluttery|fluttering)|fluttery|skipping|numb|hit my "
    r"head|collapsed|chest pains?|can'?t stand up)\b"
)
_DANGER_NOW = re.compile(
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

    The reasons cues were turned off are appended to `suppressed` (negated, reported,
    idiom, context).
    """
    hits: list[CueHit] = []
    why = suppressed if suppressed is not None else []
    impersonal_context = bool(
        _GAMING.search(text) or _FICTION.search(text) or _ACADEMIC.search(text)
    )
    third_party = bool(_THIRD_PARTY.search(text))
    for cue in CUES:
        for m in cue.pattern.finditer(text):
            before, after = text[: m.start()], text[m.end() :]
            if cue.negatable and _NEGATION.search(_clause(before)):
                why.append("negated")
                continue
            if _REPORTED_QUESTION.search(before):
                why.append("reported")
                continue
            if _IDIOM_AFTER.search(after) and not _EARNEST.search(text):
                why.append("idiom")
                continue
            if (
                cue.personal
                and (impersonal_context or third_party)
                and not _owned(text, m.start(), m.end(), cue)
            ):
                why.append("context")
                continue
            if cue.personal and _addressed_to_someone_else(text, m.start(), m.end()):
                why.append("addressed")
                continue
            hits.append(CueHit(cue, m.start(), m.end()))
            break
    return hits


_SECOND = re.compile(r"\b(?:you|your|you'?re|you'?ve|you'?ll|yourself|u|ur)\b")


def _addressed_to_someone_else(text: str, start: int, end: int) -> bool:
    """A cue in a sentence spoken to someone else ("if you cut, clean it", "you won't always
    want to die") with no first person in it is about them, not the speaker."""
    sent_start = (
        max(text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start)) + 1
    )
    ends = [i for i in (text.find(".", end), text.find("!", end), text.find("?", end)) if i >= 0]
    sentence = text[sent_start : min(ends) if ends else len(text)]
    if _SELF_INCLUDED.search(text):
        return False  # "is it normal to think about killing yourself? asking because I do"
    return bool(_SECOND.search(sentence)) and not _FIRST_PERSON_CLAUSE.search(sentence)


_SELF_INCLUDED = re.compile(
    r"\b(?:asking (?:because|for myself|for me)|me too|same here|same for me|i(?:'ve| have) "
    r"been doing (?:it|that)|i do (?:it|that) too|like me|i feel the same)\b"
)


def _clause(before: str) -> str:
    """The part of the preceding text in the same clause as the cue."""
    return re.split(r"[.!?;]|\bbut\b|,\s*(?:and|so)\b", before)[-1]


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
    if re.search(
        r"\b(?:said|says|told (?:me|us)|wrote|texted|posted|messaged)\s*[:,]?\s*['\"]", lead
    ):
        return False  # quoted speech of someone else
    if re.search(r"\bi\b[^.,;!?]{0,25}$", lead):
        return True  # "I picture ...", "I keep ...": the speaker's own
    if _THIRD_PARTY.search(sentence[: start - sent_start]) and not re.search(
        r"\bi (?:want|wanna|am going|'m going|feel|think about)\b", sentence
    ):
        return False
    if _ACADEMIC.search(sentence) and not re.search(r"\b(?:i|i'm|i've|me)\b", sentence):
        return False
    return bool(_FIRST_PERSON_CLAUSE.search(sentence)) or cue.level.at_least(L.HIGH)


def assess_text(text: str) -> RiskAssessment:
    """The pattern tier's assessment of one message, without conversation context."""
    t = normalise(text)
    suppressed: list[str] = []
    hits = find_cues(t, suppressed)
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
    if names == {"attempt"} and _RECOVERY.search(t) and not _RECENT.search(t):
        level, signals = L.LOW, ["past_attempt"]
    elif (
        names
        and names <= {"self_harm"}
        and _RECOVERY.search(t)
        and not _RECENT.search(t)
        and not re.search(r"\b(?:urge|want(?:ing)? to|again|relapse)", t)
    ):
        level, categories, signals = L.NONE, [], ["self_harm_history"]
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
    if MEANS_QUESTION.search(t) and MEANS_WORDS.search(t) and not _GAMING.search(t):
        signals.append("means_question")
    means = MEANS_INQUIRY.search(t)
    asks_means = bool(means) or "means_question" in signals
    if asks_means and level.at_least(L.LOW):
        level = max_level([level, L.HIGH])  # a method or means question alongside risk
        signals.append("means_with_risk")
    if "act_underway" in names:
        if re.search(_PILLS + r"|medicine cabinet|overdos", t) and C.OVERDOSE not in categories:
            categories.append(C.OVERDOSE)
        if re.search(r"\b(?:cut|cutting|bleeding)\b", t) and C.SELF_HARM not in categories:
            categories.append(C.SELF_HARM)
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
    if means and not _GAMING.search(t):
        signals.append("means_inquiry")
        lethal = re.search(
            r"\b(?:lethal|fatal|to die|kill|painless|overdose|die from|survive|"
            r"bleed out|drown|deadly|enough to)\b",
            t,
        )
        level = max_level([level, L.MODERATE if lethal else L.LOW])
        if C.SUICIDE not in categories:
            categories.append(C.SUICIDE)
    if STRESSOR.search(t):
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
    if MINOR.search(t):
        categories.append(C.MINOR)
        signals.append("minor")
    if level is L.NONE:
        # Say why a message with risk words is not risk, so other tiers can respect it.
        protective = list(dict.fromkeys(suppressed))
        if _IDIOMS.search(t):
            protective.append("idiom")
        if _GAMING.search(t):
            protective.append("gaming")
        elif _FICTION.search(t):
            protective.append("fiction")
        if "self_harm_history" in signals or "past_attempt" in signals:
            protective.append("history")
        signals.extend(f"protective:{p}" for p in protective)
    if level is L.NONE and categories and categories != [C.MINOR]:
        categories = [c for c in categories if c is C.MINOR]
    return RiskAssessment(level=level, categories=categories, signals=signals, detector="patterns")


def escalate_in_context(text: str, earlier: list[RiskCategory]) -> tuple[RiskLevel, str] | None:
    """A later message that turns earlier disclosed risk into an emergency: danger arriving
    after abuse, fainting after restriction, symptoms after an overdose."""
    t = normalise(text)
    if RiskCategory.ABUSE in earlier and _DANGER_NOW.search(t):
        return L.HIGH, "abuse_danger_now"
    if RiskCategory.EATING_DISORDER in earlier and _MEDICAL_DANGER.search(t):
        return L.HIGH, "eating_disorder_medical_danger"
    if RiskCategory.OVERDOSE in earlier and _SYMPTOMS.search(t):
        return L.IMMINENT, "overdose_with_symptoms"
    return None
