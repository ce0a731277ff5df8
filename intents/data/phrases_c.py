"""Phrase bank, part C: longer, story-like posts and shared context fragments.

Real posts ramble: they give history ("been with you 9 years"), name other
networks, and bury the ask in the middle. CONTEXT fragments are shared by all
intents so the model learns they are not evidence on their own.
"""

CONTEXT = [
    "been with you {years}", "long story short", "right so", "quick question", "sorry to bother you",
    "rang yesterday", "i've got two phones and the broadband with you", "so", "ok so", "update",
    "i'm on a 24 month contract", "spoke to someone in the {place} store", "just got off the phone",
    "my partner has the same plan", "not being funny but", "honestly", "genuine question",
    "for context i work nights", "first time posting about this", "i'm a pay monthly customer",
    "tried the chat first", "on my lunch break", "as if today wasn't long enough",
]

COMPLAINT_LONG = [
    "tried to move my number over and it's gone missing in between networks, {days} with no phone at all",
    "went into the {place} shop to upgrade and they couldn't do anything because their system was down. "
    "wasted my whole afternoon",
    "requested my pac code twice, still haven't got it. does it really take {days} to send a text",
    "i've been trying to cancel for {days} but every time i call i'm cut off. you keep charging me",
    "someone opened a contract in my name and your fraud team won't even call me back",
    "your sales team keep ringing me {n} times a day from different numbers. stop it",
    "the phone i got on my upgrade has been faulty since day one and the repair centre sent it back unfixed",
    "ordered on the 2nd, payment taken, then order cancelled with no explanation and no refund yet",
    "moved house {when}, the new line still isn't live and i'm paying for both",
    "was told by the advisor i'd get {money} credit. it never appeared and now nobody has a record of it",
    "i left because the coverage at home was rubbish and you're still billing me {money} a month",
    "same problem here, been like this since the weekend",
    "they'll make you wait forever, it's how they operate. shocking",
    "nobody in your team seems to talk to each other. three calls, three different answers",
    "my bill says i owe {money} for calls i never made. spent the evening on hold",
    "got charged for going over my data even though i'm on unlimited",
    "i'm disabled and rely on my phone. {days} without service is not ok",
    "the replacement sim you posted never arrived, now my number's been suspended",
    "paid off the handset and you're still taking the device payment every month",
    "can't log into my account, reset password emails never come, and chat says log in first",
    "not happy at all, your network has been awful since i moved over and i regret it",
    "you've made leaving harder than joining ever was, hours on hold and no code because the line keeps dropping",
    "wanted to add a line and the website just errors at the last step every time",
    "my upgrade arrived but the number wasn't transferred, so now i have a shiny phone that can't call",
    "the technician said the fault is outside and someone else would come. no one came",
    "your text said the outage was fixed hours ago. it is not fixed",
    "had to go to a cafe to work because my home internet has been dead since {when}",
    "spam texts from your own marketing team every day even after i opted out",
    "whole street has been without signal since {when}, when is the mast back",
    "a free month's credit doesn't make up for a week without internet",
]

RENEWAL_LONG = [
    "been a customer {years}, contract's up next month and the only offer i got was worse than what's on "
    "your website for new people. not sure why i'd stay",
    "loyal customer here with {n} lines and not a single deal offered when i asked to renew",
    "my plan finishes in {month} and i've seen the same phone cheaper with {other}. what can you do",
    "i'd like to renew but only if the price comes down, {money} a month is too much now",
    "the minute my term finishes i'm shopping around, prices creep up every april",
    "is it true you put prices up mid contract every year? i'm up for renewal and might not bother",
    "paying for a phone i own outright because the contract rolled on without telling me",
    "got an email saying my monthly price is going up {money}. can i leave without paying a fee",
    "how much would a new sim only deal be for me as an existing customer, out of contract in {month}",
    "rang to ask for a better price as i'm out of contract, they said ring back nearer the time",
    "upgrade date is {when}, what phones can i get and what will it cost me",
    "i've been a loyal customer {years} and i'm paying more than someone who joined last week",
    "price rise letter landed. that's the push i needed to look around",
    "do existing customers get the new unlimited plan at the same price as new ones",
    "can someone ring me about renewing? want to stay but need a better price",
    "the retentions offer was a fiver off. {other} are giving me double the data for less. bye",
    "please send my pac code to the number on the account, moving when my term ends",
    "why does the app only show upgrades that cost more than i'm paying now",
    "if i recontract today does the new price start straight away or at the end of my current term",
    "happy with the network but not the price. what's on offer for someone renewing",
    "my discount ended and the bill doubled overnight. need a proper renewal offer",
]

NEW_CUSTOMER_LONG = [
    "looking forward to moving over to {us} next week, anything i need to do before the sim comes",
    "shop assistant couldn't find my flat on the system so couldn't sell me a contract, can you help me join",
    "can't complete my order online, says postcode not recognised, i just want to join",
    "first network to give me proper signal in my kitchen wins my custom. {us} {other}",
    "honestly torn between {other} and {us}, one is cheaper and one has better coverage. help me decide",
    "who's best for signal in {place}? about to choose a new network",
    "moving to {place} next month, can you supply broadband there and how fast",
    "my contract with {other} ends soon, do you do anything for people switching in",
    "what's included in your family plan? looking at bringing 3 phones over",
    "is the offer on your site still on? ready to buy",
    "just ordered a sim only deal, when will the sim arrive",
    "can i order your broadband for a flat i'm moving into at {pc}",
    "how long is the minimum term on your sim only plans? not with you yet",
    "asking for my mum, she wants a simple phone with a cheap plan, what do you have",
    "ditching {other} at last, what's the best deal you can do me on sim only",
    "saw your ad, is the unlimited plan really {money}? where do i sign",
    "do you need a credit check to join on pay monthly",
    "any chance you'll bring full fibre to {place} soon? would switch straight away",
]

OTHER_LONG = [
    "my brother swears by {other}, might be worth a look for you",
    "you should just ring them, they sorted mine in ten minutes",
    "the coverage maps are a guide, best to ask neighbours which network works",
    "well done {us} on the charity bake sale, raised loads",
    "do you know if the {phone} works with the watch on my plan",
    "thank you for the help with my roaming, great to talk to an actual human",
    "that's the thing with any network, some areas are just blackspots",
    "my dad's still on a phone from 2010 and refuses to upgrade, legend",
    "a huge thanks to {name} who sorted my upgrade with a smile",
    "anyone else remember when texts cost 10p each",
    "is the priority ticket thing running this year?",
    "can you tell me if my phone supports volte",
    "lovely to see local businesses supported by {us}",
    "just seen the price of the new {phone}, no chance i'm paying that",
    "ha no, i think you've got me mixed up with someone else",
    "well that escalated quickly",
    "so what happens to my number if i go abroad for a year",
    "you're doing better than most networks to be fair",
]
