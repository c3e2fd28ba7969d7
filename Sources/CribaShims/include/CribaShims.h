#ifndef CRIBA_SHIMS_H
#define CRIBA_SHIMS_H

/// Hints the CPU to load the cache line holding `address` (no effect on results).
/// The corresponding compiler builtin is `__builtin_prefetch`.
static inline void criba_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Turns `count` raw label scores into probabilities in place: softmax of
/// `scores[j] * inverseTemperature`, with e^x computed by a vectorised polynomial
/// (relative error about 1e-7; scores more than 87 below the best get probability 0).
void criba_softmax(float *scores, long count, float inverseTemperature);

/// The index of the first largest of `count` values, with that value in `*top` (at least
/// -1) and the largest of the others in `*second` (at least 0).
long criba_top2(const float *values, long count, float *top, float *second);

#endif
