/*
** linebreak.c: line break opportunities, UAX #14 tailored for Chinese.
**
** linebreak_analyze() works in two steps.
**
** 1. uax14_pass() applies rules LB2..LB31 of UAX #14 (Unicode 15.0,
**    revision 49) in their order to every boundary, in one forward pass.
**    Rule LB1 was applied when lbdata.c was generated.  LB25 is the
**    regular-expression form of the number rule (UAX #14 section 8.2,
**    example 7), the form LineBreakTest.txt assumes, so "20.4%",
**    "$1,000.00" and "2019-12" hold together.  The one tailoring that
**    lives inside the rule order is T1 below, in LB19.
**
** 2. The clreq tailorings T2 to T5, each a function that only ever turns
**    LB_ALLOW into LB_NO, so their order does not matter and a mandatory
**    break (after a newline) always stays; then T6, URLs.
**
** The tailorings, with the reasons for them:
**
**   T1 cjk-quotes  "汉“引”汉": a break may come before “ ‘ and after ” ’
**      when the characters on both sides are East Asian (wide), as rule
**      LB19a of Unicode 15.1 does for all quotation marks; UAX #14 15.0
**      forbids a break on either side of every QU.  Only these four
**      quotes, the ones Chinese uses, are tailored: ’ is also the English
**      apostrophe, whose neighbours are not wide.
**   T2 no-start    clreq line-start prohibition: closing brackets,
**      pause and stop marks, the ellipsis, the middle dot and %-like signs
**      never begin a line (table no_start_chars), even after a space or an
**      explicit zero width space, where UAX #14 allows a break before some
**      of them (NS, IN, PO, QU, AL).  Stray U+200B are common in text
**      copied from the web, and a line starting with "，" is the worse harm.
**   T3 no-end      clreq line-end prohibition: opening brackets and quotes
**      never end a line, nor do they followed by spaces (no_end_chars).
**   T4 pairs       clreq: "——" and "……" are single marks two ems wide
**      and are never split.  UAX #14 agrees for U+2014 (LB17) and U+2026
**      (LB22); the rule states it for every doubled mark we know of.
**   T5 number-unit "3.5万", "2019年": a numeral and its Chinese magnitude
**      or unit character (table unit_chars) are read as one word, while
**      UAX #14 allows a break between NU and ID.
**   T6 url         "https://www.caict.ac.cn/kxyj/": inside a URL run (from
**      http://, https:// or www. to the first character that cannot be in
**      a URL: space, non-ASCII, " < > \ ^ ` { | }) a line breaks only after
**      / . - ? & = followed by a letter or digit, never inside the scheme
**      or before the URL's last character: the words between separators
**      stay whole.  This is the one tailoring that also allows breaks
**      (after "." or "=" UAX #14 has none); it runs last, so none of the
**      others undoes it, and no line starts with the punctuation T2 forbids
**      since a break here is always before a letter or digit.
*/
#include "linebreak.h"

/* ---------------------------------------------------------------------
** Step 1: UAX #14.
*/

/* What the rules need to know about the text before a boundary.  A
** "unit" is a character with the combining marks LB9 attaches to it. */
struct lb_state {
    int cls;            /* class of the last unit, after LB9/LB10 */
    int before;         /* class of the unit before it (LB21a) */
    int last_nonsp;     /* class of the last unit that is not SP (LB8, LB14-17) */
    uint32_t base;      /* the last unit's first code point */
    unsigned flags;     /* its LBDATA_WIDE and LBDATA_PICTO */
    unsigned before_flags;
    int after_zwj;      /* the last code point was ZWJ (LB8a) */
    int ri_run;         /* regional indicators ending the text so far (LB30a) */
    int in_number;      /* the text ends in NU (NU | SY | IS)* (LB25) */
    int number_closed;  /* ... or in NU (NU | SY | IS)* (CL | CP) */
};

#define IS(c, x) ((c) == LB_##x)
#define IS2(c, x, y) (IS(c, x) || IS(c, y))
#define IS3(c, x, y, z) (IS(c, x) || IS(c, y) || IS(c, z))
#define IS_MARK(c) IS2(c, CM, ZWJ)

static int is_opening_quote(uint32_t cp) { return cp == 0x2018 || cp == 0x201C; }
static int is_closing_quote(uint32_t cp) { return cp == 0x2019 || cp == 0x201D; }

/* LB9: does a combining mark or ZWJ after a unit of class c join it? */
static int absorbs_marks(int c) {
    return !(IS3(c, BK, CR, LF) || IS3(c, NL, SP, ZW));
}

/* Table value of the unit after the one at position i (skipping the
** marks that join the unit at i); 0 at the end of the text, which has
** no flags and whose class LB_BK no caller looks for. */
static unsigned next_unit(const uint32_t *cps, size_t i, size_t n) {
    while (++i < n) {
        unsigned v = lbdata_lookup(cps[i]);
        if (!IS_MARK((int)(v & LBDATA_CLASS))) return v;
    }
    return 0;
}

/* LB4 to LB8a: mandatory breaks, spaces and zero-width characters.
** Returns -1 when none of them decides. */
static int hard_rules(const struct lb_state *s, int b) {
    int a = s->cls;
    if (IS(a, BK)) return LB_MUST;                          /* LB4 */
    if (IS(a, CR) && IS(b, LF)) return LB_NO;               /* LB5 */
    if (IS3(a, CR, LF, NL)) return LB_MUST;
    if (IS2(b, BK, CR) || IS2(b, LF, NL)) return LB_NO;     /* LB6 */
    if (IS2(b, SP, ZW)) return LB_NO;                       /* LB7 */
    if (IS(s->last_nonsp, ZW) && IS2(a, ZW, SP)) return LB_ALLOW; /* LB8 */
    if (s->after_zwj) return LB_NO;                         /* LB8a */
    return -1;
}

/* LB11 to LB18: glue, closing and opening punctuation, spaces. */
static int punctuation_rules(const struct lb_state *s, int b) {
    int a = s->cls, base = s->last_nonsp;
    if (IS(a, WJ) || IS(b, WJ)) return LB_NO;                   /* LB11 */
    if (IS(a, GL)) return LB_NO;                                /* LB12 */
    if (IS(b, GL) && !IS3(a, SP, BA, HY)) return LB_NO;         /* LB12a */
    if (IS3(b, CL, CP, EX) || IS2(b, IS, SY)) return LB_NO;     /* LB13 */
    if (IS(base, OP)) return LB_NO;                             /* LB14 */
    if (IS(base, QU) && IS(b, OP)) return LB_NO;                /* LB15 */
    if (IS2(base, CL, CP) && IS(b, NS)) return LB_NO;           /* LB16 */
    if (IS(base, B2) && IS(b, B2)) return LB_NO;                /* LB17 */
    if (IS(a, SP)) return LB_ALLOW;                             /* LB18 */
    return -1;
}

/* LB19, no break beside a quotation mark, with tailoring T1: “ and ‘
** may follow, ” and ’ may precede, a break between wide characters. */
static int quote_rule(const struct lb_state *s, int b, unsigned bflags,
                      const uint32_t *cps, size_t i, size_t n) {
    if (IS(b, QU)) {
        if (!is_opening_quote(cps[i]) || !(s->flags & LBDATA_WIDE) ||
            !(next_unit(cps, i, n) & LBDATA_WIDE)) return LB_NO;
    }
    if (IS(s->cls, QU)) {
        if (!is_closing_quote(s->base) || !(s->before_flags & LBDATA_WIDE) ||
            !(bflags & LBDATA_WIDE)) return LB_NO;
    }
    return -1;
}

/* LB20 to LB24: pairs of classes before the number rule. */
static int early_pair_rules(const struct lb_state *s, int b) {
    int a = s->cls;
    if (IS(a, CB) || IS(b, CB)) return LB_ALLOW;                /* LB20 */
    if (IS3(b, BA, HY, NS) || IS(a, BB)) return LB_NO;          /* LB21 */
    if (IS2(a, HY, BA) && IS(s->before, HL)) return LB_NO;      /* LB21a */
    if (IS(a, SY) && IS(b, HL)) return LB_NO;                   /* LB21b */
    if (IS(b, IN)) return LB_NO;                                /* LB22 */
    if ((IS2(a, AL, HL) && IS(b, NU)) || (IS(a, NU) && IS2(b, AL, HL)))
        return LB_NO;                                           /* LB23 */
    if ((IS(a, PR) && IS3(b, ID, EB, EM)) || (IS3(a, ID, EB, EM) && IS(b, PO)))
        return LB_NO;                                           /* LB23a */
    if ((IS2(a, PR, PO) && IS2(b, AL, HL)) || (IS2(a, AL, HL) && IS2(b, PR, PO)))
        return LB_NO;                                           /* LB24 */
    return -1;
}

/* LB25, numbers, as a regular expression:
**   (PR | PO) × (OP | HY)? NU
**   (OP | HY) × NU
**   NU (NU | SY | IS)* × (NU | SY | IS | CL | CP)
**   NU (NU | SY | IS)* (CL | CP)? × (PO | PR)                          */
static int inside_number(const struct lb_state *s, int b, const uint32_t *cps,
                         size_t i, size_t n) {
    int a = s->cls;
    if (IS2(a, PR, PO) && IS(b, NU)) return 1;
    if (IS2(a, PR, PO) && IS2(b, OP, HY))
        return IS((int)(next_unit(cps, i, n) & LBDATA_CLASS), NU);
    if (IS2(a, OP, HY) && IS(b, NU)) return 1;
    if (s->in_number && (IS3(b, NU, SY, IS) || IS2(b, CL, CP))) return 1;
    return (s->in_number || s->number_closed) && IS2(b, PO, PR);
}

static int is_hangul(int c) {
    return IS3(c, JL, JV, JT) || IS2(c, H2, H3);
}

/* LB26 to LB31: Korean syllables, letters, brackets, flags, emoji. */
static int late_pair_rules(const struct lb_state *s, int b, unsigned bflags) {
    int a = s->cls;
    if ((IS(a, JL) && (IS2(b, JL, JV) || IS2(b, H2, H3))) ||
        (IS2(a, JV, H2) && IS2(b, JV, JT)) ||
        (IS2(a, JT, H3) && IS(b, JT))) return LB_NO;            /* LB26 */
    if ((is_hangul(a) && IS(b, PO)) || (IS(a, PR) && is_hangul(b)))
        return LB_NO;                                           /* LB27 */
    if (IS2(a, AL, HL) && IS2(b, AL, HL)) return LB_NO;         /* LB28 */
    if (IS(a, IS) && IS2(b, AL, HL)) return LB_NO;              /* LB29 */
    if (IS3(a, AL, HL, NU) && IS(b, OP) && !(bflags & LBDATA_WIDE))
        return LB_NO;                                           /* LB30 */
    if (IS(a, CP) && !(s->flags & LBDATA_WIDE) && IS3(b, AL, HL, NU))
        return LB_NO;
    if (IS(a, RI) && IS(b, RI) && s->ri_run % 2 == 1) return LB_NO; /* LB30a */
    if (IS(b, EM) && (IS(a, EB) || (s->flags & LBDATA_PICTO)))
        return LB_NO;                                           /* LB30b */
    return LB_ALLOW;                                            /* LB31 */
}

/* LB11 to LB31 for the boundary before cps[i], which starts a unit of
** class b (marks alone already turned into AL by LB10). */
static int unit_rules(const struct lb_state *s, int b, unsigned bflags,
                      const uint32_t *cps, size_t i, size_t n) {
    int r = punctuation_rules(s, b);
    if (r < 0) r = quote_rule(s, b, bflags, cps, i, n);
    if (r < 0) r = early_pair_rules(s, b);
    if (r < 0 && inside_number(s, b, cps, i, n)) r = LB_NO;
    if (r < 0) r = late_pair_rules(s, b, bflags);
    return r;
}

/* The state once a unit of class c, starting with cp of table value v,
** ends the text. */
static void push_unit(struct lb_state *s, int c, uint32_t cp, unsigned v) {
    int was_in_number = s->in_number;
    s->in_number = IS(c, NU) || (was_in_number && IS2(c, SY, IS));
    s->number_closed = was_in_number && IS2(c, CL, CP);
    s->ri_run = IS(c, RI) ? s->ri_run + 1 : 0;
    s->before = s->cls;
    s->before_flags = s->flags;
    s->cls = c;
    s->base = cp;
    s->flags = v & (LBDATA_WIDE | LBDATA_PICTO);
    if (!IS(c, SP)) s->last_nonsp = c;
}

static void uax14_pass(const uint32_t *cps, size_t n, unsigned char *brk) {
    struct lb_state s = { -1, -1, -1, 0, 0, 0, 0, 0, 0, 0 };
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned v = lbdata_lookup(cps[i]);
        int b = v & LBDATA_CLASS, r = i == 0 ? LB_NO : hard_rules(&s, b);
        int joins = i > 0 && IS_MARK(b) && absorbs_marks(s.cls);
        if (r < 0 && joins) r = LB_NO;                          /* LB9 */
        if (IS_MARK(b) && !joins) b = LB_AL;                    /* LB10 */
        if (r < 0) r = unit_rules(&s, b, v, cps, i, n);
        brk[i] = (unsigned char)r;
        if (!joins) push_unit(&s, b, cps[i], v);
        s.after_zwj = IS((int)(v & LBDATA_CLASS), ZWJ);
    }
}

/* ---------------------------------------------------------------------
** Step 2: the clreq tailorings T2 to T5, which only forbid breaks, and T6.
*/

/* T2: clreq's characters not allowed at the start of a line, sorted. */
static const uint16_t no_start_chars[] = {
    0x0021, 0x0025, 0x0029, 0x002C, 0x002E, 0x003A, 0x003B, 0x003F, /* ! % ) , . : ; ? */
    0x005D, 0x007D, 0x00B0, 0x00B7,                 /* ] } ° · (middle dot) */
    0x2019, 0x201D, 0x2025, 0x2026, 0x2027,         /* ’ ” ‥ … ‧ */
    0x2030, 0x2031, 0x2032, 0x2033, 0x2103, 0x2109, /* ‰ ‱ ′ ″ ℃ ℉ */
    0x3001, 0x3002, 0x3009, 0x300B, 0x300D, 0x300F, /* 、 。 〉 》 」 』 */
    0x3011, 0x3015, 0x3017, 0x3019, 0x301B,         /* 】 〕 〗 〙 〛 */
    0x301E, 0x301F, 0x30FB,                         /* 〞 〟 ・ */
    0xFE10, 0xFE11, 0xFE12, 0xFE13, 0xFE14, 0xFE15, 0xFE16, 0xFE18, 0xFE19,
                                                    /* vertical forms */
    0xFE50, 0xFE51, 0xFE52, 0xFE54, 0xFE55, 0xFE56, 0xFE57,
    0xFE5A, 0xFE5C, 0xFE5E,                         /* small forms */
    0xFF01, 0xFF05, 0xFF09, 0xFF0C, 0xFF0E,         /* ！ ％ ） ， ． */
    0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D, 0xFF60, /* ： ； ？ ］ ｝ ｠ */
    0xFF61, 0xFF63, 0xFF64, 0xFF65,                 /* halfwidth ｡ ｣ ､ ･ */
};

/* T3: clreq's characters not allowed at the end of a line, sorted. */
static const uint16_t no_end_chars[] = {
    0x0028, 0x005B, 0x007B, 0x2018, 0x201C,         /* ( [ { ‘ “ */
    0x3008, 0x300A, 0x300C, 0x300E, 0x3010,         /* 〈 《 「 『 【 */
    0x3014, 0x3016, 0x3018, 0x301A, 0x301D,         /* 〔 〖 〘 〚 〝 */
    0xFE17, 0xFE59, 0xFE5B, 0xFE5D,                 /* vertical and small forms */
    0xFF08, 0xFF3B, 0xFF5B, 0xFF5F, 0xFF62,         /* （ ［ ｛ ｟ halfwidth ｢ */
};

/* T4: marks that Chinese doubles into one two-em mark. */
static const uint16_t paired_chars[] = {
    0x2014, 0x2015, 0x2025, 0x2026, 0x22EF, 0x2E3A, /* — ― ‥ … ⋯ ⸺ */
};

/* T5: Chinese magnitudes, units and measure words that stay with the
** numeral before them: 十 百 千 万 亿 兆, 元, 年 月 日 时 号, 位 个 家 名
** 人 次 项 倍 and other measure words. */
static const uint16_t unit_chars[] = {
    0x4E07, 0x4E2A, 0x4EBA, 0x4EBF, 0x4EF6, 0x4F4D, 0x4F59, 0x4F8B,
    0x500D, 0x5104, 0x5143, 0x5146, 0x518C, 0x5341, 0x5343, 0x53F0,
    0x53F7, 0x540D, 0x5428, 0x5468, 0x591A, 0x5929, 0x5BB6, 0x5C4A,
    0x5C81, 0x5E74, 0x5EA6, 0x5EA7, 0x5F20, 0x6237, 0x6240, 0x6279,
    0x65E5, 0x65F6, 0x6708, 0x671F, 0x6761, 0x6B21, 0x6B3E, 0x767E,
    0x79CD, 0x7BC7, 0x7C73, 0x842C, 0x90E8, 0x9879,
};

static int in_sorted(const uint16_t *set, size_t count, uint32_t cp) {
    size_t lo = 0, hi = count;
    if (cp > 0xFFFF) return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set[mid] == cp) return 1;
        if (set[mid] < cp) lo = mid + 1; else hi = mid;
    }
    return 0;
}

#define IN_SET(set, cp) in_sorted(set, sizeof set / sizeof set[0], cp)

/* Ideographs and Hangul lie between U+3100 and U+FE0F: none of them is
** in the punctuation sets, and most text is made of them. */
static int maybe_punctuation(uint32_t cp) {
    return cp >= 0x21 && (cp < 0x3100 || (cp >= 0xFE10 && cp <= 0xFFFF));
}

int linebreak_no_start(uint32_t cp) {
    return maybe_punctuation(cp) && IN_SET(no_start_chars, cp);
}

int linebreak_no_end(uint32_t cp) {
    return maybe_punctuation(cp) && IN_SET(no_end_chars, cp);
}

int linebreak_class(uint32_t cp) {
    return (int)(lbdata_lookup(cp) & LBDATA_CLASS);
}

static void forbid(unsigned char *brk, size_t i) {
    if (brk[i] == LB_ALLOW) brk[i] = LB_NO;
}

/* T2, T3 and T4, one pass: `opener` is set while the text ends in a
** no-end character and spaces. */
static void clreq_pass(const uint32_t *cps, size_t n, unsigned char *brk) {
    int opener = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t cp = cps[i];
        if (i > 0 && brk[i] == LB_ALLOW) {
            if (opener || linebreak_no_start(cp)) forbid(brk, i);
            else if (cp == cps[i - 1] && IN_SET(paired_chars, cp)) forbid(brk, i);
        }
        if (cp != 0x20) opener = linebreak_no_end(cp);
    }
}

/* The character before position i, past the marks joined to it and one
** space (fold_space leaves one); n when there is none. */
static size_t before_glue(const uint32_t *cps, size_t i, size_t n) {
    size_t k;
    if (i == 0) return n;
    k = i - 1;
    while (k > 0 && IS_MARK(linebreak_class(cps[k]))) k--;
    if (cps[k] != ' ') return k;
    if (k == 0) return n;
    k--;
    while (k > 0 && IS_MARK(linebreak_class(cps[k]))) k--;
    return k;
}

/* Where the numeral that ends at position `last` starts. */
static size_t numeral_start(const uint32_t *cps, size_t last) {
    while (last > 0 && (IS(linebreak_class(cps[last - 1]), NU)
                        || ((cps[last - 1] == '.' || cps[last - 1] == ',') && last > 1
                            && IS(linebreak_class(cps[last - 2]), NU))))
        last--;
    return last;
}

/* T5: a numeral keeps the magnitude or unit after it ("3.5万", "2018 年"),
** with or without the space the Han-Latin gap stands for; "第 64 位" keeps
** its ordinal prefix and "4 月 29 日" the date's earlier part. */
static void number_unit_pass(const uint32_t *cps, size_t n, unsigned char *brk) {
    size_t i, k, first, prev;
    for (i = 1; i < n; i++) {
        if (!IN_SET(unit_chars, cps[i])) continue;
        k = before_glue(cps, i, n);
        /* the class first: the search would run at almost every ideograph */
        if (k == n || !IS(linebreak_class(cps[k]), NU)) continue;
        for (first = k + 1; first <= i; first++) forbid(brk, first);
        while (i + 1 < n && IN_SET(unit_chars, cps[i + 1])) forbid(brk, ++i);   /* 亿元 */
        first = numeral_start(cps, k);
        prev = before_glue(cps, first, n);
        if (prev != n && (cps[prev] == 0x7B2C /* 第 */
                          || ((cps[prev] == 0x5E74 || cps[prev] == 0x6708)   /* 年 月 */
                              && (cps[i] == 0x6708 || cps[i] == 0x65E5 || cps[i] == 0x53F7))))
            for (k = prev + 1; k <= first; k++) forbid(brk, k);
    }
}

static uint32_t ascii_lower(uint32_t cp) {
    return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
}

/* Does the text at cps[i..n) begin with the ASCII string s, any case? */
static int starts_with(const uint32_t *cps, size_t i, size_t n, const char *s) {
    for (; *s; s++, i++)
        if (i >= n || ascii_lower(cps[i]) != (uint32_t)*s) return 0;
    return 1;
}

static int is_ascii_alnum(uint32_t cp) {
    cp = ascii_lower(cp);
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
}

/* Characters a URL may contain (RFC 3986's, and % escapes). */
static int is_url_char(uint32_t cp) {
    if (cp <= 0x20 || cp >= 0x7F) return 0;
    switch (cp) {
    case '"': case '<': case '>': case '\\': case '^': case '`':
    case '{': case '|': case '}': return 0;
    }
    return 1;
}

static int url_starts_at(const uint32_t *cps, size_t i, size_t n) {
    if (i > 0 && is_ascii_alnum(cps[i - 1])) return 0;   /* inside a word */
    return starts_with(cps, i, n, "http://") || starts_with(cps, i, n, "https://") ||
           starts_with(cps, i, n, "www.");
}

/* Where a URL may break: after one of / . - ? & = that ends a run of
** them and is followed by a letter or digit (so "//", "://", "?&" stay
** together and no line starts with punctuation), and never inside the
** scheme and "www." ("https://www.") nor right before the URL's last character. */
static int url_break_after(uint32_t cp) {
    return cp == '/' || cp == '.' || cp == '-' || cp == '?' || cp == '&' || cp == '=';
}

static size_t scheme_end(const uint32_t *cps, size_t i, size_t n) {
    if (starts_with(cps, i, n, "https://")) i += 8;
    else if (starts_with(cps, i, n, "http://")) i += 7;
    return starts_with(cps, i, n, "www.") ? i + 4 : i;
}

/* T6: inside a URL, breaks only after its separators. */
static void url_pass(const uint32_t *cps, size_t n, unsigned char *brk) {
    size_t i = 0, first, end, k;
    while (i < n) {
        if (ascii_lower(cps[i]) != 'h' && ascii_lower(cps[i]) != 'w') { i++; continue; }
        if (!url_starts_at(cps, i, n)) { i++; continue; }
        first = scheme_end(cps, i, n);
        for (end = i + 1; end < n && is_url_char(cps[end]); end++) {}
        /* sentence punctuation after a URL is not part of it */
        while (end > first && (cps[end - 1] == '.' || cps[end - 1] == ',' || cps[end - 1] == ')'))
            end--;
        for (k = i + 1; k < end; k++) {
            if (k > first && k + 1 < end && url_break_after(cps[k - 1])
                && is_ascii_alnum(cps[k]))
                brk[k] = LB_ALLOW;
            else
                forbid(brk, k);
        }
        for (; k < n && is_url_char(cps[k]); k++) forbid(brk, k);
        i = k;
    }
}

void linebreak_analyze(const uint32_t *cps, size_t n, unsigned char *brk) {
    if (n == 0) return;
    uax14_pass(cps, n, brk);
    clreq_pass(cps, n, brk);
    number_unit_pass(cps, n, brk);
    url_pass(cps, n, brk);
}
