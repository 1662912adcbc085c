// SHA-256 compression on the x86 SHA extensions (sha256rnds2 / sha256msg1 / sha256msg2): about a tenth of the
// instructions of the portable Swift rounds. Entity ids hash one block per fork and new process.
#include "CSHA256.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int auspex_sha256_has_cpu_support(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}

__attribute__((target("sha,sse4.1,ssse3")))
void auspex_sha256_compress(uint32_t state[8], const uint8_t block[64], const uint32_t k[64]) {
    // The rounds instruction works on the state as ABEF and CDGH (high to low lanes).
    const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    const __m128i abefStart = abef, cdghStart = cdgh;

    // Sixteen groups of four rounds; w[t] holds message words 4t … 4t+3, scheduled from the four groups before.
    __m128i w[16];
    for (int t = 0; t < 16; t++) {
        if (t < 4) {
            w[t] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * t)), byteSwap);
        } else {
            __m128i next = _mm_sha256msg1_epu32(w[t - 4], w[t - 3]);  // w[j-16] + σ0(w[j-15])
            next = _mm_add_epi32(next, _mm_alignr_epi8(w[t - 1], w[t - 2], 4));  // + w[j-7]
            w[t] = _mm_sha256msg2_epu32(next, w[t - 1]);  // + σ1(w[j-2])
        }
        __m128i input = _mm_add_epi32(w[t], _mm_loadu_si128((const __m128i *)&k[4 * t]));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, input);
        input = _mm_shuffle_epi32(input, 0x0E);  // the upper two words for the next two rounds
        abef = _mm_sha256rnds2_epu32(abef, cdgh, input);
    }

    abef = _mm_add_epi32(abef, abefStart);
    cdgh = _mm_add_epi32(cdgh, cdghStart);
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));  // DCBA
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));      // HGFE
}

#else

int auspex_sha256_has_cpu_support(void) { return 0; }

void auspex_sha256_compress(uint32_t state[8], const uint8_t block[64], const uint32_t k[64]) {
    (void)state; (void)block; (void)k;
}

#endif
