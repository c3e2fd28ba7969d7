/// Voseo -> tú verb-form table for the Criba tokenizer.
///
/// Customers in Central America (CR, NI, HN, SV, GT) and the Río de la Plata
/// (AR, UY) address businesses with *vos* ("¿tenés talla M?", "decime el
/// precio", "no te preocupés"). The tokenizer rewrites those verb forms to the
/// equivalent *tú* form so that the classifier sees one spelling per verb
/// ("tenes" -> "tienes", "deci" + "me" -> "di" + "me").
///
/// Format: a TSV text, one entry per line, `vos_form<TAB>tu_form<TAB>kind`,
/// fields separated by exactly one TAB; lines starting with `#` are comments;
/// blank lines are ignored; no trailing spaces. Both forms are lowercase and
/// accent-folded exactly like the tokenizer folds its input (á é í ó ú ü ->
/// a e i o u u; ñ is kept). Entries are sorted by `vos_form` (code-point
/// order) and every `vos_form` key occurs once in the whole table.
///
/// Kinds:
/// - `pres`: present indicative vos form ("queres" -> "quieres",
///   "vivis" -> "vives", "sos" -> "eres").
/// - `imp`: affirmative vos imperative that is unambiguous on its own; it is
///   also looked up after the tokenizer strips enclitic pronouns
///   ("decime" = "deci" + "me" -> "di" + "me"). Keys are bare stems, never
///   clitic forms.
/// - `impcl`: vos imperative that may only be rewritten when an enclitic
///   follows, because the bare spelling is another common word: for -ir verbs
///   the bare form is the preterite yo form ("ya pedi", "recibi el paquete"),
///   for hacer/poner and compounds it is the 3rd-person present ("hace 3
///   dias", "pone"), and "acosta" is a surname. With a clitic the form is
///   unambiguous: "pedime" -> "pide" + "me", "haceme" -> "haz" + "me".
///   The tokenizer also rewrites a bare `impcl` form ending in -a/-e when the
///   message writes its final accent ("hacé", "poné"), so such a key must not
///   be another word when accented (this rules out "olé").
/// - `subj`: present subjunctive vos form of a stem-changing verb, used in
///   negative commands and subordinate clauses ("no me contes" -> "cuentes",
///   "que durmas bien"). Subjunctive vos forms that coincide with the tú form
///   after folding ("no te preocupes", "tengas", "pidas") are omitted.
///
/// Rules followed when writing the table (keep them when editing it):
/// 1. Only forms whose folded vos spelling differs from the folded tú
///    spelling are listed. Regular -ar and -er verbs need no entry
///    ("hablas", "comes", "mira", "come" are identical after folding); -ir
///    verbs, stem-changing verbs (querer, poder, contar, pensar, volver...)
///    and irregular imperatives (ten, ven, di, pon, haz, sal) do.
/// 2. A vos form whose folded spelling is also a common non-voseo word in
///    customer messages is left out, or demoted to `impcl`; each case is
///    listed in the `# excluded:` comments at the top of the table.
/// 3. The -ís present of -ir verbs is also the Spain *vosotros* form
///    ("¿abrís los domingos?"); rewriting it to the tú form keeps the
///    second-person meaning, so it is accepted.
/// 4. The tokenizer must only strip enclitics that a 2nd-person imperative can
///    carry (me, te, lo, la, le, nos, los, las, les and the pairs me/te/se/nos +
///    lo/la/los/las). A lone "se" never follows a vos imperative; stripping it
///    would turn imperfect subjunctives ("contase", "pensase", "encontrase")
///    into imperative matches.
/// 5. Chilean verbal voseo ("tenís", "querís", "estái") is not covered: its
///    -ái/-ís endings are productive and "tenis" (sneakers) is a common word.
let voseoTableTSV = voseoTableAToL + "\n" + voseoTableMToZ

/// Entries `a` to `l` of ``voseoTableTSV``, after its header comments.
let voseoTableAToL = #"""
# Voseo -> tu verb forms. Columns: vos_form<TAB>tu_form<TAB>kind (pres | imp | impcl | subj).
# Keys and values are lowercase and accent-folded (n with tilde kept). Sorted by vos_form.
#
# excluded: bare -ir imperatives that are spelled like the preterite yo form
#   ("ya pedi", "recibi el paquete", "sali temprano"); they appear only as impcl:
#   abri, adquiri, adverti, arrepenti, añadi, bati, comparti, comprimi, consegui, consenti,
#   construi, converti, corregi, cubri, cumpli, decidi, defini, derreti, descomprimi, describi,
#   despedi, desvesti, difundi, dilui, dirigi, diverti, dividi, dormi, elegi, emiti, escribi,
#   escurri, exclui, exprimi, frei, hervi, imprimi, inclui, inscribi, inverti, medi, oi, oprimi,
#   parti, pedi, permiti, puli, recibi, redimi, reescribi, reimprimi, reparti, repeti, resumi,
#   reuni, sacudi, sali, segui, senti, servi, sofrei, sonrei, subi, sugeri, suscribi, sustitui,
#   teñi, transferi, vesti, zurci
# excluded: hace, pone, compone, repone, pospone, propone, rehace, deshace as bare imp: also the
#   3rd-person present ("hace 3 dias", "se supone", "me pone dos"); they appear only as impcl.
# excluded: acosta as bare imp (acostar): common surname Acosta; impcl only ("acostate").
# excluded: move, remove, resolve, revolve as bare imp: English words; impcl only ("movelo").
# excluded: anda (anda -> ve, imp and impcl): 3rd-person "anda" ("el cel no anda") and
#   Mexican "andale" would be rewritten.
# excluded: costar entirely: costas (coasts), costa ("costa rica"), costes (Spain: costs).
# excluded: consolar entirely: consolas / consola (game consoles).
# excluded: colar entirely: colas (queues).
# excluded: reventar entirely: reventas / reventa (resale).
# excluded: soler pres soles (currency of Peru, plural of sol).
# excluded: sostenes (pres of sostener: bras) and retenes (pres of retener: oil seals,
#   checkpoints); their imperatives sostene, retene are kept.
# excluded: moves (pres of mover), removes, revolves: English words.
# excluded: unis (pres of unir): plural of "uni" (university); impcl uni also left out.
# excluded: podas (subj of poder: prunings), olas (subj of oler: waves), acordes (subj of
#   acordar: chords; in accordance), sones (subj of sonar: music genre).
# excluded: aposta (imp of apostar): Spain adverb "aposta" (on purpose).
# excluded: rega (imp of regar): "regalo", "regala", "regale" would split as rega + clitic.
# excluded: colga (imp of colgar): the brand "colgate" would split as colga + te.
# excluded: rei (impcl of reir): "reinos" would split as rei + nos.
# excluded: ole (impcl of oler): the tokenizer accepts an accented bare -a/-e impcl form,
#   and "ole" written with its accent is the interjection; olas (subj) is excluded too.
# excluded: forms equal to the tu form after folding, e.g. estas, vas, das, ves, sabes, haces,
#   pones, mira, come, se, trae, preocupes, tengas, vengas, digas, hagas, pidas.
# note: sos -> eres is kept although "SOS" (help) exists; voseo use is far more frequent.
# note: the -is present forms also match Spain vosotros forms (abris, venis, decis).
# note: rare words that split as imperative + clitic were checked and accepted: abriles (abri+les),
#   salinos (sali+nos), serviles (servi+les), medite (medi+te), deciles (deci+les), dormite
#   (dormi+te), renovales (renova+les). Words ending in -ase/-ese (contase, pensase) only split
#   if a lone "se" is stripped, which the tokenizer must not do (see the doc comment).
#
abri	abre	impcl
abris	abres	pres
abstenes	abstienes	pres
aburris	aburres	pres
acertas	aciertas	pres
acertes	aciertes	subj
acorda	acuerda	imp
acordas	acuerdas	pres
acosta	acuesta	impcl
acostas	acuestas	pres
acostes	acuestes	subj
acudis	acudes	pres
admitis	admites	pres
adquiras	adquieras	subj
adquiri	adquiere	impcl
adquiris	adquieres	pres
adverti	advierte	impcl
advertis	adviertes	pres
advirtas	adviertas	subj
agredis	agredes	pres
alentas	alientas	pres
almorces	almuerces	subj
almorza	almuerza	imp
almorzas	almuerzas	pres
aludis	aludes	pres
aplaudis	aplaudes	pres
apostas	apuestas	pres
apostes	apuestes	subj
apreta	aprieta	imp
apretas	aprietas	pres
apretes	aprietes	subj
aproba	aprueba	imp
aprobas	apruebas	pres
aprobes	apruebes	subj
arrenda	arrienda	imp
arrendas	arriendas	pres
arrendes	arriendes	subj
arrepenti	arrepiente	impcl
arrepentis	arrepientes	pres
arrepintas	arrepientas	subj
ascendes	asciendes	pres
asistis	asistes	pres
asumis	asumes	pres
atendas	atiendas	subj
atende	atiende	imp
atendes	atiendes	pres
atravesa	atraviesa	imp
atravesas	atraviesas	pres
atribuis	atribuyes	pres
aturdis	aturdes	pres
avergonces	averguences	subj
avergonzas	averguenzas	pres
añadi	añade	impcl
añadis	añades	pres
bati	bate	impcl
batis	bates	pres
bendeci	bendice	imp
bendecis	bendices	pres
calenta	calienta	imp
calentas	calientas	pres
calentes	calientes	subj
cerra	cierra	imp
cerras	cierras	pres
cerres	cierres	subj
cohibis	cohibes	pres
coincidis	coincides	pres
colgas	cuelgas	pres
colgues	cuelgues	subj
combatis	combates	pres
comences	comiences	subj
comenza	comienza	imp
comenzas	comienzas	pres
comparti	comparte	impcl
compartis	compartes	pres
competis	compites	pres
compone	compon	impcl
comprimi	comprime	impcl
comprimis	comprimes	pres
comproba	comprueba	imp
comprobas	compruebas	pres
comprobes	compruebes	subj
concebis	concibes	pres
concertas	conciertas	pres
concluis	concluyes	pres
concurris	concurres	pres
conduci	conduce	imp
conducis	conduces	pres
confesas	confiesas	pres
confluis	confluyes	pres
confundis	confundes	pres
conmoves	conmueves	pres
consegui	consigue	impcl
conseguis	consigues	pres
consenti	consiente	impcl
consentis	consientes	pres
consintas	consientas	subj
consistis	consistes	pres
constituis	constituyes	pres
construi	construye	impcl
construis	construyes	pres
consumis	consumes	pres
conta	cuenta	imp
contas	cuentas	pres
contene	conten	imp
contenes	contienes	pres
contes	cuentes	subj
contradeci	contradice	imp
contradecis	contradices	pres
contribuis	contribuyes	pres
convenis	convienes	pres
converti	convierte	impcl
convertis	conviertes	pres
convirtas	conviertas	subj
convivis	convives	pres
corregi	corrige	impcl
corregis	corriges	pres
cubri	cubre	impcl
cubris	cubres	pres
cumpli	cumple	impcl
cumplis	cumples	pres
debatis	debates	pres
deci	di	imp
decidi	decide	impcl
decidis	decides	pres
decis	dices	pres
deducis	deduces	pres
defende	defiende	imp
defendes	defiendes	pres
defini	define	impcl
definis	defines	pres
demostra	demuestra	imp
demostras	demuestras	pres
demostres	demuestres	subj
deprimis	deprimes	pres
derreti	derrite	impcl
derretis	derrites	pres
descendes	desciendes	pres
descolga	descuelga	imp
descolgas	descuelgas	pres
descomprimi	descomprime	impcl
descomprimis	descomprimes	pres
desconta	descuenta	imp
descontas	descuentas	pres
descontes	descuentes	subj
describi	describe	impcl
describis	describes	pres
descubris	descubres	pres
desenvolves	desenvuelves	pres
deshace	deshaz	impcl
desistis	desistes	pres
desmentis	desmientes	pres
despedi	despide	impcl
despedis	despides	pres
desperta	despierta	imp
despertas	despiertas	pres
despertes	despiertes	subj
desplegas	despliegas	pres
desteñis	destiñes	pres
destituis	destituyes	pres
destruis	destruyes	pres
desvesti	desviste	impcl
desvestis	desvistes	pres
detene	deten	imp
detenes	detienes	pres
devolvas	devuelvas	subj
devolve	devuelve	imp
devolves	devuelves	pres
diferis	difieres	pres
difundi	difunde	impcl
difundis	difundes	pres
digeris	digieres	pres
dilui	diluye	impcl
diluis	diluyes	pres
dimitis	dimites	pres
dirigi	dirige	impcl
dirigis	diriges	pres
discernis	disciernes	pres
discutis	discutes	pres
disminuis	disminuyes	pres
disolve	disuelve	imp
disolves	disuelves	pres
distinguis	distingues	pres
distribuis	distribuyes	pres
disuadis	disuades	pres
diverti	divierte	impcl
divertis	diviertes	pres
dividi	divide	impcl
dividis	divides	pres
divirtas	diviertas	subj
dormi	duerme	impcl
dormis	duermes	pres
durmas	duermas	subj
elegi	elige	impcl
elegis	eliges	pres
eludis	eludes	pres
emiti	emite	impcl
emitis	emites	pres
empeces	empieces	subj
empeza	empieza	imp
empezas	empiezas	pres
encendas	enciendas	subj
encende	enciende	imp
encendes	enciendes	pres
encerra	encierra	imp
encerras	encierras	pres
encerres	encierres	subj
encontra	encuentra	imp
encontras	encuentras	pres
encontres	encuentres	subj
encubris	encubres	pres
enmendas	enmiendas	pres
entendas	entiendas	subj
entende	entiende	imp
entendes	entiendes	pres
enterras	entierras	pres
entretene	entreten	imp
entretenes	entretienes	pres
envolvas	envuelvas	subj
envolve	envuelve	imp
envolves	envuelves	pres
escribi	escribe	impcl
escribis	escribes	pres
esculpis	esculpes	pres
escupis	escupes	pres
escurri	escurre	impcl
escurris	escurres	pres
esforces	esfuerces	subj
esforza	esfuerza	imp
esforzas	esfuerzas	pres
esparcis	esparces	pres
evadis	evades	pres
exclui	excluye	impcl
excluis	excluyes	pres
exhibis	exhibes	pres
exigis	exiges	pres
existis	existes	pres
expedis	expides	pres
exprimi	exprime	impcl
exprimis	exprimes	pres
extende	extiende	imp
extendes	extiendes	pres
extinguis	extingues	pres
fingis	finges	pres
fluis	fluyes	pres
forzas	fuerzas	pres
frega	friega	imp
fregas	friegas	pres
fregues	friegues	subj
frei	frie	impcl
freis	fries	pres
fundis	fundes	pres
gemis	gimes	pres
gobernas	gobiernas	pres
gruñis	gruñes	pres
habes	has	pres
hace	haz	impcl
heris	hieres	pres
hervi	hierve	impcl
hervis	hierves	pres
hirvas	hiervas	subj
huis	huyes	pres
hundis	hundes	pres
impartis	impartes	pres
impedis	impides	pres
imprimi	imprime	impcl
imprimis	imprimes	pres
inclui	incluye	impcl
incluis	incluyes	pres
incumplis	incumples	pres
incurris	incurres	pres
inducis	induces	pres
influis	influyes	pres
infringis	infringes	pres
ingeris	ingieres	pres
inscribi	inscribe	impcl
inscribis	inscribes	pres
insistis	insistes	pres
instruis	instruyes	pres
interferis	interfieres	pres
interrumpis	interrumpes	pres
intervenis	intervienes	pres
introduci	introduce	imp
introducis	introduces	pres
intuis	intuyes	pres
invadis	invades	pres
inverti	invierte	impcl
invertis	inviertes	pres
invirtas	inviertas	subj
juga	juega	imp
jugas	juegas	pres
jugues	juegues	subj
lucis	luces	pres
"""#
