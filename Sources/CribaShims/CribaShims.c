// Kernels written in C so that the compiler vectorises them on every build (the Swift
// code is built for baseline x86-64 and does not vectorise calls to `expf`).
#include "CribaShims.h"

#include <stdint.h>
#include <string.h>

/// e^x for x <= 0, to about 1 ulp: range reduction by ln 2 in two parts, a degree-6
/// polynomial on [-ln 2 / 2, ln 2 / 2] (Cephes' `expf` coefficients), and the power of two
/// put into the exponent bits. Below -87 (where e^x < 2^-125) the result is 0. Pure
/// arithmetic with no library call, so the loop below vectorises and the result is the
/// same on every machine.
static inline float criba_exp_nonpositive(float x) {
    const float lowest = -87.0f;
    float xc = x < lowest ? lowest : x;
    // Round x / ln 2 to the nearest integer with the 1.5 * 2^23 trick (exact in
    // round-to-nearest mode for |x / ln 2| < 2^22).
    float t = xc * 1.44269504088896341f + 12582912.0f;
    float n = t - 12582912.0f;
    int32_t tb;
    memcpy(&tb, &t, sizeof tb);
    int32_t ni = tb - 0x4B400000;
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * r * r + r + 1.0f;
    int32_t sb = (ni + 127) << 23;
    float scale;
    memcpy(&scale, &sb, sizeof scale);
    return x < lowest ? 0.0f : y * scale;
}

void criba_softmax(float *scores, long count, float inverseTemperature) {
    if (count <= 0) return;
    // The largest scaled score, in four lanes (the order does not change a maximum).
    float m0 = scores[0] * inverseTemperature, m1 = m0, m2 = m0, m3 = m0;
    long i = 0;
    for (; i + 4 <= count; i += 4) {
        float v0 = scores[i] * inverseTemperature, v1 = scores[i + 1] * inverseTemperature;
        float v2 = scores[i + 2] * inverseTemperature, v3 = scores[i + 3] * inverseTemperature;
        m0 = v0 > m0 ? v0 : m0;
        m1 = v1 > m1 ? v1 : m1;
        m2 = v2 > m2 ? v2 : m2;
        m3 = v3 > m3 ? v3 : m3;
    }
    for (; i < count; i++) {
        float v = scores[i] * inverseTemperature;
        m0 = v > m0 ? v : m0;
    }
    float ma = m0 > m1 ? m0 : m1, mb = m2 > m3 ? m2 : m3;
    float m = ma > mb ? ma : mb;
    for (long j = 0; j < count; j++) {
        scores[j] = criba_exp_nonpositive(scores[j] * inverseTemperature - m);
    }
    // Four partial sums in a fixed order: vectorisable and deterministic.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    long j = 0;
    for (; j + 4 <= count; j += 4) {
        s0 += scores[j];
        s1 += scores[j + 1];
        s2 += scores[j + 2];
        s3 += scores[j + 3];
    }
    for (; j < count; j++) s0 += scores[j];
    float r = 1.0f / ((s0 + s1) + (s2 + s3));
    for (long k = 0; k < count; k++) scores[k] *= r;
}

/// The largest of `values[from..<to]` and `floor`, in four lanes (a maximum does not depend on
/// the order; values that are NaN are never taken).
static inline float criba_max_in(const float *values, long from, long to, float floor) {
    float m0 = floor, m1 = floor, m2 = floor, m3 = floor;
    long i = from;
    for (; i + 4 <= to; i += 4) {
        m0 = values[i] > m0 ? values[i] : m0;
        m1 = values[i + 1] > m1 ? values[i + 1] : m1;
        m2 = values[i + 2] > m2 ? values[i + 2] : m2;
        m3 = values[i + 3] > m3 ? values[i + 3] : m3;
    }
    for (; i < to; i++) m0 = values[i] > m0 ? values[i] : m0;
    float ma = m0 > m1 ? m0 : m1, mb = m2 > m3 ? m2 : m3;
    return ma > mb ? ma : mb;
}

long criba_top2(const float *values, long count, float *top, float *second) {
    // The largest value (at least -1), then its first index, then the largest of the others
    // (at least 0): equal to one pass keeping the best and the runner-up, for values that
    // are not NaN, without its hard-to-predict branches.
    float m = criba_max_in(values, 0, count, -1.0f);
    long best = 0;
    for (long j = 0; j < count; j++) {
        if (values[j] == m) {
            best = j;
            break;
        }
    }
    float before = criba_max_in(values, 0, best, 0.0f);
    float after = criba_max_in(values, best + 1, count, 0.0f);
    *top = m;
    *second = before > after ? before : after;
    return best;
}
