"""Word lists the extractors lean on: places, nationalities, titles, speech verbs.

The small spaCy model confuses places with organisations ("Moscow said") and surnames with
places; these lists let the rule layer overrule it. They are general, not tuned to any story.
"""

COUNTRIES = """
afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia
bosnia and herzegovina botswana brazil brunei bulgaria burkina faso burundi cambodia cameroon
canada cape verde chad chile china colombia comoros congo costa rica croatia cuba cyprus
czech republic czechia denmark djibouti dominica dominican republic east timor ecuador egypt
el salvador england equatorial guinea eritrea estonia eswatini ethiopia fiji finland france
gabon gambia georgia germany ghana greece grenada guatemala guinea guyana haiti honduras
hungary iceland india indonesia iran iraq ireland israel italy ivory coast jamaica japan
jordan kazakhstan kenya kiribati korea kosovo kuwait kyrgyzstan laos latvia lebanon lesotho
liberia libya liechtenstein lithuania luxembourg madagascar malawi malaysia maldives mali
malta mauritania mauritius mexico micronesia moldova monaco mongolia montenegro morocco
mozambique myanmar burma namibia nauru nepal netherlands holland new zealand nicaragua niger
nigeria north korea south korea north macedonia macedonia norway oman pakistan palau
palestine panama papua new guinea paraguay peru philippines poland portugal qatar romania
russia rwanda samoa san marino saudi arabia scotland senegal serbia seychelles sierra leone
singapore slovakia slovenia somalia south africa south sudan spain sri lanka sudan suriname
sweden switzerland syria taiwan tajikistan tanzania thailand togo tonga trinidad tunisia
turkey turkiye turkmenistan tuvalu uganda ukraine united arab emirates uae united kingdom
uk u.k. britain great britain united states us u.s. usa u.s.a. america uruguay uzbekistan
vanuatu vatican venezuela vietnam wales yemen zambia zimbabwe soviet union ussr
gaza west bank crimea donbas donbass donetsk luhansk lugansk chechnya tibet hong kong
"""

US_STATES = """
alabama alaska arizona arkansas california colorado connecticut delaware florida
hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
michigan minnesota mississippi missouri montana nebraska nevada new hampshire new jersey
new mexico new york north carolina north dakota ohio oklahoma oregon pennsylvania
rhode island south carolina south dakota tennessee texas utah vermont virginia washington
west virginia wisconsin wyoming puerto rico guam district of columbia d.c. dc
"""

CITIES = """
kyiv kiev moscow washington london paris berlin brussels beijing tokyo stockholm copenhagen
minsk warsaw vienna geneva rome madrid lisbon athens ankara istanbul tehran baghdad damascus
kabul islamabad delhi new delhi mumbai cairo jerusalem tel aviv riyadh dubai doha beirut
amman caracas havana mexico city ottawa toronto sydney canberra seoul pyongyang hanoi
bangkok manila jakarta singapore oslo helsinki tallinn riga vilnius prague budapest
bucharest sofia belgrade zagreb sarajevo tbilisi yerevan baku chisinau odessa odesa kharkiv
kherson mariupol lviv dnipro zaporizhzhia sevastopol simferopol st. petersburg saint petersburg
sochi new york city los angeles chicago houston boston philadelphia atlanta miami dallas
denver seattle san francisco phoenix detroit baltimore las vegas new orleans cleveland
pittsburgh milwaukee minneapolis st. louis nashville charlotte austin orlando tampa
sacramento portland honolulu anchorage brooklyn manhattan queens bronx harlem
geneva davos munich frankfurt hamburg milan naples zurich dublin edinburgh belfast
brussels the hague amsterdam rotterdam luxembourg strasbourg vilnius
benghazi tripoli aleppo homs idlib mosul fallujah raqqa basra kirkuk erbil kandahar herat
mogadishu khartoum nairobi lagos abuja johannesburg cape town addis ababa kinshasa
gaza city ramallah hebron haifa sderot rafah karachi lahore kashmir beijing shanghai
wuhan shenzhen taipei osaka hiroshima nagasaki guantanamo bay guantanamo charlottesville
uvalde sandy hook kenosha el paso san diego san antonio fort worth tucson albuquerque
salt lake city oklahoma city kansas city indianapolis cincinnati louisville raleigh
tallahassee sarasota palm beach mar-a-lago
"""

REGIONS = """
europe asia africa america north america south america latin america middle east
eastern europe western europe central asia east asia southeast asia balkans baltics
caucasus arctic antarctica the west west east midwest south north
black sea caspian sea red sea north sea baltic sea south china sea
mediterranean pacific atlantic indian ocean persian gulf gulf
"""

# The two-letter and AP-style abbreviations of the American states written with full stops
# ("Albany, N.Y.", "Raleigh, N.C."): places, never organisations.
STATE_ABBREVIATIONS = """
ala. ariz. ark. calif. colo. conn. del. fla. ga. ill. ind. kan. ky. la. md. mass. mich.
minn. miss. mo. mont. neb. nev. n.h. n.j. n.m. n.y. n.c. n.d. okla. ore. pa. r.i. s.c.
s.d. tenn. va. vt. wash. w.va. wis. wyo. p.r.
"""

def _phrases(block: str, multi: frozenset[str]) -> set[str]:
    """Split a whitespace list into entries, keeping the known multi-word ones whole."""
    words = block.split()
    found: set[str] = set()
    i = 0
    while i < len(words):
        for size in (4, 3, 2):
            phrase = " ".join(words[i : i + size])
            if phrase in multi:
                found.add(phrase)
                i += size
                break
        else:
            found.add(words[i])
            i += 1
    return found


_MULTI_WORD_PLACES = frozenset(
    """bosnia and herzegovina|burkina faso|cape verde|costa rica|czech republic|dominican republic
    |east timor|el salvador|equatorial guinea|ivory coast|new zealand|north korea|south korea
    |north macedonia|papua new guinea|san marino|saudi arabia|sierra leone|south africa
    |south sudan|sri lanka|united arab emirates|united kingdom|great britain|united states
    |soviet union|west bank|hong kong|new hampshire|new jersey|new mexico|new york
    |north carolina|north dakota|rhode island|south carolina|south dakota|west virginia
    |puerto rico|district of columbia|new delhi|tel aviv|mexico city|st. petersburg
    |saint petersburg|cape town|addis ababa|gaza city|guantanamo bay|sandy hook|st. paul
    |el paso|san diego|san antonio|fort worth|salt lake city|oklahoma city|kansas city
    |palm beach|new york city|los angeles|san francisco|las vegas|new orleans|st. louis
    |the hague|north america|south america|latin america|middle east|eastern europe
    |western europe|central asia|east asia|southeast asia|the west|black sea|caspian sea
    |red sea|north sea|baltic sea|south china sea|indian ocean|persian gulf"""
    .replace("\n", "").split("|")
)
_MULTI_WORD_PLACES = frozenset(p.strip() for p in _MULTI_WORD_PLACES)

PLACES = frozenset().union(
    *(
        _phrases(block, _MULTI_WORD_PLACES)
        for block in (COUNTRIES, US_STATES, CITIES, REGIONS, STATE_ABBREVIATIONS)
    )
)

# Nationalities and groups of people: never organisations or people on their own.
NATIONALITIES = frozenset(
    """
    american americans russian russians ukrainian ukrainians european europeans british
    briton britons english french german germans chinese japanese korean koreans indian
    indians iranian iranians iraqi iraqis israeli israelis palestinian palestinians syrian
    syrians turkish turks polish poles belarusian belarusians georgian georgians moldovan
    swedish swede swedes danish dane danes norwegian finnish dutch belgian italian italians
    spanish spaniard portuguese greek greeks hungarian romanian bulgarian serbian serbs
    croatian czech slovak lithuanian latvian estonian armenian azerbaijani kazakh afghan
    afghans pakistani pakistanis saudi saudis egyptian egyptians mexican mexicans canadian
    canadians australian australians cuban cubans venezuelan venezuelans western westerners
    soviet soviets crimean tatar tatars chechen arab arabs muslim muslims jewish jews
    christian christians catholic catholics democrat democrats republican republicans
    democratic gop conservative conservatives liberal liberals progressive progressives
    separatist separatists rebels kremlin-backed pro-russian pro-western latino latinos
    hispanic hispanics asian asians african africans
    """.split()
)

# Single words spaCy sometimes calls an organisation or a person though they name neither.
NOT_NAMES = frozenset(
    """
    state states government ministry department agency office house committee
    administration president minister secretary spokesman spokeswoman parliament court
    army navy police military council union party cabinet embassy republic federation
    defense defence justice commerce energy labor labour education health interior
    twitter facebook instagram youtube tiktok reddit internet web video photo getty images
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    january february march april may june july august september october november december
    llc inc inc. ltd corp plc intelligence security
    covid covid-19 coronavirus god lord jesus allah bible constitution ok yes no mr mrs ms dr
    a.g. d.a. m.p. p.m. a.m. e.g. i.e. ph.d. r.i.p. p.s.
    """.split()
)

# Titles that may stand before a name; stripped from a person's canonical name.
TITLES = frozenset(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady rev rev. fr fr.
    president vice prime premier chancellor minister secretary sen sen. senator rep rep.
    representative congressman congresswoman gov gov. governor lt lt. gen gen. general
    col col. colonel maj maj. major capt capt. captain adm adm. admiral sgt sgt. sergeant
    judge justice chief speaker leader mayor ambassador envoy king queen prince princess
    pope cardinal bishop ayatollah sheikh spokesman spokeswoman spokesperson attorney
    commissioner chairman chairwoman chair director ceo former acting deputy assistant
    foreign defense defence interior state u.s. us gop democratic republican
    historian professor prof economist analyst lawyer activist author scholar researcher
    councillor councilor councilman councilwoman alderman
    """.split()
)

# Verbs that introduce speech, direct or reported. Lemmas.
SPEECH_VERBS = frozenset(
    """
    say tell add note warn argue claim insist state announce tweet write post explain
    acknowledge admit declare suggest reply respond stress emphasize emphasise deny
    confirm predict vow promise charge complain reaffirm assert contend maintain observe
    remark recall report reiterate testify concede allege caution counter agree disagree
    conclude continue boast joke quip lament tout urge demand pledge threaten accuse
    indicate point mention describe call signal estimate predict rule find
    posit comment relay exclaim proclaim retort recount muse reason scoff wonder advise ask
    """.split()
)

# The subset that may stand alone after a quotation ("..., Peskov said") or take a that-clause.
REPORTING_VERBS = SPEECH_VERBS - {"call", "describe", "urge", "demand", "accuse", "threaten"}

# Nouns that name a role a person holds: "the Kremlin spokesman", "the top Ukrainian diplomat".
ROLE_NOUNS = frozenset(
    """
    spokesman spokeswoman spokesperson minister president diplomat secretary leader chief
    senator governor ambassador envoy chancellor premier director chairman chairwoman chair
    official commander general admiral mayor speaker lawmaker congressman congresswoman
    representative prosecutor attorney judge justice head ceo founder candidate nominee
    aide adviser advisor negotiator monarch king queen prince pope
    """.split()
)

# A role noun also covers these title words: a foreign minister is a diplomat.
ROLE_SYNONYMS = {
    "diplomat": {"foreign minister", "secretary of state", "ambassador", "envoy", "diplomat"},
    "leader": {"president", "prime minister", "chancellor", "premier", "leader", "king"},
    "spokesperson": {"spokesman", "spokeswoman", "spokesperson"},
    "spokesman": {"spokesman", "spokesperson"},
    "spokeswoman": {"spokeswoman", "spokesperson"},
    "lawmaker": {
        "senator", "sen.", "representative", "rep.", "congressman", "congresswoman", "lawmaker",
    },
    "congressman": {"congressman", "representative", "rep.", "lawmaker"},
    "congresswoman": {"congresswoman", "representative", "rep.", "lawmaker"},
    "senator": {"senator", "sen."},
    "governor": {"governor", "gov."},
    "chief": {"chief", "head", "director", "leader"},
    "head": {"head", "chief", "director", "leader"},
}

FEMALE_CUES = frozenset(
    "she her herself spokeswoman congresswoman chairwoman mrs mrs. ms ms. miss queen "
    "princess lady dame businesswoman wife mother daughter sister".split()
)
MALE_CUES = frozenset(
    "he him his himself spokesman congressman chairman mr mr. king prince lord sir "
    "businessman husband father son brother".split()
)

# First names that are, in news text, nearly always one gender. Names common to both
# (Jordan, Kim, Chris, Jean, Leslie, Robin, Dana, Terry, Alex, Sam...) are left out: a person
# with an unlisted first name keeps an unknown gender rather than a guessed one.
FEMALE_NAMES = frozenset(
    """
    abigail adriana agnes aisha alexandra alexandria alice alina alison allison amanda amber
    amy ana anastasia andrea angela angelina anita ann anna anne annette antonia april ashley
    audrey ayanna barbara beatrice becky betsy betty beverly brenda bridget brittany camila
    candace carla carly carmen carol carolina caroline carolyn catherine cathy cecilia charlotte
    cheryl christina christine cindy claire clara claudia colleen connie cynthia daisy darlene
    debbie deborah debra denise diana diane dianne dolores donna doris dorothy elaine eleanor
    elena elisabeth elise eliza elizabeth ella ellen elsa emily emma erica erin esther eva
    evelyn fatima felicia fiona florence frances gabriela gabrielle gina gloria grace gretchen
    gwen hannah harriet heather heidi helen helena hillary holly ilhan ingrid irene iris irina
    isabel isabella jacqueline jane janet janice jeanne jennifer jessica jill joan joanna
    joanne jodi josephine joy joyce judith judy julia julie juliet karen karin katherine
    kathleen kathryn kathy katie katrina kayleigh kimberly kirsten kristen
    kristin kristina kyrsten laura lauren leah linda lisa liz lois loretta lori louise lucia
    lucy lydia lynne madeleine maggie margaret margarita maria marianne marie marilyn marina
    marsha martha mary maureen maxine megan melania melanie melissa mia michele michelle
    miriam monica nadia nancy naomi natalia natalie natasha nicole nikki nina nora olga olivia
    pamela patricia patty paula pauline peggy penny rachel rebecca regina rita roberta
    rosa rosalind rose ruth sabrina sally samantha sandra sarah sharon sheila shirley silvia
    sonia sophia sophie stacey stephanie susan susanne suzanne svetlana sylvia tamara tammy
    tanya tatiana teresa theresa tiffany tina tracy tulsi ursula valerie vanessa vera
    veronica victoria virginia wendy yulia yvonne zoe
    """.split()
)
MALE_NAMES = frozenset(
    """
    aaron abdullah abraham adam adrian ahmed alan albert alberto aleksandr alexander alexei
    alfred ali andre andreas andrei andrew andriy anthony antonio antony arnold arseniy arthur
    barack barry ben benjamin bernard bernie bill billy bob bobby boris brad bradley brandon
    brett brian bruce bryan carl carlos chad charles charlie chuck clarence clint colin craig
    dan daniel danny darrell dave david dean dennis denis derek devin dick dmitri dmitry
    dmytro don donald doug douglas duncan dwight ed eddie edward elijah emmanuel eric erik
    ernest eugene evan francis frank franklin fred frederick gary gavin gene geoffrey george
    gerald gilbert glenn gordon graham greg gregory gustavo hakeem hank harold harry hassan
    henry herbert howard hugh hunter ian igor isaac ivan jack jacob jake james jared jason
    jay jeb jeff jeffrey jeremy jerome jerry jesse jim jimmy joe joel john johnny jon
    jonathan jose joseph josh joshua juan julian justin karl keith ken kenneth kevin kurt
    larry lawrence leon leonard lloyd louis luis luke marco marcus mark martin
    marvin matt matthew max michael miguel mike mikhail mitch mitt mohammed muhammad
    nathan neil nicholas nick nicolas nigel oleg oliver omar oscar owen patrick paul pedro
    pete peter petro phil philip pierre rahm ralph rand randy ray raymond reince
    reuben richard rick rob robert roberto rod rodney roger roman ron ronald roy rudy russell
    ryan samuel scott sean sergei sergey sergiy seth shawn sheldon stanley stephen
    steve steven stuart ted terrence thomas tim timothy todd tom tommy tony travis trey
    valery vasily victor viktor vincent vitali vladimir volodymyr walter warren wayne
    wesley william willie yuri yury zach zachary
    """.split()
)

# Organisations every news archive meets, recognised like curated names (an editor's own
# entries win over these). Surface -> canonical name. Only names that mean the organisation
# whenever they are capitalised: no "Amazon" (the river), "Fox" (a surname), "the Hill",
# "The Atlantic" or "WHO" (a sentence's first "Who").
WELL_KNOWN_ORGANISATIONS = {
    # social networks and technology companies
    "Twitter": "Twitter", "Facebook": "Facebook", "YouTube": "YouTube",
    "Instagram": "Instagram", "TikTok": "TikTok", "Google": "Google", "Microsoft": "Microsoft",
    "WhatsApp": "WhatsApp", "Reddit": "Reddit", "WikiLeaks": "WikiLeaks",
    # news organisations
    "CNN": "CNN", "MSNBC": "MSNBC", "NPR": "NPR", "PBS": "PBS", "BBC": "BBC",
    "Reuters": "Reuters", "Associated Press": "Associated Press", "Axios": "Axios",
    "Politico": "Politico", "HuffPost": "HuffPost", "Huffington Post": "HuffPost",
    "Fox News": "Fox News", "Fox News Channel": "Fox News", "NBC News": "NBC News",
    "CBS News": "CBS News", "ABC News": "ABC News", "Bloomberg News": "Bloomberg News",
    "New York Times": "The New York Times", "The New York Times": "The New York Times",
    "Washington Post": "The Washington Post", "The Washington Post": "The Washington Post",
    "Wall Street Journal": "The Wall Street Journal",
    "The Wall Street Journal": "The Wall Street Journal", "USA Today": "USA Today",
    "Breitbart News": "Breitbart News", "Breitbart": "Breitbart News",
    # parties and campaign bodies
    "GOP": "Republican Party", "Republican Party": "Republican Party",
    "Democratic Party": "Democratic Party",
    "Republican National Committee": "Republican National Committee",
    "RNC": "Republican National Committee",
    "Democratic National Committee": "Democratic National Committee",
    "DNC": "Democratic National Committee",
    # agencies, courts and international bodies
    "FBI": "FBI", "CIA": "CIA", "NSA": "NSA", "Pentagon": "Pentagon",
    "State Department": "State Department", "Justice Department": "Justice Department",
    "Department of Justice": "Justice Department", "DOJ": "Justice Department",
    "Homeland Security Department": "Department of Homeland Security",
    "Department of Homeland Security": "Department of Homeland Security",
    "DHS": "Department of Homeland Security", "EPA": "Environmental Protection Agency",
    "Environmental Protection Agency": "Environmental Protection Agency",
    "IRS": "Internal Revenue Service", "Internal Revenue Service": "Internal Revenue Service",
    "Congressional Budget Office": "Congressional Budget Office",
    "CBO": "Congressional Budget Office",
    "American Civil Liberties Union": "American Civil Liberties Union",
    "ACLU": "American Civil Liberties Union", "National Rifle Association":
    "National Rifle Association", "NRA": "National Rifle Association", "NAACP": "NAACP",
    "NATO": "NATO", "United Nations": "United Nations", "European Union": "European Union",
    "International Monetary Fund": "International Monetary Fund",
    "IMF": "International Monetary Fund", "World Bank": "World Bank",
    "Kremlin": "Kremlin", "OSCE": "OSCE",
}


# Every word a first name, whatever the gender: the gendered lists above plus names common to
# both. Used to tell "David said" (a first name alone: nobody the archive can file) from
# "Sanders said" (a surname).
UNISEX_NAMES = frozenset(
    """
    alex ali avery bailey cameron casey charlie chris dakota dana devon drew frankie jackie
    jaime jamie jean jessie jody jordan kelly kerry kim lee leslie lindsay lindsey logan
    morgan pat peyton quinn reese riley robin sam sandy shannon stacy sydney taylor terry
    tracy
    """.split()
)

# Given names common in many languages and regions, written as they are spelled in the Latin
# alphabet (accents kept; `namekeys.is_given_name` also matches them without their accents).
# A general list written for this project, not drawn from any story: it tells "Ngozi Adeyemi"
# or "Enrique Peña Nieto" from an organisation when the small model is unsure, and no story's
# own names are needed for it. Names that are also common English words or places are left out.
WORLD_GIVEN_NAMES = frozenset(
    """
    adolfo agustín alejandro alfonso álvaro andrés ángel armando arturo beatriz camilo
    catalina cristina diego dolores eduardo elena emilio enrique esteban fabiola federico
    felipe fernando gonzalo graciela guadalupe guillermo gustavo héctor ignacio inés isabel
    javier jesús jimena joaquín jorge josé josefina juana julio leticia lorena lucía luz
    manuel marcela mariana marisol marta mateo mercedes nicolás octavio pablo paloma patricio
    rafael ramón raúl ricardo rodrigo rogelio santiago sergio sofía teresa valentina xavier
    ximena joão joana gonçalo tiago rui luíza thiago vinícius
    adrien amélie antoine aurélie benoît céline clément élodie émile étienne françois
    françoise frédéric gaël hélène jacques jean-claude jean-luc jean-marc jean-pierre
    jérôme laurent léa lucien marcel mathieu nathalie pascal rené sébastien solène thierry
    yannick yves
    alessandro alessia andrea beppe carlo chiara davide elisa enrico fabio federica francesca
    gianluca giorgia giovanni giulia giuseppe lorenzo luca luigi marcello massimo matteo
    nicola paolo pietro riccardo roberta salvatore silvio stefano vittorio
    anke annegret bärbel birgit dieter dirk friedrich gerhard günter hannelore heiko helmut
    horst jens jörg jürgen katrin klaus lars manfred matthias olaf rainer sabine sigmar
    stefan thorsten ulrich ulrike uwe volker wolfgang
    anders astrid birgitta bjørn dagny erik freya gunnar hanna henrik jonas kari knut
    magnus mette nils pernille sigrid siv solveig sven søren tove ulf
    agnieszka aleksandra andrzej bartosz beata dorota ewa grzegorz jacek jakub jarosław
    joanna katarzyna krzysztof łukasz małgorzata mateusz piotr radosław tomasz
    wojciech zbigniew zofia jiří jana petr václav zuzana miloš dragan goran jelena
    ivana ana-maria bogdan dumitru florin ionuț mircea viorica ljubica tamás zoltán
    ágnes katalin lászló gábor péter
    aleksei alexey anatoly anna andriy arkady artem bohdan darya dmitri dmytro evgeny
    galina gennady grigory ilya ivanna kateryna kirill konstantin ksenia larisa lyudmila
    maksim maxim mykola mykhailo natalya nikolai nikolay oksana olena oleksandr oleksiy
    pavel pavlo ruslan sergei sergey svitlana taras valentina valentin vasyl viktoria
    vitaly vladislav volodymyr vyacheslav yaroslav yekaterina yelena yevgeny yulia yuliya
    zhanna
    giorgos georgios dimitris konstantinos kostas nikos eleni maria yiannis stavros
    ahmet ayşe burak cem deniz ebru elif emre fatma hakan kemal mehmet murat mustafa recep
    selin serkan zeynep
    abdel abdul abdulaziz ahmad amal amina amir amr anwar ayman bashar faisal farah
    fares farid fatima hamid hamza hana hani hussein ibrahim imad jamal karim khaled khalid
    laila layla leila mahmoud majid mariam marwan mohamed mohammad mona mustafa nabil nadia
    nasser nour omar osama rami rania rashid reem saad salah salim salma samir sami
    sara tariq walid yasmin yasmine youssef yusuf zainab ziad
    ali-reza babak dariush farhad hassan javad mahmoud mehdi mohsen narges parisa reza
    shirin
    avi avraham ayelet benny dov eitan ehud gideon moshe naftali noa shira tzipi yair
    yitzhak yoav yosef
    aarav amit anand anil anita arjun arun deepak divya gaurav harish indira kavita lakshmi
    manish meera mohan narendra neha nirmala pooja pradeep prakash priya priyanka rahul
    raj rajesh rakesh ramesh ravi rohit sanjay shashi shreya sonia subramanian sunil sunita
    suresh vijay vikram imran nawaz shehbaz benazir asif bilal zulfikar
    aiko akira haruki hiroshi kenji kenta keiko naoko satoshi shinzo takashi taro yoko
    yoshihide yuki yuko yumi
    ji-hoon ji-woo jae-in min-jun seo-yeon soo-jin hyun-woo kyung-hwa
    abebe adaeze ama amara ayodele babajide bola bongani chiamaka chidi chidinma chinedu
    chinwe chukwuemeka emeka fatou folake funmilayo ifeoma ikechukwu jomo kwabena kwame
    kwasi kofi mamadou moussa ngozi nkechi nnamdi obinna oluwaseun oluwole sipho themba
    thabo uhuru wanjiru yaa yaw zanele
    aoife caoimhe ciara cian declan eamon eoin fionnuala niamh oisín pádraig róisín
    seamus seán siobhán siobhan sinéad gwyneth rhys dafydd eilidh
    """.split()
)
FIRST_NAMES = FEMALE_NAMES | MALE_NAMES | UNISEX_NAMES | WORLD_GIVEN_NAMES
# First names that are as often a surname in the news ("Warren said", "Graham told"): a lone
# one is kept, it is more likely a surname than a first name.
SURNAME_FIRST_NAMES = frozenset(
    """
    allen austin bailey bell brooks carter collins cooper craig dean douglas edwards ellis
    evans ford foster francis franklin gordon graham grant hamilton harris henry howard
    hunter jackson james jordan kelly kennedy kim lawrence lee lewis marshall martin morgan
    morris murphy nelson owen owens palmer paul perry powell price ray reed russell scott
    shannon stanley stewart sullivan taylor thomas tracy travis walker wallace warren
    wayne wesley young
    """.split()
)

# Contractions whose apostrophe was stripped ("Ill" for "I'll", "Theyre"): capitalised at a
# sentence's start, the model takes them for names.
LOST_APOSTROPHE_CONTRACTIONS = frozenset(
    """
    ill id im ive youll youre youve youd hes hed shes shed itll weve were wed well theyre
    theyve theyll theyd thats whats whos wheres theres heres lets dont doesnt didnt cant
    couldnt wont wouldnt shouldnt isnt arent wasnt werent havent hasnt hadnt aint yall
    """.split()
) - {"were", "well"}  # real words that begin sentences are left to the other rules

# Page furniture: the words of a web page's video players, galleries, captions and sign-up
# boxes that scraping leaves in the text. A name made only of these words names nobody.
PAGE_FURNITURE_WORDS = frozenset(
    """
    replay more videos video videos watch watched must just story highlights hide caption
    captions photo photos image images slideshow gallery email sign up getty analysis
    opinion advertisement content read click here share toggle enlarge playback media
    copyright file credit
    """.split()
)

# Laws, programmes and court cases the model calls an organisation: a reader filtering by
# organisation never means "Medicare".
PROGRAMMES_AND_LAWS = frozenset(
    """
    medicare medicaid obamacare trumpcare romneycare aca chip snap daca dapa tanf wic
    nafta usmca tpp ttip brexit foia ppp dodd-frank glass-steagall title ix megxit
    """.split()
) | {"affordable care act", "social security", "green new deal", "new deal",
     "state of the union", "paycheck protection program", "roe v. wade", "patriot act"}

# Single words the model calls an organisation that name no particular institution: a kind
# of body ("PAC", "Legislature"), an adjective ("Congressional"), a building ("Capitol"), a
# faith or a movement.
GENERIC_ORGANISATION_WORDS = frozenset(
    """
    pac pacs media msm legislature statehouse capitol congressional commission foundation
    digital fair content confederate confederacy islam christianity judaism catholicism
    islamophobia antisemitism lgbt lgbtq lgbtq+ op-ed ag feds dems gop-led
    """.split()
)

# Words after an organisation's name that only say what kind of body it is: "Fox News" is
# what a story means by "Fox", "Treasury Department" by "Treasury", "Apple Inc." by "Apple".
ORGANISATION_HEADS = frozenset(
    """
    news department dept corporation corp company co inc ltd llc plc party network
    channel group
    """.split()
)
