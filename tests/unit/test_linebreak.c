/*
** test_linebreak.c: line breaking, against the Unicode conformance file
** and against the clreq rules for Chinese.
**
** LineBreakTest.txt states the untailored UAX #14 answer for thousands of
** short strings.  Our tailorings change some answers on purpose, so each
** failing case must be explained by one of the tailorings listed in
** `tailorings` below (with its own, independent idea of what the
** tailoring covers); a failure nothing explains fails the test.
**
** Usage: test_linebreak [LineBreakTest.txt [text-for-speed.txt]]
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "../../src/text/linebreak.h"

#define DEFAULT_TEST_FILE "/usr/share/unicode/auxiliary/LineBreakTest.txt"
#define MAX_CASE 64

/* ---------------------------------------------------------------------
** UTF-8 and a readable picture of the breaks.
*/

/* Decodes UTF-8 (assumed valid) into cps; returns the count. */
static size_t decode(const char *s, uint32_t *cps, size_t max) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p && n < max) {
        uint32_t cp = *p++;
        int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        if (more) cp &= 0x3F >> more;
        while (more-- > 0 && *p) cp = cp << 6 | (*p++ & 0x3F);
        cps[n++] = cp;
    }
    return n;
}

static char *encode(uint32_t cp, char *out) {
    if (cp < 0x80) *out++ = (char)cp;
    else if (cp < 0x800) { *out++ = (char)(0xC0 | cp >> 6); *out++ = (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        *out++ = (char)(0xE0 | cp >> 12); *out++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *out++ = (char)(0xF0 | cp >> 18); *out++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *out++ = (char)(0x80 | (cp >> 6 & 0x3F)); *out++ = (char)(0x80 | (cp & 0x3F));
    }
    return out;
}

/* The text with "|" where a break is allowed and "!" where one is a
** must: "中国，是" -> "中|国，|是". */
static const char *picture(const char *text) {
    static char out[4096];
    uint32_t cps[512];
    unsigned char brk[512];
    size_t n = decode(text, cps, 512), i;
    char *o = out;
    linebreak_analyze(cps, n, brk);
    for (i = 0; i < n; i++) {
        if (brk[i] == LB_ALLOW) *o++ = '|';
        if (brk[i] == LB_MUST) *o++ = '!';
        o = encode(cps[i], o);
    }
    *o = 0;
    return out;
}

#define CHECK_BREAKS(text, want) do { const char *got_ = picture(text); \
    CHECK_MSG(strcmp(got_, want) == 0, "%s: got %s, want %s", text, got_, want); } while (0)

/* ---------------------------------------------------------------------
** The tailorings, as this test understands them.  Each explains a
** mismatch at boundary i of a test case (brk[i] against the expected
** `allowed`) or does not.
*/

struct tcase {
    uint32_t cps[MAX_CASE];
    int allowed[MAX_CASE];      /* allowed[i]: the file's ÷ before cps[i] */
    size_t n;
};

/* The brief's clreq lists, in all widths, written out again here. */
static const char clreq_no_start[] =
    "，。、；：？！）》」』】〕〗〙〛｝〉’”…‥·％‰℃"
    ")]},.:;!?%）］｝，．：；！？｡､｣"
    "・";      /* katakana middle dot, the 间隔号 of some fonts */
static const char clreq_no_end[] = "（《「『【〔〖〘〚｛〈‘“([{（［｛｢";

static int in_list(const char *list, uint32_t cp) {
    uint32_t cps[128];
    size_t n = decode(list, cps, 128), i;
    for (i = 0; i < n; i++)
        if (cps[i] == cp) return 1;
    return 0;
}

static int is_mark(uint32_t cp) {
    int c = linebreak_class(cp);
    return c == LB_CM || c == LB_ZWJ;
}

/* T1: a break now allowed beside a Chinese quotation mark. */
static int explains_quotes(const struct tcase *t, size_t i, int got) {
    size_t b = i - 1;
    while (b > 0 && is_mark(t->cps[b])) b--;
    return got && (t->cps[i] == 0x201C || t->cps[i] == 0x2018 ||
                   t->cps[b] == 0x201D || t->cps[b] == 0x2019);
}

/* T2: no break before a character no line starts with. */
static int explains_no_start(const struct tcase *t, size_t i, int got) {
    return !got && in_list(clreq_no_start, t->cps[i]);
}

/* T3: no break after an opening character, or it and spaces. */
static int explains_no_end(const struct tcase *t, size_t i, int got) {
    size_t b = i - 1;
    while (b > 0 && t->cps[b] == 0x20) b--;
    return !got && in_list(clreq_no_end, t->cps[b]);
}

/* T4: no break inside a doubled dash or ellipsis. */
static int explains_pairs(const struct tcase *t, size_t i, int got) {
    uint32_t cp = t->cps[i];
    return !got && cp == t->cps[i - 1] && (cp == 0x2014 || cp == 0x2026);
}

/* T5: no break between a digit and a Han character after it. */
static int explains_number_unit(const struct tcase *t, size_t i, int got) {
    size_t b = i - 1;
    uint32_t cp = t->cps[i];
    while (b > 0 && is_mark(t->cps[b])) b--;
    return !got && linebreak_class(t->cps[b]) == LB_NU && cp >= 0x4E00 && cp <= 0x9FFF;
}

/* T6: inside a URL, breaks only after / . - ? & = */
static int explains_url(const struct tcase *t, size_t i, int got) {
    char ascii[MAX_CASE + 1];
    size_t k;
    for (k = 0; k < t->n; k++)
        ascii[k] = t->cps[k] < 0x80 ? (char)t->cps[k] : ' ';
    ascii[t->n] = 0;
    if (!strstr(ascii, "http://") && !strstr(ascii, "https://") && !strstr(ascii, "www."))
        return 0;
    return !got || strchr("/.-?&=", ascii[i - 1]) != NULL;
}

static const struct tailoring {
    const char *name, *reason;
    int (*explains)(const struct tcase *t, size_t i, int got);
} tailorings[] = {
    { "cjk-quotes", "break allowed before “‘ and after ”’ between wide characters "
      "(Unicode 15.1 LB19a)", explains_quotes },
    { "clreq-no-start", "clreq: no line starts with closing or stop punctuation, "
      "even after a space or U+200B", explains_no_start },
    { "clreq-no-end", "clreq: no line ends with opening punctuation", explains_no_end },
    { "pairs", "clreq: —— and …… are never split", explains_pairs },
    { "number-unit", "a numeral keeps its Chinese magnitude or unit (3.5万)",
      explains_number_unit },
    { "url", "inside a URL, breaks only after / . - ? & =", explains_url },
};
#define NTAILORINGS (sizeof tailorings / sizeof tailorings[0])

/* ---------------------------------------------------------------------
** LineBreakTest.txt
*/

/* Parses one line of the file: "× 0023 ÷ 0020 ÷  # comment".  Returns
** 0 for comments and blank lines. */
static int parse_case(char *line, struct tcase *t) {
    char *hash = strchr(line, '#'), *tok;
    if (hash) *hash = 0;
    t->n = 0;
    for (tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
        if (strcmp(tok, "\xC3\xB7") == 0) t->allowed[t->n] = 1;        /* ÷ */
        else if (strcmp(tok, "\xC3\x97") == 0) t->allowed[t->n] = 0;   /* × */
        else if (t->n < MAX_CASE - 1) t->cps[t->n++] = (uint32_t)strtoul(tok, NULL, 16);
    }
    return t->n > 0;
}

/* Runs one case; returns 1 if it passes, else records in `counts` the
** tailorings that explain its mismatches and returns 0 (or -1 when
** some mismatch has no explanation). */
static int run_case(const struct tcase *t, int *counts, const char *line) {
    unsigned char brk[MAX_CASE];
    int used[NTAILORINGS] = { 0 }, ok = 1, explained = 1;
    size_t i, k;
    linebreak_analyze(t->cps, t->n, brk);
    for (i = 1; i < t->n; i++) {
        int got = brk[i] != LB_NO, found = 0;
        if (got == t->allowed[i]) continue;
        ok = 0;
        for (k = 0; k < NTAILORINGS && !found; k++)
            if (tailorings[k].explains(t, i, got)) used[k] = found = 1;
        if (!found) explained = 0;
        CHECK_MSG(found, "LineBreakTest: %s at boundary %zu: got %s", line, i,
                  got ? "break" : "no break");
    }
    if (ok) return 1;
    for (k = 0; k < NTAILORINGS; k++) counts[k] += used[k];
    return explained ? 0 : -1;
}

static void test_conformance(const char *path) {
    FILE *f = fopen(path, "r");
    char line[2048], copy[2048];
    int counts[NTAILORINGS] = { 0 }, total = 0, passed = 0;
    size_t k;
    struct tcase t;
    CHECK_MSG(f != NULL, "cannot open %s (apt-get install unicode-data)", path);
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        strcpy(copy, line);
        copy[strcspn(copy, "#\n")] = 0;
        if (!parse_case(line, &t)) continue;
        total++;
        passed += run_case(&t, counts, copy) == 1;
    }
    fclose(f);
    CHECK_MSG(total > 7000, "only %d cases in %s", total, path);
    printf("PASSCOUNT LineBreakTest.txt: %d of %d cases pass\n", passed, total);
    for (k = 0; k < NTAILORINGS; k++)
        printf("INFO tailoring %s: %d cases (reason: %s)\n", tailorings[k].name,
               counts[k], tailorings[k].reason);
}

/* ---------------------------------------------------------------------
** clreq and the other tailorings on real sentences.
*/

static void test_sentences(void) {
    CHECK_BREAKS("中国，是一个国家。", "中|国，|是|一|个|国|家。");
    CHECK_BREAKS("报告、白皮书；调查：结论？是！", "报|告、|白|皮|书；|调|查：|结|论？|是！");
    CHECK_BREAKS("《报告》（2019年）", "《报|告》|（2019年）");
    CHECK_BREAKS("他说：“你好！”然后走了。", "他|说：|“你|好！”|然|后|走|了。");
    CHECK_BREAKS("所谓‘安全’问题", "所|谓|‘安|全’|问|题");
    CHECK_BREAKS("「引用」『书名』【注】", "「引|用」|『书|名』|【注】");
    CHECK_BREAKS("他说——不……", "他|说|——|不……");
    /* a numeral keeps all its units, and a date its parts (issue 11) */
    CHECK_BREAKS("增长20.4%，约3.5万亿元", "增|长|20.4%，|约|3.5万亿元");
    CHECK_BREAKS("2019-12发布", "2019-12|发|布");
    CHECK_BREAKS("2019年12月", "2019年12月");
    CHECK_BREAKS("于2018 年发布", "于|2018 年|发|布");
    CHECK_BREAKS("约1.2 亿元规模", "约|1.2 亿元|规|模");
    CHECK_BREAKS("于4 月 29 日发布", "于|4 月 29 日|发|布");
    CHECK_BREAKS("全球第 64 位。", "全|球|第 64 位。");
    CHECK_BREAKS("共 3 人参加", "共 |3 人|参|加");
    CHECK_BREAKS("价格$1,000.00美元", "价|格|$1,000.00|美|元");
    CHECK_BREAKS("占比50％以上", "占|比|50％|以|上");
    CHECK_BREAKS("GCI 2018排名", "GCI |2018|排|名");
    CHECK_BREAKS("使用Lua脚本", "使|用|Lua|脚|本");
    CHECK_BREAKS("张三·李四", "张|三·|李|四");    /* · never starts a line */
    CHECK_BREAKS("一\n二", "一\n!二");
    CHECK_BREAKS("can’t stop", "can’t |stop");
    CHECK_BREAKS("详见https://www.caict.ac.cn/kxyj/qwfb/index.html?id=3&p=2获取",
                 "详|见|https://www.caict.|ac.|cn/|kxyj/|qwfb/|index.|html?|id=|3&|p=2|获|取");
    CHECK_BREAKS("see www.example.com/a-b/c for", "see |www.example.|com/|a-|b/c |for");
    CHECK_BREAKS("网址（http://example.org/x）。", "网|址|（http://example.|org/x）。");
    /* URLs break after / . - ? & = before a letter or digit only: not inside
    ** "https://", not between two separators, not before the last character,
    ** and a URL's closing sentence punctuation is not part of it */
    CHECK_BREAKS("http://a.b//c?&d=e/f.", "http://a.|b//|c?&|d=|e/f.");
    CHECK_BREAKS("https://x.org/a/ b", "https://x.|org/|a/ |b");
}

/* Thai, Lao, Khmer and Myanmar (class SA) break at spaces and zero-width
** spaces only, never between letters or before a mark: without a word
** dictionary, a wrong break inside a word is worse than none. */
static void test_southeast_asian(void) {
    CHECK_BREAKS("ภาษาไทย ที่น้ำ", "ภาษาไทย |ที่น้ำ");
    CHECK_BREAKS("ພາສາລາວ ລາວ", "ພາສາລາວ |ລາວ");
    CHECK_BREAKS("ភាសា\u200Bខ្មែរ", "ភាសា\u200B|ខ្មែរ");
    CHECK_BREAKS("မြန်မာ နိုင်ငံ", "မြန်မာ |နိုင်ငံ");
    CHECK_BREAKS("泰国ไทย老挝", "泰|国|ไทย|老|挝");
}

/* Every clreq no-start character, after any kind of text and after a
** space, is kept off the start of a line; every no-end character, before
** any kind of text and before spaces, off the end. */
static void test_prohibitions(void) {
    static const char *before[] = { "汉", "a", "1", "汉 ", "）", "。", "—" };
    static const char *after[] = { "汉", "a", "1", " 汉", "（", "—", "“字" };
    uint32_t list[128], cps[16];
    unsigned char brk[16];
    size_t n, i, j, k, m;
    n = decode(clreq_no_start, list, 128);
    for (i = 0; i < n; i++) {
        CHECK_MSG(linebreak_no_start(list[i]), "U+%04X not no-start", (unsigned)list[i]);
        for (j = 0; j < sizeof before / sizeof before[0]; j++) {
            m = decode(before[j], cps, 8);
            cps[m] = list[i];
            cps[m + 1] = 0x6C49;
            linebreak_analyze(cps, m + 2, brk);
            CHECK_MSG(brk[m] == LB_NO, "break before U+%04X after \"%s\"",
                      (unsigned)list[i], before[j]);
        }
    }
    n = decode(clreq_no_end, list, 128);
    for (i = 0; i < n; i++) {
        CHECK_MSG(linebreak_no_end(list[i]), "U+%04X not no-end", (unsigned)list[i]);
        for (j = 0; j < sizeof after / sizeof after[0]; j++) {
            cps[0] = 0x6C49;
            cps[1] = list[i];
            m = 2 + decode(after[j], cps + 2, 8);
            linebreak_analyze(cps, m, brk);
            for (k = 2; k < m && (k == 2 || cps[k - 1] == 0x20); k++)
                CHECK_MSG(brk[k] == LB_NO, "break after U+%04X before \"%s\"",
                          (unsigned)list[i], after[j]);
        }
    }
    /* ordinary characters are neither */
    CHECK(!linebreak_no_start(0x6C49) && !linebreak_no_end(0x6C49));
    CHECK(!linebreak_no_start('a') && !linebreak_no_end('a') && !linebreak_no_start(' '));
    CHECK(!linebreak_no_start(0x201C) && !linebreak_no_end(0x201D));
    CHECK(!linebreak_no_start(0x1F600) && !linebreak_no_end(0x20000));
}

/* Han beside Han, and Han beside Latin, may break. */
static void test_han(void) {
    uint32_t cps[4] = { 0x4E2D, 0x6587, 'A', 0x5B57 };
    unsigned char brk[4];
    linebreak_analyze(cps, 4, brk);
    CHECK(brk[0] == LB_NO && brk[1] == LB_ALLOW && brk[2] == LB_ALLOW && brk[3] == LB_ALLOW);
    CHECK(linebreak_class(0x4E2D) == LB_ID && linebreak_class(0x20000) == LB_ID);
    CHECK(linebreak_class(0x3002) == LB_CL && linebreak_class(0x0E01) == LB_AL);  /* SA -> AL */
    /* LB1: SA Mn -> CM, CJ -> NS */
    CHECK(linebreak_class(0x0E31) == LB_CM && linebreak_class(0x3041) == LB_NS);
    CHECK(linebreak_class(0x00B7) == LB_AL && linebreak_class(0xE0000) == LB_AL); /* AI, XX -> AL */
    CHECK(linebreak_class(0x110000) == LB_AL && linebreak_class(0x1F1E6) == LB_RI);
    linebreak_analyze(cps, 0, brk);     /* nothing to do, nothing touched */
}

/* ---------------------------------------------------------------------
** Speed: code points per second on a long Chinese text.
*/

static uint32_t *load_text(const char *path, size_t *n) {
    static const char paragraph[] =
        "本报告版权属于中国信息通信研究院（工业和信息化部电信研究院），并受法律保护。"
        "转载、摘编或利用其它方式使用本白皮书文字或者观点的，应注明“来源：中国信息通信研究院”。"
        "2019年，东盟数字经济规模约为1000亿美元，同比增长20.4%，预计2025年将达到3000亿美元。"
        "根据GCI 2018排名，新加坡位列第6位，详见https://www.itu.int/gci。\n";
    char *text = NULL;
    uint32_t *cps;
    size_t len = 0, i;
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (f) {
        fseek(f, 0, SEEK_END);
        len = (size_t)ftell(f);
        rewind(f);
        text = malloc(len + 1);
        len = fread(text, 1, len, f);
        text[len] = 0;
        fclose(f);
    } else {
        len = 400 * (sizeof paragraph - 1);
        text = malloc(len + 1);
        for (i = 0; i < 400; i++)
            memcpy(text + i * (sizeof paragraph - 1), paragraph, sizeof paragraph - 1);
        text[len] = 0;
    }
    cps = malloc((len + 1) * sizeof *cps);
    *n = decode(text, cps, len + 1);
    free(text);
    return cps;
}

static void measure_speed(const char *path) {
    size_t n, rounds = 0, total = 0;
    uint32_t *cps = load_text(path, &n);
    unsigned char *brk = malloc(n ? n : 1);
    struct timespec t0, t1;
    double secs;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        linebreak_analyze(cps, n, brk);
        total += n;
        rounds++;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    } while (secs < 0.3 && rounds < 100000);
    printf("INFO linebreak speed: %.1f million code points/s (%zu code points x %zu rounds, %s)\n",
           total / secs / 1e6, n, rounds, path ? path : "built-in text");
    free(brk);
    free(cps);
}

int main(int argc, char **argv) {
    printf("INFO linebreak data: Unicode %s\n", lbdata_unicode_version);
    test_conformance(argc > 1 ? argv[1] : DEFAULT_TEST_FILE);
    test_sentences();
    test_prohibitions();
    test_han();
    test_southeast_asian();
    measure_speed(argc > 2 ? argv[2] : NULL);
    return CHECK_DONE();
}
