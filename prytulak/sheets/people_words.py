"""The words of the people reader (people_text.py), in uk, ru, be, pl, en and de: who
they name, and how many. Data only, kept apart so that the reader's rules fit on a screen."""

# What a word says, by category. Words are folded (lower case, no accents or apostrophes);
# a word ending in "*" is a stem that takes up to five more letters, so that cases and
# surzhyk spellings (“дітєй”, “ребьонок”) are recognised without listing every form.
# sg/pl: the singular counts one when no number is given; a plural needs a number.
VOCABULARY: dict[str, str] = {
    # Parents (an adult, one by default): the writer's mother may be over 65.
    "parent.sg": "мам* мати матір* матер* тат* батько батька батьком папа пап* отец отца "
    "отцом мать матерью маці бацька mama mamą mamusia matka matką tata tatą tato ojciec "
    "ojcem mom mum mother mommy mummy dad father mutter papa vater",
    "adult.sg": "жінка жінку жінкою жена жену женой дружин* чоловік чоловіка чоловіком "
    "мужчина мужчину мужчиной муж мужа мужем мужам жонка жонкай тітк* тьот* тетя тетей "
    "тетю дядьк* дядя дядей дорослий доросла дорослою взрослый взрослая взрослой дарослы "
    "дарослая жанчына жанчынай kobieta kobietą mężczyzna mężczyzną mąż mężem żona żoną pani "
    "panią pan ciocia ciocią wujek wujkiem dorosły dorosła dorosłą woman lady man husband "
    "wife aunt uncle adult frau mann ehemann ehefrau tante onkel erwachsener",
    "adult.pl": "доросл* взросл* дарасл* дарослых дарослыя дор взр erwachsene* erw dorośli "
    "dorosłych dorosłe dorosłymi adults women men жінки жінок чоловіки чоловіків мужчины "
    "мужчин женщины женщин kobiety kobiet mężczyźni mężczyzn frauen männer",
    "adult.one": "женщина женщину женщиной",
    "senior.sg": "бабус* бабуш* бабул* бабц* баба бабою дідус* дід діда дідом дедуш* дедул* "
    "дед деда дедом пенсіонер* пенсионер* пенсіянер* дзядул* дзед* babcia babcią babci "
    "babunia dziadek dziadkiem dziadka emeryt* grandma grandpa granny grandmother "
    "grandfather grandad granddad pensioner senior oma opa großmutter großvater rentner* "
    "seniorin",
    "senior.pl": "seniors пенсіонери пенсионеры emeryci",
    "senior.two": "grandparents großeltern dziadkowie дідусь-бабуся",
    "parents.two": "батьки батьками батьків родители родителями родителей бацькі бацькамі "
    "rodzice rodzicami rodziców parents eltern подружжя супруги супругов пара парой "
    "małżeństwo para couple ehepaar paar",
    "child.sg": "дитина дитини дитиною дитинка дитинкою дитя дитятко дит ребенок ребенка "
    "ребенком ребьонок ребьонка ребьонком реб детка дзіця дзіцём dziecko dziecka dzieckiem "
    "dzieciak* child kid kind kindes хлопчик* мальчик* хлопчык* chłopiec chłopcem chłopca "
    "boy junge дівчинк* девочк* дзяўчынк* dziewczynk* girl mädchen малюк малюком малыш "
    "малышом",
    "child.pl": "діти дітей дітьми дітками діток дітки дітєй дітьмі дет дети детей детьми "
    "детки деток дзеці дзяцей дзецьмі dzieci dziećmi dzieciaki dzieciaków children kids ki "
    "kinder kindern хлопці хлопчики мальчики chłopcy boys jungen дівчатка девочки "
    "dziewczynki girls",
    "child.two": "двійня близнюки близнюків близнятами близнята близнецы близнецов двойня "
    "двайняты bliźniaki bliźnięta bliźniąt bliźniakami twins zwillinge zwillingen",
    "grandchild.sg": "онук онука онуком онукою онучк* внук внука внуком внучк* унук унука унукам "
    "унучк* wnuk wnuka wnukiem wnuczk* wnuczek grandson granddaughter grandchild enkel "
    "enkelin enkelkind",
    "grandchild.pl": "онуки онуків онуками внуки внуков внуками унукі унукамі wnuki wnuków wnukami "
    "grandchildren grandkids enkelkinder enkelkindern enkeln",
    "offspring.sg": "син сина сином синок синочок синочка сын сына сыном сынам сынок "
    "сынулька донька доньку донькою доня доню донечка донечкою дочка дочку дочкою дочкой "
    "дочь дочерью дачка дачку дачкой дачушка syn syna synem synek synkiem córka córką córkę "
    "córeczka córeczką son daughter sohn tochter",
    "offspring.pl": "сини синів синами доньки доньок доньками дочки дочок дочками сыновья "
    "сыновей сыновьями дочери дочерей дочерьми сыны дочкі synowie synów synami córki córek "
    "córkami sons daughters söhne töchter",
    "infant.sg": "немовля немовлям немовлятко грудничок грудничком младенец младенца "
    "младенцем немаўля немаўлём niemowlę niemowlak niemowlakiem niemowlęciem baby infant "
    "toddler säugling kleinkind",
    "infant.pl": "немовлята немовлят младенцы младенцев niemowlęta niemowlaki babies infants "
    "toddlers säuglinge kleinkinder babys",
    "teen.sg": "підліток підлітка підлітком подросток подростка подростком падлетак "
    "падлетка nastolatek nastolatka nastolatką nastolatkiem teen teenager jugendlicher "
    "jugendliche",
    "teen.pl": "підлітки підлітків подростки подростков падлеткі nastolatki nastolatków "
    "teens teenagers jugendlichen",
    "sibling.sg": "брат брата братом братам братик сестра сестру сестрою сестрой сестричка "
    "сестрёнка сястра сястрой brat brata bratem siostra siostrą siostrę brother sister "
    "bruder schwester",
    "sibling.pl": "брати братів сестри сестер братья сестры brothers sisters bracia siostry "
    "brüder schwestern",
    "self": "я ja me myself ich mich",
    "alone": "сама сам одна-одинешенька sama sam alone allein",
    "we": "ми мы нас wir uns we us nas",
    "people.sg": "особа особу людина человек чел асоба чалавек osoba osobę person",
    "people.pl": "особи осіб особами люди людей людьми человека чол асобы асоб чалавекі "
    "чалавек людзі людзей osoby osób osobami ludzie ludzi persons people personen leute "
    "menschen",
    "pet.sg": "кіт кота котом котик котика котиком кішка кішку кішкою кішечка кошеня кот "
    "котёнок котенок кошка кошку кошкой коток котка катом кацяня kot kota kotem kotek "
    "kotka kotkiem kotką kocur kociak cat kitten katze kater kätzchen собака собаку "
    "собакою собакой собачка собачку собачкою собачкой пес песик песиком пса псом щеня "
    "щенок цуценя сабака сабаку сабакам сабачка pies psa psem piesek pieskiem suczka dog "
    "puppy hund hündin welpe тварина тварину твариною тваринка тваринкою животное животным "
    "питомец питомцем жывёла жывёлай zwierzę zwierzak zwierzakiem pet animal haustier tier "
    "папуга попугай papuga parrot papagei кролик кроликом królik królikiem rabbit "
    "kaninchen хомяк хомяком хомʼяк chomik* hamster свинка świnka черепаха żółw turtle "
    "schildkröte",
    "pet.pl": "коти котів котами котики кішки кошенята коты котов кошки кошек каты катоў "
    "koty kotów kotami kotki kotków cats kittens katzen собаки собак собаками псы сабакі "
    "сабак psy psów psami pieski dogs puppies hunde hunden тварини тварин тваринами "
    "тваринки животные животных животными питомцы жывёлы жывёл zwierzęta zwierząt "
    "zwierzakami zwierzaki pets animals haustiere haustieren tiere tieren",
    # Words that change the next one.
    "senior.adj": "літня літній літні пожилая пожилой пожилые пожилых похилого старенька "
    "старенький пажылая пажылы elderly betagte ältere älterer starsza starszy",
    "infant.adj": "грудна грудне грудной грудная",
    "negation": "без bez ohne without no немає нема нет няма brak kein keine keinen",
    "vague": "кілька декілька несколько некалькі kilka kilkoro several some mehrere einige пару",
    "age.word": "вік віком возраст возрастом узрост wiek wieku age aged alter",
    # Numbers' units: an age in years, or in months (a baby).
    "years": "років роки рік року р рр рочки рочків рочок лет года год г годика годиков "
    "годик гадоў гады гадок гадкі lat lata latka latek rok roku roczek l r lt "
    "years year yrs yr y yo jahre jahr jahren j jr",
    "months": "місяців місяці місяць міс мес месяцев месяца месяц месяцаў месяцы miesięcy "
    "miesiące miesiąc mies mc months month mo mos mths monate monat monaten mon тижнів "
    "недель weeks tygodni wochen",
    # Joining words: and, with, plus.
    "and": "і й та и ta a i oraz and und & плюс plus also також тоже też auch ещё ще еще "
    "jeszcze noch",
    "with": "з із зі зо с со z ze with mit",
    # Words that say nothing about how many: the household, being together, adjectives.
    "filler": "сімя сімї сімєю родина родини родиною семья семьи семьей сямя rodzina "
    "rodziny family familie всього разом всего итого вместе усяго разам razem łącznie "
    "total in together insgesamt gesamt zusammen маленька маленький маленькі маленьку "
    "малий мала малі малого малою маленькая маленькие малая малой малы малое mały mała "
    "małe małym małą małego small little young kleine kleinen kleiner klein single just "
    "only тільки только толькі tylko nur старша старший старшого старшою молодша молодший "
    "молодшою старшая младший младшая młodsza młodszy older younger elder youngest oldest "
    "jüngere jüngerer наш наша наші нашою мій моя мої моїм моєю мой мои моим моей мая мае "
    "mój moja moje moi moim moją nasz nasza nasze my our mein meine meinen meinem meiner "
    "unser unsere його її его её яго яе jej jego his her sein seine ihr ihre ihrem шт szt "
    "pcs вагітна вагітною беременная беременной цяжарная ciąży ciąża pregnant schwanger "
    "schwangere інвалідністю інвалідність інвалід инвалид инвалидностью візку коляске "
    "wózku wheelchair rollstuhl є есть jest są is are sind ist have has маємо имеем mamy "
    "haben їдуть їде едут едет jadą jedzie travelling traveling reisen kommen the of who "
    "хто кто kto wer складу склад состав skład osobowy х x морська морская morska на "
    "из na w o old",
}

# Number words, folded: cardinals and the collective forms (“двоє”, “dwoje”, “dwójka”).
NUMBER_WORDS = {
    1: "один одна одне одного одну одним одною однієї адзін адна адно jeden jedna jedno "
    "jednym jedną one a an ein eine einen einem einer",
    2: "два дві двоє двох двома двое двух двумя дзве дваіх двума dwa dwie dwoje dwójka "
    "dwójką dwóch dwoma dwojga dwojgiem two zwei обидва обидві обоє оба обе абодва абедзве "
    "oboje obaj obie both beide",
    3: "три троє трьох трьома трое трех трёх тремя тры траіх трыма trzy troje trójka trójką "
    "trzech trojga trojgiem three drei",
    4: "чотири четверо чотирьох чотирма четыре четырех четырёх чатыры чацвёра чатырох cztery "
    "czworo czwórka czwórką czterech czworga four vier",
    5: "пять пятеро пятьох пяти пяць пяцёра pięć pięcioro piątka piątką pięciu five fünf",
    6: "шість шестеро шести шесть шэсць шасцёра sześć sześcioro szóstka sześciu six sechs",
    7: "сім семеро семи семь сем сямёра siedem siedmioro seven sieben",
    8: "вісім восьмеро восемь восем osiem ośmioro eight acht",
}
