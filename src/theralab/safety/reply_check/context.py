"""What the client's messages so far say about them, as the reply checker needs it.

The reply checker judges a reply against the conversation, so it reads the client's history
itself: the pattern screener (`theralab.safety.screener`, pattern tier only, so it is fast and
offline) gives the risk level and categories, and a small set of condition cues written for the
checker finds what the screener may not flag — a delusion or hallucination being described,
voices commanding harm, a manic state with a risky plan, compulsions, restriction or purging,
current self-harm, preparation for suicide, or a means question after a loss.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from theralab.safety.patterns import normalise
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel, Whose, max_level
from theralab.safety.screener import ConversationScreener, PatternTier, Screener


class Condition(StrEnum):
    """What the checker looks for in the client's history."""

    SUICIDAL = "suicidal"  # active ideation, preparation or a means question after a stressor
    PASSIVE_IDEATION = "passive_ideation"  # a wish not to be here, no intent stated
    SELF_HARM = "self_harm"  # current self-injury or an urge with means at hand
    FRESH_MARKS = "fresh_marks"  # marks described as recent: not a crisis, never to be hidden
    COMMAND_HARM = "command_harm"  # voices commanding harm to self or others
    DELUSION = "delusion"
    HALLUCINATION = "hallucination"
    MANIA = "mania"
    RISKY_PLAN = "risky_plan"  # a manic state plus a plan (money, travel, stunts, driving)
    OCD = "ocd"
    INTRUSIVE_HARM = "intrusive_harm"  # unwanted harm thoughts the client finds abhorrent
    EATING_DISORDER = "eating_disorder"
    SEVERE_EATING = "severe_eating"  # purging, laxatives, very low intake or weight
    MEANS_QUESTION = "means_question"
    SCHOOL_AGE = "school_age"  # an age under 18 or a school-age life (for which services fit)


_CRISIS_CATEGORIES = frozenset(
    {
        RiskCategory.SUICIDE,
        RiskCategory.SELF_HARM,
        RiskCategory.OVERDOSE,
        RiskCategory.HARM_TO_OTHERS,
    }
)


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts))


# --- suicide ---------------------------------------------------------------------------------
_SUICIDAL = _rx(
    r"\b(?:kill|killing|end|ending|take|taking) (?:myself|my (?:own )?life)\b",
    r"\bi(?:'m| am| feel| was|'ve been| have been)? ?(?:so |really |feeling |very )?suicidal\b",
    r"\b(?:i have|i've (?:been )?(?:having|had)|my) suicidal\b",
    r"\bi(?:'ve| have)? ?(?:been )?(?:think|thinking|thought) (?:about|of) (?:suicide|ending (?:it|"
    r"my life|things))\b",
    r"\bi (?:want to|wanna|am going to|'m going to|will|might|could) (?:end it|die)\b",
    r"\b(?:take|taking|swallow\w*|down|downing) (?:all|every one of|the whole (?:box|bottle|pack|"
    r"packet) of) (?:my |the |those |of my )?(?:\w+ )?(?:pills|tablets|meds|medication|"
    r"antidepressants|painkillers|insulin)\b",
    # "if i just ended it", "i should end it all"
    r"\b(?:if i|i should|i could|i'?d|i might|i'?ll|i will|i want to|just) (?:just )?(?:end(?:ed)?|"
    r"ending) (?:it|it all|everything|things|my life)\b",
    # ended it or killed myself: active; died, gone, not here: a wish to be dead (`_PASSIVE`)
    r"\bbetter off if i (?:just )?(?:ended|killed)\b",
    # pills mentioned, then "take all of them" (in any wording a learner of English may use)
    r"\b(?:pills|tablets|meds|medication|medicine)\b[^?!]{0,120}\b(?:take|taking|swallow|drink)"
    r" (?:all of them|them all|all|the lot|the whole lot|every one)\b",
    # researching how much of a drug would be lethal
    r"\b(?:reading|read|looking|looked|searching|searched|googl\w*|research\w*)\b[^.?!]{0,30}\b"
    r"how (?:much|many)\b[^.?!]{0,40}\b(?:would|it'?d|to) (?:take|kill|be enough)\b",
    # how easy a means at hand would make it ("how easy it would be with the insulin")
    r"\bhow (?:easy|simple|quick|easily) (?:it )?(?:would|could|'d|might) be\b[^.?!]{0,30}\b"
    r"(?:with|using|to use) (?:the |my |all (?:the |my )?)?(?:insulin|pills|tablets|meds|"
    r"medication|rifle|gun|rope|knife|car|train)\b",
    # wanting to join someone who died
    r"\b(?:want|like|wish|long|ready|going) to (?:join|be with) (?:her|him|them|my (?:wife|husband|"
    r"partner|son|daughter|mum|mom|dad|mother|father))(?: again| now| soon)?\b(?![^.]{0,20}\b"
    r"(?:for|at|on) (?:dinner|lunch|holiday|the))",
)
# Passive ideation: a wish not to be here, without intent. The guardrail checks in at `low`.
# An overdose or injury already taken or done: an emergency whatever the wording.
_ACT_UNDER_WAY = _rx(
    r"\b(?:i(?:'ve| have)? ?(?:just |already )?(?:took|taken|swallowed|downed|had))\b[^.]{0,40}"
    r"\b(?:pills|tablets|meds|medication|sleeping|paracetamol|tylenol|painkillers|insulin|"
    r"antidepressants|bottle|packet|box)\b",
    r"\bi(?:'ve| have)? ?(?:just )?(?:cut|slashed) (?:my (?:wrists?|arms?|throat)|too deep)\b",
)
_PASSIVE = _rx(
    r"\b(?:better off|happier|fine) without me\b",
    # C-SSRS's wish to be dead, not thoughts of killing oneself: `low`, as the screener reads it
    r"\bbetter off if i (?:just |really |simply )?(?:died|was dead|were dead|was gone|were gone|"
    r"wasn'?t here|weren'?t here|wasn'?t around|weren'?t around|disappeared|didn'?t exist)\b",
    r"\b(?:don'?t|not|never) (?:want to )?wake up\b",
    r"\bno (?:point|reason) (?:in |to )?(?:living|going on|being here|anything)",
    r"\bdon'?t see (?:the|what the) point\b",
    r"\b(?:everyone|everybody|my family|my kids)(?: would|'d| will|'ll) be better off(?= *(?:$|"
    r"[.,!?;]|without me|if i\b|anyway|honestly|tbh))",
    r"\bwant to (?:disappear|not exist|not be here)\b",
    r"\b(?:wish i (?:was|were) (?:dead|never born)|not be here anymore)\b",
    r"\b(?:go to sleep|fall asleep|sleep) and (?:just )?(?:not|never) wake(?: up)?\b",
    r"\btired (?:from|of) (?:life|living)\b",
    r"\b(?:fine|okay|ok|a relief|better|easier|nice|good|peaceful) if i (?:just )?(?:didn'?t|did "
    r"not|never|don'?t|wouldn'?t) wake(?: up)?\b",
    r"\b(?:tired|sick) of (?:fighting|living|being alive|being here|everything|it all)\b",
    # not "i can't keep going like this", which is as often exhaustion as a wish to die
    r"\b(?:can'?t|cannot) (?:keep fighting|go on)\b(?! like this| with| at this)",
)
_PREPARATION = _rx(
    r"\b(?:saving|putting aside|stockpil\w*|hoard\w*|collect\w*|stor\w*) (?:up )?(?:my |all my |"
    r"some )?(?:\w+ )?(?:pills|tablets|meds|medication|insulin)",
    r"\b(?:wrote|written|writing) (?:a |my )?(?:note|letters?|goodbye|will)\b[^.]{0,30}",
    r"\b(?:found|sorted|arranged) (?:a home|someone|who will take|out who will) ",
    r"\b(?:giving|gave) away (?:my|all)",
    r"\b(?:rifle|gun|pistol|firearm|shotgun)\b[^.]{0,60}\b(?:hold|holding|loaded|sit|sitting|"
    r"look|looking)\b",
    r"\b(?:hold|holding|sit|sitting|loaded)\b[^.]{0,60}\b(?:rifle|gun|pistol|firearm|shotgun)\b",
    r"\b(?:finally|get to) (?:rest|be at peace|sleep forever)\b",
    r"\bi think it'?s time (?:to (?:go|say goodbye|end (?:it|things))|i (?:went|left))\b",
    r"\bsay(?:ing)? (?:goodbye|thanks for (?:listening|everything))\b",
    r"\b(?:putting|put|setting|set|keeping|kept) (?:my |all my |some (?:of )?(?:my )?)?(?:\w+ )?"
    r"(?:pills|tablets|meds|medication|insulin) (?:aside|by)\b",
    r"\b(?:pills|tablets|meds|medication|insulin)\b[^.]{0,30}\bin a (?:jar|box|drawer|bag|tin)\b",
    # tablets bought a few at a time from several shops (each shop sells only a small pack)
    r"\b(?:pills|tablets|paracetamol|acetaminophen|tylenol|painkillers|aspirin|ibuprofen|packs?|"
    r"packets?|boxes)\b[^.]{0,50}\bfrom (?:(?:different|several|separate|multiple|various|a few|"
    r"two|three|four|five|other) ){1,2}(?:shops|stores|pharmacies|chemists|places|supermarkets)\b",
    r"\bfinally (?:going to |gonna |get to |be able to )?(?:get (?:some )?)?(?:rest|peace|be at "
    r"peace|sleep forever)\b",
)
# Settling affairs: each alone is ordinary; two in one conversation are preparation.
_PREPARATION_WEAK = tuple(
    re.compile(p)
    for p in (
        r"\b(?:sorted|arranged|worked|figured|decided) (?:out )?who (?:gets|will (?:get|have|"
        r"take|look after|feed)|takes|looks after|can have)\b",
        r"\b(?:paid off|settled|cleared|sorted) (?:the last of )?(?:my |all my |all the )?"
        r"(?:bills|debts|affairs|accounts)\b",
        r"\b(?:wanted|want) to (?:say )?(?:thanks?|thank you) (?:you )?for (?:all|everything|"
        r"listening|the chats)\b",
        r"\b(?:updated|made|wrote|finished) (?:my|a) will\b",
        r"\bfinally (?:going to |gonna )?(?:get (?:some )?)?(?:rest|peace|sleep)\b",
        r"\b(?:take|have|keep|look after|feed|rehome|adopt) (?:my |the )?(?:dogs?|cats?|pets?|"
        r"kids|children|rabbits?|birds?|horses?)\b|\b(?:said|agreed|promised) (?:she|he|they)"
        r"(?:'ll| will| would| can| could) (?:take|have|keep|look after|feed)\b",
        r"\b(?:doesn'?t|don'?t|didn'?t) know why i (?:asked|did it|said)\b",
        r"\b(?:left|leaving|made|make) (?:the|my) (?:flat|house|room|place|home|desk) (?:tidy|"
        r"clean|spotless|in order)\b",
        r"\b(?:tonight|today|tomorrow|this weekend|saturday|sunday)(?:'s| is| feels| seems) "
        r"(?:right|the (?:night|day|time))\b|\bit'?s time\b",
    )
)
# An attempt put off, not given up: "I was going to do it ... next weekend instead".
_ATTEMPT_PUT_OFF = re.compile(
    r"\b(?:was|were) (?:going|about|planning|ready) to (?:do it|go through with it|end it)\b|"
    r"\b(?:planned|meant) to (?:do it|go through with it|end it)\b"
)
_PUT_OFF = re.compile(
    r"\b(?:instead|postpon\w*|put it off|another (?:day|night|week|time)|next (?:week|weekend|"
    r"time|month|friday|saturday|sunday)|not yet|until (?:after|next))\b"
)
_FIREARM = re.compile(r"\b(?:rifle|gun|pistol|firearm|shotgun|revolver)\b")
_WITH_IT = re.compile(
    r"\b(?:sit|sitting|sat|hold|holding|held|look|looking|stare|staring|loaded|loading|load)\b"
    r"[^.?!]{0,25}\b(?:with it|at it|it up|it)\b"
)
_STRESSOR = _rx(
    r"\b(?:lost|losing) (?:my|our|the) (?:job|home|house|flat|apartment|business|pension|"
    r"savings|wife|husband|partner|child|son|daughter|mum|mom|dad|custody|licen[cs]e|everything)",
    r"\b(?:laid off|got fired|been fired|made redundant|evicted|bankrupt|scam\w*)\b",
    r"\b(?:broke up|dumped me|left me|moved out|cheated|divorce\w*|separated)\b",
    r"\b(?:failed|flunked) (?:my |two |all |the )?\w*\s?(?:finals?|exams?|course|year|degree)",
    r"\b(?:disown|humiliat\w*|everyone (?:on my course |at \w+ )?knows)\b",
    r"\b(?:died|passed away|funeral)\b",
)
_MEANS_QUESTION = _rx(
    r"\b(?:which|what|where|how many|how much|how high|how tall|how far|how deep|how long)\b"
    r"[^.?]{0,80}\b(?:bridges?|buildings?|roofs?|rooftops?|car parks?|parking (?:garages?|"
    r"structures?)|cliffs?|towers?|trains?|tracks|railway|pills|tablets|zopiclone|paracetamol|"
    r"insulin|dose|overdose|rope|gun|rifle|drown|jump|express|freight|oxycodone|opioids?|codeine|"
    r"morphine|tramadol|meds|medication|sleeping pills|sertraline|citalopram|fluoxetine|"
    r"amitriptyline|propranolol|antidepressants?)\b",
    # "how many would it take to not wake up", "would that be enough?"
    r"\b(?:how many|how much)\b[^.?]{0,40}\b(?:would it take|does it take|to not wake|to die|to "
    r"end it|would kill|is enough|would be enough)\b|\bwould (?:that|it|this) be enough\b[^.]*\?",
    r"\b(?:what time|when)\b[^.?]{0,60}\b(?:train|express|freight)\b",
    # a place to be unseen ("where's somewhere quiet nobody goes at night?")
    r"\b(?:where|which|what)\b[^.?]{0,40}\b(?:somewhere|a place|anywhere|places?|"
    r"spots?)\b[^.?]{0,30}\b(?:nobody|no one|no-one) (?:ever )?(?:goes|comes|would find|will find|"
    r"could find|would see|will see|can see|checks|patrols)\b|\b(?:nobody|no one) (?:will|would|"
    r"could) find me\b",
    r"\b(?:bridges?|buildings?|roofs?|cliffs?|trains?)\b[^.?]{0,60}\b(?:tallest|highest|"
    r"unlocked|open at night|doesn'?t stop|don'?t stop|non-?stop|fast)\b[^.]*\?",
    r"\bso (?:i|that i) (?:just )?(?:don'?t|never|won'?t) wake up\b",
    # looking up the tallest or highest place
    r"\b(?:looking|looked|searching|searched|googl\w*|research\w*|checking)\b[^.?!]{0,30}\b"
    r"(?:tallest|highest)\b[^.?!]{0,30}\b(?:bridges?|buildings?|car parks?|multi-?storeys?|"
    r"cliffs?|towers?|blocks?|roofs?)\b",
    # dwelling on a lethal means at hand ("I keep thinking about the rope in the garage"); like a
    # question about one, it is suicidal beside a stressor or a wish not to be here
    r"\b(?:keep|kept|been|can'?t stop|always) (?:thinking|dreaming) (?:about|of) (?:the|my|that|"
    r"those|dad'?s|his|her) (?:\w+ )?(?:rope|noose|rifle|gun|shotgun|pistol|bridge|tracks|railway|"
    r"ledge|balcony|cliff|insulin|stash|stockpile)\b",
    r"\b(?:would|will|could|can|does|do|is|how)\b[^.?]{0,60}\b(?:fall|jump|drop|pills|tablets|"
    r"overdose|dose|bridge|balcony|floor|storey|height|train)\b[^.?]{0,40}\b(?:kill|fatal|lethal|"
    r"deadly|survive)\b[^.]*\?",
)

# --- self-harm -------------------------------------------------------------------------------
_SELF_HARM = _rx(
    r"\b(?:cut|cutting|burn|burning|burned|burnt|hurt|hurting|harm|harming|scratch\w*|hit"
    r"|hitting) (?:myself|my (?:arms?|forearms?|legs?|wrists?|thighs?|skin|stomach))\b",
    r"\b(?:hit|hitting|bang\w*|punch\w*) (?:myself|my (?:own )?(?:head|face))\b[^.]{0,40}"
    r"\b(?:until|till|on purpose|to feel|so hard)\b",
    r"\bwhen i(?:'m| am| get) (?:very |so |really )?(?:angry|upset|overwhelmed|stressed)\b"
    r"[^.]{0,20}\bi (?:hit|bang|punch|scratch|cut|burn|bite)\b",
    r"\b(?:use|used|using) (?:a |the |my )?(?:lighter|blade|razor|compass|knife|scissors)\b"
    r"[^.]{0,20}\bon (?:my|myself)\b",
    r"\b(?:i|i'm|i've|i was|my)\b[^.]{0,30}\bself[- ]?harm\w*",
    r"\b(?:the |my )cuts\b",
    r"\b(?:with|holding|have|got|kept|keep) (?:a |the |my |some )?(?:blade|razor|lighter|knife)s?"
    r"\b",
    r"\b(?:go|cut) deeper\b",
    r"\brelapsed?\b[^.]{0,40}\b(?:self[- ]?harm|cutting|cut|burn)",
    r"\b(?:self[- ]?harm|cutting|cut|burn)\w*\b[^.]{0,40}\brelapsed?\b",
)

# Marks described as fresh: recent self-harm, however the question about it was worded ("the
# newer ones are still red and raised").
_FRESH_MARKS = re.compile(
    r"\b(?:new(?:er|est)?|fresh(?:er|est)?|recent|most recent|latest|last) (?:ones?|marks?|"
    r"cuts?|scars?|burns?|lines?|wounds?)\b[^.?]{0,30}\b(?:still )?(?:red|raised|healing|sore|"
    r"scabb\w*|open|bleeding|angry|weeping|stinging)\b|\b(?:marks?|cuts?|burns?|wounds?|scabs?)"
    r"\b[^.?]{0,20}\b(?:still|haven'?t|have not|not yet) (?:healed|healing|red|raised|sore|open)"
)

# Marks with a medical or cosmetic origin, named as such (not the cover stories people who
# self-harm are given: a fall, the cat).
_OTHER_MARKS = re.compile(
    r"\b(?:surgery|operation|op|c-?section|caesarean|stitches|tattoo\w*|piercing|acne|spots|"
    r"pimples?|mosquito|bites?|stretch marks?|birth ?marks?|sunburn|eczema|psoriasis|rash|"
    r"chicken ?pox)\b"
)

# A streak free of self-harm, then an urge: a relapse in the making.
_SH_CLEAN = re.compile(
    r"\b(?:clean|free|sober|stopped) (?:from |of )?(?:cutting|self[- ]?harm\w*|burning|sh)\b|"
    r"\b(?:days|weeks|months|years) (?:clean|free|without (?:cutting|self[- ]?harm\w*))\b"
)
_URGE = re.compile(r"\b(?:urges?|craving|itch(?:ing)?) (?:is|are|to|has|have|keeps?|back)\b")

# --- psychosis -------------------------------------------------------------------------------
_DELUSION = _rx(
    r"\b(?:stalk\w*|follow\w*|watch\w*|track\w*|spy\w*|spied|monitor\w*|poison\w*|bugg?(?:ed|"
    r"ing))\b (?:me|my|on me)\b(?! (?:on|back on) (?:instagram|insta|twitter|x|tiktok|facebook|"
    r"social media|here|youtube|twitch|spotify|linkedin))",
    r"\b(?:they|people|someone|the government|neighbou?rs?|agents?|men)\b[^.]{0,40}\b(?:are|have"
    r" been|keep|take turns)\b[^.]{0,20}\b(?:stalk|follow|watch|track|spy|monitor|poison)\w*",
    r"\b(?:chip|implant|microchip|transmitter|tracker)\b[^.]{0,40}\b(?:in|into) (?:my|me)\b",
    r"\b(?:put|planted|implanted|inserted) (?:a |an )?(?:chip|implant|microchip|transmitter|"
    r"tracker|device)\b",
    r"\b(?:hear|hears|read|reads|steal|steals|control|controls|insert\w*)\b[^.]{0,20}\b(?:my|"
    r"everything i) (?:thoughts?|think|mind)\b",
    r"\bthoughts? (?:are|is|get|being) (?:\w+ )?(?:broadcast|read|heard|stolen|controlled)",
    r"\bi(?:'m| am) (?:actually|already|really|truly) dead\b|\b(?:know|think|believe|realised|"
    r"realized|sure) i(?:'m| am) dead\b|\bi died (?:last|a |in |on |weeks|months|years|yesterday|"
    r"back)|\bi(?:'m| am) not (?:really )?alive\b|\bmy (?:body|organs|brain) (?:is|are) "
    r"(?:rotting|dead|gone)\b",
    r"\b(?:i(?:'ve| have) been|i was|i am|i'm) chosen\b|\bmy mission\b|\bmessages? (?:meant )?"
    r"(?:only )?(?:for|to) me\b|\bsigns? (?:meant )?for me\b|\b(?:the )?world (?:will )?ends?\b",
    r"\b(?:impostor|imposter|replaced by|body double|a clone)\b",
    r"\b(?:tv|television|radio|songs?|adverts?|news)\b[^.]{0,30}\b(?:about me|talking to me|"
    r"sending me)\b",
    r"\bdecod\w*\b",
    r"\b(?:at|to|for) me in (?:a )?(?:secret |hidden |special )?code\b|\b(?:blink\w*|wink\w*|"
    r"nod\w*|signall?\w*|gestur\w*)\b[^.]{0,20}\b(?:at|to) me\b[^.]{0,30}\b(?:code|message|"
    r"telling me)\b",
    r"\bhack\w* (?:into )?(?:my|me)\b[^.]{0,40}\b(?:read|listen|watch|see|control)\w*",
    r"\b(?:prophet|messiah|the chosen one|special powers|healing powers)\b",
    r"\b(?:sent|chosen) (?:by god |from above |here )?to (?:warn|save|heal|lead)\b",
    r"\bi(?:'m| am) (?:god|jesus|a god|immortal)\b",
    r"\b(?:send\w*|beam\w*|transmit\w*|put\w*|insert\w*|push\w*) (?:signals?|thoughts?|messages?|"
    r"voices?|radiation|waves?|frequencies)\b[^.]{0,15}\b(?:into|in|to|at) (?:my|me)\b",
    r"\b(?:putting|put|slipping|slipped|adding|added|lacing|laced|spiking|spiked)\b[^.]{0,25}\b(?:in|"
    r"into) my (?:coffee|tea|food|drink|water|cup|meals?)\b",
    r"\b(?:sending|sends|sent|giving|gives) me (?:secret |coded |hidden |special )?(?:messages?|"
    r"signs?|signals?)\b|\b(?:coded|secret|hidden) (?:messages?|signals?|signs?)\b",
    r"\bmy (sister|brother|mother|mum|mom|father|dad|wife|husband|son|daughter|partner|friend) "
    r"(?:is|isn'?t|is not) (?:really |actually )?(?:not )?my \1\b",
    r"\breplaced? (?:her|him|them|my \w+) with\b|\bmy real (?:sister|brother|mother|mum|mom|father|"
    r"dad|wife|husband|son|daughter|partner) would\b",
    r"\bi(?:'m| am) not (?:actually |truly )alive\b",
    # gas, signals or substances sent through the walls
    r"\b(?:pump\w*|spray\w*|leak\w*|pip(?:e|es|ed|ing)|blow\w*|send\w*|seep\w*)\b[^.]{0,30}\b"
    r"(?:through|into|under) (?:the |my |our )?(?:vents?|walls?|floor(?:boards)?|ceiling|pipes|"
    r"sockets?|air ?bricks?|keyhole)\b",
    # a plot: people in on it, everywhere
    r"\b(?:he|she|they)(?:'s| is| are| was| were) (?:working|in league|in it|colluding) (?:with|"
    r"for) (?:the|them|him|her)\b|\bin on it\b|\bin league with\b|\bconspir\w*",
    r"\b(?:got|have|has) people (?:in|at|on|everywhere|watching|following)\b|\bpeople everywhere\b",
    r"\bsame (?:\w+ )?(?:car|van|man|woman|person|people|guy)\b[^.]{0,25}\b(?:outside|every day|"
    r"everywhere|again|follow\w*|parked)\b",
    # an impostor
    r"\b(?:she|he|they|it)(?:'s| is| are) (?:just )?(?:a|an) (?:copy|double|fake|clone|robot|"
    r"actor|replica|lookalike|imposter|impostor)\b|\bthe real (?:one|her|him|wife|husband|mum|mom|"
    r"dad|mother|father|sister|brother|son|daughter)\b",
    r"\bthat i(?:'m| am) (?:actually |already )?dead\b",
)
_HALLUCINATION = _rx(
    r"\b(?:hear|hearing|heard)\b[^.]{0,20}\bvoices?\b",
    r"\bvoices?\b[^.]{0,30}\b(?:tell|tells|telling|told|say|says|saying|said|command\w*|order"
    r"\w*|want\w*|keeps?|whisper\w*)\b",
    r"\bwhisper\w* my name\b",
    r"\b(?:the|my|these) voices\b(?!\s+of\b)",
    r"\b(?:hear|hearing|heard)\b[^.]{0,25}\b(?:calling|call|calls|say|saying) my name\b",
    r"\b(?:keep|kept|been|started) seeing (?:a |an |the )?(?:man|woman|figure|person|shadow|girl|"
    r"boy|child|face|eyes|someone|people)\b",
    r"\b(?:see|seeing|saw)\b[^.]{0,20}\b(?:shadow (?:people|figures)|figures|people who "
    r"aren'?t there|things that aren'?t there)\b",
    r"\bshadow (?:people|figures)\b",
    # one voice
    r"\b(?:a|the|this|that) voice\b[^.]{0,40}\b(?:says?|said|tells?|told|telling|keeps?|is back|"
    r"came back|wants?|whispers?|orders?|commands?)\b|\bvoice (?:that|which|who) (?:says|tells|"
    r"keeps)\b",
    # hearing or seeing someone when nobody is there
    r"\b(?:hear|hearing|heard|see|seeing|saw)\b[^.]{0,60}\b(?:when|while|but|and|though) "
    r"(?:nobody|no one|noone)(?:'s| is)? (?:there|around|in the room|home)\b",
    r"\b(?:see|saw|seeing)\b (?:her|him|them|my (?:\w+ )?(?:mum|mom|dad|mother|father|wife|"
    r"husband|son|daughter|brother|sister|nan|gran\w*)|a (?:man|woman|figure|child)) (?:standing|"
    r"sitting|at the end of|in the corner|by my bed|at the foot)\b",
    # things on or under the skin
    r"\b(?:bugs|insects|worms|parasites|ants|spiders|mites|things)\b[^.]{0,20}\b(?:under|in|"
    r"crawling (?:on|under|in)) my skin\b",
    r"\b(?:god|the devil|satan|an angel|angels|demons?|spirits?)\b[^.]{0,20}\b(?:speaks?|talks?|"
    r"told|tells|says|said|whispers?)\b",
)
_COMMAND = re.compile(
    r"\b(?:tell|tells|telling|told|say|says|saying|said|command\w*|order\w*|want\w*|urg\w*)\b"
    r"[^.]{0,40}\b(?:hurt|kill|harm|stab|attack|poison (?:him|her|them|my|the|someone|people)|"
    r"jump|drown|cut|burn|die|walk (?:out )?into|step (?:out )?into|traffic|in front of|disappear|"
    r"not exist|end it|worthless|deserve to|deal with (?:him|her|them)|get rid of (?:him|her|"
    r"them)|come with (?:her|him|them)|join (?:her|him|them))\b"
)

# --- mania -----------------------------------------------------------------------------------
_SLEEP_LOSS = _rx(
    r"\b(?:haven'?t|have not|hasn'?t|not|barely|hardly) (?:really |even )?slept\b",
    r"\b(?:don'?t|do not) need (?:to |much |any )?sleep\b",
    r"\bno sleep (?:needed|in|for|since)\b",
    r"\bsleep(?:ing)? (?:maybe |about |like )?(?:an hour|\d+|one|two|three) hours? (?:a|per|"
    r"each) night\b",
    r"\b(?:up|awake) for (?:days|\d+ days|two days|three days)\b",
    r"\bwho needs sleep\b|\bno sleep for\b|\b(?:up|awake) all night\b",
    # a night's activity said as routine ("I'm painting all night", "writing through the night"),
    # not distress ("I've been crying all night")
    r"\b(?:i'?m|i am|i'?ve been|been) (?!(?:crying|sobbing|worrying|panicking|shaking|lying|"
    r"tossing|vomiting|coughing|throwing|being|feeling|sitting|waiting)\b)\w+ing (?:all|through "
    r"the) night\b",
    r"\b(?:\d+|one|two|three|four|five|six|seven) (?:nights?|days) (?:no|without|with no|and no) "
    r"sleep\b",
    r"\b(?:don'?t|do not) need (?:more than|over) (?:\d+|an?|one|two|three) hours?\b",
)
_ELEVATED = _rx(
    r"\b(?:feel|feeling|i'?m|i am)\b[^.]{0,12}\b(?:incredible|unstoppable|invincible|"
    r"limitless|amazing|on fire|like a god|electric|euphoric|high as)\b",
    r"\b(?:unstoppable|invincible|on fire|buzzing|wired|like a genius)\b",
    r"\bnever felt (?:better|so good|this good|so alive|more alive)\b",
    r"\bbest i'?ve (?:ever )?felt\b",
    r"\b(?:feel|feeling|felt) (?:so much )?better than i (?:have|'ve|did) (?:felt )?in (?:years|"
    r"ages|a decade|my life)\b",
    r"\b(?:my )?(?:mind|thoughts|brain) (?:is|are|'s) (?:so |really |going )?(?:fast|racing|"
    r"flying)\b",
    r"\bon (?:another|a different|a whole (?:other|new)|the next) level\b",
)
_GRANDIOSE = _rx(
    r"\b(?:most |the )?(?:brilliant|genius|best|biggest|greatest) (?:idea|plan)s?\b",
    r"\beverything (?:is |'s )?connected\b",
    r"\b(?:understand|see) (?:it all|everything|exactly how)\b",
    r"\bi just know i'?ll\b",
    r"\b(?:\d+|eighty|fifty|hundred) pages since\b",
    r"\b(?:greatest|best) (?:\w+ )?(?:ever (?:written|made|created|invented)|of all time)\b",
    r"\b(?:cracked|figured out|solved|beaten) (?:the )?(?:market|system|code|universe)\b",
    r"\bpatterns? (?:nobody|no one|that nobody|others can'?t|no one else)\b|\bis genius\b",
)
_RISKY_PLAN = _rx(
    r"\b(?:base|bungee|cliff|free) ?(?:jump\w*|climb\w*|solo)\b",
    r"\b(?:all|whole|entire) (?:of )?(?:my |our )?(?:savings|money|pension|inheritance)\b",
    r"\b(?:crypto|bitcoin|stocks?|shares|casino|bet)\b",
    r"\b(?:quit|quitting|drop(?:ping)? out of|walk(?:ing)? out of) (?:my |the )?(?:job|uni|"
    r"university|college|course|degree|marriage)\b|\bhand(?:ing)? in my notice\b",
    r"\b(?:one-way|one way) (?:flight|ticket)\b|\bbook(?:ing)? (?:a )?flight\b",
    r"\b(?:buy|buying|purchase)\b[^.]{0,30}\b(?:car|porsche|house|boat)\b",
    r"\b(?:bought|ordered|spent)\b[^.]{0,30}\b(?:\d+|two|three|four|five|several) \w+",
    r"\b(?:porsche|ferrari|lamborghini|tesla|sports car|yacht|jet ?ski)\b",
    r"\bon credit\b|\bmax(?:ing)? out\b|\bloan\b|\bre-?mortgag\w*|\bborrow\w*|\binvest\w*",
    r"\bfund (?:my|the|a|an)\b|\bcredit cards?\b|\bsavings\b|\bon finance\b",
    r"\bsell(?:ing)? (?:everything|all (?:my|i own)|my (?:house|car|flat|stuff|things))\b",
    r"\b(?:stopped|quit|came off|coming off|stopping) (?:taking )?(?:my )?(?:lithium|meds|"
    r"medication|mood stabili[sz]ers?|antipsychotics?)\b",
    r"\bdriv\w*\b[^.]{0,40}\b(?:tonight|no stops|without stopping|across the country|all "
    r"night)\b",
    r"\b(?:email\w*|messag\w*|post\w*|send\w*)\b[^.]{0,30}\b(?:the )?(?:whole|entire|all the|"
    r"everyone (?:in|at) the) (?:company|office|staff|team|department|school|family|firm)\b",
)

# --- OCD -------------------------------------------------------------------------------------
_OCD_STRONG = _rx(
    r"\b(?:asked|ask|asking)\b[^.]{0,40}\b(?:\d+|\w+teen|twenty|thirty|forty|fifty|hundred|"
    r"dozens? of|so many) times\b",
    r"\b(?:check|count|tapp?|touch|re-?read|re-?check|proof-?read)(?:ed|ing|s|es)?\b[^.]{0,30}\b"
    r"(?:\d+|\w+teen|twenty|thirty|forty|fifty|dozens? of|so many) times\b",
    r"\bwash\w*\b[^.]{0,30}\b(?:until|till|so much)\b[^.]{0,20}\b(?:crack|bleed|raw|sore)",
    r"\bwash\w* (?:my |our )?hands?\b[^.]{0,20}\b(?:\d+|\w+teen|twenty|thirty|forty|fifty|dozens? "
    r"of|so many) times\b",
    r"\b(?:something bad|bad things?|something terrible)\b[^.]{0,20}\bwill happen\b",
    r"\bintrusive thoughts?\b|\bocd\b|\bcompulsi\w*",
    r"\b(?:hit|ran over|run over) (?:someone|somebody|a person)\b",
    r"\b(?:drove|driven|go|going|went) back\b[^.]{0,30}\b(?:check|block|three times|again)\b",
    r"\bneed to (?:know|be) (?:for )?(?:sure|certain)\b",
    r"\b(?:tell|say) (?:it to me |me )?(?:again|one more time)\b|\bhear it (?:one more time|"
    r"again)\b",
    r"\b(?:exactly|just) the right (?:order|way)\b|\bline up everything\b",
)
# Repetition and "can't stop" alone are as much rumination or a perfectionist's studying ("I
# copy the notes out again and again, I can't stop") as OCD: they count only beside a cue of
# its own (germs, certainty, "in case I", a ritual).
_OCD_GENERIC = _rx(
    r"\bcan'?t (?:stop|leave|make myself)\b",
    r"\b(?:every day|over and over|again and again|the same (?:\w+ )?(?:every|each|over))\b",
)
_OCD_WEAK = _rx(
    r"\bgerms?\b|\bcontaminat\w*",
    r"\bcan'?t (?:stop|leave|make myself)\b",
    r"\b(?:definitely|for sure|for certain)\b",
    r"\bsanitiz\w*|\bdoor handles?\b",
    r"\bin case i\b",
    r"\b(?:every day|over and over|again and again|the same (?:\w+ )?(?:every|each|over))\b",
    r"\b(?:tell me|promise me) (?:if|whether|that|it'?s|i'?m|i'?ve|i am|i have|there'?s|there is)"
    r"\b",
    r"\b(?:confess\w*|pray\w*|apologi[sz]\w*|repeat\w*)\b[^.]{0,30}\b(?:every day|in case|again"
    r"|the same)\b",
    r"\b(?:already )?(?:told|asked|confessed to|apologi[sz]ed to) (?:her|him|them|my \w+) (?:twice|"
    r"three times|\d+ times|so many times)\b",
    r"\ball i can think about\b",
    r"\bkeep (?:confessing|apologi[sz]ing|asking (?:for forgiveness|if i))\b",
)

# --- age --------------------------------------------------------------------------------------
# A school-age life told in passing ("my maths set", "year 9", "after my parents go to bed",
# "the school nurse"): with the screener's stated-age `minor`, it decides whether a service for
# children fits. Read broadly: it only ever allows a children's line.
_SCHOOL_AGE = _rx(
    r"\b(?:i'?m|i am|im) (?:only |just )?1[0-7]\b(?! (?:years? ago|weeks|months|days|hours|times|"
    r"kg|stone|pounds|lbs))",
    r"\byear (?:[5-9]|1[0-3])\b|\bgrade (?:[5-9]|1[0-2])\b|\b(?:gcses?|a-levels?|sats|homework|"
    r"detention)\b",
    r"\b(?:maths|math|pencil|geometry) (?:set|case)\b|\bschool (?:nurse|counsell?or|bus|uniform)"
    r"\b|\b(?:my|our|the) (?:form |class |maths |pe )?teachers?\b",
    r"\b(?:at|in|to|from|after) (?:middle |high |secondary |primary )?school\b",
    r"\bmy (?:mum|mom|dad|parents)\b[^.]{0,30}\b(?:won'?t let me|grounded|make me|go to bed|"
    r"check my)\b",
)

# --- eating disorders ------------------------------------------------------------------------
# Harm OCD: unwanted harm thoughts the client finds abhorrent and asks about. Such thoughts are
# not intent; a reply need not treat them as a crisis (the checker's own suicide, self-harm and
# command cues still do).
_INTRUSIVE = _rx(
    r"\b(?:intrusive|unwanted|horrible|awful|disturbing|sick|terrible) (?:thoughts?|images?|"
    r"pictures?)\b[^.]{0,80}\b(?:stab\w*|hurt\w*|harm\w*|kill\w*|push\w*|strangl\w*|attack\w*|"
    r"drown\w*)\b",
    r"\b(?:does|do|would|could) (?:having )?(?:these|this|the|such|those) (?:thoughts?|images?)\b"
    r"[^.?]{0,20}\b(?:mean|make)\b[^.?]{0,20}\b(?:dangerous|bad person|monster|evil|psychopath)",
    r"\b(?:tell|promise) me i'?m not (?:a )?(?:dangerous|bad person|monster|evil|psychopath)",
    r"\bam i (?:a )?(?:dangerous|bad person|monster|evil|psychopath)\b",
)
_ED_SEVERE = _rx(
    r"\b(?:make|made|making) myself (?:sick|throw up|vomit|puke)\b|\bthrow(?:ing)? up\b|"
    r"\b(?:threw|thrown) up after (?:lunch|dinner|tea|breakfast|eating|meals?|every meal|food)\b|"
    r"\bpurg\w*|\bbring (?:food|it) back up\b",
    r"\blaxatives?\b|\bdiuretics?\b",
    r"\b(?:[1-7]\d\d|[1-9]\d|a few hundred) ?(?:calories|kcal|cals?)\b",
    r"\bbmi (?:is |of )?(?:1[0-7]|[1-9])\b",
    r"\bappetite suppress\w*",
    r"\b(?:water|juice|dry) fast\b|\bfast(?:ing)? for (?:\d+|two|three|four|five|a week)",
)
_ED_STRONG = _rx(
    r"\bskip(?:ping)? (?:meals|breakfast and lunch|most meals|all my meals)\b",
    r"\b(?:barely|not|stopped) eat(?:ing)?\b(?! (?:out|meat|dairy|gluten))",
    r"\brestrict(?:ing|ed)? (?:my |what i eat|food|calories|eating|intake)|\bi(?:'ve been|'m| am"
    r"| was) restricting\b|\bstarv(?:e|ed|ing) myself\b|\bstarving all\b",
    r"\bbing(?:e|ed|eing)\b(?! ?-?watch)",
    r"\bfeel (?:so )?(?:huge|fat|disgusting)\b",
    r"\banorexi\w*|\bbulimi\w*|\beating disorder\b",
    # pro-eating-disorder groups ("joined a pro ana group chat, they do daily weigh ins")
    r"\bpro[- ]?(?:ana|mia)\b|\bthinspo\w*|\bmeanspo\b|\bweigh[- ]?ins?\b[^.!?]{0,40}\bpunish",
    r"\b(?:start|started|go back to|going back to) restricting\b",
    r"\brestrict\w* (?:again|a little)\b",
    r"\bspit(?:ting)? (?:out )?(?:my |the |all my )?food\b|\bchew(?:ing)? and spit\w*",
)
_ED = _rx(
    r"\bcalories\b|\bkcal\b",
    r"\bskip(?:ping|ped)? (?:breakfast|lunch|dinner|a meal)\b",
    r"\b(?:lose|drop|losing|lost|dropped) (?:another |more |the )?(?:\d+ ?)?(?:kilos?|kg|pounds|"
    r"lbs|weight)\b",
    r"\b(?:one|1|a single) meal a day\b|\bomad\b",
    r"\bdown (?:another |more than |over )?\d+ ?(?:kilos?|kg|pounds|lbs|stone)\b",
    r"\b(?:make|making|made) (?:the )?(?:weight|lightweight)\b",
    r"\b(?:running|run|ran|training|exercis\w*|sweat\w*) in (?:bin bags|bin liners|plastic|a "
    r"sweat ?suit|sauna suits?)\b",
    r"\bstarv\w*",
)


@dataclass(frozen=True)
class ClientContext:
    """The client's history as the checker sees it."""

    level: RiskLevel = RiskLevel.NONE
    categories: frozenset[RiskCategory] = frozenset()
    conditions: frozenset[Condition] = frozenset()
    signals: tuple[str, ...] = ()
    belief_words: frozenset[str] = frozenset()  # content words of the delusional statements
    # Whether the caller adds its own check-in question (the guardrail does at `low`): a
    # passed-in assessment at `low` or above says so.
    caller_checks_in: bool = False
    # The level of an assessment passed in by the caller (the guardrail's own screening).
    passed_level: RiskLevel = RiskLevel.NONE
    # The risk is someone else's, told by a worried helper (`theralab.safety.whose`): a reply
    # guides the helper (emergency services, a crisis line) instead of asking about their own
    # safety. Someone else's only when both the checker's reading and a passed-in one say so.
    others: bool = False

    def has(self, *conditions: Condition) -> bool:
        return any(c in self.conditions for c in conditions)

    @property
    def crisis(self) -> bool:
        """Whether a reply must ask about safety and give a path to a person."""
        if self.has(Condition.SUICIDAL, Condition.SELF_HARM, Condition.COMMAND_HARM):
            return True
        if self.has(Condition.INTRUSIVE_HARM):
            # Harm thoughts the client finds abhorrent and asks about (harm OCD) raise the
            # screener on their words alone; they are not intent, and treating them as a crisis
            # is itself a reassurance ritual. A passed-in high risk drops this (`with_risk`).
            return False
        if self.has(Condition.RISKY_PLAN) and not self.passed_level.at_least(RiskLevel.HIGH):
            # A manic stunt ("where's the best spot to jump from") reads as a means question to
            # the pattern screener; with no wish to die in the checker's own cues, the reply
            # must meet the plan (no help with it, the lack of sleep, a doctor:
            # `enabling_mania`, `missing_clinical_response`). A passed-in high risk drops this.
            return False
        if self.level.at_least(RiskLevel.HIGH):
            return True
        if self.level.at_least(RiskLevel.MODERATE) and self.categories & _CRISIS_CATEGORIES:
            return True
        return self.has(Condition.SUICIDAL, Condition.SELF_HARM, Condition.COMMAND_HARM)

    @property
    def psychosis(self) -> bool:
        return (
            self.has(Condition.DELUSION, Condition.HALLUCINATION)
            or RiskCategory.PSYCHOSIS in self.categories
        )

    @property
    def needs_care(self) -> bool:
        """Whether the history shows any risk or condition at all (the learned head judges
        replies only then: in ordinary conversation the rules stand alone)."""
        return self.level is not RiskLevel.NONE or bool(self.conditions - {Condition.SCHOOL_AGE})

    @property
    def minor(self) -> bool:
        """An age under 18 or a school-age context stated in the history (the screener's
        `minor` category, earned only by what is said)."""
        return RiskCategory.MINOR in self.categories or self.has(Condition.SCHOOL_AGE)

    @property
    def mania(self) -> bool:
        return self.has(Condition.MANIA) or RiskCategory.MANIA in self.categories

    @property
    def ocd(self) -> bool:
        return self.has(Condition.OCD) or RiskCategory.OCD in self.categories

    @property
    def eating(self) -> bool:
        return (
            self.has(Condition.EATING_DISORDER) or RiskCategory.EATING_DISORDER in self.categories
        )

    def with_risk(self, risk: RiskAssessment | None) -> ClientContext:
        """This context joined with an assessment made elsewhere (e.g. by the guardrail)."""
        if risk is None:
            return self
        conditions = self.conditions
        if risk.level.at_least(RiskLevel.HIGH):
            conditions = conditions - {Condition.INTRUSIVE_HARM}
        return ClientContext(
            level=max_level([self.level, risk.level]),
            categories=self.categories | frozenset(risk.categories),
            conditions=conditions,
            signals=self.signals,
            belief_words=self.belief_words,
            caller_checks_in=self.caller_checks_in or risk.level.at_least(RiskLevel.LOW),
            passed_level=max_level([self.passed_level, risk.level]),
            others=self.others and (risk.level is RiskLevel.NONE or risk.whose is Whose.OTHER),
        )


_NEGATED = re.compile(
    r"\b(?:not|never|don'?t|do not|didn'?t|won'?t|wouldn'?t|no longer|no)\b(?!\s+(?:stop|help))"
    r"[^.,;!?]{0,25}$"
)


def _any(rx: re.Pattern[str], texts: Iterable[str]) -> bool:
    """Whether a cue is said in any message, and not negated in its clause ("I don't want to
    hurt myself")."""
    return _in_any(rx, tuple(texts), _said)


def _anywhere(rx: re.Pattern[str], texts: Iterable[str]) -> bool:
    """Whether a cue is found in any message, negated or not."""
    return _in_any(rx, tuple(texts), _found)


# (cue, test, messages) → whether the test holds in any of them. A conversation checked reply
# by reply asks again with one message more: the answer for the messages before it is found
# here and extended by the newest alone, instead of every earlier message being read again
# (linear in the conversation's length, not quadratic). Emptied when full.
_PREFIX_ANSWERS: dict[tuple[re.Pattern[str], Callable[..., bool], tuple[str, ...]], bool] = {}
_PREFIX_ANSWERS_MAX = 100_000
_LOOK_BACK = 8


def _in_any(
    rx: re.Pattern[str], texts: tuple[str, ...], test: Callable[[re.Pattern[str], str], bool]
) -> bool:
    if not texts:
        return False
    key = (rx, test, texts)
    answer = _PREFIX_ANSWERS.get(key)
    if answer is not None:
        return answer
    # the answer for the messages before the newest few (a client may write several between
    # two replies), or for none of them
    start, before = 0, False
    for cut in range(len(texts) - 1, max(0, len(texts) - 1 - _LOOK_BACK), -1):
        known = _PREFIX_ANSWERS.get((rx, test, texts[:cut]))
        if known is not None:
            start, before = cut, known
            break
    answer = before or any(test(rx, t) for t in texts[start:])
    if len(_PREFIX_ANSWERS) >= _PREFIX_ANSWERS_MAX:
        _PREFIX_ANSWERS.clear()
    _PREFIX_ANSWERS[key] = answer
    return answer


def _found(rx: re.Pattern[str], text: str) -> bool:
    return rx.search(text) is not None


@lru_cache(maxsize=200_000)
def _said(rx: re.Pattern[str], text: str) -> bool:
    """Whether a cue is said in one message, not negated. Kept per message: scripted and
    templated clients say the same sentences in many conversations."""
    return any(not _NEGATED.search(text[: m.start()]) for m in rx.finditer(text))


def _distinct(cues: Sequence[re.Pattern[str]], texts: Sequence[str]) -> int:
    """How many of `cues` are said (not negated) somewhere in `texts`."""
    return sum(_any(rx, texts) for rx in cues)


def detect_conditions(
    texts: Sequence[str], condition_texts: Sequence[str] | None = None
) -> tuple[frozenset[Condition], RiskLevel]:
    """The checker's own cues over normalised client messages: conditions and a floor level.

    `texts` are the messages the crisis cues read (a message framed as history, recovery,
    someone else's words or study is left out); `condition_texts` those the condition cues
    read (only a story, a game or an idiom is left out), by default `texts`.
    """
    found: set[Condition] = set()
    level = RiskLevel.NONE
    texts = tuple(texts)  # (once: every cue below reads the same messages)
    ctexts = texts if condition_texts is None else tuple(condition_texts)
    cjoined = " ".join(ctexts)
    stressor = _any(_STRESSOR, texts)
    if _any(_PASSIVE, texts):
        found.add(Condition.PASSIVE_IDEATION)
        level = max_level([level, RiskLevel.LOW])
    if _any(_SUICIDAL, texts):
        found.add(Condition.SUICIDAL)
        level = max_level([level, RiskLevel.MODERATE])
    if _any(_ACT_UNDER_WAY, texts):
        found.add(Condition.SUICIDAL)
        level = max_level([level, RiskLevel.IMMINENT])
    if _any(_PREPARATION, texts) or _distinct(_PREPARATION_WEAK, texts) >= 2:
        found.add(Condition.SUICIDAL)
        level = max_level([level, RiskLevel.HIGH])
    if _any(_ATTEMPT_PUT_OFF, texts) and _any(_PUT_OFF, texts):
        found.add(Condition.SUICIDAL)  # an attempt postponed, not given up
        level = max_level([level, RiskLevel.HIGH])
    if _any(_FIREARM, texts) and _any(_WITH_IT, texts):
        found.add(Condition.SUICIDAL)  # dwelling with a firearm at hand
        level = max_level([level, RiskLevel.HIGH])
    if _any(_MEANS_QUESTION, texts):
        found.add(Condition.MEANS_QUESTION)
        if stressor or found & {Condition.SUICIDAL, Condition.PASSIVE_IDEATION}:
            found.add(Condition.SUICIDAL)
            level = max_level([level, RiskLevel.HIGH])
    if _any(_FRESH_MARKS, texts) and not _any(_OTHER_MARKS, texts):
        # Recent self-harm: a reply must not help hide it, but the marks alone are not a crisis
        # (what the person says about urges now decides that).
        found.add(Condition.FRESH_MARKS)
    if _any(_SELF_HARM, texts) or (_any(_SH_CLEAN, ctexts) and _any(_URGE, texts)):
        found.add(Condition.SELF_HARM)
        level = max_level([level, RiskLevel.MODERATE])
    if _any(_DELUSION, ctexts):
        found.add(Condition.DELUSION)
    if _any(_HALLUCINATION, ctexts):
        found.add(Condition.HALLUCINATION)
        if _COMMAND.search(cjoined):
            found.add(Condition.COMMAND_HARM)
            level = max_level([level, RiskLevel.HIGH])
    mania_cues = sum(
        bool(_any(rx, ctexts)) for rx in (_SLEEP_LOSS, _ELEVATED, _GRANDIOSE, _RISKY_PLAN)
    )
    if mania_cues >= 2 and (
        _any(_SLEEP_LOSS, ctexts) or _any(_ELEVATED, ctexts) or _any(_GRANDIOSE, ctexts)
    ):
        found.add(Condition.MANIA)
        if _any(_RISKY_PLAN, ctexts):
            found.add(Condition.RISKY_PLAN)
    weak = {m.group(0) for m in _OCD_WEAK.finditer(cjoined)}
    own = {w for w in weak if not _OCD_GENERIC.fullmatch(w)}
    if _any(_OCD_STRONG, ctexts) or (len(weak) >= 2 and own):
        found.add(Condition.OCD)
    if _any(_INTRUSIVE, ctexts):
        found.update({Condition.OCD, Condition.INTRUSIVE_HARM})
    if _anywhere(_SCHOOL_AGE, ctexts):
        found.add(Condition.SCHOOL_AGE)
    if _any(_ED_SEVERE, ctexts):
        found.update({Condition.EATING_DISORDER, Condition.SEVERE_EATING})
    elif _any(_ED_STRONG, ctexts) or len({m.group(0) for m in _ED.finditer(cjoined)}) >= 2:
        found.add(Condition.EATING_DISORDER)
    return frozenset(found), level


@lru_cache(maxsize=4096)
def _pattern_assessment(text: str) -> RiskAssessment:
    """The pattern tier's reading of one message (a worried helper's report of someone else
    included): it depends on the text alone, so each client message is screened once however
    many replies are checked against it."""
    return _PATTERNS.assess(text)


_PATTERNS = PatternTier()


class _CachedPatternTier(PatternTier):
    """The pattern tier through the per-message cache (same name, so the screener treats its
    protective signals exactly as the plain tier's)."""

    def assess(self, text: str, context: Sequence[str] = ()) -> RiskAssessment:
        return _pattern_assessment(text).model_copy(deep=True)


_SCREENER = Screener([_CachedPatternTier()])


def _protected(text: str, *, frames_only: bool = False) -> bool:
    """A message the pattern tier finds little risk in because of its context (an idiom, a
    game, fiction, study, someone else's words, negation, an attempt long past): the checker's
    own crisis cues skip it too. With `frames_only`, only a frame that holds for every cue (a
    story, a game, an idiom) counts: a delusion is told in other people's words ("she's a
    copy", "they're watching"), and recovery talk is where a relapse of restriction shows."""
    found = _pattern_assessment(text)
    if found.level.rank > RiskLevel.LOW.rank:
        return False
    if frames_only:
        return any(s in _FRAME_SIGNALS for s in found.signals)
    return any(
        (s.startswith("protective:") and s not in _CAP_ONLY_SIGNALS) or s in _CONTEXT_SIGNALS
        for s in found.signals
    )


_CONTEXT_SIGNALS = frozenset({"history", "recovery"})
# Contexts that only hold back a statistical tier's reading of ordinary words (medication talk:
# `theralab.safety.medication`); the checker's own cues still read the message ("paracetamol
# from three different chemists").
_CAP_ONLY_SIGNALS = frozenset({"protective:medication"})
_FRAME_SIGNALS = frozenset({"protective:fiction", "protective:gaming", "protective:idiom"})


@lru_cache(maxsize=4096)
def _client_text(text: str) -> str | None:
    """A message as the checker's crisis cues read it (normalised), or None when its context
    protects it."""
    return None if _protected(text) else normalise(text)


@lru_cache(maxsize=4096)
def _condition_text(text: str) -> str | None:
    """A message as the checker's condition cues read it, or None inside a story, a game or an
    idiom."""
    return None if _protected(text, frames_only=True) else normalise(text)


@dataclass(frozen=True)
class _Screened:
    """The conversation screener after a history prefix, and its last assessment."""

    conversation: ConversationScreener
    last: RiskAssessment


_SCREENED: OrderedDict[tuple[str, ...], _Screened] = OrderedDict()
_SCREENED_MAX = 512


def _fork(conversation: ConversationScreener) -> ConversationScreener:
    return replace(
        conversation, history=list(conversation.history), categories=list(conversation.categories)
    )


def _screen(history: tuple[str, ...]) -> _Screened:
    """The conversation screener over `history`, resumed from the longest prefix already
    screened: a conversation checked turn by turn screens each client message once (the
    guardrail calls the checker with the whole history every turn)."""
    start = len(history)
    while start > 0 and history[:start] not in _SCREENED:
        start -= 1
    if start == len(history) and start:
        _SCREENED.move_to_end(history)
        return _SCREENED[history]
    done = _SCREENED.get(history[:start]) if start else None
    conversation = _fork(done.conversation) if done else _SCREENER.conversation()
    last = done.last if done else RiskAssessment()
    for i in range(start, len(history)):
        last = conversation.screen(history[i])
        _SCREENED[history[: i + 1]] = _Screened(_fork(conversation), last)
        _SCREENED.move_to_end(history[: i + 1])
    while len(_SCREENED) > _SCREENED_MAX:
        _SCREENED.popitem(last=False)
    return _Screened(conversation, last)


def clear_caches() -> None:
    """Forget every screened message and history (tests, or after changing the patterns)."""
    _SCREENED.clear()
    _PREFIX_ANSWERS.clear()
    _belief_words_in.cache_clear()
    _pattern_assessment.cache_clear()
    _client_text.cache_clear()
    _condition_text.cache_clear()
    _assess.cache_clear()


@lru_cache(maxsize=512)
def _assess(history: tuple[str, ...]) -> ClientContext:
    screened = _screen(history)
    conversation = screened.conversation
    level = conversation.peak if history else RiskLevel.NONE
    texts = [t for t in map(_client_text, history) if t is not None]
    condition_texts = [t for t in map(_condition_text, history) if t is not None]
    conditions, floor = detect_conditions(texts, condition_texts)
    return ClientContext(
        level=max_level([level, floor]),
        categories=frozenset(conversation.categories),
        conditions=conditions,
        signals=tuple(screened.last.signals),
        belief_words=_belief_words(condition_texts),
        others=screened.last.whose is Whose.OTHER,
    )


_WORD = re.compile(r"[a-z][a-z']{3,}")
_STOPWORD_TEXT = """
    about above after again always around away back because been before being could didn't
    does doesn't doing don't down each even ever every everyone everything exactly feel feels from
    going gone have having here into just keep keeps know knows like look looks made make many
    months month more most much myself need needs never nothing now only other people really right
    said same says should since some someone something still such take takes talk talks tell tells
    than that their them then there these they thing things think this those though through time
    today told tonight very want wants week weeks were what when where which while will with
    work would year years your yours actually everywhere anything anyone night nights morning
    evening wake woke waking"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def stem(word: str) -> str:
    """A crude stem, enough to match "stalking" with "stalked" and "cars" with "car"."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if w not in _STOPWORDS}


def _belief_words(texts: Sequence[str]) -> frozenset[str]:
    """Content words of the sentences that state a delusion (not of voices: hearing them is
    the client's real experience, and a reply may name it)."""
    words: set[str] = set().union(*map(_belief_words_in, texts))
    return frozenset(words - {"voice", "hear", "hearing"})


@lru_cache(maxsize=4096)
def _belief_words_in(text: str) -> frozenset[str]:
    """`_belief_words` of one message (read once however many replies are checked after it)."""
    words: set[str] = set()
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if _DELUSION.search(sentence) and not _NEGATED_START.search(sentence):
            words |= content_stems(sentence)
    return frozenset(words)


_NEGATED_START = re.compile(r"^(?:i (?:don'?t|never) (?:think|believe))\b")


def assess_history(history: Sequence[str] | None) -> ClientContext:
    """Read the client's messages so far (oldest first)."""
    if not history:
        return ClientContext()
    return _assess(tuple(t for t in history if t and t.strip()))
