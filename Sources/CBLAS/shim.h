#ifndef CRIBA_CBLAS_SHIM_H
#define CRIBA_CBLAS_SHIM_H
// CBLAS is shipped inside Debian's libblas.so.3 (reference BLAS or, through the
// alternatives system, an optimised provider such as OpenBLAS).
#include <cblas.h>

// LAPACK (Fortran calling convention), declared by hand so no LAPACKE is needed.
// Routines with a character argument take a trailing hidden length.
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info, unsigned long uplo_len);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv,
            double *b, const int *ldb, int *info);
#endif
