/*
** linebreak.h: where a line of text may end.
**
** This module owns line break opportunities: the Unicode Line Breaking
** Algorithm (UAX #14, at the Unicode version of src/text/lbdata.c)
** tailored for Chinese by the W3C "Requirements for Chinese Text Layout"
** (clreq) line-start and line-end prohibitions, plus a few rules that keep
** numbers with their units and URLs whole.  It does not measure text or
** choose the breaks: layout picks among the opportunities reported here.
*/
#ifndef LINEBREAK_H
#define LINEBREAK_H

#include <stddef.h>
#include <stdint.h>

enum lb_break { LB_NO = 0, LB_ALLOW = 1, LB_MUST = 2 };

/* Line_Break property values (UAX #14 section 5.1) after rule LB1 has
** resolved AI, SG, XX to AL, SA to CM or AL, and CJ to NS: those five
** never come back from linebreak_class(), so they have no value here.
** scripts/gen_lbdata.py reads this list, in this order, to number the
** classes in src/text/lbdata.c: regenerate that file after editing it. */
enum lb_class {
    LB_BK, LB_CR, LB_LF, LB_NL, LB_SP, LB_ZW, LB_ZWJ, LB_CM, LB_WJ, LB_GL,
    LB_CB, LB_OP, LB_CL, LB_CP, LB_QU, LB_EX, LB_IS, LB_SY, LB_NS, LB_BA,
    LB_HY, LB_BB, LB_B2, LB_IN, LB_NU, LB_PR, LB_PO, LB_AL, LB_HL, LB_ID,
    LB_EB, LB_EM, LB_JL, LB_JV, LB_JT, LB_H2, LB_H3, LB_RI,
    LB_CLASS_COUNT
};

/* brk[i] says whether a line may end between cps[i-1] and cps[i]
** (i = 1..n-1); brk[0] is LB_NO, and the end of text (after cps[n-1]) is
** implicitly LB_MUST and not stored.  `brk` has n entries. */
void linebreak_analyze(const uint32_t *cps, size_t n, unsigned char *brk);

/* Line breaking class of a code point (enum lb_class, values LB_BK..). */
int linebreak_class(uint32_t cp);

/* 1 if no line may start with cp / end with cp under clreq. */
int linebreak_no_start(uint32_t cp);
int linebreak_no_end(uint32_t cp);

/* Internal: the generated table in lbdata.c.  lbdata_lookup() returns
** the class of cp in the bits of LBDATA_CLASS, plus LBDATA_WIDE when its
** East_Asian_Width is F, W or H, and LBDATA_PICTO when it is an unassigned
** Extended_Pictographic code point. */
enum { LBDATA_CLASS = 0x3F, LBDATA_WIDE = 0x40, LBDATA_PICTO = 0x80 };
unsigned lbdata_lookup(uint32_t cp);
extern const char lbdata_unicode_version[];

#endif
