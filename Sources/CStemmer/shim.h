#ifndef CRIBA_CSTEMMER_SHIM_H
#define CRIBA_CSTEMMER_SHIM_H
// Snowball stemmers from Debian's libstemmer-dev.
#include <libstemmer.h>
#endif
