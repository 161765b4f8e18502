/*
** sha256.c: SHA-256 as FIPS 180-2 describes it: 64-byte blocks, the
** message padded with 0x80, zeros and its bit length, big-endian words.
** compress() is the standard's rounds in C; compress_sha_ni() does the
** same with the x86 SHA extensions (sha256rnds2 runs two rounds on the
** state held as ABEF/CDGH, sha256msg1/msg2 extend the message schedule),
** chosen at sha256_init when the CPU has them.
*/
#include <string.h>
#include "sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_SHA_NI_PATH 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t ROUND_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static uint32_t load_be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);  p[3] = (unsigned char)v;
}

static void compress(uint32_t state[8], const unsigned char *block) {
    uint32_t w[64], a, b, c, d, e, f, g, h;
    int i;
    for (i = 0; i < 16; i++) w[i] = load_be32(block + 4 * i);
    for (i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = state[0]; b = state[1]; c = state[2]; d = state[3];
    e = state[4]; f = state[5]; g = state[6]; h = state[7];
    for (i = 0; i < 64; i++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g))
                      + ROUND_K[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

#ifdef HAVE_SHA_NI_PATH
static int cpu_has_sha_ni(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1)) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & bit_SHA) != 0;
}

/* Sixteen steps of four rounds.  msg[] holds the last four quads of the
** schedule W; quad i >= 4 is msg2(msg1(W[i-4], W[i-3]) + W[i-1..i-2]
** shifted by one word, W[i-1]), the standard's sigma sums four at a time. */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_sha_ni(uint32_t state[8], const unsigned char *data, size_t blocks) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef, cdgh, t, msg[4];
    int i;
    t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);     /* CDAB */
    cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);  /* HGFE */
    abef = _mm_alignr_epi8(t, cdgh, 8);
    cdgh = _mm_blend_epi16(cdgh, t, 0xF0);
    for (; blocks > 0; blocks--, data += 64) {
        __m128i abef_in = abef, cdgh_in = cdgh;
        for (i = 0; i < 16; i++) {
            __m128i w, k;
            if (i < 4) {
                w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), byteswap);
            } else {
                w = _mm_sha256msg1_epu32(msg[i & 3], msg[(i + 1) & 3]);
                w = _mm_add_epi32(w, _mm_alignr_epi8(msg[(i + 3) & 3], msg[(i + 2) & 3], 4));
                w = _mm_sha256msg2_epu32(w, msg[(i + 3) & 3]);
            }
            msg[i & 3] = w;
            k = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)&ROUND_K[4 * i]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(k, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }
    t = _mm_shuffle_epi32(abef, 0x1B);                                  /* FEBA */
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);                               /* DCHG */
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(t, cdgh, 0xF0));   /* DCBA */
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(cdgh, t, 8));      /* HGFE */
}
#endif

static void compress_blocks(struct sha256 *s, const unsigned char *data, size_t blocks) {
#ifdef HAVE_SHA_NI_PATH
    if (s->use_sha_ni) { compress_sha_ni(s->state, data, blocks); return; }
#endif
    for (; blocks > 0; blocks--, data += 64) compress(s->state, data);
}

void sha256_init(struct sha256 *s) {
    static const uint32_t initial[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    };
    memcpy(s->state, initial, sizeof initial);
    s->length = 0;
    s->fill = 0;
#ifdef HAVE_SHA_NI_PATH
    s->use_sha_ni = cpu_has_sha_ni();
#else
    s->use_sha_ni = 0;
#endif
}

void sha256_update(struct sha256 *s, const void *data, size_t len) {
    const unsigned char *p = data;
    s->length += len;
    if (s->fill > 0) {
        size_t take = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->block + s->fill, p, take);
        s->fill += take; p += take; len -= take;
        if (s->fill < 64) return;
        compress_blocks(s, s->block, 1);
        s->fill = 0;
    }
    /* Whole blocks straight from the caller's bytes: no copy. */
    compress_blocks(s, p, len / 64);
    p += len / 64 * 64;
    len %= 64;
    memcpy(s->block, p, len);
    s->fill = len;
}

void sha256_final(struct sha256 *s, unsigned char digest[SHA256_SIZE]) {
    uint64_t bits = s->length * 8;
    int i;
    s->block[s->fill++] = 0x80;
    if (s->fill > 56) {
        memset(s->block + s->fill, 0, 64 - s->fill);
        compress_blocks(s, s->block, 1);
        s->fill = 0;
    }
    memset(s->block + s->fill, 0, 56 - s->fill);
    store_be32(s->block + 56, (uint32_t)(bits >> 32));
    store_be32(s->block + 60, (uint32_t)bits);
    compress_blocks(s, s->block, 1);
    for (i = 0; i < 8; i++) store_be32(digest + 4 * i, s->state[i]);
}

void sha256_hex(const unsigned char digest[SHA256_SIZE], char hex[2 * SHA256_SIZE + 1]) {
    static const char DIGITS[] = "0123456789abcdef";
    int i;
    for (i = 0; i < SHA256_SIZE; i++) {
        hex[2 * i] = DIGITS[digest[i] >> 4];
        hex[2 * i + 1] = DIGITS[digest[i] & 15];
    }
    hex[2 * SHA256_SIZE] = '\0';
}
