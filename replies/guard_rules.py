"""Which identifiers a reply may never ask for, and how an ask is told from a mention.

The rules read text already made plain by ``replies.guard_text.normalise``.
Each forbidden identifier is an *object*; a reply is refused when an object
sits in an *ask* ("DM us your acc no", "it would help to have your PIN",
"account number?") and allowed when the same words are negated or harmless
("no account number needed", "we'll never ask for your PIN", "you can reset
your password in the app", "we'll send you a reference number").

For each object the nearest cue before it in the same sentence decides:
a negation or a harmless verb (change, reset, keep, find ...) allows it, unless
the rest of the sentence hands it over ("... and DM it to us"); an ask verb
refuses it unless that verb is itself negated ("don't send") or has someone
else as its subject ("if anyone asks for your PIN"). With no cue at all, the
words after the object decide ("account number please", "your PIN is private").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ACCOUNT_NUMBER = "asks the customer for their account number"
_CUSTOMER_NUMBER = "asks the customer for their customer number"
_REFERENCE = "asks the customer for a reference or case number"
_ORDER = "asks the customer for an order number"
_PHONE = "asks the customer for their phone number"
_DIGITS = "asks the customer for some digits of a number"
_PIN = "asks the customer for their PIN"
_PASSWORD = "asks the customer for their password or login details"
_SECURITY = "asks the customer for security answers or a memorable word"
_BIRTH = "asks the customer for their date of birth to identify them"
_CARD = "asks the customer for card details (card number or security code)"
_BANK = "asks the customer for bank details (sort code or bank account number)"
_DEVICE = "asks the customer for a SIM, IMEI, PUK or serial number"
_PAC = "asks the customer for their PAC or STAC code"
_ONE_TIME = "asks the customer for a one-time security code"
_ACCOUNT_DETAILS = "asks the customer for their account details"
_ID_DOCUMENT = "asks the customer for an identity document number (passport, licence, NI or social security)"
_DETAILS = "asks the customer for unnamed 'details' (say which: name and address)"
DETAILS_REASON = _DETAILS


@dataclass(frozen=True, slots=True)
class ObjectRule:
    pattern: re.Pattern[str]
    reason: str
    strong: bool  # weak objects ("your number") count only right after an ask verb


def _rule(pattern: str, reason: str, *, strong: bool = True) -> ObjectRule:
    return ObjectRule(re.compile(pattern), reason, strong)


_NUM = r"(?:number|numbers|digits|id|code)"
OBJECT_RULES: tuple[ObjectRule, ...] = (
    _rule(r"\baccount (?:pin|passcode)\b", _PIN),
    _rule(r"\baccount (?:password|login|credentials)\b", _PASSWORD),
    _rule(r"\b(?:bank|banking) (?:account|details|number|information|account number)\b", _BANK),
    _rule(r"\b(?:sort code|iban|routing number|bsb)\b", _BANK),
    _rule(rf"\baccount (?:{_NUM}|reference|holder details)\b", _ACCOUNT_NUMBER),
    _rule(r"\baccount (?:details|information|credentials)\b", _ACCOUNT_DETAILS),
    _rule(rf"\b(?:customer|client|member|membership|subscriber|billing|bill|contract|policy) (?:{_NUM}|reference)\b",
          _CUSTOMER_NUMBER),
    _rule(rf"\b(?:reference|case|ticket|complaint|booking|fault|incident|job|invoice|service) {_NUM}\b", _REFERENCE),
    _rule(r"\b(?:ticket|case|complaint|booking|fault|job|incident) (?:reference|ref)\b", _REFERENCE),
    _rule(r"\border (?:confirmation )?(?:number|numbers|id|reference|code)\b|"
          r"\bconfirmation (?:number|code|reference)\b", _ORDER),
    _rule(r"\b(?:passport|driving licence|driving license|driver'?s license|licence|license|national insurance|ni|"
          r"social security|tax|nhs) (?:number|numbers|no|id)\b|\b(?:ssn|nino)\b", _ID_DOCUMENT),
    _rule(r"\b(?:sim serial|sim card number|serial number)\b|\b(?:sim|serial|imei|iccid|puk) (?:number|code|no)\b|"
          r"\b(?:imei|iccid|msisdn|puk)\b", _DEVICE,
          strong=True),
    _rule(r"\b(?:pac|stac|n pac|porting|migration authori[sz]ation) (?:code|number)\b|"
          r"\b(?:pac|stac)\b(?! (?:request|requests|process|switch|transfer|form|by text|text)\b)", _PAC),
    _rule(r"\b(?:sent|texted|emailed|messaged) you (?:a|an|the) (?:\w+ )?(?:code|passcode)\b", _ONE_TIME),
    _rule(r"\b(?:verification|one time|one-time|2fa|two factor|authentication|auth|login|sign in|security|"
          r"confirmation|access) (?:code|passcode|password)\b|\botp\b|\b(?:the |your )?code (?:we|that we|you) "
          r"(?:just )?(?:sent|texted|emailed|got|received)\b", _ONE_TIME),
    _rule(r"\b(?:phone|mobile|contact|landline|home|work|whatsapp|sim) (?:number|numbers|details)\b", _PHONE),
    _rule(r"\bnumber (?:you are|you were|your|that you are) (?:calling|ringing|texting|messaging|contacting|"
          r"phoning|posting)\b|\b(?:what|which) (?:is |are )?(?:the |your )?"
          r"(?:best |right |correct |main |preferred |usual )?"
          r"(?:mobile |phone |contact )?number\b(?! of)|\b(?:best|preferred|callback|call back) number\b", _PHONE),
    _rule(r"\b(?:the|your) (?:long )?number (?:on|from|at the top of|printed on|at the bottom of|shown on) "
          r"(?:your|the) (?:bill|account|letter|invoice|statement|contract|card|sim|email|router|box)\b", _PHONE),
    _rule(r"\bnumbers? (?:registered|linked|associated|attached|connected) (?:to|with) (?:your|the) account\b|"
          r"\bnumber (?:we have|on) (?:on file|file|the account|your account)\b", _PHONE),
    _rule(r"\b(?:last|first|final|middle|end|closing) (?:\d+|one|two|three|four|five|six|few|couple of)? ?"
          r"(?:digits|numbers|characters|chars|nums)\b|\b(?:\d|two|three|four|five|six) digits of\b", _DIGITS),
    _rule(r"(?<!we will )(?<!to )\bpin\b(?! (?:it|this|that|these|the|a|an|our|to the top|to top|to our|down|up|"
          r"point|tweet|post|message|comment|reply)\b)", _PIN),
    _rule(r"\b(?:password|passcode|passphrase|passwords|credentials|login details|log in details|"
          r"sign in details|login information|log in information)\b", _PASSWORD),
    _rule(r"\b(?:security|secret) (?:question|questions|answer|answers|details|word|information|check|phrase)\b|"
          r"\bsecurity (?:q|qs|q&a|q and a)\b(?: answers?)?|"
          r"\bmemorable (?:word|information|date|name|place|answer|phrase|details)\b|\bmother'?s maiden name\b|"
          r"\bpass(?:ing)? (?:our |the |a )?security\b", _SECURITY),
    _rule(r"\bdate of birth\b", _BIRTH),
    _rule(r"\b(?:card|debit card|credit card|bank card) (?:number|numbers|details|information|digits)\b|"
          r"\b(?:cvv2?|cvc2?|csc|security code|expiry date|card expiry|payment details|long number)\b|"
          r"\b(?:3|three) digits on the back\b", _CARD),
    # Weak: only when an ask verb stands right before them.
    _rule(r"\b(?:your|the) (?:mobile|number|digits|landline)\b(?! (?:one|1|plan|bill|contract|signal|"
          r"deal|tariff|app|network|data|coverage|provider|screen|line|upgrade|handset|settings|number|is|was|has|had|"
          r"will|should|keeps?|works?|can|could|might|may|does|did|needs?|gets?|seems?|stopped|starts?)\b)", _PHONE,
          strong=False),
    *(
        _rule(rf"\b(?:your|the) {noun}\b(?! (?:number|details|information|manager|settings|page|area|online|app|"
              r"is|was|has|status|card|plan|deal|tray|holder|holders|holder's|name|owner|under|type)\b)", reason,
              strong=False)
        for noun, reason in (
            ("(?:reference|ref)", _REFERENCE),
            ("code", _ONE_TIME),
            ("login", _PASSWORD),
            ("birthday", _BIRTH),
            ("sim", _DEVICE),
            ("account", _ACCOUNT_DETAILS),
        )
    ),
    _rule(r"\b(?:your|personal|full|contact) details\b", _DETAILS, strong=False),
    _rule(r"\byour (?:bank card|debit card|credit card|card|expiry)\b(?! (?:is|was|has|will|payment|bill)\b)", _CARD,
          strong=False),
)

# What a sentence uses to ask, to refuse, to reassure or to give.
_ASK_STRONG = (
    r"send|sending|dm|pm|message|msg|give|giving|share|sharing|provide|providing|confirm|confirming|tell|pop|"
    r"drop|let us know|let me know|lmk|reply with|respond with|include|including|quote|quoting|type|enter|"
    r"(?<!your )(?<!the )(?<!that )(?<!this )(?<!a )(?<!my )post|if we had|once we had|if we have|once we have|"
    r"when we have|"
    r"verify|verifying|pass on|pass|forward|supply|submit|attach|text|txt|whatsapp|write|read out|read|ping|"
    r"shoot|fire|bung|chuck|hit us with|ask|asking|asks|ask for|request|requesting|need|needs|require|requires|"
    r"want|wants|would like|would love|need to see|to see|need to know|to know|to check|take|what is|what are|"
    r"what was|which is|can we have|could we have|"
    r"can we get|could we get|can i get|can i have|may we have|may we get|may i have|grab|email us|mail us|"
    r"remind us|check with us|go over|look up for us|recall|remember|bring|find us|dig out and send|"
    r"tag|note down|jot down|fill in|add"
)
_ASK_WEAK = r"with|using|via|through|have|having|got|get|getting|by|including|plus|once|if we|when we"
_NEGATORS = (
    r"no need for|no need to|no need|no one|no longer|not|never|without|nor|neither|no|instead of|rather than|"
    r"other than|forget|forget about|"
    r"skip|ditch|zero|none|nobody|no one|nothing|minus|lose the|beyond|apart from|except|"
    r"(?:rather|sooner) (?:\w+ ){1,4}?than"
)
_HARMLESS = (
    r"change|changing|reset|resetting|update|updating|keep|keeping|protect|protecting|guard|find|finding|"
    r"locate|see|view|look up|set|set up|setting|choose|create|recover|unlock|unblock|manage|forgot|forgotten|"
    r"forget|lost|lose|losing|store|hide|secure|memorise|memorize|block|cancel|replace|order a new|"
    r"request a new|reissue|renew|switch|restart|reboot|turn|charge|about|regarding|concerning|on the subject of|"
    r"worried about|where is|where to find|how to find|how to|scam|scams|phishing|fraud|delete|deleting|remove|"
    r"removing|hidden|hid|edit|editing|exposed|blur|blurred|dig out|digging out|dig up|hunt for|hunting for|"
    r"search for|searching for|tired of|sick of|fed up of|fed up with|bored of|"
    r"(?:were|was|being|been|be|get|getting|got|are|is) (?:always |constantly |repeatedly |ever )?asked"
)
_HARMLESS_SUFFIX = r"(?:s|d|ed|ing|ten)?"
_GIVING = (
    r"\b(?:we|i) (?:will |can |have |are going to |would |just |have just |will just |can also |also )?"
    r"(?:send|sent|text|texted|email|emailed|give|gave|post|posted|issue|issued|create|created|generate|"
    r"generated|tell|told|message|messaged|dm|share|provide|provided|pop|popped|drop|dropped|reset|set up|"
    r"order|ordered|arrange|arranged|sort|sorted|handle|process|request)\b|\bhere (?:is|are)\b|"
    r"(?<!do )(?<!did )(?<!have )\byou (?:will |would |should |can |could |may |might )?"
    r"(?:get|receive|see|find|be given|be sent|have|"
    r"keep|choose|pick|set|create|change|reset|manage|update|check|view|look up)\b"
)
_CONTRAST = r"[,:-]\s*(?:just|only|simply|but just|but only)\b"
# Verbs that only describe where a number appears ("that post shows your account number").
_DESCRIPTIVE = r"had|has|show|shows|showing|showed|contains|contained|mentions|mentioned|includes|displays"
CUES = re.compile(
    rf"(?P<contrast>{_CONTRAST})|(?P<descriptive>\b(?:{_DESCRIPTIVE})\b)|(?P<giving>{_GIVING})|(?P<neg>\b(?:{_NEGATORS})\b)|(?P<harmless>\b(?:{_HARMLESS}){_HARMLESS_SUFFIX}\b)|"
    rf"(?P<strong>\b(?:{_ASK_STRONG})\b)|(?P<weak>\b(?:{_ASK_WEAK})\b)"
)
# A negation standing right before an ask verb: "do not send", "we will never ask", "no need to give".
_FILLER = (
    r"ever|even|need|needs|to|have|has|be|being|asked|asking|going|gonna|want|wanna|expect|ask|require|make|"
    r"making|you|bother|please|really|actually|again|publicly|ourselves|just|will|would|should|ever have to|here|"
    r"from us|at all|on our team|on social media"
)
NEGATED_BEFORE = re.compile(
    rf"\b(?:not|never|no need to|no reason to|nobody|no one|without|nor|neither|stop|avoid|refuse to|nothing to)"
    rf"(?:\s+(?:{_FILLER}))*\s*$"
)
# Someone else is asking: "if anyone asks for", "scammers may ask", "a text asking for".
THIRD_PARTY_BEFORE = re.compile(
    r"\b(?:anyone|someone|somebody|anybody|scammers?|fraudsters?|criminals|callers?|strangers?|"
    r"texts?|emails?|messages?|websites?|sites?|links?|calls?|apps?|other companies|other providers|"
    r"impersonators?)\s+(?:(?:who|that|which|may|might|will|would|could|can|often|sometimes|ever|claiming to be|"
    r"pretending to be|from us|from|us|calls?|calling|texting|emailing|messaging|is|are|that is|that are|"
    r"out there|online|here)\s+){0,3}$"
)
# The rest of the sentence hands the object over, whatever came before.
HANDOVER_AFTER = re.compile(
    r"\b(?:for us|to us|with us|our way|over to us|in a dm|via dm|by dm|in dm|privately|to our team|"
    r"so (?:that )?we (?:can|could|are able|will be able)|and we will|then we will|then we can|and we can)\b|"
    r"\b(?:and|then|&|\+)\s+(?:please\s+)?(?:send|dm|message|share|give|tell|pop|drop|post|reply|text|email|"
    r"forward|pass|read)\b"
)
# With no cue before the object, these words after it make it an ask.
_OF_WHAT = r"(?:\s*(?:of|on|from) (?:your|the) [a-z]+(?: [a-z]+)?)?"
ASK_AFTER = re.compile(
    rf"^{_OF_WHAT}[\s,:-]*(?:(?:and|&|\+|,|or)\s+(?:your |the |full )?[a-z]+(?: [a-z]+)?\s*)?"
    r"(?:please|thanks|thank you|ta|cheers|asap|if you (?:can|could|would|do not mind)|if possible|"
    r"would help|would be (?:great|helpful|useful|ideal|perfect|brilliant|good)|helps|handy|ready|to hand|"
    r"needed|required|necessary|would speed|speeds|is needed|is required|is necessary|are needed|are required|"
    r"is (?:all|what) we need|and we|and i|so we|then we)\b"
)
# With no cue before the object, these words after it make it a mention.
HARMLESS_AFTER = re.compile(
    rf"^{_OF_WHAT}[\s,:-]*(?:(?:is|are|was|were|will|would|should|must|does|do|did|can|stays?|remains?)\s+"
    r"(?:be\s+|stay\s+|remain\s+)?)?(?:not|never|no longer|private|secret|safe|yours|your own|with you|secure|"
    r"confidential|protected|personal|optional\?? no|on your|on the|on our|ours|at the top|printed|shown|"
    r"for your eyes|on show|"
    r"in it|in your post|in public|publicly|visible|known only|only known|just for you|for you only)\b|"
    r"^.*?\b(?:we|nobody|no one) (?:will |would |do |does |shall )?(?:not|never) "
    r"(?:\w+ ){0,2}?(?:ask|need|want|require)|"
    r"^[\s,:-]*(?:is|are|:|=)\s*#?\s*[a-z]{0,3}-?\d"
)
SHORTCODE_AFTER = re.compile(r"^\s*to [1-9]\d{3,5}\b(?![\s-]*\d)")
UNABLE_WITHOUT = re.compile(
    r"\b(?:can not|unable to|not able to|will not be able to|could not)\b.*\bwithout\s*(?:\w+\s+)?$"
)
NEXT_CLAUSE_NO = re.compile(r"^\s*(?:no|nope|nah|not|never|not needed|not required|no more|us too|same)\b")
POSSESSIVE_BEFORE = re.compile(r"\b(?:your|the)\s+(?:\w+\s+){0,2}$")
WEAK_ASK_BEFORE = re.compile(
    rf"\b(?:{_ASK_STRONG})\b(?:\s+(?:us|me|over|across|through|quickly|please|just|with|a dm with|in a dm|"
    rf"by dm|via dm|on|to|what|know|all|both|also|too))*\s*$"
)
DETAILS_NAMED = re.compile(
    r"^\s*(?:\(|-|,|:|so|like|such as|i\.?e\.?|eg|e\.g\.?|namely|including|incl|-)?\s*(?:\w+\s+){0,3}?"
    r"(?:name|address|postcode|post code|zip|email|first name|full name)\b"
)
PRONOUN_HANDOVER = re.compile(
    r"\b(?:send|dm|pm|message|give|share|tell|pop|drop|pass|forward|text|email|post|reply with|read|write|type|"
    r"fire|shoot|ping|whatsapp|confirm|quote|include|bung|chuck)\s+(?:us\s+|me\s+)?(?P<pronoun>it|them|that|those|"
    r"this|these)\b(?P<after>[^.?!]{0,25})"
    r"|\blet (?:us|me) know what (?:it|they) (?:is|are|says?)\b|\bwhat (?:it|they) (?:is|are|says?)\b|"
    r"\bwhat (?:is|are|was) (?:it|they)\s*$|\bwhat (?:does|did) it say\s*$"
)
PRONOUN_DESTINATION = re.compile(
    r"^\s*(?:over|across|through|to us|to me|our way|in a dm|via dm|by dm|in dm|privately|here|back|instead|"
    r"along|in|on|please|asap|and we|so we|when you can|if you can)\b|^\s*$"
)
SELF_USE_BEFORE = re.compile(r"\byou (?:will |would |might |may )?(?:need|needs|want)\s*$")
SELF_USE_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?to (?:unlock|log ?in|log on|sign in|access|open|use|activate|set up|get into|make|"
    r"top up|change|reset|manage|pay|check)\b"
)
SENTENCE = re.compile(r"[^.!?;\n()\[\]]+(?:[.!?;\n()\[\]]+|$)")
