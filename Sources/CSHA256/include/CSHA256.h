#ifndef AUSPEX_CSHA256_H
#define AUSPEX_CSHA256_H

#include <stdint.h>

/// 1 when this CPU has the x86 SHA extensions (and SSSE3/SSE4.1 beside them), else 0 (always 0 off x86-64).
int auspex_sha256_has_cpu_support(void);

/// One SHA-256 compression of the 64-byte `block` into `state` (a, b, … h), with the round constants `k` (64 words),
/// on the SHA extensions. Call only when auspex_sha256_has_cpu_support() returned 1.
void auspex_sha256_compress(uint32_t state[8], const uint8_t block[64], const uint32_t k[64]);

#endif
