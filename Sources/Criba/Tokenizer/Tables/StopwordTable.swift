/// Spanish stopword table for the Criba tokenizer.
///
/// Format: a text with one stopword per line; lines starting with `#` are
/// comments; blank lines are ignored; no trailing spaces. Words are lowercase
/// and accent-folded exactly like the tokenizer folds its input (á é í ó ú ü ->
/// a e i o u u; ñ is kept), deduplicated after folding ("él"/"el",
/// "está"/"esta", "sí"/"si" fold together) and sorted.
///
/// Source: the Snowball Spanish stop list (snowballstem.org, BSD licence;
/// 308 words, 301 after folding), MINUS every word that carries intent in
/// customer messages. The list is deliberately conservative and short
/// (171 words): when in doubt a word is kept as a feature, not dropped.
///
/// Removed from the Snowball list, and why:
/// - Negation and restriction: no, ni, nada, sin, contra ("no me ha llegado",
///   "sin costo", "pago contra entrega").
/// - Question and relative words: que (qué), como (cómo), cuando, donde,
///   quien, quienes, cual, porque ("¿qué precio tiene?", "¿cómo llego?",
///   "¿dónde quedan?"). cuanto/cuanta/cuantos/cuantas, nunca, nadie, jamás and
///   tampoco are not in the Snowball list, so they stay features too.
/// - Availability and state verbs: hay, habra ("¿habrá pan mañana?"), every
///   form of tener ("¿tienen talla M?", "tengo un problema") and of estar
///   ("¿está abierto?", "está dañado", "estado de mi pedido"). Exception: the
///   subjunctive "esté" folds to "este", which is overwhelmingly the
///   demonstrative, so "este" stays a stopword.
/// - Time-range words: hasta, desde, antes, ya ("¿hasta qué hora?", "desde
///   hace 3 días", "ya pagué").
/// - Possessive and object markers of the affected party: me, mi, mis, tu,
///   tus, su, sus ("me llegó roto", "mi pedido", "su cuenta ha sido bloqueada").
/// - Answers, comparison and alternatives: si (sí, a one-word confirmation),
///   mas (más: "más barato", "más info"), otro, otra, otros, otras ("¿lo
///   tienen en otro color?").
/// Kept as stopwords: articles, prepositions, conjunctions, the remaining
/// pronouns and possessives, and the forms of ser and of haber as an
/// auxiliary.
let spanishStopwordTableTSV = #"""
# Snowball Spanish stop list, folded, minus intent-bearing words (see the doc comment).
# removed:
#   negation/restriction: no, ni, nada, sin, contra
#   question/relative words: que, como, cuando, donde, quien, quienes, cual, porque
#   availability/state verbs: hay, habra, all forms of tener and estar (except este)
#   time range words: hasta, desde, antes, ya
#   possessive/object markers: me, mi, mis, tu, tus, su, sus
#   answers/comparison/alternatives: si, mas, otro, otra, otros, otras
#
a
al
algo
algunas
algunos
ante
con
de
del
durante
e
el
ella
ellas
ellos
en
entre
era
erais
eramos
eran
eras
eres
es
esa
esas
ese
eso
esos
este
esto
estos
fue
fuera
fuerais
fueramos
fueran
fueras
fueron
fuese
fueseis
fuesemos
fuesen
fueses
fui
fuimos
fuiste
fuisteis
ha
habeis
habia
habiais
habiamos
habian
habias
habida
habidas
habido
habidos
habiendo
habran
habras
habre
habreis
habremos
habria
habriais
habriamos
habrian
habrias
han
has
haya
hayais
hayamos
hayan
hayas
he
hemos
hube
hubiera
hubierais
hubieramos
hubieran
hubieras
hubieron
hubiese
hubieseis
hubiesemos
hubiesen
hubieses
hubimos
hubiste
hubisteis
hubo
la
las
le
les
lo
los
mia
mias
mio
mios
mucho
muchos
muy
nos
nosotras
nosotros
nuestra
nuestras
nuestro
nuestros
o
os
para
pero
poco
por
se
sea
seais
seamos
sean
seas
sera
seran
seras
sere
sereis
seremos
seria
seriais
seriamos
serian
serias
sido
siendo
sobre
sois
somos
son
soy
suya
suyas
suyo
suyos
tambien
tanto
te
ti
todo
todos
tuya
tuyas
tuyo
tuyos
un
una
uno
unos
vosotras
vosotros
vuestra
vuestras
vuestro
vuestros
y
yo
"""#
