/// Chat-abbreviation table for the Criba tokenizer.
///
/// Customers write to small businesses on WhatsApp and SMS the way they chat:
/// "q", "xq", "tmb", "porfa", "dnd", "salu2", "wsp", "msj", "tqm". The
/// tokenizer replaces each such token by its expansion, so "xfa" and
/// "por favor" give the same features.
///
/// Format: a TSV text, one entry per line, `abbreviation<TAB>expansion`,
/// exactly one TAB; lines starting with `#` are comments; blank lines are
/// ignored; no trailing spaces. The expansion may be several words separated
/// by single spaces ("fds" -> "fin de semana"). Keys and expansions are
/// lowercase and accent-folded like the tokenizer's input (á é í ó ú ü ->
/// a e i o u u; ñ is kept, so "manana" -> "mañana"). Entries are sorted by
/// abbreviation (code-point order), with no duplicate keys.
///
/// Rules:
/// - An entry applies to a whole token only, never to part of a word; the
///   one-letter keys (d, k, q, t, x) in particular only match a standalone
///   token ("x" -> "por", so "2 x 1" reads "2 por 1").
/// - Coverage: forms common in Latin America (Central America, Mexico,
///   Colombia, Venezuela, the Río de la Plata, Chile) and Spain, plus a few
///   frequent spellings typed without ñ (manana, tamano, cumpleanos) and
///   frequent misspellings (nesecito, grasias). Only forms known to be
///   common are listed; rare or uncertain ones are left out.
/// - An abbreviation that collides with a frequent real word, unit, brand or
///   size in customer messages is left out; each such case is listed in the
///   `# excluded:` comments at the top of the table. A few collisions are
///   accepted because the chat reading dominates; they are listed under
///   `# accepted:`.
/// - Expanding into words that are all stopwords brings nothing, so such
///   forms are not listed when the key is also a real word ("osea" is also
///   "ósea", bony).
/// - Keys that are real words spelled correctly (aca, ok, vale, mae, diay)
///   need no entry; "ok" is the normal form for all ok variants.
let chatAbbreviationTableTSV = #"""
# Chat abbreviations. Columns: abbreviation<TAB>expansion. Folded, sorted, whole-token matches only.
#
# excluded: bn (CR: Banco Nacional, in payments and bank-phishing spam), tb (terabyte),
#   grs, gr (gramos), cm (centimetros), bs (bolivares), c (cable tipo C, vitamina C),
#   m, s, l (clothing sizes), cumple (verb cumplir: "no cumple"), ay (interjection; "ay"
#   for "hay" is common but ambiguous), pos (POS card terminal), ps (PlayStation, P.S.),
#   sep (septiembre), dto (Spain: descuento, Argentina: departamento), desc (descuento or
#   descripcion), na, ns, nc (ambiguous), simon (name), we (English), ntc (meaning
#   uncertain), mar (sea), ano (the word, although often typed for año), osea (osea = bony),
#   mana (mana = manna; "manana" is listed instead), aca (a real word: no entry).
# accepted: ola (wave) -> hola, ta (interjection) -> esta, tas -> estas, toy (toy breeds)
#   -> estoy, pa (papa) -> para, d (vitamina D, size D) -> de, k (thousand) -> que,
#   t -> te, insta (verb instar) -> instagram, face, fact, cant (English) -> their Spanish
#   readings: in customer chat the abbreviation reading is by far the more frequent.
#
aki	aqui
aora	ahora
aprox	aproximadamente
apto	apartamento
av	avenida
avda	avenida
aver	a ver
bkn	bacan
bno	bueno
bss	besos
cant	cantidad
cdo	cuando
cel	celular
cels	celulares
cll	calle
cmo	como
compu	computadora
cta	cuenta
ctas	cuentas
cumpleanos	cumpleaños
d	de
dcto	descuento
depa	departamento
depo	deposito
depto	departamento
desp	despues
dir	direccion
direc	direccion
diseno	diseño
disp	disponible
dispo	disponible
dl	del
dlls	dolares
dls	dolares
dnd	donde
dom	domingo
dps	despues
dr	doctor
dra	doctora
dsd	desde
dsp	despues
dsps	despues
dueno	dueño
edif	edificio
ej	ejemplo
esq	esquina
face	facebook
fact	factura
fb	facebook
fds	fin de semana
finde	fin de semana
fono	telefono
grasias	gracias
grax	gracias
grcs	gracias
guasap	whatsapp
hna	hermana
hno	hermano
hnos	hermanos
holi	hola
holis	hola
hr	hora
hrs	horas
hs	horas
ig	instagram
info	informacion
insta	instagram
jue	jueves
k	que
ke	que
kien	quien
kieres	quieres
kiero	quiero
komo	como
lq	lo que
lun	lunes
manana	mañana
mie	miercoles
mier	miercoles
mje	mensaje
msg	mensaje
msj	mensaje
mts	metros
mñn	mañana
mñna	mañana
nd	nada
nda	nada
nececito	necesito
nel	no
nesecito	necesito
nesesito	necesito
nop	no
nro	numero
nse	no se
ntp	no te preocupes
num	numero
oka	ok
okay	ok
okey	ok
oki	ok
okis	ok
ola	hola
orita	ahorita
pa	para
pal	para el
pequeno	pequeño
pf	por favor
pk	porque
plis	por favor
pls	por favor
plz	por favor
porfa	por favor
porfas	por favor
porfavor	por favor
porfi	por favor
porfis	por favor
porke	porque
porq	porque
porqe	porque
pq	porque
prod	producto
promo	promocion
promos	promociones
pz	pues
q	que
qe	que
sab	sabado
salu2	saludos
senor	señor
senora	señora
sip	si
slds	saludos
sq	es que
sr	señor
sra	señora
srta	señorita
stoy	estoy
t	te
ta	esta
tamano	tamaño
tamb	tambien
tambn	tambien
tamos	estamos
tas	estas
tbm	tambien
tbn	tambien
tdo	todo
tel	telefono
telf	telefono
tfno	telefono
thanks	gracias
thx	gracias
tkm	te quiero mucho
tks	gracias
tlf	telefono
tmb	tambien
tmbn	tambien
tngo	tengo
tons	entonces
toy	estoy
tq	te quiero
tqm	te quiero mucho
transf	transferencia
transfe	transferencia
ubi	ubicacion
ud	usted
uds	ustedes
urb	urbanizacion
vd	usted
vdd	verdad
vie	viernes
wasap	whatsapp
weno	bueno
wey	guey
whats	whatsapp
whatsap	whatsapp
wpp	whatsapp
wsp	whatsapp
x	por
xa	para
xfa	por favor
xfavor	por favor
xfis	por favor
xk	porque
xo	pero
xq	porque
xque	porque
"""#
