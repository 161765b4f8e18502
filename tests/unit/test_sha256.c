/*
** test_sha256.c: src/batch/sha256.c against the FIPS 180-2 test vectors
** (appendix B: "abc", the 448-bit message, a million 'a's), plus the empty
** message and a message fed in uneven pieces, which must hash the same.
** Each check runs on the portable C rounds and, where the CPU has them,
** on the SHA instructions.
*/
#include <string.h>
#include "check.h"
#include "../../src/batch/sha256.h"

static int portable_only;     /* set: run the C rounds even on a CPU with SHA-NI */

static void start(struct sha256 *s) {
    sha256_init(s);
    if (portable_only) s->use_sha_ni = 0;
}

static void hex_of(const void *data, size_t len, char hex[65]) {
    struct sha256 s;
    unsigned char d[SHA256_SIZE];
    start(&s);
    sha256_update(&s, data, len);
    sha256_final(&s, d);
    sha256_hex(d, hex);
}

static void test_vector(const char *msg, const char *want) {
    char hex[65];
    hex_of(msg, strlen(msg), hex);
    CHECK_MSG(strcmp(hex, want) == 0, "sha256(\"%.20s...\") = %s, want %s", msg, hex, want);
}

static void test_million_a(void) {
    static char a[1000];
    struct sha256 s;
    unsigned char d[SHA256_SIZE];
    char hex[65];
    int i;
    memset(a, 'a', sizeof a);
    start(&s);
    for (i = 0; i < 1000; i++) sha256_update(&s, a, sizeof a);
    sha256_final(&s, d);
    sha256_hex(d, hex);
    CHECK_MSG(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
              "sha256(10^6 'a') = %s", hex);
}

/* Every split of a 200-byte message into two updates gives one digest:
** exercises the partial-block path at each offset. */
static void test_pieces(void) {
    unsigned char msg[200], d[SHA256_SIZE];
    char whole[65], split[65];
    size_t i, cut;
    int same = 1;
    for (i = 0; i < sizeof msg; i++) msg[i] = (unsigned char)(i * 7 + 3);
    hex_of(msg, sizeof msg, whole);
    for (cut = 0; cut <= sizeof msg; cut++) {
        struct sha256 s;
        start(&s);
        sha256_update(&s, msg, cut);
        sha256_update(&s, msg + cut, sizeof msg - cut);
        sha256_final(&s, d);
        sha256_hex(d, split);
        if (strcmp(whole, split) != 0) same = 0;
    }
    CHECK(same);
}

/* Both paths agree on every length from 0 to 300 bytes. */
static void test_paths_agree(void) {
    unsigned char msg[300];
    char fast[65], slow[65];
    size_t i, len;
    int same = 1;
    for (i = 0; i < sizeof msg; i++) msg[i] = (unsigned char)(i * 131 + 17);
    for (len = 0; len <= sizeof msg; len++) {
        portable_only = 0;
        hex_of(msg, len, fast);
        portable_only = 1;
        hex_of(msg, len, slow);
        if (strcmp(fast, slow) != 0) same = 0;
    }
    portable_only = 0;
    CHECK(same);
}

static void run_vectors(void) {
    test_vector("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    test_vector("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    test_vector("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* 55 and 56 bytes: the padding fits in one block, or needs a second. */
    test_vector("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    test_vector("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    test_million_a();
    test_pieces();
}

int main(void) {
    struct sha256 probe;
    sha256_init(&probe);
    printf("INFO sha256: %s\n", probe.use_sha_ni ? "SHA-NI and portable paths" : "portable path");
    run_vectors();
    portable_only = 1;
    run_vectors();
    portable_only = 0;
    test_paths_agree();
    return CHECK_DONE();
}
