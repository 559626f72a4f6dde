"""Whose risk a message speaks of: the speaker's own, or someone else's (a worried friend,
parent or teacher asking how to help).

The screener's level says how much risk a message carries; `Whose` says who carries it, so
the crisis protocol can answer a worried helper as a helper, and an integration keyed on the
label can tell "I want to kill myself" from "my friend told me she wants to kill herself".

The reading is deliberately one-sided: a message is someone else's risk only when another
person is named at risk *and* nothing in it shows the speaker's own (a pattern cue, which the
pattern tier keeps only when the speaker owns it; a yes to a safety question; a means
question; a tier error; their own words, "me too"). Anything unclear is the speaker's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from theralab.safety.patterns import KIN_AGE, POISON_WORDS, normalise
from theralab.safety.prefilter import Prefiltered
from theralab.safety.risk import RiskAssessment, RiskCategory, RiskLevel, Whose, max_level

OTHER_AT_RISK = "other_at_risk:"  # the signal of `other_at_risk`, with the kind of report
# Signals of means and preparation: in a helper's conversation, about the person they help
# ("she has pills in her room") when the message speaks of them.
MEANS_SIGNALS = frozenset(
    {
        "means_question",
        "means_inquiry",
        "means_access",
        "means_after_risk_or_stressor",
        "means_or_preparation_after_risk",
        "possible_preparation",
        "possible_postponed_attempt",
    }
)
# Signals that say nothing about whose risk it is (a learned tier's level, the conversation's
# persisting peak, a supporter's context): every other signal counts as the speaker's own risk.
_NEUTRAL_SIGNAL = re.compile(
    r"^(?:semantic(?:_about_other|_unsure|_condition)?:|persisting:|capped_by_context|"
    r"other_at_risk:|protective:|unchanged$|supporter$|minor$|veteran$|lgbtq$|perinatal$|"
    r"sexual_violence$|stressor$)"
)
# Someone else at risk: a third-person reflexive or possessive with a suicide or self-harm word.
# A death that already happened ("she killed herself last year", "he took his own life") is
# grief, not someone to help now: the speaker's own risk is what the protocol asks about.
_OTHER_AT_RISK = re.compile(
    r"\b(?:kill(?:s|ing)?|hurt(?:s|ing)?|harm(?:s|ing|ed)?|cut(?:s|ting)?|end(?:s|ing)?|"
    r"off(?:ing)?) (?:her|him|them)sel(?:f|ves)\b"
    r"|\b(?:end(?:s|ing)?|take|takes|taking) (?:her|his|their) (?:own )?life\b"
    r"|\b(?:she|he|they)(?:'s|'re| is| are| was| were| has| have| had)?(?: \w+){0,3}? "
    r"(?:suicidal|(?:wants?|wanted|wanting|going|planning|plans?|tried|trying) to "
    r"(?:die|end it|kill|not be here))"
    r"|\b(?:her|his|their) (?:suicid|self[- ]?harm)"
)
# The speaker's own risk said in their own words, alongside someone else's.
_OWN_RISK_WORDS = re.compile(
    r"\b(?:kill(?:ing)? myself|hurt(?:ing)? myself|harm(?:ing)? myself|cut(?:ting)? myself|"
    r"end(?:ing)? my (?:own )?life|i(?:'m| am) suicidal|suicidal myself|i (?:want|wanna) to die|"
    r"i wish i (?:was|were) dead|(?:me|i do|i am|i feel|i've felt|i have) (?:that way )?too|"
    r"same here|i feel the same|so do i|i(?:'ve| have) (?:been )?(?:thinking|felt|feeling) "
    r"(?:about )?(?:that|it|the same) (?:too|as well)|myself too)\b"
)
_QUOTATION = re.compile(r"[\"“][^\"“”]{0,200}[\"”]|(?<!\w)'[^'\n]{1,40}'(?!\w)")
# The "friend" is the speaker ("asking for a friend… it's me"): their own risk.
_FRIEND_IS_ME = re.compile(
    r"\b(?:asking for a friend|it'?s (?:really |actually |obviously |just )?me|there'?s no "
    r"friend|the friend is me|i'?m the friend)\b"
)
# Still speaking of another person (a helper's later turns).
_THIRD_PERSON = re.compile(
    r"\b(?:she|he|they|her|him|them|their|his|my (?:" + KIN_AGE + r"|\w+ )?(?:friend|mate|partner|"
    r"sister|brother|son|daughter|mum|mom|dad|husband|wife|boyfriend|girlfriend|student|cousin))\b"
)


def own_risk_shown(signals: Sequence[str], text: str) -> bool:
    """Whether a message shows the speaker's own risk: a signal that is not neutral about
    whose risk it is, or their own words."""
    if any(not _NEUTRAL_SIGNAL.match(s) for s in signals):
        return True
    t = normalise(text) if text else ""
    unquoted = _QUOTATION.sub(" ", t)  # words quoted from someone else are theirs
    return bool(t and (_OWN_RISK_WORDS.search(unquoted) or _FRIEND_IS_ME.search(t)))


def names_other_at_risk(text: str) -> bool:
    """Whether the message names another person at risk ("she wants to kill herself")."""
    return bool(text and _OTHER_AT_RISK.search(normalise(text)))


def speaks_of_other(text: str) -> bool:
    """Whether the message still speaks of another person (she, my friend, their…)."""
    return bool(text and _THIRD_PERSON.search(normalise(text)))


def whose_in_message(signals: Sequence[str], text: str, helping: bool = False) -> Whose:
    """Whose risk one message speaks of. `helping`: the message goes on with a worried
    helper's conversation (its level persists from it, or it still speaks of the other
    person), so it stays someone else's unless the speaker's own risk shows."""
    reported = any(s.startswith(OTHER_AT_RISK) for s in signals)
    if f"{OTHER_AT_RISK}threat" in signals:
        # "he said he'll shoot up the school": the threat's words are his, not the speaker's
        signals = [s for s in signals if s != "threat_to_others"]
    if f"{OTHER_AT_RISK}child_disclosure" in signals:
        signals = [s for s in signals if s not in {"abuse", "minor"}]
    if reported or (helping and speaks_of_other(text)):
        # "my dad said he has a gun…", "she has pills in her room": the means are the other's
        signals = [s for s in signals if s not in MEANS_SIGNALS]
    if {f"{OTHER_AT_RISK}{k}" for k in ("preparation", "warning_signs", "farewell")} & set(signals):
        # "…she stopped eating and said goodbye weirdly": the goodbye is hers
        signals = [s for s in signals if s not in {"possible_preparation", "preparation"}]
    named = reported or helping or names_other_at_risk(text)
    if f"{OTHER_AT_RISK}asked_and_yes" in signals:
        # "i asked her if she was thinking about suicide and she said 'kind of'": the risk words
        # are in the helper's question, the yes is hers; only the helper's own words are theirs
        signals = [s for s in signals if _NEUTRAL_SIGNAL.match(s)]
    if named and not own_risk_shown(signals, text):
        return Whose.OTHER
    return Whose.OWN


# --- how much risk a worried helper reports for someone else --------------------------------
# The pattern tier reads only the speaker's own risk (a cue about a friend is turned off as
# third-party context), and the screener corpus labels a worried helper's message with the
# speaker's level. A helper whose friend "is going to end it tonight" still needs the
# protocol's helper steps — call emergency services, stay with them — so the report of
# someone else's current risk is read here, with the level it names for them.
_SUBJECT = (
    r"(?:she|he|they|shes|hes|mi (?:hermano|hermana|hijo|hija|amigo|amiga|novio|novia|mam[aá]|"
    r"pap[aá])|(?:my|our|her|his) (?:" + KIN_AGE + r"|\w+ )?(?:friend|mate|bf|gf|"
    r"boyfriend|girlfriend|partner|husband|wife|son|daughter|kid|child|toddler|baby|brother|sister|"
    r"sibling|"
    r"cousin|mum|mom|mother|dad|father|students?|pupils?|colleague|coworker|roommate|flatmate|"
    r"housemate|"
    r"nephew|niece|uncle|aunt|grandma|grandpa|grandmother|grandfather))"
)
# Between the subject and what they said or did ("my dad said he has a gun and is going to…"):
# a few words, none of them the speaker (I, myself), a negation, a reader ("you") or an "if".
_GAP = (
    r"(?:'s|'re|'d)?(?: (?!(?:i|i'm|i've|i'd|i'll|myself|you|your|not|never|no|nothing|if|"
    r"unless|whether|ask|asks|asked|asking|about)\b)(?![\w']*n't\b)[\w']+){0,7}?"
)
_REFLEXIVE = r"(?:her|him|them)sel(?:f|ves)"
# What a voice, or someone, orders them to do that could end or harm their life.
_DEADLY_ORDER = (
    r"(?:jump|die|drown|overdose|kill "
    + _REFLEXIVE
    + r"|hurt "
    + _REFLEXIVE
    + r"|harm "
    + _REFLEXIVE
    + r"|cut "
    + _REFLEXIVE
    + r"|hang "
    + _REFLEXIVE
    + r"|end (?:it|(?:her|his|"
    r"their) (?:own )?life)|(?:walk|step|run) (?:into|in front of)|stop eating|not eat)"
)
_VOICES = re.compile(r"\bvoices?\b")
_IDEATION = (
    r"(?:wants?|wanted|wanting|wanna|going|gonna|planning|plans?|threaten(?:s|ed|ing)?|decided) "
    r"to (?:die|(?:kill|shoot|drown|gas|poison|hurt) " + _REFLEXIVE + r"|end (?:it|it all|(?:her|"
    r"his|their) (?:own )?life)|"
    r"not (?:be here|be alive|wake up)|take (?:her|his|their) (?:own )?life|jump|overdose|"
    r"hang " + _REFLEXIVE + r")"
    r"|(?:doesn'?t|does not|don'?t|didn'?t|did not) want to (?:live|be alive|be here|exist|"
    r"wake up|go on)"
    r"|wish(?:es|ed)? (?:she|he|they) (?:was|were|'d|had)? ?(?:been )?(?:dead|never born)"
    r"|(?:would|'d) be better off dead"
    r"|said (?:nobody|no one) would (?:even )?(?:miss|notice|care about) (?:him|her|them)"
    r"|(?:does not|doesn'?t|do not|don'?t) (?:plan|expect) to (?:be (?:alive|here|around)|live)"
    r"|(?:feels? |feeling )?suicidal"
    r"|(?:thinking|thinks|thought|talking|talks|talked) (?:about|of) (?:suicide|killing "
    + _REFLEXIVE
    + r"|ending (?:it|(?:her|his|their) life)|taking (?:her|his|their) (?:own )?life)"
    # a deadly act said as a plan, often in psychosis or mania ("is going to walk into the sea
    # tonight to prove it", "is going to drive off the bridge"), or voices telling them to
    r"|(?:wants?|going|gonna|planning|threaten(?:s|ed|ing)?) to (?:walk|wade|step|run|drive|"
    r"jump|throw " + _REFLEXIVE + r") (?:out )?(?:into|in front of|off|onto|from) (?:the |a |an "
    r"|his |her |their )?(?:sea|ocean|river|lake|water|traffic|road|motorway|highway|freeway|"
    r"bridge|cliff|building|roof|window|balcony|train|tracks)"
    # told to die by someone or something ("voices are telling her to jump"; with voices named
    # in the sentence, their own kind: `voices`)
    r"|(?:tell(?:s|ing)?|told|order(?:s|ing|ed)?|command(?:s|ing|ed)?) (?:her|him|them) to "
    + _DEADLY_ORDER
    + r"|(?P<wanted>(?:want|wants|wanted|urg(?:e|es|ed|ing)) (?:her|him|them) to "
    + _DEADLY_ORDER
    + r")"
)
_SELF_HARM = (
    r"(?:cutting|hurting|harming|burning|starving|cuts|hurts|harms|burns|starves) "
    + _REFLEXIVE
    + r"|self[- ]?harm(?:s|ing)"
    r"|(?:has been|'s been|have been|is|are|started|keeps?) cutting\b"
    # "she cuts", "he cuts again": cutting with no object named is self-harm ("she cuts my
    # hair" is not)
    r"|cuts(?= *(?:$|[,;:!?]|\.|and\b|again\b|sometimes\b|at night\b|when\b|every\b))"
    # "my friend showed me the cuts on her wrist": the wounds shown, hers
    r"|(?:showed|show|shows|showing) me (?:the |her |his |their )?(?:cuts|scars|marks|burns) on "
    r"(?:her|his|their) (?:wrists?|arms?|legs?|thighs?|stomach)"
)
_ATTEMPT = (
    r"(?:tried|attempted|tries|trying) to (?:kill " + _REFLEXIVE + r"|end (?:it|(?:her|his|their)"
    r" (?:own )?life)|take (?:her|his|their) (?:own )?life|hang " + _REFLEXIVE + r"|overdose|"
    r"die)|attempted suicide|(?:took|taken|had) an overdose|overdosed"
)
_ACT_UNDERWAY = re.compile(
    r"\b(?:swallowed|took|has taken|downed|taken)\b[^.!?]{0,40}\b(?:pills|tablets|bottle|"
    r"packet|overdose)\b[^.!?]{0,60}\b(?:won'?t wake|can'?t wake|not waking|unconscious|not "
    r"responding|unresponsive|passed out|not breathing)"
)
# Someone else who has taken an overdose's worth, told before any symptom ("my friend just
# texted me that she took 20 of her pills an hour ago"): an act under way, the emergency call
# and poison help now.
_THEIR_OVERDOSE = re.compile(
    r"\b(?:" + _SUBJECT + r"|friend|mate|bestie|bff|roommate|flatmate|housemate|partner|gf|bf|"
    r"girlfriend|boyfriend|sister|brother|son|daughter|mum|mom|dad)\b[^.!?]{0,40}?\b(?:took|"
    r"has taken|'s taken|swallowed|downed|necked)\s+(?:like |about |around |over |"
    r"maybe )?(?:\d{2,}|twenty|thirty|forty|fifty|a (?:whole|full) (?:box|bottle|packet|pack|strip|"
    r"blister)|all (?:of )?(?:her|his|their|the)|(?:a bunch|loads|a load|a lot|handfuls?|"
    r"a handful) of)\b[^.!?]{0,25}?\b(?:pills|tablets|meds|medication|capsules|paracetamol|tylenol|"
    r"ibuprofen|sleeping pills|antidepressants|painkillers|of them)\b"
)
# …told as happening now, not as a story from before ("an hour ago", "this afternoon", "and is
# throwing up"; not "at the beginning of our relationship she swallowed a bunch of tylenol").
_JUST_NOW = re.compile(
    r"\b(?:just|an? (?:hour|few hours|couple of hours) ago|\d+ (?:minutes?|mins?|hours?|hrs?) ago|"
    r"this (?:morning|afternoon|evening)|tonight|today|earlier|last night|right now|now|has taken|"
    r"'s taken|is (?:throwing up|being sick|vomiting|drowsy|asleep|passed out|not answering|"
    r"sleepy))\b"
)
# Poisons and household things swallowed (bleach, batteries): poison help and the emergency
# number.
_POISONS = (
    r"(?:" + POISON_WORDS + r"|batteries|a battery|button batter(?:y|ies)|detergent|drain cleaner|"
    r"cleaning (?:stuff|liquid|product)s?)\b"
)
# Someone else collapsed or not breathing, whatever caused it ("my mate took something and now
# he won't wake up, his lips look kinda blue", "i think she stopped breathing", "she's gone
# floppy and her breathing is slow after taking g"): a medical emergency to call for now.
_COLLAPSED = re.compile(
    r"\b" + _SUBJECT + r"\b[^.!?]{0,50}?"
    r"(?:\b(?:isn'?t|is not|aren'?t|are not|not|stopped|has stopped|barely|hardly|no longer) "
    r"breathing\b(?! (?:a word|down|on|over|easy|easier|a sigh))|"
    r"\bbreathing (?:is |'s |has gone |went |seems )?(?:really |very |so |super |"
    r"kinda |kind of )?(?:slow|shallow|weird|funny|strange|rattly|noisy)\b|\b(?:won'?t|will not|"
    r"can'?t|cannot|doesn'?t) (?:wake|come round|come to)\b(?:(?! (?:up )?(?:for|in time|"
    r"early|on time|before|until|till|to|when|at|in the)\b)(?! up (?:early|late)))|"
    r"\bnot waking\b(?! (?:up )?(?:for|to|in time|early|on time|at|when)\b)|"
    r"\b(?:not responding|won'?t respond|doesn'?t respond|isn'?t responding) (?:at all )?(?:to "
    r"(?:anything|(?:her|his|their) name|shaking|touch|pain)|when (?:we|i) (?:shake|shook|call|"
    r"shout|talk))|"
    r"\bunresponsive\b|\b(?:is|'s|lying|still|completely|totally) unconscious\b|"
    r"\bgone (?:all |really |totally |completely )?floppy\b|"
    r"\bsnoring (?:really |kinda |kind of )?(?:weird|funny|strange|loud and)|\bgurgling\b|"
    r"\bcollapsed after (?:drinking|taking|using|doing|having)\b|\bturning blue\b|"
    r"\b(?:has|having|got|'s got|is having) (?:a )?(?:crushing |bad |severe |really bad |"
    r"terrible )?chest pains?\b|\b(?:can'?t|cannot|can barely|can hardly|struggling to) breathe\b|"
    r"\b(?:swallowed|drank|drunk|ate|has taken|took|eaten)\b[^.!?]{0,15}\b" + _POISONS + r")"
    r"|\b(?:her|his|their) (?:lips|face|skin|fingertips)(?:'s| is| are| look| looks| have| has|"
    r" went| gone| going| turning| turned)(?: \w+){0,2} (?:blue|grey|gray|purple)\b"
    r"|\b(?:we|i) (?:can'?t|cannot|couldn'?t) (?:wake|rouse) (?:her|him|them)\b"
)
# Its needles, looked up once per message before any sentence is scanned.
_COLLAPSE_FILTER = Prefiltered(_COLLAPSED)
# A stroke or a seizure in someone else ("my dad's face is drooping on one side and he's
# slurring his words", "my sister is on the floor shaking and not answering me"): the emergency
# call first, whatever else the message is about.
_STROKE = re.compile(
    r"\b(?:face|mouth|smile)(?:'s| is| has)? (?:gone |going |started |all |kind of |kinda )?"
    r"(?:droop\w*|sagging|(?:dropped|fallen|lopsided) on one side)\b|\bslurr(?:ing|ed|s) "
    r"(?:his |her |their )?(?:words|speech)\b|\b(?:his|her|their) speech (?:is |'s |has gone |"
    r"went )?(?:all )?slurred\b|"
    r"\b(?:can'?t|cannot|couldn'?t) (?:lift|move|raise|feel) (?:his|her|their) (?:right |left )?"
    r"(?:arm|leg|hand)\b|\b(?:words|speech) (?:are |is )?(?:coming out |come out )?(?:all )?"
    r"(?:jumbled|garbled|muddled|wrong|slurred)\b"
)
_SEIZURE = re.compile(
    r"\b(?:having|had|is having|'s having|gone into) (?:a )?(?:seizure|fit|convulsion)s?\b|"
    r"\bconvulsing\b|\bshaking all over\b|\beyes (?:are |have )?(?:rolled|rolling) back\b|"
    r"\bseizing\b(?! (?:the|every|an?|on|up|control|power|it|them|this|that|"
    r"his|her|their|my|your)\b)|\bfitting (?:on the (?:floor|ground)|again|for (?:\d+|a few|two|"
    r"three|five) (?:minutes|mins)|and (?:not|won'?t|can'?t|isn'?t))\b|"
    r"\b(?:on the (?:floor|ground)|collapsed)\b[^.!?]{0,30}"
    r"\b(?:shaking|jerking|twitching)\b|\b(?:shaking|jerking|twitching)(?: all over)? and (?:not|"
    r"isn'?t|won'?t) (?:answering|responding|waking)\b"
)
_STROKE_FILTER, _SEIZURE_FILTER = Prefiltered(_STROKE), Prefiltered(_SEIZURE)
_MEDICAL_SUBJECT = re.compile(
    r"\b(?:" + _SUBJECT + r"|mum|mom|dad|mam|nan|nana|gran|granny|grandma|grandad|grandpa)\b"
)
# Someone else's threat of violence, reported ("a student told me he's going to shoot up the
# school", "this kid showed me a list of names on his phone… they're the ones who are gonna get
# it"): the people who can act need to know today.
_THREAT_REPORTED = re.compile(
    r"\b(?:(?:shoot(?:ing)?|shot) up|bomb(?:ing)?|blow(?:ing)? up|attack(?:ing)?) (?:the|our|my|"
    r"his|her|their|a) (?:school|class|college|campus|office|work|workplace|mall|church|gym|"
    r"assembly)\b|\b(?:a|his|her|their) list of (?:names|people|targets)\b|\b(?:bring|bringing) "
    r"(?:a |his |her |their |(?:his|her|their) (?:dad|father|mum|mom|uncle|brother)'?s )(?:gun|"
    r"rifle|pistol|knife|weapon) (?:in)?to (?:school|class|work)\b|\b(?:coming|come|walk\w*) in "
    r"with (?:his|her|their|a) (?:shotgun|gun|rifle|pistol)\b|\b(?:nobody|no one)(?:'s| is)? "
    r"(?:leaving|getting out)\b|\bthreaten\w* to (?:shoot|kill|stab|bomb) (?:everyone|everybody|"
    r"people|us|the (?:whole )?\w+)\b|\b(?:do|pull) (?:a|an) (?:vegas|columbine|parkland|uvalde)\b|"
    r"\b(?:planning|plans|going|gonna) to bring (?:a|his|her) (?:knife|gun|weapon)\b|"
    r"\b(?:don'?t|dont|do not) come (?:in)?to (?:school|work) (?:tomorrow|tmrw|on \w+)\b|"
    r"\b(?:gonna|going to|will) "
    r"(?:kill|shoot|stab) (?:everyone|everybody|us all|them all|people|the (?:whole )?(?:class|"
    r"school))\b"
)
_THREAT_FILTER = Prefiltered(_THREAT_REPORTED)
_REPORTER = re.compile(
    r"\b(?:told me|showed me|said|says|saying|keeps saying|kept saying|posted|threatened|messaged|"
    r"snapchatted|sent me|texted|is going to|'s "
    r"going to|is gonna|'s gonna|wrote)\b"
)
# A child's disclosure of abuse to an adult who must act on it ("a pupil told me at lunch that
# her uncle touches her and made me promise not to tell").
_CHILD_DISCLOSED = re.compile(
    r"\b(?:a |one of my |my )?(?:pupil|student|child|kid|girl|boy|son|daughter|niece|nephew|"
    r"stepdaughter|stepson|grandson|granddaughter)s?\b[^.!?]{0,40}\b(?:told me|said|disclosed|"
    r"confided|admitted)\b[^.!?]{0,60}\b(?:touch(?:es|ed|ing)|abus\w+|rap(?:es|ed|ing)|"
    r"molest\w*|hits? (?:her|him|them)|beats? (?:her|him|them)|hurts? (?:her|him|them)|sexual\w*|"
    r"comes? into (?:her|his|their) (?:room|bed)|under (?:her|his|their) clothes|sleep in his bed|"
    r"tickle games?)\b"
)
_DISCLOSED_FILTER = Prefiltered(_CHILD_DISCLOSED)
# … and not over: "he came round and he's fine now"
_CAME_ROUND = re.compile(
    r"\b(?:(?:is|'s|are|'re|seems?|was) (?:fine|ok|okay|alright|all right|breathing (?:fine|"
    r"normally|ok|okay)) now|came (?:round|to)|woke (?:up|back up)|recovering|recovered)\b"
)
# … and not a panic attack ("she's having a panic attack and says she can't breathe")
_PANIC_ATTACK = re.compile(r"\bpanic|\banxiety attack|\bhyperventilat")
# … and not a wish or words of theirs ("he said he wouldn't mind not waking up"): what they
# think, read as ideation elsewhere, not a body in danger now.
_WISHED_OR_SAID = re.compile(
    r"\b(?:wish|wishes|wished|hope|hopes|hoped|pray|prays|mind|rather|want|wants|wanted|said|"
    r"says|saying|told|tells|joke|jokes|joked|texted|wrote)\b"
)
# A drug or drink named beside it: an overdose to tell the call handler about.
_TAKEN_SOMETHING = re.compile(
    r"\b(?:took|taken|taking|had|did|done|using|used|drank|drinking|drunk|swallowed|snorted|"
    r"smoked|injected)\b[^.!?]{0,30}\b(?:something|pills|tablets|meds|drugs|g|ghb|gbl|heroin|"
    r"fentanyl|oxy\w*|xanax|bars|benzos|ket|ketamine|mdma|molly|coke|lean|pain ?pills|"
    r"painkillers|drinks|vodka|alcohol|a lot|" + _POISONS + r")\b|\b(?:overdos\w*|od'?d|o\.d\.)"
)
# A subject named only as the owner of something ("my dad's rifle in the shed"): what follows
# is not said of them.
_OWNER_ONLY = re.compile(
    _SUBJECT + r"'s (?:\w+ )?(?:rifle|guns?|pistol|shotgun|firearms?|pills|tablets|meds|"
    r"medication|car|truck|rope|knife|house|flat|garage|shed|room|bathroom)\b"
)
_REPORT = re.compile(
    r"\b"
    + _SUBJECT
    + _GAP
    + r" (?:(?P<ideation>"
    + _IDEATION
    + r")|(?P<self_harm>"
    + _SELF_HARM
    + r")|(?P<attempt>"
    + _ATTEMPT
    + r"))\b"
)
# Preparation by the other person: pills stockpiled, a note found ("my husband has been
# stockpiling his diazepam and i found a note in his desk drawer addressed to me and the kids").
_PREPARED = re.compile(
    r"\b" + _SUBJECT + r"(?:'s| has| have)?(?: been)? (?:stockpil\w+|sav(?:ing|ed) up|hoard\w*|"
    r"collect\w*|hiding) (?:his|her|their|all (?:his|her|their)|some of (?:his|her|their)) "
    r"(?:\w+ )?"
    r"(?:pills|tablets|meds|medication|diazepam|sleeping pills|painkillers|insulin|morphine)\b"
    r"|\bfound (?:a|his|her|their) (?:suicide |goodbye )?(?:note|letter)s?\b[^.!?]{0,60}\b(?:"
    r"addressed to|for|to) (?:me|us|the kids|the children|his|her|their|our)\b"
)
# Warning signs in someone else, told across a message: things given away with a farewell ("he
# gave me his watch and said he won't need it", "giving away his stuff and joking that he won't
# be around next semester"), or death talked of lightly beside a strange goodbye or not eating
# ("keeps posting 'kms' memes … stopped eating and said goodbye weirdly last night").
_THEY_GIVE_AWAY = re.compile(
    r"\b(?:he|she|they|my (?:\w+ )?\w+|and|then)(?:'s| has| have| is| are)?(?: been)? (?:giv(?:e|"
    r"es|ing)|gave|given) (?:away )?(?:\w+ ){0,3}?(?:all (?:of )?)?(?:his|her|"
    r"their) (?:\w+ ){0,2}?\w+\b|\b(?:he|she|they|my (?:\w+ )?\w+)(?:'s| has| have| is|"
    r" are)?(?: been)? (?:giv(?:e|es|ing)|gave|given) (?:away )?(?:all (?:of )?)?(?:his|her|their|"
    r"(?:all )?(?:the|her|his) )?(?:things|stuff|belongings|possessions) (?:away|to)\b"
)
_THEY_WONT_NEED = re.compile(
    r"\b(?:won'?t|will not|wont) (?:be )?need(?:ing)? (?:it|them|that|those|any of (?:it|them))\b|"
    r"\b(?:won'?t|will not|wont) be (?:around|here) (?:next|for|much|by|after|anymore|any more|"
    r"soon|long)|\b(?:will not|won'?t|wont) be here soon\b|\bsaid (?:goodbye|bye) (?:weirdly|like|"
    r"as if|in a weird way|strangely|for good)|\b(?:weird|strange|odd) goodbye\b|\b(?:you'?ll|"
    r"you will) need (?:it|them) more than (?:me|i do)\b|\bwhere (?:he|she|they)(?:'s| is|'re|"
    r" are) going\b"
)
# A farewell from them, then silence ("texted 'thanks for everything, look after my cat' and now
# she's not answering").
_THEIR_FAREWELL = re.compile(
    r"\b(?:thanks for everything|thank you for everything|look after (?:my|the) (?:cat|dog|kids|"
    r"pets?|plants)|tell (?:everyone|mum|mom|dad|them) i (?:love|loved)|goodbye forever|"
    r"bye forever)\b"
)
_NOT_ANSWERING = re.compile(
    r"\b(?:not|isn'?t|hasn'?t been|won'?t|stopped|doesn'?t) (?:answering|replying|picking up|"
    r"responding|reading)\b|\b(?:won'?t|doesn'?t|didn'?t|not|isn'?t going to) (?:pick up|answer|"
    r"reply|respond)\b|\bno (?:answer|reply)\b|\bphone (?:is )?(?:off|dead)\b"
)
_THEY_JOKE_OF_DYING = re.compile(
    r"\b(?:kms|kill(?:ing)? (?:himself|herself|themselves|myself)|unaliv\w+|suicid\w*|dying|"
    r"being dead)\b[^.!?]{0,40}\b(?:memes?|jokes?|posts?|posting|joking)\b|\b(?:memes?|jokes?|"
    r"posts?|posting|jok(?:es|ing)) (?:about|that)?[^.!?]{0,20}\b(?:kms|kill(?:ing)? (?:himself|"
    r"herself|themselves|myself)|unaliv\w+|suicid\w*|dying|(?:being|be) dead(?: soon)?|not being "
    r"(?:here|around))\b|'kms'"
)
_THEY_STOPPED_EATING = re.compile(
    r"\b(?:he|she|they)(?:'s| has| have)? (?:also )?(?:stopped eating|not eating|(?:hasn'?t|"
    r"haven'?t) eaten (?:in|for) (?:days|a week|\w+ days))\b"
)
_THIRD_PERSON_JOKER = re.compile(
    r"\b(?:he|she|they|my (?:\w+ )?\w+|(?:a|this|one) (?:\w+ )?(?:guy|girl|friend|colleague|"
    r"coworker|co-worker|mate|kid|boy|man|woman|lad)(?: (?:at|in|from) (?:\w+ )?\w+)?|someone)"
    r"(?:'s| is| are| keeps| keep)? (?:always |constantly )?(?:jok(?:es|ing)|posting|posts|"
    r"making jokes)\b"
)
_BENIGN_LEAVING = re.compile(
    r"\b(?:mov(?:e|es|ed|ing)|relocat\w*|emigrat\w*|downsiz\w*|declutter\w*|upgrad\w*|new (?:job|"
    r"flat|house|place|one)|going (?:abroad|travelling|traveling)|gap year|study abroad|exchange|"
    r"graduat\w*|deploy\w*)\b"
)
# A new parent's or partner's psychosis with danger to a child ("she says God told her the baby
# is possessed and she has to cleanse him in the bath").
_PSYCHOSIS_DANGER = re.compile(
    r"\b(?:god|a voice|voices|the devil|angels?|spirits?|it)\b[^.!?]{0,15}\b(?:told|tells|"
    r"telling|says|said|wants?) (?:her|him|them)\b[^.!?]{0,80}\b(?:baby|babies|child|children|"
    r"kids?|newborn|son|daughter)\b[^.!?]{0,60}\b(?:possessed|evil|cleanse|drown|bath|sacrific\w*|"
    r"hurt|kill|devil|demon|has to die|must die)"
    r"|\b(?:baby|child|son|daughter|newborn)\b[^.!?]{0,20}\b(?:is|was) (?:possessed|evil|the devil|"
    r"a demon)\b"
)
# The other person's own words, quoted ("texted her group chat 'ngl gonna unalive myself this
# weekend'"), or a plan they said they have ("he said hes got a plan").
_QUOTED = re.compile(
    r"\b"
    + _SUBJECT
    + r"\b[^.!?\"“”]{0,60}?(?:[\"“]|(?<!\w)')[^\"“”]{0,100}?\b(?:kill myself|end (?:it all|"
    r"my life)|want to die|(?:don'?t|do not) want to (?:live|be here)|suicide)\b"
)
# Their means with a time or the use said ("she texted me a picture of a bunch of pills… said
# 'tonight's the night'", "she has a razor blade and she's going to use it tonight").
_THEIR_MEANS = re.compile(
    r"\b" + _SUBJECT + r"\b[^.!?]{0,60}\b(?:has|had|got|holding|bought|took|taken|texted me|"
    r"sent me|showed me|snapchatted me|use|using|overdose on|(?:take|taking|swallow|swallowing) "
    r"(?:all|the lot|them all|every|a bunch|a load|loads|enough|(?:her|his|their) \w+'s))\b"
    r"[^.!?]{0,40}\b(?:pills|tablets|meds|razors?|"
    r"razor blades?|blades?|knife|rope|gun|rifle|pistol|shotgun|bottle of \w+)\b"
)
# A cheap look for a means word before `_THEIR_MEANS` (most sentences name none).
_MEANS_NAMED = re.compile(r"pills|tablets|meds|razor|blade|knife|rope|gun|rifle|pistol|bottle")
_THEY_SAID = re.compile(
    r"\b(?:said|says|saying|texted|told me|wrote|messaged|going to|gonna)\b|(?:she|he|they)'ll"
)
# When they said they would (with means in hand): tonight, now or within hours is imminent.
_THEIR_SOON = re.compile(
    r"\b(?:midnight|in (?:an|a few|\w+) hours?|when (?:her|his|their|the) \w+ (?:leaves?|goes "
    r"out|is asleep|falls asleep|goes to (?:bed|sleep)))\b"
)
_USE_OR_TIME = re.compile(
    r"\b(?:going to|gonna|will|wants? to) use (?:it|them)\b|\btonight'?s the night\b|"
    r"\bit'?s time\b|\b(?:goodbye|bye)\b|\b(?:she|he|they)(?:'ll| will| is going to| is gonna|"
    r"'s going to|'s gonna) do it\b|\bdon'?t (?:follow|look for|come after) (?:me|her|him)\b|"
    r"\b(?:the|her|his|their) last night\b|\b(?:neck|necking|take|taking|swallow|swallowing|down|"
    r"downing) (?:the lot|them all|all of them|the whole (?:bottle|box|lot|packet|pack))\b"
)
# The helper asked them outright, and they said yes ("i asked her if she was thinking about
# suicide and she said 'kind of'"): their answer to the question, not the helper's.
_ASKED_THEM = re.compile(
    r"\bask(?:ed)?(?: (?:her|him|them|my \w+))?\b[^.!?]{0,30}?\b(?:(?:if|whether) (?:she|he|"
    r"they)\b[^.!?]{0,60}|about )"
    r"\b(?:suicid\w*|kill(?:ing)? (?:her|him|them)sel\w+|end(?:ing)? (?:it|things|(?:her|his|"
    r"their) life)|(?:want(?:ed|s)?|wanting) to die|hurt(?:ing)? (?:her|him|them)sel\w+)"
)
_THEIR_YES = re.compile(
    r"\b(?:she|he|they) (?:said|says|told me|texted|replied|answered|admitted)\b[^.!?a-z]{0,4}"
    r"(?:yes|yeah|yep|kind of|kinda|sort of|maybe|sometimes|a little|i think so)\b|\b(?:she|he|"
    r"they) (?:kinda |kind of |sort of |just )?(?:nodded|didn'?t say no|admitted it)\b"
)
_LONG_AGO = re.compile(
    r"\b(?:years ago|used to|character|novel|in the (?:book|film|movie|show|game))\b"
)
# … not a yes taken back or put in the past ("she said maybe, but not anymore")
_YES_BUT = re.compile(
    r"[^.!?]{0,60}?\b(?:but|not anymore|not now|in the past|years ago|back then|when (?:she|he|"
    r"they) (?:was|were))\b"
)
_THEIR_PLAN = re.compile(r"\b(?:he|she|they|hes|shes)(?:'s| has| have|'ve)? (?:got )?a plan\b")
_SOON = re.compile(
    r"\b(?:tonight|right now|today|this (?:morning|afternoon|evening)|in (?:an|a few|\w+) "
    r"(?:hours?|minutes?)|at the moment|as we speak)\b"
)
_RECENT = re.compile(
    r"\b(?:last (?:night|week|weekend)|this (?:week|weekend|morning)|yesterday|today|tonight|"
    r"just|earlier|recently|a few days ago|on (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday))\b"
)
_MEANS = re.compile(r"\b(?:gun|rifle|pistol|pills|tablets|rope|knife|blade|razor)s?\b")
# Not a person at risk now: a story, a game, a hypothetical, history, a question put to
# someone, anyone in general ("when someone tells you they want to die"), or a reply to
# another post's author ("to the girl who wrote she wants to die").
# A story or the past, for the reports read before `_NOT_NOW` (its generic-person part would
# skip a threat against "a boy who bullies him").
_STORY_OR_PAST = re.compile(
    r"\b(?:character|novel|lyrics|in (?:the|a|my|this|that|his|her) (?:book|film|movie|show|"
    r"game|series|story|episode|song|play)|years ago|used to|back then|as a (?:kid|child|teen|"
    r"teenager)|what if|in the news|on the news|podcast)\b"
)
_NOT_NOW = re.compile(
    # a story, a game or a song ("my story" and "show her I care" are not fiction)
    r"\b(?:character|novel|lyrics|in (?:the|a|my|this|that|his|her) (?:book|film|movie|show|"
    r"game|series|story|episode|song|play))\b"
    # history and hypotheticals
    r"|\b(?:years ago|used to|back then|when (?:she|he|they|i|my \w+) (?:was|were)|as a (?:kid|"
    r"child|teen|teenager)|what if|if (?:she|he|they|my|your|ur|a|someone|somebody|anyone)|"
    r"in case (?:she|he|they)|whether)\b"
    # anyone in general, or the author of another post
    r"|\b(?:when|whenever) (?:someone|somebody|people|anyone|a person|a friend|your friend|"
    r"a loved one|a client|a patient|they)\b"
    r"|\b(?:someone|somebody|people|anyone|a friend|(?:the|a) (?:girl|boy|guy|person|young "
    r"person|kid|dad|mum|mom|man|woman|lady|poster|op)) who\b"
    r"|^(?:to|replying to|reply to|re:|@)\b"
)


# A helper asked to keep it secret ("made me promise not to tell anyone"): their line says a
# promise need not hold when a life or safety is at stake.
_SECRET = re.compile(
    r"\b(?:(?:pinky )?(?:promise[ds]?|swear|swore|sworn)(?: to)? (?:her |him |them )?(?:not to|i "
    r"won'?t|i wouldn'?t|never to|i'?d never) (?:tell|say)|(?:keep|kept) (?:it|this|that) (?:a )?"
    r"secret|(?:not|never) to tell (?:anyone|anybody|a soul|(?:her|his|their|my) (?:parents|"
    r"mum|mom|dad))|swore me to secrecy|don'?t tell anyone|i promised (?:her|him|them)? ?i "
    r"wouldn'?t)\b"
)


def secrecy_asked(text: str) -> bool:
    """Whether a helper says they were asked to keep someone's risk secret ("made me swear I
    wouldn't tell mom")."""
    return bool(text and _SECRET.search(normalise(text)))


# A clinician's notes on a client or patient: a report for supervision, not a helper's plea.
_CLINICAL = re.compile(r"\b(?:my|our) (?:clients?|patients?)\b|\bsupervision\b")


# Someone else's mania, told by a worried partner or family member: nights without sleep ("my gf
# has been up for like 4 nights") beside a sign ("stopped her meds", "spent our rent money",
# "convinced she's going to be a famous designer").
_THIRD = (
    r"(?:she|he|they|(?:my|our) (?:gf|bf|girlfriend|boyfriend|partner|wife|husband|mum|mom|dad|"
    r"son|daughter|friend|brother|sister|flatmate|roommate|housemate|fianc[eé]e?))"
)
_THEIR_SLEEPLESS = re.compile(
    rf"\b{_THIRD}(?: \(\d+\))?(?:'s| is| has|s|'s been| has been)? (?:been )?(?:up|awake|"
    r"without sleep|not sleeping|barely sleeping)\b[^.!?]{0,20}\b(?:(?:\d+|two|three|four|five|six|"
    r"several|a few) (?:nights|days)|for (?:days|nights)|all night)|\b(?:she|he|they|(?:my|our) "
    r"\w+) (?:hasn'?t|has not|hasnt|haven'?t) (?:really )?slept (?:in|for|since) (?:\d+|two|three|"
    r"four|five|six|several|a few|days|\w+day)|\bno sleep (?:since|in|for) (?:\w+day|\d+|two|"
    r"three|four|five|days)|\bup all night\b"
)
_THEIR_MANIC_SIGN = re.compile(
    r"\b(?:(?:stopped|quit|threw out|threw away|ditched|flushed) (?:taking )?(?:her|his|their) "
    r"(?:meds|medication|lithium|pills|tablets|seroquel|quetiapine|abilify|risperidone|lamotrigine|"
    r"lamictal|depakote|olanzapine|mood stabili[sz]ers?)|(?:is|been|went|gone|'s) off (?:her|his|"
    r"their) (?:meds|medication)|(?:spent|blew|maxed(?: out)?) (?:all )?(?:our|the|her|his|their|"
    r"\d+|two|three|both|all) (?:rent|savings|money|credit cards?|wages)|going to (?:cure cancer|"
    r"become (?:president|famous|a billionaire)|change the world|start an? (?:airline|company|"
    r"empire|religion))|(?:she|he|they)(?:'s| is| are|'re)? (?:convinced|sure|certain) (?:she|he|"
    r"they)(?:'s| is| are|'re|'ll| will)? (?:going to be|gonna be|be) (?:a )?(?:famous|rich|a star|"
    r"a millionaire|the next)|(?:doesn'?t|doesnt|don'?t) need (?:them|sleep|(?:her|his|their) "
    r"(?:meds|medication))|talking (?:non-?stop|so fast)|racing thoughts)\b"
)


def other_at_risk(text: str) -> RiskAssessment:
    """The risk a message reports for someone else, at the level it names for them:
    - wanting to die, thinking about suicide, self-harm, an earlier attempt: `low` (the
      counselor goes on, and the guardrail adds a line for the helper: ask them directly, and
      a crisis line that advises helpers; `helper_check_in`);
    - a recent attempt: `moderate` (the crisis protocol's helper steps);
    - a threat or wish with a means at hand: `high`; with a time ("tonight", "right now"):
      `imminent`; an act under way (pills taken and not waking): `imminent`, answered with the
      emergency call and first aid first.

    Signals `other_at_risk:<kind>`; `whose` is `other`. Sentence by sentence: a story, a game,
    a hypothetical, history or anyone in general in the same sentence turns it off; a
    clinician's notes on a client anywhere in the message. No report: level `none`."""
    t = normalise(text)
    level, kinds, categories = RiskLevel.NONE, [], []

    def report(found: RiskLevel, kind: str, *found_in: RiskCategory) -> None:
        nonlocal level
        level = max_level([level, found])
        kinds.append(kind)
        categories.extend(found_in)

    if _CLINICAL.search(t):
        return RiskAssessment(detector="patterns")
    collapse_hint = _COLLAPSE_FILTER.may_match(t)  # one look for the whole message
    # … and one each for the reports read before the generic-person skip
    stroke_hint, seizure_hint = _STROKE_FILTER.may_match(t), _SEIZURE_FILTER.may_match(t)
    threat_hint, disclosure_hint = _THREAT_FILTER.may_match(t), _DISCLOSED_FILTER.may_match(t)
    report_hint = stroke_hint or seizure_hint or threat_hint or disclosure_hint
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", t):
        if report_hint and sentence and not _STORY_OR_PAST.search(sentence):
            # someone's stroke or seizure, a threat, a child's disclosure: read before the
            # generic-person skip below ("a boy who bullies him" is the threat's target)
            stroke = stroke_hint and _STROKE.search(sentence)
            if (stroke or (seizure_hint and _SEIZURE.search(sentence))) and _MEDICAL_SUBJECT.search(
                sentence
            ):
                report(RiskLevel.IMMINENT, "stroke" if stroke else "seizure")
                continue
            if threat_hint and _THREAT_REPORTED.search(sentence) and _REPORTER.search(sentence):
                report(RiskLevel.HIGH, "threat", RiskCategory.HARM_TO_OTHERS)
            if disclosure_hint and _CHILD_DISCLOSED.search(sentence):
                report(
                    RiskLevel.MODERATE, "child_disclosure", RiskCategory.ABUSE, RiskCategory.MINOR
                )
        if not sentence or _NOT_NOW.search(sentence):
            continue
        if _ACT_UNDERWAY.search(sentence) or (
            _THEIR_OVERDOSE.search(sentence) and _JUST_NOW.search(sentence)
        ):
            # an overdose's worth taken is an emergency even if they feel fine (paracetamol
            # harms the liver hours later)
            report(RiskLevel.IMMINENT, "act_underway", RiskCategory.SUICIDE)
            continue
        collapsed = _COLLAPSED.search(sentence) if collapse_hint else None
        if (
            collapsed
            and not _CAME_ROUND.search(sentence)
            and not _PANIC_ATTACK.search(sentence)
            and not _WISHED_OR_SAID.search(collapsed.group(0))
        ):
            # not breathing, blue lips, won't wake: the emergency call and first aid first,
            # whatever was taken (the same steps as pills taken and not waking)
            taken = _TAKEN_SOMETHING.search(t)
            report(
                RiskLevel.IMMINENT,
                "act_underway",
                RiskCategory.OVERDOSE if taken else RiskCategory.SUICIDE,
            )
            continue
        if _PSYCHOSIS_DANGER.search(sentence):
            report(RiskLevel.HIGH, "psychosis_danger", RiskCategory.HARM_TO_OTHERS)
        if _PREPARED.search(sentence):
            report(RiskLevel.HIGH, "preparation", RiskCategory.SUICIDE)
        soon = _SOON.search(sentence) or _THEIR_SOON.search(sentence)
        if (
            _MEANS_NAMED.search(sentence)
            and _THEIR_MEANS.search(sentence)
            and (_USE_OR_TIME.search(sentence) or (soon and _THEY_SAID.search(sentence)))
        ):
            # means in their hands with a time or the use said: high; tonight, now: imminent
            found = RiskLevel.IMMINENT if soon else RiskLevel.HIGH
            report(found, "means_and_time", RiskCategory.SUICIDE)
        if _QUOTED.search(sentence):
            found = RiskLevel.IMMINENT if _SOON.search(sentence) else RiskLevel.MODERATE
            report(found, "ideation", RiskCategory.SUICIDE)
        for m in _REPORT.finditer(sentence):
            if _OWNER_ONLY.match(m.group(0)):
                continue  # "my dad's rifle… and thinking about ending it": the dad owns the rifle
            if m["ideation"]:
                voices = bool(_VOICES.search(sentence))
                if m["wanted"] and not voices:
                    continue  # "she wants him to die": someone's wish, not a person at risk
                # Voices ordering a deadly act: a command hallucination, urgent help today
                found = RiskLevel.MODERATE if voices else RiskLevel.LOW
                if _SOON.search(sentence):
                    found = RiskLevel.IMMINENT
                elif _MEANS.search(t) or _THEIR_PLAN.search(t):
                    # means in their hands, or a plan they said they have, anywhere in the
                    # message ("she wishes she was dead. she keeps a gun in her nightstand")
                    found = RiskLevel.HIGH
                report(found, "voices" if voices else "ideation", RiskCategory.SUICIDE)
            elif m["self_harm"]:
                report(RiskLevel.LOW, "self_harm", RiskCategory.SELF_HARM)
            else:
                found = RiskLevel.MODERATE if _RECENT.search(sentence) else RiskLevel.LOW
                report(found, "attempt", RiskCategory.SUICIDE)
    if _THEIR_SLEEPLESS.search(t) and _THEIR_MANIC_SIGN.search(t) and not _STORY_OR_PAST.search(t):
        # nights without sleep with meds stopped, money spent or a grand plan: their mania
        report(RiskLevel.MODERATE, "mania", RiskCategory.MANIA)
    gave = _THEY_GIVE_AWAY.search(t)
    farewell = _THEY_WONT_NEED.search(t)
    joking = _THEY_JOKE_OF_DYING.search(t)
    if _THEIR_FAREWELL.search(t) and _NOT_ANSWERING.search(t):
        # a farewell, then no answer: possibly an act under way
        report(RiskLevel.HIGH, "farewell", RiskCategory.SUICIDE)
    if gave and farewell and not _BENIGN_LEAVING.search(t):
        report(RiskLevel.HIGH, "preparation", RiskCategory.SUICIDE)
    elif joking and (gave or farewell or _THEY_STOPPED_EATING.search(t)):
        report(RiskLevel.MODERATE, "warning_signs", RiskCategory.SUICIDE)
    elif joking and _THIRD_PERSON_JOKER.search(t):
        # "my coworker jokes about killing himself every day": the helper's line (ask them)
        report(RiskLevel.LOW, "ideation", RiskCategory.SUICIDE)
    yes = _THEIR_YES.search(t) if "ask" in t else None
    if (
        yes
        and _ASKED_THEM.search(t)
        and not _LONG_AGO.search(t)
        and not _YES_BUT.match(t, yes.start())
    ):
        report(RiskLevel.MODERATE, "asked_and_yes", RiskCategory.SUICIDE)
    if level is RiskLevel.NONE:
        return RiskAssessment(detector="patterns")
    if {"self_harm", "ideation"} <= set(kinds):
        # cutting and a wish not to be alive, told together: the helper's steps, not a line
        level = max_level([level, RiskLevel.MODERATE])
    if _SECRET.search(t):
        kinds.append("secret")
    if _FRIEND_IS_ME.search(t):
        # The risk told of a "friend" is the speaker's own: read on the speaker's scale (a wish
        # to die or self-harm `moderate`, a recent attempt `high`), never lower than told.
        own = {RiskLevel.LOW: RiskLevel.MODERATE, RiskLevel.MODERATE: RiskLevel.HIGH}
        return RiskAssessment(
            level=own.get(level, level),
            categories=list(dict.fromkeys(categories)),
            signals=[f"own_risk_as_other:{k}" for k in dict.fromkeys(kinds)],
            detector="patterns",
        )
    return RiskAssessment(
        level=level,
        categories=list(dict.fromkeys(categories)),
        signals=[f"{OTHER_AT_RISK}{k}" for k in dict.fromkeys(kinds)],
        detector="patterns",
        whose=Whose.OTHER,
    )
