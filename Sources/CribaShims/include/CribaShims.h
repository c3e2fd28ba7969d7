#ifndef CRIBA_SHIMS_H
#define CRIBA_SHIMS_H

/// Hints the CPU to load the cache line holding `address` (no effect on results).
/// The corresponding compiler builtin is `__builtin_prefetch`.
static inline void criba_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
