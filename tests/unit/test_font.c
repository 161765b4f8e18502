/*
** test_font.c: the OpenType reader, the TrueType and CFF subsetters and the
** ToUnicode CMap, against the fonts Debian ships (fonts-arphic-uming,
** fonts-wqy-microhei, fonts-dejavu-core, fonts-droid-fallback,
** fonts-noto-cjk).
**
** Expected values were read from the same files with fontTools 4.38; they
** are facts about those packages' files, so a failing check means our
** parser disagrees with fontTools.  A font that is not installed is
** skipped with an INFO line rather than failed.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "../../src/font/ttf.h"
#include "../../src/font/subset.h"
#include "../../src/font/tounicode.h"
#include "../../src/font/cff.h"

#define UMING  "/usr/share/fonts/truetype/arphic/uming.ttc"
#define WQY    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
#define DROID  "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
#define NOTO_SERIF "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"

/* The characters libharu 2.3.0 breaks in DroidSansFallbackFull: composites
** whose components have ids above 32767. */
static const char broken_in_libharu[] = "盟络现研究报新";

/* Common characters, in rough frequency order; the first 500 distinct ones
** make the size and speed figures. */
static const char common_text[] =
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出要于就下得可你年生"
    "自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与"
    "好看学进种将还分此心前面又定见只主没公从知使全等把合文已回两新部高意长本实现手政"
    "四关外间由相明问理体开才力结被战向机重社最正月物情代因变样老打加量电车海信路教提"
    "解决点色建几气表入员性反特民务条各研究报盟络很第名美件界院安少再系世受取计资规林"
    "接住制张期集认较委白达题器话群速深济克象且任化山式放产记位别持东科影须线果拉越完"
    "利元术史听通基流思更青城南门农风花难百早太何备根身近热金台即议字步万失快区必管布"
    "华德交况称酒北商写观低片传火言类团价养强支音往千众亲江清斗官视引极品义装河收改程"
    "示五设际县保八许光指断争证转易领权列维半空级例需帮照育格吃坐座离料增企营包效层注"
    "导独识府算复望红吗送整兵哪眼乡服树六跟调验陈号却士推势精讲石连尽友村黑王参朝谈试"
    "满语续古医游哥值职段广乐兴命球哈湖图省曾土师福药星呢故岁论环适苦阿冷温错油刚存欢"
    "奇律项属随夫黄亚底香充紧母承脸歌顾预欧孩晚皮谁喜微约急雪叫落切仍助超句双站巴跑罗"
    "朋希供卫沙苏杨止按刘念婚杀吧益皇钱选尔血爱排技造令局负京春铁般李怕兰叶责钟停状练"
    "织细刻讨顺妈费配鱼呼留妇康杂骨湾谓尼移永积笑洲礼板判阳亿纪爸临吸银终某角突波防攻"
    "免阵破街险读归阶尚奖编材轻帝虽唱草州味既贵宝坚模显洋担副冲毛乎端剧词素章训左宣宗";

/* ---- helpers ------------------------------------------------------------------ */

static inline unsigned rd16(const uint8_t *p) { return (unsigned)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Next code point of a UTF-8 string (input is our own literals: valid). */
static uint32_t utf8_next(const char **s) {
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t cp;
    int extra = p[0] < 0x80 ? 0 : p[0] < 0xE0 ? 1 : p[0] < 0xF0 ? 2 : 3;
    cp = extra == 0 ? p[0] : p[0] & (0x3F >> extra);
    for (int i = 1; i <= extra; i++) cp = cp << 6 | (p[i] & 0x3F);
    *s += extra + 1;
    return cp;
}

/* Up to `max` distinct code points of `text`. */
static unsigned distinct_cps(const char *text, uint32_t *cps, unsigned max) {
    unsigned n = 0, i;
    while (*text && n < max) {
        uint32_t cp = utf8_next(&text);
        for (i = 0; i < n && cps[i] != cp; i++) {}
        if (i == n) cps[n++] = cp;
    }
    return n;
}

static int have_file(const char *path) {
    if (access(path, R_OK) == 0) return 1;
    printf("INFO test_font: %s not installed, its checks skipped\n", path);
    return 0;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int write_file(const char *path, const void *data, size_t len) {
    FILE *fp = fopen(path, "wb");
    int ok = fp && fwrite(data, 1, len, fp) == len;
    if (fp && fclose(fp) != 0) ok = 0;
    return ok;
}

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    uint8_t *data = NULL;
    long size;
    if (fp == NULL) return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0
        && (data = malloc((size_t)size)) != NULL) {
        *len = fread(data, 1, (size_t)size, fp);
    }
    fclose(fp);
    return data;
}

/* Scratch files go to a directory of this run's own, so two runs of the
** suite at once (make test beside make check-asan) never rewrite a font
** the other has mapped. */
static char scratch_dir[64];

static void scratch(char path[256], const char *name) {
    snprintf(path, 256, "%s/%s", scratch_dir, name);
}

static void remove_scratch(const char *name) {
    char path[256];
    scratch(path, name);
    unlink(path);
}

/* Write `path` through a temporary name and rename: a reader never sees
** a half-written file. */
static int publish(const char *path, const void *data, size_t len) {
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
    return write_file(tmp, data, len) && rename(tmp, path) == 0;
}

/* ---- reading the Debian fonts ------------------------------------------------ */

struct lookup { uint32_t cp; unsigned gid; int advance; };

struct face_facts {
    const char *path;
    int face;
    int upem, ascent, descent, line_gap, bbox[4];
    unsigned num_glyphs;
    int weight, cap_height, x_height;
    const char *ps_name;
    struct lookup lookups[8];
};

static const struct face_facts facts[] = {
    { UMING, 0, 1024, 917, -155, 6, {-64, -155, 1034, 917}, 27123, 300, 694, 495, "UMingCN",
      {{'A', 36, 512}, {0x4E2D, 2190, 1024}, {0x76DF, 11331, 1024}, {0xFF0C, 22426, 1024},
       {',', 15, 512}, {0x20021, 20517, 1024}, {0x20000, 0, 0}, {0}} },
    { UMING, 1, 1024, 917, -155, 6, {-64, -155, 1034, 917}, 27123, 300, 694, 495, "UMingHK",
      {{'A', 36, 512}, {0x65B0, 7492, 1024}, {0}} },
    { UMING, 2, 1024, 917, -155, 6, {-64, -155, 1034, 917}, 27123, 300, 694, 495, "UMingTW",
      {{0x7EDC, 13077, 1024}, {0}} },
    { UMING, 3, 1024, 917, -155, 6, {-64, -155, 1034, 917}, 27123, 300, 694, 495, "UMingTWMBE",
      {{0x62A5, 6809, 1024}, {0}} },
    { WQY, 0, 2048, 1918, -483, 0, {-1143, -555, 2394, 2163}, 49531, 400, 1462, 1098,
      "WenQuanYiMicroHei",
      {{'A', 36, 1245}, {0x4E2D, 2012, 2048}, {0x76DF, 12430, 2048}, {',', 15, 512},
       {0x10400, 34584, 1304}, {0xFF0C, 34429, 2048}, {0}} },
    { WQY, 1, 2048, 1918, -483, 0, {-1143, -555, 2394, 2163}, 49531, 400, 1462, 1098,
      "WenQuanYiMicroHeiMono",
      {{'A', 48666, 1229}, {',', 48645, 1229}, {0x4E2D, 2012, 2048}, {0}} },
    { DEJAVU, 0, 2048, 1901, -483, 0, {-1576, -710, 4312, 2272}, 3528, 400, 1493, 1063,
      "DejaVuSerif",
      {{'A', 36, 1479}, {',', 15, 651}, {0x4E2D, 0, 0}, {0x1D434, 3342, 1479}, {0}} },
    { DROID, 0, 256, 267, -68, 0, {0, -61, 257, 231}, 49382, 400, 183, 137,
      "DroidSansFallback",
      {{'A', 0, 0}, {',', 0, 0}, {0x4E2D, 7109, 256}, {0x76DF, 17527, 256},
       {0x7EDC, 19572, 256}, {0x65B0, 13128, 256}, {0xFF0C, 28334, 256}, {0x10400, 28486, 163}} },
};

static void check_face(const struct face_facts *x) {
    struct ttf_font *f;
    struct rc_err err = {0};
    const struct ttf_metrics *m;
    int rc = ttf_open(x->path, x->face, &f, &err);
    CHECK_MSG(rc == RC_OK, "%s face %d: %s", x->path, x->face, err.msg);
    if (rc != RC_OK) return;
    m = ttf_metrics(f);
    CHECK(strcmp(ttf_path(f), x->path) == 0);
    CHECK_MSG(m->units_per_em == x->upem, "%s/%d upem %d", x->path, x->face, m->units_per_em);
    CHECK(m->ascent == x->ascent && m->descent == x->descent && m->line_gap == x->line_gap);
    CHECK(memcmp(m->bbox, x->bbox, sizeof m->bbox) == 0);
    CHECK_MSG(ttf_num_glyphs(f) == x->num_glyphs, "%s/%d numGlyphs %u", x->path, x->face,
              ttf_num_glyphs(f));
    CHECK(m->weight == x->weight);
    CHECK_MSG(m->cap_height == x->cap_height && m->x_height == x->x_height,
              "%s/%d cap %d x %d", x->path, x->face, m->cap_height, m->x_height);
    CHECK(m->italic_angle == 0 && m->fixed_pitch == 0);
    CHECK_MSG(strcmp(m->ps_name, x->ps_name) == 0, "%s/%d ps_name '%s'", x->path, x->face,
              m->ps_name);
    for (const struct lookup *l = x->lookups; l < x->lookups + 8 && l->cp; l++) {
        unsigned gid = ttf_glyph_index(f, l->cp);
        CHECK_MSG(gid == l->gid, "%s/%d U+%04X -> %u, want %u", x->path, x->face,
                  (unsigned)l->cp, gid, l->gid);
        if (gid) CHECK_MSG(ttf_glyph_advance(f, (uint16_t)gid) == l->advance,
                           "%s/%d U+%04X advance %d", x->path, x->face, (unsigned)l->cp,
                           ttf_glyph_advance(f, (uint16_t)gid));
    }
    ttf_close(f);
}

/* Tables by tag, glyphs past numberOfHMetrics, and glyph data bounds. */
static void check_tables_and_glyphs(void) {
    struct ttf_font *f;
    struct rc_err err = {0};
    const uint8_t *p, *data;
    size_t len;
    if (!have_file(DROID) || ttf_open(DROID, 0, &f, &err) != RC_OK) return;
    p = ttf_table(f, "head", &len);
    CHECK(p != NULL && len == 54 && rd32(p + 12) == 0x5F0F3CF5);
    CHECK(ttf_table(f, "CFF ", &len) == NULL && len == 0);
    /* DroidSansFallbackFull has 28492 long metrics for 49382 glyphs; the
    ** last one repeats (fontTools: glyph 40000 advances 256). */
    CHECK(ttf_glyph_advance(f, 40000) == 256);
    CHECK(ttf_glyph_advance(f, 65535) == 0);
    CHECK(ttf_glyph_data(f, 0, &data, &len, &err) == RC_OK);
    CHECK(ttf_glyph_data(f, 65535, &data, &len, &err) == RC_FONT && data == NULL);
    CHECK(strstr(err.msg, DROID) != NULL);
    ttf_close(f);
}

/* ---- subsets ----------------------------------------------------------------- */

/* The sfnt container: tags sorted, search hints, four-byte alignment,
** table checksums and head.checkSumAdjustment. */
static void check_sfnt(const uint8_t *p, size_t len, const char *what) {
    unsigned n = rd16(p + 4), i, pow2 = 1, log2 = 0;
    uint32_t sum = 0;
    CHECK_MSG(rd32(p) == 0x00010000, "%s: sfnt version", what);
    while (pow2 * 2 <= n) { pow2 *= 2; log2++; }
    CHECK_MSG(rd16(p + 6) == pow2 * 16 && rd16(p + 8) == log2 && rd16(p + 10) == n * 16 - pow2 * 16,
              "%s: search hints", what);
    for (i = 0; i < n; i++) {
        const uint8_t *rec = p + 12 + 16 * i;
        uint32_t off = rd32(rec + 8), tlen = rd32(rec + 12), tsum = 0, j;
        CHECK_MSG(off % 4 == 0 && off + tlen <= len, "%s: table %.4s placement", what, rec);
        if (i > 0) CHECK_MSG(memcmp(rec - 16, rec, 4) < 0, "%s: tags unsorted at %.4s", what, rec);
        for (j = 0; j < ((tlen + 3) & ~3u); j += 4) tsum += rd32(p + off + j);
        if (memcmp(rec, "head", 4) == 0) tsum -= rd32(p + off + 8);
        CHECK_MSG(tsum == rd32(rec + 4), "%s: checksum of %.4s", what, rec);
    }
    CHECK_MSG(len % 4 == 0, "%s: length %zu not a multiple of 4", what, len);
    for (i = 0; i + 4 <= len; i += 4) sum += rd32(p + i);
    CHECK_MSG(sum == 0xB1B0AFBA, "%s: checkSumAdjustment", what);
}

/* Glyph `new_gid` of the subset equals its original, byte for byte, except
** that component ids are the subset's ids for the original components. */
static int same_outline(const struct font_subset *s, const struct ttf_font *orig,
                        const struct ttf_font *sub, unsigned new_gid, int *high_components) {
    const uint8_t *a, *b;
    size_t alen, blen, pos = 10;
    struct rc_err err;
    if (ttf_glyph_data(orig, font_subset_original(s, (uint16_t)new_gid), &a, &alen, &err) != RC_OK
        || ttf_glyph_data(sub, (uint16_t)new_gid, &b, &blen, &err) != RC_OK)
        return 0;
    /* The subset pads each glyph to four bytes; fonts may already have. */
    if (blen < alen || blen - alen > 3) return 0;
    if (alen < 10 || (int16_t)rd16(a) >= 0) return memcmp(a, b, alen) == 0;
    if (memcmp(a, b, 10) != 0) return 0;
    for (;;) {
        unsigned flags = rd16(a + pos), old_c = rd16(a + pos + 2), new_c = rd16(b + pos + 2);
        size_t size = 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
        if (flags != rd16(b + pos) || font_subset_original(s, (uint16_t)new_c) != old_c) return 0;
        if (memcmp(a + pos + 4, b + pos + 4, size - 4) != 0) return 0;
        *high_components += old_c > 32767;
        pos += size;
        if (!(flags & 0x20)) break;
    }
    return memcmp(a + pos, b + pos, alen - pos) == 0;   /* instructions */
}

/* SUBSET.map: source font and face, then the original id of each subset
** glyph, for tests/unit/verify_subset.py to compare outlines with
** fontTools. */
static void publish_glyph_map(const struct font_subset *s, const char *source, int face,
                              const char *font_path) {
    char map_path[300];
    struct buf map;
    buf_init(&map);
    buf_printf(&map, "%s %d\n", source, face);
    for (unsigned i = 0; i < font_subset_count(s); i++)
        buf_printf(&map, "%u\n", (unsigned)font_subset_original(s, (uint16_t)i));
    snprintf(map_path, sizeof map_path, "%s.map", font_path);
    CHECK(publish(map_path, map.data, map.len));
    buf_free(&map);
}

/* What a subset may weigh: its glyphs' source bytes, each padded, the
** tables copied whole, loca/hmtx entries, and the small fixed tables. */
static size_t expected_size_bound(const struct font_subset *s, const struct ttf_font *f) {
    static const char *const copied[] = { "OS/2", "name", "cvt ", "fpgm", "prep" };
    size_t total = 12 + 16 * 12 + 56 + 36 + 32 + 32 + 4, len;
    const uint8_t *data;
    struct rc_err err;
    for (unsigned i = 0; i < font_subset_count(s); i++) {
        if (ttf_glyph_data(f, font_subset_original(s, (uint16_t)i), &data, &len, &err) == RC_OK)
            total += (len + 3) & ~(size_t)3;
        total += 4 + 4;                             /* hmtx and loca entries */
    }
    for (unsigned i = 0; i < 5; i++)
        if (ttf_table(f, copied[i], &len)) total += (len + 3) & ~(size_t)3;
    return total;
}

struct subset_result { size_t bytes; unsigned glyphs; double ms; };

/* Subset the characters of `text` from one face, write it to NAME.ttf in
** the scratch directory, re-open it and compare every glyph with the
** source; then publish it as /tmp/reportc_test_NAME.ttf with its .map for
** verify_subset.py. */
static struct subset_result check_subset(const char *path, int face, const char *text,
                                         unsigned max_chars, const char *name,
                                         int expect_high_components) {
    char out_path[256], file[64], published[256];
    struct subset_result r = {0, 0, 0};
    struct ttf_font *f, *sub;
    struct font_subset *s, *again;
    struct rc_err err = {0};
    struct buf out, out2;
    uint32_t cps[600];
    uint16_t ids[600];
    unsigned n = distinct_cps(text, cps, max_chars < 600 ? max_chars : 600), i, added;
    int high = 0, same = 1, rc;
    double t0;
    if (!have_file(path) || ttf_open(path, face, &f, &err) != RC_OK) return r;
    snprintf(file, sizeof file, "%s.ttf", name);
    scratch(out_path, file);
    snprintf(published, sizeof published, "/tmp/reportc_test_%s.ttf", name);
    buf_init(&out);
    buf_init(&out2);
    t0 = now_ms();
    s = font_subset_new(f);
    for (i = 0; i < n; i++) ids[i] = font_subset_add(s, ttf_glyph_index(f, cps[i]));
    added = font_subset_count(s);
    rc = font_subset_write(s, &out, &err);
    r.ms = now_ms() - t0;
    CHECK_MSG(rc == RC_OK, "subset of %s: %s", path, err.msg);
    r.bytes = out.len;
    r.glyphs = font_subset_count(s);
    CHECK(font_subset_count(s) >= added);
    for (i = 0; i < n; i++)
        CHECK(font_subset_original(s, ids[i]) == ttf_glyph_index(f, cps[i]));
    check_sfnt(out.data, out.len, out_path);
    CHECK(write_file(out_path, out.data, out.len));
    CHECK(publish(published, out.data, out.len));
    publish_glyph_map(s, path, face, published);

    /* Same glyphs in the same order: same bytes. */
    again = font_subset_new(f);
    for (i = 0; i < n; i++) font_subset_add(again, ttf_glyph_index(f, cps[i]));
    CHECK(font_subset_write(again, &out2, &err) == RC_OK);
    CHECK(out2.len == out.len && memcmp(out.data, out2.data, out.len) == 0);
    font_subset_free(again);

    rc = ttf_open(out_path, 0, &sub, &err);
    CHECK_MSG(rc == RC_OK, "re-opening subset: %s", err.msg);
    if (rc == RC_OK) {
        const struct ttf_metrics *m = ttf_metrics(sub), *o = ttf_metrics(f);
        CHECK(ttf_num_glyphs(sub) == font_subset_count(s));
        CHECK(m->units_per_em == o->units_per_em && m->ascent == o->ascent);
        size_t name_len;
        CHECK(ttf_table(sub, "name", &name_len) == NULL);  /* the PDF names the font */
        CHECK(m->ps_name[0] != '\0' && o->ps_name[0] != '\0');
        CHECK(ttf_glyph_index(sub, cps[0]) == 0);       /* no cmap in a subset */
        for (i = 0; i < font_subset_count(s); i++) {
            CHECK(ttf_glyph_advance(sub, (uint16_t)i)
                  == ttf_glyph_advance(f, font_subset_original(s, (uint16_t)i)));
            if (!same_outline(s, f, sub, i, &high)) {
                same = 0;
                printf("FAIL glyph %u (original %u) of %s differs\n", i,
                       (unsigned)font_subset_original(s, (uint16_t)i), out_path);
            }
        }
        CHECK(same);
        CHECK_MSG(out.len <= expected_size_bound(s, f), "%s: %zu bytes, more than its parts",
                  out_path, out.len);
        if (expect_high_components)
            CHECK_MSG(high > 0, "%s: no component ids above 32767 seen", out_path);
        ttf_close(sub);
    }
    buf_free(&out);
    buf_free(&out2);
    font_subset_free(s);
    ttf_close(f);
    return r;
}

static void check_subsets(void) {
    struct subset_result r;
    /* Each of these is a composite of two glyphs with ids above 32767. */
    check_subset(DROID, 0, broken_in_libharu, 600, "droid", 1);
    check_subset(DROID, 0, common_text, 200, "droid200", 1);
    check_subset(UMING, 0, "中文简报：联盟网络现状研究报告，新版。ABC abc 123", 600,
                 "uming", 0);
    check_subset(DEJAVU, 0, "Hello, World! Ærøskøbing ﬁ ŉ ǅ", 600, "dejavu", 0);

    r = check_subset(UMING, 0, common_text, 500, "uming500", 0);
    if (r.bytes)
        printf("INFO test_font: 500 common characters from uming.ttc: %u glyphs, %zu bytes, %.2f ms\n",
               r.glyphs, r.bytes, r.ms);
    /* WenQuanYi builds most Han characters from two "gref" components. */
    r = check_subset(WQY, 0, common_text, 500, "wqy500", 1);
    if (r.bytes)
        printf("INFO test_font: 500 common characters from wqy-microhei.ttc: %u glyphs, %zu bytes, %.2f ms\n",
               r.glyphs, r.bytes, r.ms);
}

/* ---- cmap subtables and names, by editing copies ------------------------------ */

/* The table record of `tag` in a font file held in memory (plain .ttf). */
static uint8_t *table_record(uint8_t *font, const char *tag) {
    for (unsigned i = 0; i < rd16(font + 4); i++)
        if (memcmp(font + 12 + 16 * i, tag, 4) == 0) return font + 12 + 16 * i;
    return NULL;
}

/* Make the cmap encoding records (platform, encoding) unusable by giving
** them encoding 99; the reader must then fall back to the next subtable. */
static void hide_cmap(uint8_t *font, unsigned platform, unsigned encoding) {
    uint8_t *rec = table_record(font, "cmap"), *cmap;
    if (rec == NULL) return;
    cmap = font + rd32(rec + 8);
    for (unsigned i = 0; i < rd16(cmap + 2); i++) {
        uint8_t *enc = cmap + 4 + 8 * i;
        if (rd16(enc) == platform && rd16(enc + 2) == encoding) enc[2] = 0, enc[3] = 99;
    }
}

/* Every code point below `limit` maps alike in both faces; returns how
** many were mapped at all. */
static unsigned same_cmap(const struct ttf_font *a, const struct ttf_font *b, uint32_t limit,
                          const char *what) {
    unsigned mapped = 0, bad = 0;
    for (uint32_t cp = 0; cp < limit; cp++) {
        uint16_t ga = ttf_glyph_index(a, cp), gb = ttf_glyph_index(b, cp);
        mapped += ga != 0;
        if (ga != gb && bad++ < 5) printf("FAIL %s: U+%04X -> %u and %u\n", what, (unsigned)cp, ga, gb);
    }
    CHECK_MSG(bad == 0, "%s: %u code points differ", what, bad);
    return mapped;
}

/* The edited image written to `tmp` and opened; NULL (a failed check)
** if that does not work. */
static struct ttf_font *open_edited(const uint8_t *data, size_t len, const char *tmp) {
    struct ttf_font *f = NULL;
    struct rc_err err = {0};
    CHECK_MSG(write_file(tmp, data, len) && ttf_open(tmp, 0, &f, &err) == RC_OK,
              "edited font: %s", err.msg);
    return f;
}

/* Format 4 (3,1) and format 12 (3,10), and (0,4) format 12 where the
** font has one, agree. */
static void check_cmap_formats(const char *path, int has_0_4, unsigned min_mapped) {
    struct ttf_font *orig, *variant;
    struct rc_err err = {0};
    size_t len = 0;
    uint8_t *data;
    char tmp[256];
    if (!have_file(path) || (data = read_file(path, &len)) == NULL) return;
    scratch(tmp, "cmap.ttf");
    if (ttf_open(path, 0, &orig, &err) != RC_OK) { CHECK(0); free(data); return; }

    hide_cmap(data, 3, 10);                 /* (0,4) format 12 is next */
    if ((variant = open_edited(data, len, tmp)) != NULL) {
        CHECK(same_cmap(orig, variant, has_0_4 ? 0x20000 : 0x10000, "(0,4) format 12") >= min_mapped);
        ttf_close(variant);
    }
    hide_cmap(data, 0, 4);                  /* now (3,1) format 4 */
    if ((variant = open_edited(data, len, tmp)) != NULL) {
        CHECK(same_cmap(orig, variant, 0x10000, "(3,1) format 4") >= min_mapped);
        CHECK(ttf_glyph_index(variant, 0x10400) == 0);   /* format 4 ends at U+FFFF */
        CHECK(ttf_glyph_index(variant, 0x1D434) == 0);
        ttf_close(variant);
    }
    hide_cmap(data, 3, 1);                  /* (0,3) format 4, where present */
    hide_cmap(data, 0, 3);                  /* and then nothing: lookups give 0 */
    if ((variant = open_edited(data, len, tmp)) != NULL) {
        CHECK(same_cmap(variant, variant, 0x10000, "no cmap") == 0);
        ttf_close(variant);
    }
    ttf_close(orig);
    unlink(tmp);
    free(data);
}

/* Without a name table the PostScript name comes from the file name,
** less what a PDF name cannot hold. */
static void check_name_fallback(void) {
    char tmp[256], droid[256];
    struct ttf_font *f;
    struct rc_err err = {0};
    size_t len = 0;
    uint8_t *data, *rec;
    scratch(tmp, "reportc test (x)[1]%.ttf");
    snprintf(droid, sizeof droid, "%s", DROID);   /* subsets carry no name table */
    data = read_file(droid, &len);
    if (data == NULL || (rec = table_record(data, "name")) == NULL) { CHECK(0); free(data); return; }
    memcpy(rec, "namX", 4);
    CHECK(write_file(tmp, data, len));
    CHECK(ttf_open(tmp, 0, &f, &err) == RC_OK);
    if (f) CHECK_MSG(strcmp(ttf_metrics(f)->ps_name, "reportctestx1") == 0, "'%s'",
                     ttf_metrics(f)->ps_name);
    ttf_close(f);
    unlink(tmp);
    free(data);
}

/* ---- bad input --------------------------------------------------------------- */

static void check_missing_and_truncated(void) {
    struct ttf_font *f = (struct ttf_font *)1;
    struct rc_err err = {0};
    size_t len = 0;
    uint8_t *data;
    static const uint8_t cff_header[16] = { 'O', 'T', 'T', 'O', 0, 0 };
    char cff[256], trunc[256];
    scratch(cff, "cff.otf");
    scratch(trunc, "trunc.ttf");
    CHECK(ttf_open("/nonexistent/font.ttf", 0, &f, &err) == RC_FONT && f == NULL);
    CHECK_MSG(strcmp(err.msg, "/nonexistent/font.ttf: cannot open font: No such file or directory") == 0,
              "message '%s'", err.msg);

    CHECK(write_file(cff, cff_header, sizeof cff_header));
    CHECK(ttf_open(cff, 0, &f, &err) == RC_FONT);
    CHECK_MSG(strstr(err.msg, cff) && strstr(err.msg, "table 'head' missing"),
              "message '%s'", err.msg);

    if (have_file(UMING)) {
        CHECK(ttf_open(UMING, 4, &f, &err) == RC_FONT && strstr(err.msg, "no face 4"));
        CHECK(ttf_open(UMING, -1, &f, &err) == RC_FONT);
    }
    if (!have_file(DEJAVU) || (data = read_file(DEJAVU, &len)) == NULL) return;
    CHECK(ttf_open(DEJAVU, 1, &f, &err) == RC_FONT);
    CHECK(write_file(trunc, data, 1000));
    CHECK(ttf_open(trunc, 0, &f, &err) == RC_FONT);
    CHECK_MSG(strncmp(err.msg, trunc, strlen(trunc)) == 0 && err.msg[strlen(trunc)] == ':',
              "message '%s'", err.msg);
    CHECK(write_file(trunc, data, 5));
    CHECK(ttf_open(trunc, 0, &f, &err) == RC_FONT);
    CHECK(write_file(trunc, data, 0));
    CHECK(ttf_open(trunc, 0, &f, &err) == RC_FONT);
    CHECK(ttf_open("/tmp", 0, &f, &err) == RC_FONT);
    unlink(trunc);
    unlink(cff);
    free(data);
}

/* xorshift: deterministic, and local to the caller. */
static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return *state = x;
}

/* Flip a few bytes, mostly inside the directory at `dir` and the tables
** the reader parses (a flip deep inside glyf teaches little); now and
** then cut the file short. */
static size_t mutate(uint8_t *p, size_t len, size_t dir, uint32_t *rnd) {
    unsigned n = rd16(p + dir + 4), flips = 1 + next_random(rnd) % 8, i;
    for (i = 0; i < flips; i++) {
        size_t at;
        uint32_t r = next_random(rnd);
        if (r % 4 == 0 || n == 0) {
            at = r / 4 % (dir + 12 + 16 * (size_t)n);
        } else {
            const uint8_t *rec = p + dir + 12 + 16 * (r / 4 % n);
            uint32_t off = rd32(rec + 8), tlen = rd32(rec + 12);
            if (off >= len) continue;
            if (tlen > len - off) tlen = (uint32_t)(len - off);
            if (tlen == 0) continue;
            at = off + next_random(rnd) % (tlen < 4096 ? tlen : 4096);
        }
        if (at < len) p[at] = (uint8_t)(next_random(rnd) % 3 == 0 ? p[at] ^ 0x80 : next_random(rnd));
    }
    if (next_random(rnd) % 16 == 0) len = next_random(rnd) % len;   /* truncate */
    return len;
}

/* Everything a document build does with a face, on whatever opened. */
static void exercise(struct ttf_font *f, uint32_t *rnd) {
    char sub_path[256];
    struct font_subset *s = font_subset_new(f);
    struct rc_err err = {0};
    struct buf out;
    const uint8_t *data;
    size_t len;
    unsigned i, n = ttf_num_glyphs(f);
    long sum = 0;
    buf_init(&out);
    scratch(sub_path, "fuzzsub.ttf");
    for (i = 0; i < 0x300; i++) sum += ttf_glyph_index(f, i);
    for (i = 0; i < 64; i++) sum += ttf_glyph_index(f, next_random(rnd) % 0x110000);
    for (i = 0; i < n + 2; i++) {
        sum += ttf_glyph_advance(f, (uint16_t)i);
        if (ttf_glyph_data(f, (uint16_t)i, &data, &len, &err) == RC_OK && len) sum += data[len - 1];
    }
    for (i = 'A'; i <= 'z'; i++) font_subset_add(s, ttf_glyph_index(f, i));
    for (i = 0; i < 32; i++) font_subset_add(s, (uint16_t)(next_random(rnd) % (n + 8)));
    if (font_subset_write(s, &out, &err) == RC_OK && write_file(sub_path, out.data, out.len)) {
        struct ttf_font *sub;
        if (ttf_open(sub_path, 0, &sub, &err) == RC_OK) {
            for (i = 0; i < ttf_num_glyphs(sub); i++)
                if (ttf_glyph_data(sub, (uint16_t)i, &data, &len, &err) == RC_OK && len) sum += data[0];
            ttf_close(sub);
        }
    } else {
        CHECK_MSG(err.code == RC_FONT && strstr(err.msg, ttf_path(f)),
                  "subset failure: %d '%s'", err.code, err.msg);
    }
    (void)sum;
    buf_free(&out);
    font_subset_free(s);
}

/* The collection check_mutations builds opens as face 0, and only that. */
static void check_ttc_of_one(const char *path) {
    struct ttf_font *f;
    struct rc_err err = {0};
    CHECK(ttf_open(path, 1, &f, &err) == RC_FONT && strstr(err.msg, "no face 1"));
    CHECK(ttf_open(path, 0, &f, &err) == RC_OK);
    if (f) {
        CHECK(ttf_metrics(f)->ps_name[0] != '\0' && ttf_num_glyphs(f) == 22);
        ttf_close(f);
    }
}

#ifndef MUTATION_ROUNDS
#define MUTATION_ROUNDS 300     /* -DMUTATION_ROUNDS=100000 for a long run */
#endif

/* `rounds` mutated copies of a font image through open, lookups, subset. */
static void fuzz(const uint8_t *orig, size_t len, size_t dir, int rounds, uint32_t seed,
                 const char *what) {
    uint8_t *copy = malloc(len);
    int round, opened = 0, refused = 0;
    char path[256];
    scratch(path, "fuzz.ttf");
    for (round = 0; round < rounds; round++) {
        struct ttf_font *f;
        struct rc_err err = {0};
        size_t mlen;
        memcpy(copy, orig, len);
        mlen = mutate(copy, len, dir, &seed);
        if (!write_file(path, copy, mlen)) { CHECK(0); break; }
        if (ttf_open(path, 0, &f, &err) != RC_OK) {
            refused++;
            CHECK_MSG(err.code == RC_FONT && strstr(err.msg, path),
                      "open failure: %d '%s'", err.code, err.msg);
            continue;
        }
        opened++;
        exercise(f, &seed);
        ttf_close(f);
    }
    printf("INFO test_font: %d mutated copies of %s: %d opened and exercised, %d refused\n",
           rounds, what, opened, refused);
    CHECK(opened > 0 && refused > 0);
    free(copy);
}

/* A plain font, and a one-face collection made of our Droid subset (its
** table offsets moved past the 16-byte collection header). */
static void check_mutations(void) {
    size_t len = 0, sub_len = 0;
    uint8_t *font, *sub, *ttc;
    char droid[256], ttc_path[256];
    scratch(droid, "droid.ttf");
    scratch(ttc_path, "one.ttc");
    if (have_file(DEJAVU) && (font = read_file(DEJAVU, &len)) != NULL) {
        fuzz(font, len, 0, MUTATION_ROUNDS, 2463534242u, "DejaVuSerif.ttf");
        free(font);
    }
    if ((sub = read_file(droid, &sub_len)) != NULL) {
        static const uint8_t header[16] = { 't', 't', 'c', 'f', 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 16 };
        ttc = malloc(sub_len + 16);
        memcpy(ttc, header, 16);
        memcpy(ttc + 16, sub, sub_len);
        for (unsigned i = 0; i < rd16(sub + 4); i++) {
            uint8_t *off = ttc + 16 + 12 + 16 * i + 8;
            uint32_t v = rd32(off) + 16;
            off[0] = (uint8_t)(v >> 24); off[1] = (uint8_t)(v >> 16); off[2] = (uint8_t)(v >> 8); off[3] = (uint8_t)v;
        }
        CHECK(write_file(ttc_path, ttc, sub_len + 16));
        check_ttc_of_one(ttc_path);
        unlink(ttc_path);
        fuzz(ttc, sub_len + 16, 16, MUTATION_ROUNDS, 88172645u, "a one-face collection");
        free(ttc);
        free(sub);
    }
    remove_scratch("fuzz.ttf");
    remove_scratch("fuzzsub.ttf");
}

/* ---- ToUnicode ----------------------------------------------------------------- */

static unsigned count_of(const char *hay, const char *needle) {
    unsigned n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++) n++;
    return n;
}

/* Entries for code i -> cps[i] (one code point, none when 0). */
static void one_each(const uint32_t *cps, unsigned n, struct tounicode_entry *e) {
    for (unsigned i = 0; i < n; i++) {
        e[i].code = (uint16_t)i;
        e[i].len = cps[i] != 0;
        e[i].text = &cps[i];
    }
}

static void check_tounicode(void) {
    static const uint32_t cps[] = { 0, 0x4E2D, 0, 0x20021, 'A', 0xD800 };
    static const uint32_t fi[] = { 'f', 'i' }, ffi_astral[] = { 'f', 0x20021, 0xD800, 'i' };
    static const char trailer[] =
        "endcmap\nCMapName currentdict /CMapType get defineresource pop\nend\nend\n";
    uint32_t many[251], long_text[300];
    struct tounicode_entry e[251];
    struct buf b;
    unsigned i;
    buf_init(&b);
    one_each(cps, 6, e);
    font_tounicode_cmap(e, 6, &b);
    buf_putc(&b, 0);
    CHECK(strncmp((char *)b.data, "/CIDInit /ProcSet findresource begin\n", 37) == 0);
    CHECK(strstr((char *)b.data, "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"));
    CHECK(strstr((char *)b.data, "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"));
    CHECK(strstr((char *)b.data, "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"));
    CHECK(strstr((char *)b.data, "3 beginbfchar\n<0001> <4E2D>\n<0003> <D840DC21>\n<0004> <0041>\nendbfchar\n"));
    CHECK(strstr((char *)b.data, "<0000>") == strstr((char *)b.data, "<0000> <FFFF>"));
    CHECK(strstr((char *)b.data, "<0005>") == NULL);     /* lone surrogate: skipped */
    CHECK(b.len > sizeof trailer && strcmp((char *)b.data + b.len - sizeof trailer, trailer) == 0);
    buf_free(&b);

    buf_init(&b);
    many[0] = 0;
    for (i = 1; i < 251; i++) many[i] = 0x4E00 + i;
    one_each(many, 251, e);
    font_tounicode_cmap(e, 251, &b);
    buf_putc(&b, 0);
    CHECK(count_of((char *)b.data, "100 beginbfchar") == 2);
    CHECK(count_of((char *)b.data, "50 beginbfchar") == 1);
    CHECK(count_of((char *)b.data, "endbfchar") == 3);
    CHECK(strstr((char *)b.data, "<00FA> <4EFA>\nendbfchar\nendcmap") != NULL);
    buf_free(&b);

    buf_init(&b);
    one_each(cps, 1, e);
    font_tounicode_cmap(e, 1, &b);           /* nothing mapped: no empty section */
    buf_putc(&b, 0);
    CHECK(strstr((char *)b.data, "beginbfchar") == NULL);
    buf_free(&b);

    /* A ligature stands for several code points, a mark for none; codes
    ** are the caller's (CFF subsets show source glyph ids). */
    for (i = 0; i < 300; i++) long_text[i] = 0x4E00 + i;
    e[0] = (struct tounicode_entry){ 0x0102, 2, fi };
    e[1] = (struct tounicode_entry){ 0x0200, 0, NULL };
    e[2] = (struct tounicode_entry){ 0xF639, 4, ffi_astral };
    e[3] = (struct tounicode_entry){ 0xFFFF, 300, long_text };
    buf_init(&b);
    font_tounicode_cmap(e, 4, &b);
    buf_putc(&b, 0);
    CHECK(strstr((char *)b.data, "3 beginbfchar\n<0102> <00660069>\n<F639> <0066D840DC210069>\n<FFFF> <4E00"));
    CHECK(strstr((char *)b.data, "<0200>") == NULL);
    CHECK(strstr((char *)b.data, "4EFF>\nendbfchar") && !strstr((char *)b.data, "4F00"));  /* 256 units */
    buf_free(&b);
}

/* ---- CFF ---------------------------------------------------------------------- */

/* Opening Noto Serif CJK: a CFF face in a collection, found by family. */
static struct ttf_font *open_noto(void) {
    struct ttf_font *f = NULL;
    struct rc_err err = {0};
    int face = -1;
    CHECK(ttf_face_by_family(NOTO_SERIF, "Noto Serif CJK SC", &face, &err) == RC_OK && face == 2);
    CHECK(ttf_face_by_family(NOTO_SERIF, "noto serif cjk tc", &face, &err) == RC_OK && face == 3);
    CHECK(ttf_face_by_family(NOTO_SERIF, "Noto Sans CJK SC", &face, &err) == RC_FONT);
    CHECK_MSG(strstr(err.msg, NOTO_SERIF) && strstr(err.msg, "no face of family \"Noto Sans CJK SC\""),
              "message '%s'", err.msg);
    if (ttf_open(NOTO_SERIF, 2, &f, &err) != RC_OK) { CHECK_MSG(0, "%s", err.msg); return NULL; }
    return f;
}

/* Values read with fontTools 4.38 from NotoSerifCJK-Regular.ttc face 2. */
static void check_cff_face(const struct ttf_font *f) {
    const struct ttf_metrics *m = ttf_metrics(f);
    const uint8_t *data;
    size_t len;
    struct rc_err err = {0};
    CHECK(ttf_outline_kind(f) == TTF_OUTLINE_CFF);
    CHECK(m->units_per_em == 1000);
    CHECK_MSG(strcmp(m->ps_name, "NotoSerifCJKsc-Regular") == 0, "ps_name %s", m->ps_name);
    CHECK(ttf_num_glyphs(f) == 65535);
    CHECK(ttf_glyph_index(f, 0x4E2D) != 0 && ttf_glyph_advance(f, ttf_glyph_index(f, 0x4E2D)) == 1000);
    CHECK(ttf_glyph_data(f, 1, &data, &len, &err) == RC_FONT);
    CHECK(ttf_table(f, "CFF ", &len) != NULL && len > 1000000);
}

/* A subset holds the glyphs it was given, flattened exactly once: each
** of its charstrings is the source's flattened, byte for byte, and the
** same glyphs give the same bytes. */
static void check_cff_subset(const struct ttf_font *f, struct buf *out) {
    uint32_t cps[300];
    unsigned n = distinct_cps(common_text, cps, 300), i, count;
    struct font_subset *s = font_subset_new(f), *again = font_subset_new(f);
    struct cff_font *src = NULL, *sub = NULL;
    struct buf b2, x, y;
    struct rc_err err = {0};
    size_t len;
    const uint8_t *table = ttf_table(f, "CFF ", &len);
    buf_init(&b2); buf_init(&x); buf_init(&y);
    for (i = 0; i < n; i++) {
        uint16_t gid = ttf_glyph_index(f, cps[i]);
        CHECK(font_subset_add(s, gid) == gid);          /* CFF codes are source ids */
    }
    for (i = n; i-- > 0;) font_subset_add(again, ttf_glyph_index(f, cps[i]));
    count = font_subset_count(s);
    CHECK(font_subset_write(s, out, &err) == RC_OK);
    CHECK(font_subset_write(again, &b2, &err) == RC_OK);
    CHECK(out->len == b2.len && memcmp(out->data, b2.data, out->len) == 0);
    CHECK(cff_open(table, len, "source", &src, &err) == RC_OK);
    CHECK_MSG(cff_open(out->data, out->len, "subset", &sub, &err) == RC_OK, "%s", err.msg);
    if (src && sub) {
        uint16_t *gids = calloc(count, sizeof *gids);
        CHECK(cff_num_glyphs(sub) == count);
        for (i = 0; i < count; i++) gids[i] = font_subset_original(s, (uint16_t)i);
        for (i = 1; i < count; i++)                   /* sorted, as the subset is */
            for (unsigned k = i; k > 0 && gids[k - 1] > gids[k]; k--) {
                uint16_t t = gids[k]; gids[k] = gids[k - 1]; gids[k - 1] = t;
            }
        for (i = 0; i < count; i++) {
            x.len = y.len = 0;
            CHECK(cff_flatten_glyph(src, gids[i], &x, &err) == RC_OK);
            CHECK(cff_flatten_glyph(sub, i, &y, &err) == RC_OK);
            CHECK_MSG(x.len == y.len && memcmp(x.data, y.data, x.len) == 0,
                      "glyph %u (source %u) differs", i, gids[i]);
        }
        free(gids);
    }
    printf("INFO test_font: Noto Serif CJK SC, %u glyphs -> %.1f KB CID-keyed CFF\n",
           count, out->len / 1024.0);
    cff_close(src); cff_close(sub);
    buf_free(&b2); buf_free(&x); buf_free(&y);
    font_subset_free(s); font_subset_free(again);
}

/* A hostile CFF: truncated or with bytes changed, opening and flattening
** fail with RC_FONT or succeed, never read outside the table (ASan and
** valgrind watch this in `make check-asan`). */
static void check_cff_mutations(const struct buf *good) {
    uint8_t *copy = malloc(good->len);
    uint32_t state = 2463534242u;
    struct rc_err err = {0};
    struct buf out;
    unsigned round, failed = 0;
    buf_init(&out);
    for (size_t cut = 0; cut < good->len; cut += 1 + cut / 8) {
        struct cff_font *c = NULL;
        if (cff_open(good->data, cut, "cut", &c, &err) == RC_OK) {
            for (unsigned g = 0; g < cff_num_glyphs(c); g++) { out.len = 0; cff_flatten_glyph(c, g, &out, &err); }
            cff_close(c);
        } else {
            failed++;
            CHECK(err.code == RC_FONT && strncmp(err.msg, "cut: ", 5) == 0);
        }
    }
    CHECK(failed > 0);
    for (round = 0; round < 300; round++) {
        struct cff_font *c = NULL;
        memcpy(copy, good->data, good->len);
        for (int k = 0; k < 8; k++) copy[next_random(&state) % good->len] = (uint8_t)next_random(&state);
        if (cff_open(copy, good->len, "mutant", &c, &err) != RC_OK) continue;
        for (unsigned g = 0; g < cff_num_glyphs(c); g++) { out.len = 0; cff_flatten_glyph(c, g, &out, &err); }
        cff_close(c);
    }
    buf_free(&out);
    free(copy);
}

/* An INDEX with 2-byte offsets of n objects, object i being data[i]. */
static void put_index2(struct buf *b, struct buf *data, unsigned n) {
    unsigned i, off = 1;
    buf_put_u16be(b, (uint16_t)n);
    if (n == 0) return;
    buf_putc(b, 2);
    for (i = 0; i <= n; i++) {
        buf_put_u16be(b, (uint16_t)off);
        if (i < n) off += (unsigned)data[i].len;
    }
    for (i = 0; i < n; i++) buf_append(b, data[i].data, data[i].len);
}

static void put_dict_int(struct buf *b, unsigned v) {
    buf_putc(b, 29);
    buf_put_u32be(b, v);
}

/* A name-keyed CFF: global subroutines gsubrs[0..n), glyph 0 an endchar,
** glyph 1 `glyph`, an empty Private DICT. */
static void handmade_cff(struct buf *gsubrs, unsigned n, const uint8_t *glyph, size_t glen,
                         struct buf *out) {
    struct buf name, top, cs[2];
    size_t gsubr_size = 2, cs_at, priv_at;
    unsigned i;
    buf_init(&name); buf_init(&top); buf_init(&cs[0]); buf_init(&cs[1]);
    buf_putc(&name, 'T');
    buf_putc(&cs[0], 14);
    buf_append(&cs[1], glyph, glen);
    if (n) {
        gsubr_size = 3 + 2 * (size_t)(n + 1);
        for (i = 0; i < n; i++) gsubr_size += gsubrs[i].len;
    }
    cs_at = 4 + (3 + 2 * 2 + 1) + (3 + 2 * 2 + 17) + 2 + gsubr_size;
    priv_at = cs_at + 3 + 3 * 2 + cs[0].len + cs[1].len;
    put_dict_int(&top, (unsigned)cs_at); buf_putc(&top, 17);
    put_dict_int(&top, 0); put_dict_int(&top, (unsigned)priv_at); buf_putc(&top, 18);
    buf_putc(out, 1); buf_putc(out, 0); buf_putc(out, 4); buf_putc(out, 2);
    put_index2(out, &name, 1);
    put_index2(out, &top, 1);
    put_index2(out, NULL, 0);                         /* String INDEX */
    put_index2(out, gsubrs, n);
    CHECK(out->len == cs_at);
    put_index2(out, cs, 2);
    CHECK(out->len == priv_at);
    buf_free(&name); buf_free(&top); buf_free(&cs[0]); buf_free(&cs[1]);
}

/* Subroutines that never return stop at the nesting limit; ten levels
** that each call the level below 100 times (10^20 calls) stop at the work
** limit; both with a message naming the glyph, quickly. */
static void check_cff_subr_bombs(void) {
    static const uint8_t call9[] = { 9 - 107 + 139, 29, 14 }, call0[] = { 139 - 107, 29, 14 };
    struct buf gsubrs[10], out, flat;
    struct cff_font *c = NULL;
    struct rc_err err = {0};
    double t0;
    unsigned i, k;
    for (i = 0; i < 10; i++) buf_init(&gsubrs[i]);
    buf_init(&out); buf_init(&flat);
    buf_putc(&gsubrs[0], 139 - 107); buf_putc(&gsubrs[0], 29); buf_putc(&gsubrs[0], 11);
    handmade_cff(gsubrs, 1, call0, sizeof call0, &out);
    CHECK_MSG(cff_open(out.data, out.len, "loop.cff", &c, &err) == RC_OK, "%s", err.msg);
    if (c) {
        CHECK(cff_flatten_glyph(c, 0, &flat, &err) == RC_OK && flat.len == 1);
        CHECK(cff_flatten_glyph(c, 1, &flat, &err) == RC_FONT);
        CHECK_MSG(strcmp(err.msg, "loop.cff: glyph 1: subroutines nested deeper than 10") == 0,
                  "message '%s'", err.msg);
        cff_close(c);
    }
    {   /* seac: endchar with four operands */
        static const uint8_t seac[] = { 139, 139, 139 + 65, 139 + 97, 14 };
        out.len = 0;
        handmade_cff(gsubrs, 0, seac, sizeof seac, &out);
        CHECK_MSG(cff_open(out.data, out.len, "seac.cff", &c, &err) == RC_OK, "%s", err.msg);
        if (c) {
            CHECK(cff_flatten_glyph(c, 1, &flat, &err) == RC_FONT);
            CHECK_MSG(strstr(err.msg, "seac.cff: glyph 1: endchar as seac"), "message '%s'", err.msg);
            cff_close(c);
        }
    }
    gsubrs[0].len = 0;
    buf_putc(&gsubrs[0], 11);
    for (i = 1; i < 10; i++) {
        for (k = 0; k < 100; k++) { buf_putc(&gsubrs[i], (int)(i - 1 - 107 + 139)); buf_putc(&gsubrs[i], 29); }
        buf_putc(&gsubrs[i], 11);
    }
    out.len = 0;
    handmade_cff(gsubrs, 10, call9, sizeof call9, &out);
    CHECK_MSG(cff_open(out.data, out.len, "bomb.cff", &c, &err) == RC_OK, "%s", err.msg);
    if (c) {
        t0 = now_ms();
        CHECK(cff_flatten_glyph(c, 1, &flat, &err) == RC_FONT);
        CHECK_MSG(strstr(err.msg, "bomb.cff: glyph 1: charstring too long"), "message '%s'", err.msg);
        CHECK_MSG(now_ms() - t0 < 1000, "subroutine bomb took %.0f ms", now_ms() - t0);
        cff_close(c);
    }
    for (i = 0; i < 10; i++) buf_free(&gsubrs[i]);
    buf_free(&out); buf_free(&flat);
}

static void check_cff(void) {
    struct ttf_font *f;
    struct buf out;
    check_cff_subr_bombs();
    if (!have_file(NOTO_SERIF)) {
        printf("INFO test_font: %s not installed (fonts-noto-cjk): CFF checks skipped\n", NOTO_SERIF);
        return;
    }
    if ((f = open_noto()) == NULL) return;
    buf_init(&out);
    check_cff_face(f);
    check_cff_subset(f, &out);
    check_cff_mutations(&out);
    buf_free(&out);
    ttf_close(f);
}

/* ---- speed ------------------------------------------------------------------- */

static void measure_speed(void) {
    struct ttf_font *f;
    struct rc_err err = {0};
    uint32_t cps[500];
    unsigned n = distinct_cps(common_text, cps, 500), i;
    double t0, t_open, t_lookup;
    long sum = 0;
    if (!have_file(UMING)) return;
    t0 = now_ms();
    if (ttf_open(UMING, 0, &f, &err) != RC_OK) { CHECK(0); return; }
    t_open = now_ms() - t0;
    t0 = now_ms();
    for (i = 0; i < 10000; i++) {
        uint16_t gid = ttf_glyph_index(f, cps[i % n]);
        sum += ttf_glyph_advance(f, gid);
    }
    t_lookup = now_ms() - t0;
    CHECK(sum == 10000L * 1024);
    printf("INFO test_font: uming.ttc open %.3f ms; 10000 glyph_index+advance %.3f ms (%.1f M/s)\n",
           t_open, t_lookup, 10000 / t_lookup / 1000);
    ttf_close(f);
}

/* Subsets check_subsets left for the later checks. */
static void remove_subsets(void) {
    static const char *const names[] = { "droid", "droid200", "uming", "dejavu", "uming500", "wqy500" };
    char file[64];
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(file, sizeof file, "%s.ttf", names[i]);
        remove_scratch(file);
    }
}

int main(void) {
    snprintf(scratch_dir, sizeof scratch_dir, "/tmp/reportc_test_font.XXXXXX");
    if (mkdtemp(scratch_dir) == NULL) { perror("mkdtemp"); return 1; }
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        if (have_file(facts[i].path)) check_face(&facts[i]);
    check_tables_and_glyphs();
    check_subsets();
    check_cmap_formats(DEJAVU, 1, 3000);
    check_cmap_formats(DROID, 0, 28000);
    if (have_file(DROID)) check_name_fallback();
    check_missing_and_truncated();
    check_mutations();
    check_tounicode();
    check_cff();
    measure_speed();
    remove_subsets();
    rmdir(scratch_dir);
    return CHECK_DONE();
}
