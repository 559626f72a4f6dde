"""Ordinary medication talk, recognised so that a statistical tier's raise can be held back.

People in counseling talk about their medication all the time: a dose the psychiatrist raised,
side effects, a refill, a tablet forgotten, "I take all my meds with breakfast". The learned
tier has met pills and tablets mostly in overdose disclosures, so it escalates such talk to the
crisis protocol. The pattern tier reports `protective:medication` when a short message has a
medication in a routine frame (one sentence holding both) and nothing anywhere in it that points
at risk (the exclusions below are broad on purpose: saving, counting, "all at once", "enough",
"not wake up", a wish, a goodbye, urges, thoughts…). Like the other protective contexts, it only
caps a statistical raise where the pattern tier itself found no risk, and only to `low`: a
check-in with the crisis line stays, because a passive wish can be worded in ways no list holds.
It never lowers a cue. Measured in docs/safety.md ("Medication talk").
"""

from __future__ import annotations

import re

from theralab.safety.prefilter import Prefiltered

_DRUG = (
    r"(?:pills?|tablets?|meds|medications?|medicines?|doses?|dosage|prescriptions?|"
    r"antidepressants?|ssris?|snris?|mood stabili[sz]ers?|antipsychotics?|stimulants?|"
    r"inhalers?|insulin|injections?|jabs?|capsules?|sertraline|zoloft|fluoxetine|prozac|"
    r"citalopram|escitalopram|lexapro|paroxetine|venlafaxine|effexor|duloxetine|cymbalta|"
    r"mirtazapine|bupropion|wellbutrin|trazodone|lithium|lamotrigine|lamictal|quetiapine|"
    r"seroquel|olanzapine|aripiprazole|abilify|risperidone|clozapine|methylphenidate|ritalin|"
    r"concerta|adderall|vyvanse|elvanse|atomoxetine|propranolol|pregabalin|gabapentin|"
    r"diazepam|lorazepam|clonazepam|zopiclone|zolpidem|melatonin|metformin|levothyroxine|"
    r"thyroxine|ibuprofen|paracetamol|acetaminophen|tylenol|codeine|naproxen|antibiotics?|"
    r"birth control|contraceptives?|methadone|buprenorphine|subutex|suboxone|vitamins?|"
    r"iron tablets|statins?|beta blockers?|steroids?|hrt|(?:nicotine|hrt|oestrogen|estrogen|"
    r"fentanyl|contraceptive|the) patch(?:es)?)"
)

# How medication enters an ordinary day.
_ROUTINE = (
    r"\b(?:(?:upped|raised|increased|lowered|reduced|decreased|changed|adjusted|halved|"
    r"doubled|switched|bumped up|bumped|titrat\w+|tapered|tapering|weaning|weaned)\b[^.!?]{0,40}"
    + _DRUG
    + r"|"
    + _DRUG
    + r"\b[^.!?]{0,25}\b(?:was|were|got|been|is being|are being) (?:upped|raised|increased|"
    r"lowered|reduced|decreased|changed|adjusted|halved|doubled|switched)"
    r"|(?:doctor|docs?|gp|psychiatrist|psych|prescriber|nurse|pharmacist|consultant|dr \w+|"
    r"specialist|care team)\b[^.!?]{0,40}\b(?:upped|raised|increased|lowered|reduced|"
    r"changed?|adjusted|switched|put me on|started me on|prescribed|wants? (?:me )?to|"
    r"said|says|suggested|recommended|told me|gave me|give me|gives me)"
    r"|side[- ]?effects?|makes? me (?:so |really |very |a bit |kind of |super )?(?:sleepy|"
    r"drowsy|nauseous|queasy|sick|tired|dizzy|hungry|foggy|groggy|jittery|shaky|sweaty|"
    r"dry|numb|flat|restless|wired)"
    r"|with (?:food|water|a meal|meals|breakfast|lunch|dinner|milk|my coffee)|on an empty "
    r"stomach|(?:every|each) (?:morning|night|evening|day)|(?:once|twice|three times) a day|"
    r"(?:in the|each|every) (?:morning|evening)|at (?:night|bedtime)|before bed|daily"
    r"|refills?|repeat prescription|pharmacy|pharmacist|chemist|prescription (?:ran|runs|"
    r"has run|is running) out|ran out of|run out of|pick(?:ed|ing)? up my"
    r"|(?:forgot|forget|forgetting|forgotten|missed|miss|missing|skipped|skip) "
    r"(?:to take )?(?:all )?"
    r"(?:my |a |the |an? |this morning'?s |last night'?s |yesterday'?s )?(?:\w+ )?"
    + _DRUG
    + r"|pill (?:organi[sz]er|box|reminder|case)|(?:set|setting) (?:an|a|my) (?:alarm|"
    r"reminder)"
    r"|blood (?:tests?|work|levels)|(?:lithium|drug|thyroid|iron) levels|emergency supply|"
    r"day \w+ of (?:the|my) (?:pack|packet|strip)|(?:by|in) (?:mistake|accident)|"
    r"accident(?:al)?ly|how many (?:\w+ )?(?:can|should|do) i (?:take|have) (?:in|per|a) "
    r"(?:day|24 hours)|how (?:many hours|long) (?:must |should |do )?i (?:wait|leave)|"
    r"between (?:two |the )?doses|(?:gain(?:ed)?|put on|get) (?:\d+|a few|some|so much) ?"
    r"(?:kilos?|kg|pounds|lbs|stone)|insurance|coupon|generic|co-?pay|leaflet|"
    r"interactions?|interact|serotonin syndrome"
    r"|as prescribed|as directed|as (?:my|the) (?:doctor|gp|psychiatrist) said"
    r"|(?:ok|okay|safe|fine|alright|normal) to (?:take|have|use|drink coffee|eat) (?:\w+ ){0,3}"
    r"(?:with|while on|on) (?:my |the |a )?(?:\w+ )?"
    + _DRUG
    + r"|(?:have|has|got|need|needs|had) to (?:keep )?tak(?:e|ing) (?:(?!all\b)\w+ ){0,2}"
    + _DRUG
    + r"|(?:take|taking|on|use|using) (?:\w+ )?(?:regular|daily|usual|normal|prescribed) "
    + _DRUG
    + r"|the only "
    + _DRUG
    + r" i (?:take|use|have)|"
    + _DRUG
    + r" (?:for the rest of my life|long[- ]term|for life)"
    + r"|(?:started|starting|been on|put me on|switched to|switching to|coming off|came off|"
    r"weaning off|tapering off) (?:a |the |my |some )?(?:new |low dose |higher dose )?"
    r"(?:\w+ )?" + _DRUG + r")"
)
_ROUTINE_RX = Prefiltered(_ROUTINE)

# Anything that points at risk anywhere in the message: the frame is then not ordinary.
_RISKY = re.compile(
    r"\b(?:die|dying|died|dead|death|suicid\w*|kill\w*|how many (?:\w+ )?(?:it )?would|"
    r"(?:it|they) would take|would (?:it|they) take|worked out|\d+ of (?:my|the|them|these)|"
    r"(?:twenty|thirty|forty|fifty|a hundred|handfuls?|loads|a lot|lots) of|"
    r"end (?:it|it all|things|my life|"
    r"everything)|overdos\w*|o\.?d\b|lethal|fatal|enough to|how many (?:would|does it|to|"
    r"until|before)|how much (?:would|does it|to|until|before)|too many|not (?:wake|waking) up|"
    r"never (?:wake|waking) up|(?:don'?t|didn'?t|won'?t|wouldn'?t|not to|never) wake|"
    r"sleep forever|forever|"
    r"sav(?:e|ed|ing)|stockpil\w*|hoard\w*|collect\w*|stash\w*|jar|keep(?:ing)? them|"
    r"kept (?:them|back)|put(?:ting)? (?:them|it) (?:aside|away)|count(?:ed|ing)?|"
    r"all at once|at once|all of (?:them|it)|the (?:whole|entire|rest of the) (?:box|bottle|"
    r"pack|packet|lot|strip|month)|every (?:last )?(?:one|pill|tablet)|whole (?:box|bottle|"
    r"pack|packet)|won'?t need|no longer need|not need (?:them|it)|no point|pointless|"
    r"hopeless|give up|giving up|gave up|can'?t (?:go on|do this|keep going|cope)|want out|"
    r"disappear|burden|better off|goodbye|say bye|hurt (?:myself|me)|harm|cut(?:ting)?|"
    r"last (?:time|night on|one)|final|note|letter|tonight|plan(?:s|ned|ning)?|"
    r"mix(?:ed|ing)? (?:them )?with|alcohol|vodka|wine|beer|drunk|booze|double up|"
    r"doubled up|extra|on purpose|deliberately|numb(?:ing)? (?:the|it) (?:all|pain)|"
    r"escape|tired of (?:living|life|everything|it all)|done with (?:life|everything|it all)|"
    r"stopped (?:taking )?(?:them|my \w+) (?:because|since|so)|what'?s the point|why bother|"
    r"wish|hope (?:i|it) (?:don'?t|doesn'?t|never)|voices?|telling me|them all|it all|"
    r"decided|while i (?:can|still can)|enough|finish\w*|keep(?:ing)? (?:all|every|them|it)|"
    r"kept (?:all|every|them)|(?:two|three|four|several|multiple|different|various) "
    r"(?:different )?(?:doctors|gps|pharmacies|chemists|shops|stores|supermarkets)|"
    r"(?:different|another|second|other) (?:doctor|gp|pharmacy|chemist)|"
    r"build(?:ing)? (?:up|them up)|pil(?:e|ing) (?:up|them)|"
    r"properly|thank(?:s| you) for everything|"
    r"in (?:my|the) (?:car|drawer|bag|room|wardrobe|cupboard|box)|kcal|calories|underweight|"
    r"starv\w*|purg\w*|binge\w*|blades?|razors?|ambulance|pumped|a ?& ?e|icu|resus|"
    r"sectioned|admitted|ward|hiding|in secret|secretly|percs|fifth|bottle|drink(?:ing|in)?|"
    r"high|wasted|scared of myself|don'?t trust myself|urges?|thoughts?)\b"
)
_DRUG_RX = Prefiltered(rf"\b{_DRUG}\b")
_SENTENCES = re.compile(r"[^.!?;\n]+")


def names_medication(text: str) -> bool:
    """Whether a message names a medication (a pill, a dose, a prescription, a drug by name)."""
    return bool(_DRUG_RX.search(text.lower()))


# A message this long is not framed as a whole by its medication talk: a plan can sit in the
# last lines of a long post about side effects.
MEDICATION_WORDS = 60


def routine_medication(text: str, max_words: int = MEDICATION_WORDS) -> bool:
    """Whether a (normalised) message is ordinary medication talk: short, a routine frame
    around a medication in one of its sentences, and nothing anywhere in it that points at
    risk."""
    # most messages name no medication: that test first, it is the cheapest
    if not _DRUG_RX.search(text) or len(text.split()) > max_words or _RISKY.search(text):
        return False
    # The frame and a medication in one sentence: "every night" or "the doctor said" alone say
    # nothing about medication.
    return any(_DRUG_RX.search(s) and _ROUTINE_RX.search(s) for s in _SENTENCES.findall(text))
