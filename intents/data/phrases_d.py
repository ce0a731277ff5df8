"""Phrase bank, part D: fragments that generate.py glues into posts (situation + point + ask).

Composing from fragments gives thousands of distinct posts whose wording
varies independently of their intent; the intent lives in the fragments a
real author would use to say it.
"""

COMPOSE: dict[str, dict[str, list[str]]] = {
    "complaint": {
        "situation": [
            "no signal since {when}", "internet keeps cutting out every few minutes", "been charged {money} twice",
            "the engineer didn't show up {when}", "my new sim still isn't active after {days}",
            "my number still hasn't ported across", "you cancelled my order without telling me",
            "the app won't let me log in", "the call dropped after {hours} on hold", "still waiting on my refund",
            "the phone from my upgrade arrived broken", "my sim says invalid", "wifi is dead again",
            "your sales team keep ringing me with scam-sounding offers", "you've put a default on my credit file",
            "the bill is double what i was quoted", "i got roaming charges you said i wouldn't get",
            "the store couldn't help and sent me home", "customer services hung up on me",
            "pictures won't send or arrive", "calls go straight to voicemail", "there's no 4g anywhere in {place}",
            "data is painfully slow", "the tv keeps freezing", "the landline is crackling so bad i can't hear anyone",
            "the router reboots itself every hour", "my delivery went to the wrong address",
            "the unlock code never came", "i paid my bill and you still cut me off",
            "my online account is showing someone else's details", "you closed my complaint without replying",
            "texts aren't sending", "your coverage map said great signal, i get none",
            "signal drops every single evening", "my upgrade was approved then cancelled for no reason",
            "i asked for my pac twice and still nothing", "i was promised a callback {when}, nothing",
            "you took a payment after i cancelled", "the technician made it worse",
            "my broadband has been at {speed} all week", "the {phone} you sent won't connect to the network",
            "i've been bounced between {n} departments", "live chat disconnected me mid-conversation",
            "my account was hacked and nobody will call me back", "the wifi booster you sent doesn't work",
            "they've charged me an exit fee i was told was waived", "porting failed and my old number is gone",
            "i keep getting texts from you about a bill i already paid", "the outage has lasted {days}",
        ],
        "feeling": [
            "absolutely fuming", "this is a joke", "worst company i've ever dealt with", "so fed up",
            "useless", "not acceptable", "disgraceful", "sick of it", "total shambles", "shocking service",
            "appalling", "pathetic", "an absolute nightmare", "really disappointed", "embarrassing",
            "unreal", "can't believe this", "zero help from anyone", "what a mess", "beyond frustrated",
            "lost all patience", "complete waste of my time", "incompetent", "customer service is non existent",
            "never again", "rubbish", "diabolical", "awful", "terrible", "seriously unhappy", "livid",
            "this is ridiculous", "i'm losing the will", "not good enough", "cheers for nothing",
            "love that for me", "great job as always", "brilliant, just brilliant",
        ],
        "ask": [
            "sort it out", "when will it be fixed", "can someone actually help", "i want a refund",
            "fix it", "anyone?", "please respond", "i want compensation", "get it sorted", "who do i speak to",
            "escalate this please", "what are you doing about it", "answer me", "i need this fixed today",
            "is anyone there", "do something", "explain yourselves", "i want my money back",
        ],
    },
    "renewal": {
        "situation": [
            "my contract ends in {month}", "i've been out of contract since {when}", "been with you {years}",
            "my deal finishes next month", "i'm up for renewal", "my price went up by {money}",
            "just got the price rise letter", "my discount has ended", "my upgrade is due {when}",
            "loyal customer for {years}", "my phone was paid off months ago", "i'm on a rolling monthly plan now",
            "paying {money} a month", "my 24 months are up {when}", "annual price rise again",
            "my broadband deal ended", "contract's nearly done", "my sim only deal runs out {when}",
        ],
        "feeling": [
            "new customers get a better deal than me", "loyalty gets punished", "{other} offered me the same for less",
            "there's nothing for existing customers", "the renewal quote is more than i pay now",
            "it's cheaper to leave and come back", "your retentions offer was poor",
            "the price keeps creeping up", "can't justify {money} a month any more",
            "existing customers always get the worst price", "i'm paying more than my neighbour who just joined",
            "{other} will give me twice the data for {money}", "the upgrade prices are silly",
            "the website deals are only for new people", "i feel like a mug for staying",
        ],
        "ask": [
            "what can you offer me", "can you match it", "please send my pac code",
            "how do i cancel at the end of my term",
            "what's the best upgrade deal you can do", "any loyalty discount?", "can i move to a cheaper plan",
            "am i eligible to upgrade yet", "otherwise i'm leaving for {other}", "give me a reason to stay",
            "how much to leave early", "can i get the new customer price", "i want my stac code",
            "can retentions call me", "is there a sim only deal for me", "match it or i'm gone",
        ],
    },
    "new_customer": {
        "situation": [
            "currently with {other}", "moving to {place} next month", "my {other} contract ends {when}",
            "not with you yet", "thinking of switching", "shopping around for a new network",
            "just moved into a new flat at {pc}", "fed up with {other}", "looking for a new phone contract",
            "need broadband for a new build", "about to leave {other}", "my mate recommended you",
            "saw your advert", "comparing you and {other}", "need a sim for my teenager",
        ],
        "ask": [
            "do you cover {pc}", "is fibre available at {pc}", "what's your best sim only deal for new customers",
            "how do i switch to you", "can i keep my number if i join", "what speeds can i get in {place}",
            "any offers for people joining", "how long does installation take for a new customer",
            "do you do student discounts", "can i sign up online", "is there a setup fee",
            "what's the signal like in {place}", "would you do me a good deal to move over",
            "which plan would you recommend for a new customer", "how quickly can you get me connected",
            "can i order today", "is there a contract free option", "what do i need to join",
        ],
        "blocked": [
            "your sign up page won't accept my address", "the checkout keeps failing", "the credit check page errors",
            "i can't finish my order", "the postcode checker says no but my neighbour has you",
            "the join button does nothing",
        ],
    },
    "other": {
        "reaction": [
            "ha", "fair enough", "lol", "true", "agreed", "nice", "cheers", "thanks", "ah right", "oh wow",
            "to be fair", "interesting", "good shout", "noted", "yeah", "omg", "bless", "morning all",
        ],
        "statement": [
            "mine's been fine all week", "they sorted mine in no time", "just restart it, worked for me",
            "the new store looks great", "did anyone watch the game", "it's on the app under settings",
            "the offer ends sunday apparently", "you can check usage by texting the short code",
            "it's the same network underneath", "that's what the terms say", "depends on the area really",
            "i think it's a software thing", "yes same number", "done, check your dms", "ok will do",
            "no need, it's working now", "it was user error, my bad", "i'll pop into the shop tomorrow",
            "have a good weekend", "happy new year all", "that advert is everywhere", "great podcast this week",
            "good luck with it", "what a match", "love a freebie", "the priority tickets went fast",
            "who's going to the gig", "that's a new one on me", "i had the same question", "it's a bank holiday",
            "my dog ate my charger", "the reception staff were lovely", "can't wait for the weekend",
            "thank you for the help", "that worked, thanks", "it's back now, thanks", "appreciate the reply",
        ],
    },
}

# more situations where the wording overlaps another intent but the tie rules in LABELS.md decide
COMPOSE["complaint"]["situation"] += [
    "tried to upgrade and sat on hold for {hours} before it cut off", "my upgrade order just vanished",
    "upgraded in store and they put me on the wrong tariff", "i was mis-sold this contract",
    "i've been trying to cancel for {days} and nobody answers", "trying to leave but your line keeps dropping",
    "the renewal i agreed on the phone never got applied and i'm still billed the old price",
    "the new phone from my renewal won't activate", "you've charged me an upgrade fee twice",
    "your website crashes every time i try to renew", "they promised a call about my contract and never rang",
    "the sim you sent for my new plan doesn't work", "they're just as bad on here as on the phone",
    "they've ignored three emails", "your agent lied to me about my contract", "nobody reads these tweets",
]
COMPOSE["complaint"]["feeling"] += [
    "they really don't care", "how is this legal", "never had such poor service", "treated like dirt",
    "been a customer for years and this is how you treat me", "zero communication", "honestly shocking",
]
COMPOSE["renewal"]["feeling"] += [
    "disgusting way to treat loyal customers", "an absolute joke of an offer", "loyalty means nothing to you",
    "total rip off", "you've lost me after all these years", "black friday deals are only for new people",
    "i'm done being taken for granted", "i'm basically paying a loyalty tax",
]
COMPOSE["renewal"]["situation"] += [
    "just checked my upgrade options", "asked about recontracting", "i want to change my tariff",
    "saw the new customer deals on your site", "looked at the early upgrade price", "my bill just went up again",
]
COMPOSE["other"]["statement"] += [
    "{other} uses the same masts as {us} apparently", "{us} is fine round here, {other} is patchy",
    "no idea, ask them", "that's normal for the first day", "try airplane mode on and off",
    "it's in the terms, 30 days", "they're usually quick on here", "which model have you got",
    "mine came the next day", "it was the same last year", "i think the shop does it for free",
]
PROMOS = [
    "grab {gb} for just {money} a month with {us}", "deal of the day: {phone} on {us} from {money}",
    "retweet and follow for a chance to win a {phone}", "our {place} store is open late tonight, pop in",
    "sim only from {money}, no contract needed, order today", "half price broadband for 6 months, ends sunday",
    "new in: the {phone}, available now on {us}", "save {money} on the {phone} this weekend only",
    "students get double data this term, see store for details", "tune in tonight, we're streaming the match free",
]
PROMO_TAILS = ["#ad", "#deal", "#competition #win", "#blackfriday", "#tech #android", "#sponsored", "T&Cs apply",
               "link in bio", "#offer", "#giveaway"]

# word lists for the tone slots: {neg_adj}, {neg_noun}, {neg_feel}, {fault}, {pos_adj}
WORDS = {
    "neg_adj": ["awful", "dreadful", "terrible", "crap", "rubbish", "useless", "hopeless", "appalling",
                "disgraceful", "shocking", "pathetic", "incompetent", "ridiculous", "unacceptable", "poor",
                "abysmal", "atrocious", "diabolical", "woeful", "clueless", "unhelpful", "rude", "lousy",
                "pants", "dire", "sh*t", "garbage", "trash", "horrendous", "laughable", "inept", "broken"],
    "neg_noun": ["joke", "nightmare", "shambles", "farce", "disaster", "mess", "circus", "con", "rip off",
                 "scam", "shower", "clown show", "waste of time", "car crash", "embarrassment"],
    "neg_feel": ["fuming", "furious", "livid", "raging", "annoyed", "frustrated", "gutted", "fed up",
                 "sick to death of this", "at the end of my tether", "stressed out", "disgusted", "let down",
                 "ignored", "angry", "beyond annoyed", "exhausted by this", "so done"],
    "fault": ["outage", "fault", "problem", "issue", "error", "glitch", "bug", "drop out", "blackout"],
    "pos_adj": ["great", "lovely", "brilliant", "amazing", "helpful", "fab", "cool", "nice", "spot on",
                "class", "ace", "superb", "smashing", "handy", "cute", "funny", "interesting"],
}
COMPOSE["complaint"]["feeling"] += [
    "{neg_adj} service", "absolutely {neg_adj}", "{neg_adj} as always", "how can one company be this {neg_adj}",
    "the most {neg_adj} network going", "genuinely {neg_adj}", "{neg_noun} from start to finish",
    "what a {neg_noun}", "i'm {neg_feel}", "feeling {neg_feel}", "{neg_adj} customer service", "you lot are {neg_adj}",
    "your staff are {neg_adj}", "such a {neg_noun}", "{neg_adj} and {neg_adj}",
]
COMPOSE["complaint"]["situation"] += [
    "another {fault} with my {product}", "{product} {fault} again", "third {fault} this month",
    "{fault} on my line since {when}", "reported the {fault} {days} ago", "the same {fault} keeps coming back",
]
COMPOSE["other"]["reaction"] += ["{pos_adj}", "that's {pos_adj}", "{pos_adj} stuff", "so {pos_adj}",
                                 "how {pos_adj} is that", "{pos_adj} idea"]
COMPOSE["other"]["statement"] += ["the new logo is {pos_adj}", "the staff at the {place} shop are {pos_adj}",
                                  "your christmas advert is {pos_adj}", "{pos_adj} news about the new mast"]

# everyday chatter that lands in a provider's mentions: first person, narrative, nothing to fix or sell
COMPOSE["other"]["statement"] += [
    "i'm off to the shops, anyone want anything", "my sister just had a baby girl",
    "we went to the beach and it rained",
    "my kids think i'm ancient because i remember dial up", "i just burnt the toast again",
    "we're watching the final at my brother's", "my nan has discovered video calls and rings me daily",
    "i told him to ring them but he never listens", "i was only asking what time they close",
    "my husband bought the wrong charger again", "we've been stuck in traffic for an hour",
    "i miss the old ringtones", "i think you tagged the wrong account", "my mate works there and says it's fine",
    "i just wanted to say hi", "i lost my phone down the sofa for a day", "i'm so tired today",
    "my cat is sitting on my laptop", "we're moving house in spring, exciting", "my daughter wants the pink one",
    "the weather is grim today", "i've got the day off tomorrow", "i'm learning to code in the evenings",
    "my team lost again", "i saw a fox in the garden this morning", "i ordered a pizza and it was cold",
    "i think the answer is yes but i'm not sure", "my dad still uses a flip phone, legend",
    "i watched that documentary about satellites, mad", "they said they'd have a look, fair enough",
    "you're all arguing about networks and i'm just here for the memes", "i remember when this was all fields",
    "my colleague says hi", "i had a dream about my phone contract, send help", "i finally finished the box set",
    "i went for a run and my watch lost gps", "we're hosting christmas this year", "my gran wants an ipad",
    "i prefer calling to texting honestly", "i use my phone as an alarm clock and nothing else",
    "is it friday yet", "my brother says his signal is fine on the same network", "i'd rather be asleep",
]


# Who is leaving whom: {from} and {to} are filled with "us" or another network, and the intent follows
# (leaving us over price = renewal, over faults = complaint; coming to us from anyone = new_customer).
MOVES = [
    "leaving {from} for {to}", "moving from {from} to {to}", "switching from {from} to {to}",
    "ditching {from} for {to}", "goodbye {from}, hello {to}", "porting my number from {from} to {to}",
    "off to {to}, done with {from}", "{from} lost me to {to}", "jumping ship from {from} to {to}",
    "going over to {to} from {from}", "finally leaving {from}, {to} here i come",
]
MOVE_REASONS = {
    "renewal": ["because of the price", "they're cheaper", "better deal", "the price rise did it",
                "no loyalty discount", "half the price for more data", "", "", "contract's up"],
    "complaint": ["because the signal is useless", "after a week without internet", "the service is shocking",
                  "nobody fixes anything", "sick of the outages", "customer service is a joke"],
    "new_customer": ["because of the price", "better deal", "the coverage is better", "", "",
                     "what's the best sim only deal", "how do i keep my number", "anything i need to do",
                     "what deals have you got", "is fibre available at {pc}"],
}

# tie rules: leaving over faults is a complaint; plain questions and thanks about a plan are other
COMPOSE["complaint"]["ask"] += [
    "i'm leaving the day my contract ends", "can't wait for my contract to finish so i can go",
    "will be cancelling my contract over this", "the minute my term's up i'm off", "porting out as soon as i can",
    "cancel my contract, this service is a joke", "going elsewhere when my contract's up, never again",
    "loyal customer for years and this is the reward",
]
COMPOSE["other"]["statement"] += [
    "thanks for helping with my upgrade today", "the upgrade went really smoothly, cheers",
    "can i add a streaming add-on to my contract", "can i get a replacement sim in store for my current plan",
    "how do i add an extra bolt on to my plan", "does my plan include the sports app",
    "loving the new phone from my upgrade", "new contract, new phone, happy days",
    "how do i check when my plan renews each month", "can i use my plan's data as a hotspot",
    "just joined from {other} and loving it so far", "moved over last week, best decision",
]
COMPOSE["new_customer"]["ask"] += [
    "will you have any black friday offers on phones", "are you doing any deals on phones this weekend",
    "any discounts coming up on sim only", "when's your next sale on handsets",
    "do you price match for people joining",
]
COMPOSE["complaint"]["agree"] = [
    "same", "same here", "this", "omg this", "+1", "me too", "snap", "yep", "ditto", "same :(", "exactly this",
    "tell me about it", "same thing here", "glad it's not just me", "ugh same", "can confirm",
]
COMPOSE["renewal"]["feeling"] += [
    "you let long-standing customers walk without a counter offer", "not even a retention offer after {years}",
    "disappointed you'd let a loyal customer go so easily", "loyalty isn't rewarded at all",
    "no effort at all to keep me", "the loyal customers get the worst deals",
]
COMPOSE["other"]["statement"] += [
    "credit where it's due, you gave me the new customer price without a fight",
    "fair play for matching the price i found, staying put", "happy with the loyalty discount, thanks",
]
COMPOSE["complaint"]["situation"] += [
    "stop ringing me to push a new package i didn't ask for", "your sales calls about upgrading are relentless",
]
# warning others off us is a complaint; sending someone to another network is chatter (other)
COMPOSE["complaint"]["situation"] += [
    "anyone thinking of joining {us}: don't", "never sign up with {us}, the support is {neg_adj}",
    "think twice before you get a contract with {us}", "if you value your sanity pick anyone but {us}",
]
COMPOSE["other"]["statement"] += [
    "you need {other} mate, never looked back", "come over to {other}, way better", "get yourself on {other}",
    "{other} is the one, trust me", "should've gone with {other} like i said", "jump on {other}, sorted",
]
COMPOSE["new_customer"]["ask"] += [
    "can't wait to join, what happens next", "ordered my first phone with you, when does it ship",
    "just placed an order to join you, how long for the sim",
]
# renewal posts are often stories: what happened when the author tried to stay
COMPOSE["renewal"]["story"] = [
    "rang last night and sat through the menu for ages", "went into the store on saturday",
    "the lad in the shop was nice enough but couldn't budge on price", "checked the app this morning",
    "my partner's contract is up at the same time", "i've had four phones with you over the years",
    "did the online chat thing", "got a text saying my plan is changing", "looked at the comparison sites",
    "spoke to someone who said they'd call back with an offer", "been paying by direct debit without fail",
    "the email said i'm eligible", "asked on the chat yesterday", "i pay for two lines and a tablet",
]
COMPOSE["new_customer"]["story"] = [
    "been looking at your website all evening", "my mate's with you and rates it", "popped into your shop earlier",
    "compared a few networks last night", "my contract elsewhere finishes soon", "moving in with my partner next month",
    "saw the advert on the bus", "the neighbours all seem to have you",
]
COMPOSE["other"]["aside"] = [
    "saw this on the news", "my brother sent me this", "random one", "not a complaint btw", "just curious",
    "off topic but", "while i'm here", "quick one for anyone", "fun fact", "for what it's worth",
]
