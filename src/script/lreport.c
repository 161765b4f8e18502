/*
** lreport.c: the "report" module scripts require: report.param,
** report.db (report.Db userdata), report.document (report.Document
** userdata), report.now and report.format.  The Lua half (prelude.lua,
** compiled in) adds doc:table and doc:chart; it receives the raw table
** and chart builders as arguments, so scripts cannot call them.
**
** Everything a script passes is untrusted.  Each table of options has one
** description here (OPTION_TABLES: key, type, range); the type and range
** checks and the unknown-key error come from it, and so can editor
** annotations.  Options are read raw (no metamethod runs script code while
** C holds a pointer into the document), and every userdata metatable is
** protected (__metatable), so a script cannot reach __gc.  Errors name the
** script's line even when the prelude stands between the script and C.
*/
#include <math.h>
#include <time.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "host.h"
#include "../base/mem.h"
#include "../base/month.h"
#include "../doc/units.h"
#include "../text/numfmt.h"
#include "prelude.h"          /* out/build/prelude.h: prelude_lua[], prelude_luac[] */

#define DOCUMENT_MT "report.Document"
#define DB_MT       "report.Db"
#define STMT_MT     "report.Stmt"
#define PENDING_MT  "report.Pending"
#define ROWS_MT     "report.Rows"

struct ldoc { struct doc *doc; };

/* ---- errors at the script's line ------------------------------------------------ */

/* Push "file.lua:LINE" of the innermost frame that belongs to a script,
** not to the prelude or C ("?" when none does). */
static const char *push_where(lua_State *L) {
    lua_Debug ar;
    int level;
    for (level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0 && ar.source[0] == '@')
            return lua_pushfstring(L, "%s:%d", ar.source + 1, ar.currentline);
    }
    return lua_pushstring(L, "?");
}

/* Raise "file.lua:LINE: message" at the script's line.  lua_pushfstring
** formats: %s %d %I (integer) %%; numbers go through push_num. */
static int script_error(lua_State *L, const char *fmt, ...) {
    va_list ap;
    push_where(L);
    lua_pushstring(L, ": ");
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 3);
    return lua_error(L);
}

/* A number as a message shows it: 4, 0.8, 1e+308, inf, nan (Lua's own %f
** would say 4.0). */
static const char *push_num(lua_State *L, double v) {
    char s[32];
    if (isnan(v)) return lua_pushstring(L, "nan");
    snprintf(s, sizeof s, "%.14g", v);
    return lua_pushstring(L, s);
}

/* The value at idx as a message shows it: 0, inf, 'text', a table. */
static const char *push_got(lua_State *L, int idx) {
    size_t n;
    const char *s;
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) return lua_pushfstring(L, "%I", lua_tointeger(L, idx));
        return push_num(L, lua_tonumber(L, idx));
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &n);
        if (n <= 60) return lua_pushfstring(L, "'%s'", s);
        n = 60;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;   /* a whole character */
        lua_pushlstring(L, s, n);
        lua_pushfstring(L, "'%s...' (%I bytes)", lua_tostring(L, -1), (lua_Integer)lua_rawlen(L, idx));
        lua_remove(L, -2);
        return lua_tostring(L, -1);
    case LUA_TBOOLEAN: return lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
    case LUA_TNIL:     return lua_pushstring(L, "nothing");
    default:           return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
    }
}

/* ---- option tables ---------------------------------------------------------------- */

enum opt_type {
    OPT_STRING,     /* a string of at most `max` bytes (0: any length) */
    OPT_TEXT,       /* a string or a number, shown as text */
    OPT_NUMBER,     /* a finite number in [min, max] */
    OPT_LENGTH,     /* points in [min, max]: a number, or "25mm", "2cm", "0.5in", "12pt" */
    OPT_INTEGER,    /* a whole number in [min, max] */
    OPT_SIZE,       /* a length in [min, max], or a Chinese size name ("小四") */
    OPT_SIZES,      /* a list of up to four OPT_SIZE values */
    OPT_PATTERNS,   /* a list of up to four strings of at most `max` bytes, or false */
    OPT_COLOR,      /* "#RRGGBB" */
    OPT_BOOL,
    OPT_CHOICE,     /* one of `choices` */
    OPT_TABLE,
    OPT_FUNCTION,
    OPT_KEY,        /* a column: its name, its position, or a function of the row */
    OPT_FORMAT,     /* a number format ("fixed:2") or a function(value, row) */
    OPT_FLAG,       /* true, false, or a function */
    OPT_WIDTH,      /* "auto", a length such as "30pt" or "2cm", or a share such as 2 */
    OPT_TEMPLATE,   /* page furniture text: a string whose {fields} are doc_fields */
    OPT_INDENT,     /* ems in [min, max] (2 or "2em"), or a length ("8mm") */
    OPT_ROWS        /* a table of rows, a db:rows cursor, or a function returning the next row */
};

struct opt {
    const char *key;
    enum opt_type type;
    double min, max;              /* numbers and sizes; strings: max bytes */
    const char *const *choices;   /* OPT_CHOICE, NULL-terminated */
    const char *unit;             /* after a range in messages: "pt" */
    size_t offset;                /* theme keys: the field in struct doc_theme */
};

#define MIN_TYPE  4.0             /* pt: type sizes */
#define MAX_TYPE  96.0
#define MAX_PAGE  14400.0         /* pt: the largest page PDF allows (200 in) */
#define MIN_PAGE  72.0
#define MIN_TEXT_AREA 72.0        /* pt of text width and height the margins leave */
#define MAX_VALUE 1e15            /* chart values: beyond this, axes lose their digits */
#define MAX_DECIMALS 10
#define MAX_SHARE 1e6             /* column width shares */

static const char *const LEGENDS[] = { "right", "bottom", "none", NULL };
static const char *const RULES[] = { "three-line", "grid", NULL };
static const char *const PUNCTUATION[] = { "compress", "full", "half", NULL };
static const char *const LINEBREAKS[] = { "total-fit", "first-fit", NULL };
static const char *const ALIGNS[] = { "left", "right", "center", "decimal", NULL };
static const char *const CHART_EMPTY[] = { "error", "box", NULL };
static const char *const AXES[] = { "left", "right", NULL };
static const char *const NUMBERINGS[] = { "body", "physical", NULL };   /* enum doc_numbering */
static const char *const BAND_RULES[] = { "none", "below", "above", NULL };   /* enum doc_rule */
static const char *const NOTE_REPEATS[] = { "full", "ibid", NULL };   /* enum doc_note_repeat */

#define TH(f) offsetof(struct doc_theme, f)
#define LENGTH(k, lo, hi) { #k, OPT_LENGTH, lo, hi, NULL, "pt", TH(k) }
#define TYPE_SIZE(k) { #k, OPT_SIZE, MIN_TYPE, MAX_TYPE, NULL, "pt", TH(k) }
#define NAME(k) { #k, OPT_STRING, 0, 31, NULL, NULL, TH(k) }
#define COLOR(k) { #k, OPT_COLOR, 0, 0, NULL, NULL, TH(k) }

/* report.document{ theme = {...} }: README.md "Themes". */
static const struct opt THEME_OPTIONS[] = {
    LENGTH(page_width, MIN_PAGE, MAX_PAGE), LENGTH(page_height, MIN_PAGE, MAX_PAGE),
    /* The running header sits 14 pt above the text, the footer 28 pt below. */
    LENGTH(margin_top, 24, MAX_PAGE), LENGTH(margin_bottom, 32, MAX_PAGE),
    LENGTH(margin_left, 0, MAX_PAGE), LENGTH(margin_right, 0, MAX_PAGE),
    TYPE_SIZE(body_size), TYPE_SIZE(table_size), TYPE_SIZE(note_size),
    { "heading_sizes", OPT_SIZES, MIN_TYPE, MAX_TYPE, NULL, "pt", TH(heading_size) },
    { "leading", OPT_NUMBER, 0.8, 4, NULL, "times the type size", TH(leading) },
    LENGTH(para_space, 0, 200),
    { "indent", OPT_INDENT, 0, 20, NULL, "em", TH(indent) },
    { "punctuation", OPT_CHOICE, 0, 0, PUNCTUATION, NULL, TH(punctuation) },
    { "linebreak", OPT_CHOICE, 0, 0, LINEBREAKS, NULL, TH(linebreak) },
    NAME(body_family), NAME(heading_family), NAME(table_family),
    { "heading_numbers", OPT_PATTERNS, 0, 31, NULL, NULL, TH(heading_numbers) },
    COLOR(heading_color), COLOR(text_color), COLOR(link_color), COLOR(accent_color),
    { "table_rules", OPT_CHOICE, 0, 0, RULES, NULL, TH(table_rules) },
    { "table_zebra", OPT_BOOL, 0, 0, NULL, NULL, TH(table_zebra) },
    NAME(table_null),
    COLOR(table_zebra_color), COLOR(table_highlight_color), COLOR(table_rule_color),
    COLOR(table_header_fill), COLOR(table_header_color),
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

static const struct opt DOCUMENT_OPTIONS[] = {
    { "title", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "author", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "subject", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "header", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "theme", OPT_TABLE, 0, 0, NULL, NULL, 0 }, { "page", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { "date", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "notes", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

/* report.document{ notes = {...} }: README.md "Inline markup". */
static const struct opt NOTES_OPTIONS[] = {
    { "repeats", OPT_CHOICE, 0, 0, NOTE_REPEATS, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

/* report.document{ page = {...} }: README.md "Page headers and footers". */
static const struct opt PAGE_OPTIONS[] = {
    { "header", OPT_TABLE, 0, 0, NULL, NULL, 0 }, { "footer", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { "numbering", OPT_CHOICE, 0, 0, NUMBERINGS, NULL, 0 },
    { "first_page", OPT_BOOL, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

/* page.header and page.footer. */
static const struct opt BAND_OPTIONS[] = {
    { "left", OPT_TEMPLATE, 0, 0, NULL, NULL, 0 }, { "center", OPT_TEMPLATE, 0, 0, NULL, NULL, 0 },
    { "right", OPT_TEMPLATE, 0, 0, NULL, NULL, 0 },
    { "size", OPT_SIZE, MIN_TYPE, 24, NULL, "pt", 0 }, { "color", OPT_COLOR, 0, 0, NULL, NULL, 0 },
    { "rule", OPT_CHOICE, 0, 0, BAND_RULES, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

/* doc:paragraph{...} and doc:heading{...}, the option forms. */
static const struct opt PARAGRAPH_OPTIONS[] = {
    { "text", OPT_TEXT, 0, 0, NULL, NULL, 0 }, { "markup", OPT_BOOL, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

static const struct opt HEADING_OPTIONS[] = {
    { "level", OPT_INTEGER, 0, 4, NULL, NULL, 0 }, { "text", OPT_TEXT, 0, 0, NULL, NULL, 0 },
    { "markup", OPT_BOOL, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

static const struct opt COVER_OPTIONS[] = {
    { "title", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "subtitle", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "org", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "date", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

static const struct opt TOC_OPTIONS[] = {
    { "depth", OPT_INTEGER, 1, 4, NULL, NULL, 0 }, { "title", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

static const struct opt IMAGE_OPTIONS[] = {
    { "path", OPT_STRING, 0, PATH_MAX - 1, NULL, NULL, 0 },
    { "width", OPT_LENGTH, 0, MAX_PAGE, NULL, "pt", 0 },     /* 0: the text width */
    { "caption", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "float", OPT_BOOL, 0, 0, NULL, NULL, 0 },            /* default true */
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

/* doc:table{...}: README.md "Tables". */
static const struct opt TABLE_OPTIONS[] = {
    { "rows", OPT_ROWS, 0, 0, NULL, NULL, 0 }, { "columns", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { "caption", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "source", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "empty", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "highlight", OPT_FUNCTION, 0, 0, NULL, NULL, 0 }, { "total", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { "zebra", OPT_BOOL, 0, 0, NULL, NULL, 0 }, { "rules", OPT_CHOICE, 0, 0, RULES, NULL, 0 },
    { "header_fill", OPT_COLOR, 0, 0, NULL, NULL, 0 }, { "header_color", OPT_COLOR, 0, 0, NULL, NULL, 0 },
    { "float", OPT_BOOL, 0, 0, NULL, NULL, 0 },            /* default false */
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

static const struct opt COLUMN_OPTIONS[] = {
    { "key", OPT_KEY, 0, 0, NULL, NULL, 0 }, { "title", OPT_TEXT, 0, 0, NULL, NULL, 0 },
    { "align", OPT_CHOICE, 0, 0, ALIGNS, NULL, 0 }, { "width", OPT_WIDTH, 0, 0, NULL, NULL, 0 },
    { "format", OPT_FORMAT, 0, 0, NULL, NULL, 0 }, { "rowspan", OPT_FLAG, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

static const struct opt GROUP_OPTIONS[] = {
    { "title", OPT_TEXT, 0, 0, NULL, NULL, 0 }, { "columns", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

static const struct opt TOTAL_OPTIONS[] = {
    { "label", OPT_TEXT, 0, 0, NULL, NULL, 0 }, { "sum", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { "mean", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

/* doc:chart{...}: README.md "Charts". */
static const struct opt CHART_OPTIONS[] = {
    { "kind", OPT_CHOICE, 0, 0, doc_chart_kinds, NULL, 0 }, { "rows", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { "label", OPT_KEY, 0, 0, NULL, NULL, 0 }, { "value", OPT_KEY, 0, 0, NULL, NULL, 0 },
    { "series", OPT_TABLE, 0, 0, NULL, NULL, 0 }, { "line", OPT_TABLE, 0, 0, NULL, NULL, 0 },
    { "x", OPT_KEY, 0, 0, NULL, NULL, 0 }, { "y", OPT_KEY, 0, 0, NULL, NULL, 0 },
    { "stacked", OPT_BOOL, 0, 0, NULL, NULL, 0 }, { "invert", OPT_BOOL, 0, 0, NULL, NULL, 0 },
    { "labels", OPT_BOOL, 0, 0, NULL, NULL, 0 }, { "markers", OPT_BOOL, 0, 0, NULL, NULL, 0 },
    { "legend", OPT_CHOICE, 0, 0, LEGENDS, NULL, 0 },
    { "width", OPT_LENGTH, 0, MAX_PAGE, NULL, "pt", 0 },      /* 0: the text width */
    { "height", OPT_LENGTH, 0, MAX_PAGE, NULL, "pt", 0 },     /* 0: from the width */
    { "caption", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "source", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "y_title", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "y2_title", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "x_title", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "decimals", OPT_INTEGER, 0, MAX_DECIMALS, NULL, NULL, 0 },
    { "suffix", OPT_STRING, 0, 0, NULL, NULL, 0 },
    { "highlight", OPT_FUNCTION, 0, 0, NULL, NULL, 0 },
    { "empty", OPT_CHOICE, 0, 0, CHART_EMPTY, NULL, 0 },
    { "float", OPT_BOOL, 0, 0, NULL, NULL, 0 },            /* default true */
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

/* A chart's series = {{key=, name=, color=, ...}, ...} and barline's line = {...}. */
static const struct opt SERIES_OPTIONS[] = {
    { "key", OPT_KEY, 0, 0, NULL, NULL, 0 }, { "name", OPT_TEXT, 0, 0, NULL, NULL, 0 },
    { "color", OPT_COLOR, 0, 0, NULL, NULL, 0 },
    { "decimals", OPT_INTEGER, 0, MAX_DECIMALS, NULL, NULL, 0 },
    { "suffix", OPT_STRING, 0, 0, NULL, NULL, 0 }, { "axis", OPT_CHOICE, 0, 0, AXES, NULL, 0 },
    { NULL, 0, 0, 0, NULL, NULL, 0 }
};

/* Every option table by name: the prelude checks with these names. */
static const struct { const char *name; const struct opt *opts; } OPTION_TABLES[] = {
    { "document", DOCUMENT_OPTIONS }, { "theme", THEME_OPTIONS }, { "cover", COVER_OPTIONS },
    { "toc", TOC_OPTIONS }, { "image", IMAGE_OPTIONS }, { "table", TABLE_OPTIONS },
    { "column", COLUMN_OPTIONS }, { "group", GROUP_OPTIONS }, { "total", TOTAL_OPTIONS },
    { "chart", CHART_OPTIONS }, { "series", SERIES_OPTIONS }, { "page", PAGE_OPTIONS },
    { "band", BAND_OPTIONS }, { "paragraph", PARAGRAPH_OPTIONS },
    { "heading", HEADING_OPTIONS }, { "notes", NOTES_OPTIONS }, { NULL, NULL }
};

/* Chinese type sizes (字号), so a theme can say body_size = "五号". */
static const struct { const char *name; float pt; } SIZE_NAMES[] = {
    { "初号", 42 }, { "小初", 36 }, { "一号", 26 }, { "小一", 24 }, { "二号", 22 },
    { "小二", 18 }, { "三号", 16 }, { "小三", 15 }, { "四号", 14 }, { "小四", 12 },
    { "五号", 10.5f }, { "小五", 9 }, { "六号", 7.5f }, { "小六", 6.5f }, { "七号", 5.5f },
    { "八号", 5 }, { NULL, 0 }
};

static const struct opt *opt_find(const struct opt *opts, const char *key) {
    for (; opts->key; opts++) if (strcmp(opts->key, key) == 0) return opts;
    return NULL;
}

static int in_range(double v, const struct opt *o) {
    return isfinite(v) && v >= o->min && v <= o->max;
}

static int choice_index(const char *const *choices, const char *s) {
    int i;
    for (i = 0; choices[i]; i++) if (strcmp(choices[i], s) == 0) return i;
    return -1;
}

/* A length: a number of points, or a string with a unit ("25mm"); NAN
** when it is neither. */
static double length_value(lua_State *L, int idx) {
    double pt;
    if (lua_type(L, idx) == LUA_TNUMBER) return lua_tonumber(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING && units_length(lua_tostring(L, idx), &pt)) return pt;
    return NAN;
}

/* An indent: ems (2 or "2em"), or a length ("8mm", "24pt") when *is_length
** is set.  NAN when it is none of them. */
static double indent_value(lua_State *L, int idx, int *is_length) {
    const char *s;
    size_t n;
    double v;
    *is_length = 0;
    if (lua_type(L, idx) == LUA_TNUMBER) return lua_tonumber(L, idx);
    if (lua_type(L, idx) != LUA_TSTRING) return NAN;
    s = lua_tolstring(L, idx, &n);
    if (n > 2 && strcmp(s + n - 2, "em") == 0 && strspn(s, " 0123456789.") == n - 2) {
        char num[64];
        if (n - 2 >= sizeof num) return NAN;
        memcpy(num, s, n - 2);
        num[n - 2] = '\0';
        return units_length(num, &v) ? v : NAN;
    }
    *is_length = 1;
    return length_value(L, idx);
}

/* A size value: a length, or a size name; NAN when it is neither. */
static double size_value(lua_State *L, int idx) {
    int i;
    if (lua_type(L, idx) == LUA_TSTRING)
        for (i = 0; SIZE_NAMES[i].name; i++)
            if (strcmp(SIZE_NAMES[i].name, lua_tostring(L, idx)) == 0) return SIZE_NAMES[i].pt;
    return length_value(L, idx);
}

/* "#RRGGBB" into c; 0 when s is not one. */
static int parse_color(const char *s, struct doc_color *c) {
    unsigned v = 0;
    int i;
    if (s == NULL || s[0] != '#' || strlen(s) != 7) return 0;
    for (i = 1; i < 7; i++) {
        char h = s[i];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
              : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0) return 0;
        v = v * 16 + (unsigned)d;
    }
    if (c) {
        c->r = (float)((v >> 16) & 0xFF) / 255.0f;
        c->g = (float)((v >> 8) & 0xFF) / 255.0f;
        c->b = (float)(v & 0xFF) / 255.0f;
    }
    return 1;
}

/* width: "auto", "30pt" (fixed), or shares: 2, "2" or "2fr".  0 when the
** value is none of them (or out of range). */
static int parse_width(lua_State *L, int idx, enum doc_width_kind *kind, float *w) {
    const char *s, *end;
    double v;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        v = lua_tonumber(L, idx);
        *kind = DOC_WIDTH_SHARE;
        *w = (float)v;
        return isfinite(v) && v > 0 && v <= MAX_SHARE;
    }
    if (lua_type(L, idx) != LUA_TSTRING) return 0;
    s = lua_tostring(L, idx);
    if (strcmp(s, "auto") == 0) { *kind = DOC_WIDTH_AUTO; *w = 0; return 1; }
    if (units_length(s, &v) && strspn(s, " 0123456789.") < strlen(s)) {   /* with a unit */
        *kind = DOC_WIDTH_FIXED;
        *w = (float)v;
        return v > 0 && v <= MAX_PAGE;
    }
    while (*s == ' ') s++;
    if (!(*s >= '0' && *s <= '9') && *s != '.') return 0;    /* no sign, inf, nan or hex */
    v = strtod(s, (char **)&end);
    if (end == s || !isfinite(v) || v <= 0) return 0;
    while (*end == ' ') end++;
    *kind = DOC_WIDTH_SHARE;
    if (strncmp(end, "fr", 2) == 0) end += 2;
    while (*end == ' ') end++;
    *w = (float)v;
    return *end == '\0' && v <= (*kind == DOC_WIDTH_FIXED ? MAX_PAGE : MAX_SHARE);
}

/* Push what o accepts (each item of a list when `item`), for "must be ...". */
static const char *push_expected(lua_State *L, const struct opt *o, int item) {
    luaL_Buffer b;
    int i;
    const char *unit = o->unit ? o->unit : "";
    switch (o->type) {
    case OPT_STRING:
        return o->max > 0 ? lua_pushfstring(L, "a string of at most %d bytes", (int)o->max)
                          : lua_pushstring(L, "a string");
    case OPT_TEXT:     return lua_pushstring(L, "a string or a number");
    case OPT_NUMBER:
        return lua_pushfstring(L, "a number between %s and %s%s%s", push_num(L, o->min),
                               push_num(L, o->max), *unit ? " " : "", unit);
    case OPT_LENGTH:
        return lua_pushfstring(L, "a length between %s and %s %s (points, or with a unit: "
                               "\"25mm\", \"2cm\", \"0.5in\", \"12pt\")", push_num(L, o->min),
                               push_num(L, o->max), unit);
    case OPT_INTEGER:
        return lua_pushfstring(L, "a whole number between %s and %s", push_num(L, o->min),
                               push_num(L, o->max));
    case OPT_SIZE:
    case OPT_SIZES:    /* SIZES: each item */
        return lua_pushfstring(L, "between %s and %s %s (\"12pt\", \"5mm\"...) or a size name "
                               "such as \"小四\"", push_num(L, o->min), push_num(L, o->max), unit);
    case OPT_PATTERNS:
        return item ? lua_pushfstring(L, "a string of at most %d bytes", (int)o->max)
                    : lua_pushfstring(L, "a list of up to four strings of at most %d bytes, or false",
                                      (int)o->max);
    case OPT_COLOR:    return lua_pushstring(L, "a colour \"#RRGGBB\"");
    case OPT_BOOL:     return lua_pushstring(L, "true or false");
    case OPT_TABLE:    return lua_pushstring(L, "a table");
    case OPT_FUNCTION: return lua_pushstring(L, "a function");
    case OPT_KEY:      return lua_pushstring(L, "a column name, a column number or a function of the row");
    case OPT_FORMAT:   return lua_pushstring(L, "a format name such as \"fixed:2\" or a function(value, row)");
    case OPT_FLAG:     return lua_pushstring(L, "true, false or a function");
    case OPT_WIDTH:
        return lua_pushstring(L, "\"auto\", a length such as \"30pt\" or \"2cm\", or a share such as 2");
    case OPT_INDENT:
        return lua_pushfstring(L, "between %s and %s em (2 or \"2em\") or a length such as \"8mm\"",
                               push_num(L, o->min), push_num(L, o->max));
    case OPT_ROWS:
        return lua_pushstring(L, "a table of rows, db:rows(...) or a function that returns the "
                              "next row (nil at the end)");
    case OPT_TEMPLATE:
        return lua_pushstring(L, "a string whose fields are {page}, {pages}, {section}, {title} "
                              "or {date} ({{ and }} for braces)");
    case OPT_CHOICE:
        luaL_buffinit(L, &b);
        for (i = 0; o->choices[i]; i++) {
            if (i > 0) luaL_addstring(&b, o->choices[i + 1] ? ", " : " or ");
            luaL_addchar(&b, '\'');
            luaL_addstring(&b, o->choices[i]);
            luaL_addchar(&b, '\'');
        }
        luaL_pushresult(&b);
        return lua_tostring(L, -1);
    }
    return lua_pushstring(L, "?");
}

static int bad_option(lua_State *L, int idx, const char *what, const struct opt *o, int item) {
    const char *expected, *got;
    idx = lua_absindex(L, idx);
    expected = push_expected(L, o, item);
    if ((o->type == OPT_STRING || o->type == OPT_PATTERNS) && lua_type(L, idx) == LUA_TSTRING)
        got = lua_pushfstring(L, "a string of %I bytes", (lua_Integer)lua_rawlen(L, idx));
    else
        got = push_got(L, idx);
    if (item > 0)
        return script_error(L, "%s key '%s': item %d must be %s, got %s", what, o->key, item,
                            expected, got);
    return script_error(L, "%s key '%s': must be %s, got %s", what, o->key, expected, got);
}

/* Does one value (or list item) fit o? */
static int opt_fits(lua_State *L, int idx, const struct opt *o) {
    struct numfmt f;
    struct rc_err err = {0};
    enum doc_width_kind kind;
    float w;
    int t = lua_type(L, idx);
    switch (o->type) {
    case OPT_STRING:
        return t == LUA_TSTRING && (o->max <= 0 || lua_rawlen(L, idx) <= (size_t)o->max);
    case OPT_TEXT:     return t == LUA_TSTRING || t == LUA_TNUMBER;
    case OPT_NUMBER:   return t == LUA_TNUMBER && in_range(lua_tonumber(L, idx), o);
    case OPT_LENGTH:   return in_range(length_value(L, idx), o);
    case OPT_INDENT: {
        int is_length;
        double v = indent_value(L, idx, &is_length);
        return is_length ? isfinite(v) && v >= 0 && v <= MAX_PAGE : in_range(v, o);
    }
    case OPT_TEMPLATE: return t == LUA_TSTRING && doc_template_check(lua_tostring(L, idx), NULL, 0) == 0;
    case OPT_INTEGER:
        return t == LUA_TNUMBER && in_range(lua_tonumber(L, idx), o)
            && floor(lua_tonumber(L, idx)) == lua_tonumber(L, idx);
    case OPT_SIZE:
    case OPT_SIZES:    return in_range(size_value(L, idx), o);
    case OPT_PATTERNS:
        return t == LUA_TNIL || (t == LUA_TSTRING && lua_rawlen(L, idx) <= (size_t)o->max);
    case OPT_COLOR:    return t == LUA_TSTRING && parse_color(lua_tostring(L, idx), NULL);
    case OPT_BOOL:     return t == LUA_TBOOLEAN;
    case OPT_TABLE:    return t == LUA_TTABLE;
    case OPT_FUNCTION: return t == LUA_TFUNCTION;
    case OPT_ROWS:
        return t == LUA_TTABLE || t == LUA_TFUNCTION || luaL_testudata(L, idx, ROWS_MT) != NULL;
    case OPT_KEY:      return t == LUA_TSTRING || t == LUA_TNUMBER || t == LUA_TFUNCTION;
    case OPT_FORMAT:
        return t == LUA_TFUNCTION
            || (t == LUA_TSTRING && numfmt_parse(lua_tostring(L, idx), &f, &err) == RC_OK);
    case OPT_FLAG:     return t == LUA_TBOOLEAN || t == LUA_TFUNCTION;
    case OPT_WIDTH:    return parse_width(L, idx, &kind, &w);
    case OPT_CHOICE:   return t == LUA_TSTRING && choice_index(o->choices, lua_tostring(L, idx)) >= 0;
    }
    return 0;
}

/* Check the value at idx against o; raise "<what> key '<key>': must be
** ..., got ..." at the script's line when it does not fit. */
static void opt_check(lua_State *L, int idx, const char *what, const struct opt *o) {
    lua_Integer i, n;
    idx = lua_absindex(L, idx);
    if (o->type == OPT_FORMAT && lua_type(L, idx) == LUA_TSTRING) {
        struct numfmt f;
        struct rc_err err = {0};
        if (numfmt_parse(lua_tostring(L, idx), &f, &err) != RC_OK)
            script_error(L, "%s: %s", what, err.msg);
    }
    if (o->type == OPT_TEMPLATE && lua_type(L, idx) == LUA_TSTRING) {
        char bad[64];
        if (doc_template_check(lua_tostring(L, idx), bad, sizeof bad) != 0)
            script_error(L, "%s key '%s': unknown field '%s' in %s (the fields are {page}, {pages}, "
                         "{section}, {title} and {date}; {{ and }} for braces)", what, o->key, bad,
                         push_got(L, idx));
    }
    if ((o->type == OPT_SIZES || (o->type == OPT_PATTERNS && lua_type(L, idx) == LUA_TTABLE))) {
        if (lua_type(L, idx) != LUA_TTABLE)
            script_error(L, "%s key '%s': must be a list of up to four sizes such as {\"三号\", 14}, got %s",
                         what, o->key, push_got(L, idx));
        n = (lua_Integer)lua_rawlen(L, idx);
        if (n > 4) script_error(L, "%s key '%s': at most four items (one per heading level), got %I",
                                what, o->key, n);
        for (i = 1; i <= n; i++) {
            if (lua_rawgeti(L, idx, i) != LUA_TNIL && !opt_fits(L, -1, o)) bad_option(L, -1, what, o, (int)i);
            lua_pop(L, 1);
        }
        return;
    }
    if (o->type == OPT_PATTERNS && lua_type(L, idx) == LUA_TBOOLEAN && !lua_toboolean(L, idx)) return;
    if (o->type == OPT_PATTERNS || !opt_fits(L, idx, o)) bad_option(L, idx, what, o, 0);
}

/* Check every key of the options table at idx: known, and a value of the
** right type in range.  Raw: no metamethod runs. */
static void opts_check(lua_State *L, int idx, const char *what, const struct opt *opts) {
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        script_error(L, "%s expects a table of options, got %s", what, push_got(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const struct opt *o = lua_type(L, -2) == LUA_TSTRING ? opt_find(opts, lua_tostring(L, -2)) : NULL;
        if (o == NULL) {
            if (lua_type(L, -2) == LUA_TSTRING)
                script_error(L, "%s: unknown option '%s'", what, lua_tostring(L, -2));
            script_error(L, "%s: unknown option %s", what, push_got(L, -2));
        }
        opt_check(L, -1, what, o);
        lua_pop(L, 1);
    }
}

/* The readers: the value of `key` in the options table at idx, read raw
** and checked against its entry in `opts`; absent gives the default. */
static int opt_push(lua_State *L, int idx, const char *what, const struct opt *opts,
                    const char *key, const struct opt **o) {
    idx = lua_absindex(L, idx);
    *o = opt_find(opts, key);
    if (*o == NULL) luaL_error(L, "internal: no option '%s' for %s", key, what);
    lua_pushstring(L, key);
    if (lua_rawget(L, idx) == LUA_TNIL) return 0;
    opt_check(L, -1, what, *o);
    return 1;
}

/* Copy a string option into *field (left alone when absent). */
static void opt_set_string(lua_State *L, int idx, const char *what, const struct opt *opts,
                           const char *key, char **field) {
    const struct opt *o;
    if (opt_push(L, idx, what, opts, key, &o)) doc_set_string(field, lua_tostring(L, -1));
    lua_pop(L, 1);
}

static double opt_number(lua_State *L, int idx, const char *what, const struct opt *opts,
                         const char *key, double dflt) {
    const struct opt *o;
    double v = dflt;
    if (opt_push(L, idx, what, opts, key, &o))
        v = o->type == OPT_SIZE ? size_value(L, -1) : o->type == OPT_LENGTH ? length_value(L, -1)
          : lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static int opt_bool(lua_State *L, int idx, const char *what, const struct opt *opts,
                    const char *key, int dflt) {
    const struct opt *o;
    int v = dflt;
    if (opt_push(L, idx, what, opts, key, &o)) v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* The index of a choice in its list, or dflt when absent. */
static int opt_choice(lua_State *L, int idx, const char *what, const struct opt *opts,
                      const char *key, int dflt) {
    const struct opt *o;
    int v = dflt;
    if (opt_push(L, idx, what, opts, key, &o)) v = choice_index(o->choices, lua_tostring(L, -1));
    lua_pop(L, 1);
    return v;
}

/* native.options(name, t, what) -> a plain copy of t after checking it
** against the option table `name`: the prelude works on the copy, so no
** metamethod of the script's table runs while a table or chart is built. */
static int l_options(lua_State *L) {
    const char *name = luaL_checkstring(L, 1), *what = luaL_checkstring(L, 3);
    int i;
    for (i = 0; OPTION_TABLES[i].name && strcmp(OPTION_TABLES[i].name, name); i++) {}
    if (OPTION_TABLES[i].name == NULL) return luaL_error(L, "internal: no option table '%s'", name);
    opts_check(L, 2, what, OPTION_TABLES[i].opts);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    return 1;
}

/* ---- report.param ------------------------------------------------------------ */

static int l_param(lua_State *L) {
    const struct script_job *job = host_ctx(L)->job;
    const char *name = luaL_checkstring(L, 1), *value = NULL;
    size_t i;
    for (i = 0; i < job->nparams; i++)
        if (strcmp(job->params[i].name, name) == 0) value = job->params[i].value;
    if (value == NULL) {
        char month[8];
        if (lua_isnoneornil(L, 2))
            return luaL_error(L, "parameter '%s' is required (give it with -D %s=VALUE)", name, name);
        /* A default of last-month or this-month names a month, as -D does. */
        if (lua_type(L, 2) == LUA_TSTRING && month_keyword(lua_tostring(L, 2), job->now, month)) {
            lua_pushstring(L, month);
            return 1;
        }
        lua_settop(L, 2);
        return 1;
    }
    if (lua_type(L, 2) == LUA_TNUMBER) {
        if (lua_stringtonumber(L, value) == 0)
            return luaL_error(L, "parameter '%s' must be a number, got '%s'", name, value);
        return 1;
    }
    lua_pushstring(L, value);
    return 1;
}

static int l_now(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)host_ctx(L)->job->now);
    return 1;
}

/* ---- report.db ------------------------------------------------------------------ */

/* A statement box: the statement is finalized by __gc even when a query
** raises halfway through its rows. */
static struct store_stmt **new_stmt_box(lua_State *L) {
    struct store_stmt **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, STMT_MT);
    return box;
}

static int stmt_gc(lua_State *L) {
    struct store_stmt **box = luaL_checkudata(L, 1, STMT_MT);
    store_finalize(*box);
    *box = NULL;
    return 0;
}

/* The SQL on one line, for error messages. */
static const char *sql_oneline(lua_State *L, const char *sql) {
    luaL_Buffer b;
    int space = 0;
    luaL_buffinit(L, &b);
    for (; *sql; sql++) {
        int ws = *sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '\r';
        if (ws) { space = 1; continue; }
        if (space && luaL_bufflen(&b) > 0) luaL_addchar(&b, ' ');
        space = 0;
        luaL_addchar(&b, *sql);
    }
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

static int query_error(lua_State *L, const char *sql, const char *msg) {
    return luaL_error(L, "query failed: %s (SQL: %s)", msg, sql_oneline(L, sql));
}

static int bind_value(lua_State *L, struct store_stmt *st, int i, int idx,
                      const char *sql, struct rc_err *err) {
    size_t n;
    const char *s;
    int rc;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:     rc = store_bind_null(st, i, err); break;
    case LUA_TBOOLEAN: rc = store_bind_int(st, i, lua_toboolean(L, idx), err); break;
    case LUA_TNUMBER:
        rc = lua_isinteger(L, idx) ? store_bind_int(st, i, lua_tointeger(L, idx), err)
                                   : store_bind_real(st, i, lua_tonumber(L, idx), err);
        break;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &n);
        rc = store_bind_text(st, i, s, n, err);
        break;
    default:
        return luaL_error(L, "query parameter %d: cannot bind a %s (SQL: %s)", i,
                          luaL_typename(L, idx), sql_oneline(L, sql));
    }
    return rc == RC_OK ? 0 : query_error(L, sql, err->msg);
}

/* One table for :name parameters: every parameter of the statement needs
** its key ("?" parameters take t[1], t[2]...), and every key must name a
** parameter (a typo would otherwise bind nothing). */
static void bind_named(lua_State *L, struct store_stmt *st, const char *sql, int t) {
    struct rc_err err = {0};
    int want = store_param_count(st), i;
    for (i = 1; i <= want; i++) {
        const char *name = store_param_name(st, i);
        if (name && strchr(":$@", name[0])) {
            lua_pushstring(L, name + 1);
            if (lua_rawget(L, t) == LUA_TNIL)
                luaL_error(L, "query parameter '%s' has no value: the table has no key '%s' (SQL: %s)",
                           name, name + 1, sql_oneline(L, sql));
        } else if (lua_rawgeti(L, t, i) == LUA_TNIL) {
            luaL_error(L, "query parameter %d ('%s') has no value: the table has no item %d (SQL: %s)",
                       i, name ? name : "?", i, sql_oneline(L, sql));
        }
        bind_value(L, st, i, lua_gettop(L), sql, &err);
        lua_pop(L, 1);
    }
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int at = lua_type(L, -2) == LUA_TSTRING ? store_param_index(st, lua_tostring(L, -2))
               : lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= want
                 && store_param_name(st, (int)lua_tointeger(L, -2)) == NULL ? 1 : 0;
        if (at == 0) {
            /* one push at a time: an argument pushed first would move -2 */
            const char *key = lua_type(L, -2) == LUA_TSTRING
                            ? lua_pushfstring(L, "':%s'", lua_tostring(L, -2)) : push_got(L, -2);
            const char *one_line = sql_oneline(L, sql);
            luaL_error(L, "query has no parameter %s (SQL: %s)", key, one_line);
        }
        lua_pop(L, 1);
    }
}

/* Parameters: `?` values in order, or one table for :name parameters. */
static void bind_params(lua_State *L, struct store_stmt *st, const char *sql, int first) {
    struct rc_err err = {0};
    int nargs = lua_gettop(L) - first + 1, want = store_param_count(st), i;
    if (nargs == 1 && lua_istable(L, first)) { bind_named(L, st, sql, first); return; }
    if (nargs != want)
        luaL_error(L, "query takes %d parameter%s, %d given (SQL: %s)", want,
                   want == 1 ? "" : "s", nargs, sql_oneline(L, sql));
    for (i = 0; i < nargs; i++) bind_value(L, st, i + 1, first + i, sql, &err);
}

static void push_column(lua_State *L, struct store_stmt *st, int c) {
    size_t n;
    const char *s;
    switch (store_column_type(st, c)) {
    case STORE_INT:  lua_pushinteger(L, (lua_Integer)store_column_int(st, c)); break;
    case STORE_REAL: lua_pushnumber(L, store_column_real(st, c)); break;
    case STORE_NULL: lua_pushnil(L); break;
    default:
        s = store_column_text(st, c, &n);
        lua_pushlstring(L, s, n);
    }
}

/* db:query / db:value: prepare argument 2 with the parameters after it;
** the statement's box goes to index 3, below the parameters. */
static struct store_stmt *prepare_query(lua_State *L, const char **sql) {
    struct script_ctx *ctx = host_ctx(L);
    struct store_stmt **box;
    struct rc_err err = {0};
    luaL_checkudata(L, 1, DB_MT);
    *sql = luaL_checkstring(L, 2);
    box = new_stmt_box(L);
    lua_insert(L, 3);
    if (store_prepare(ctx->db, *sql, box, &err) != RC_OK) query_error(L, *sql, err.msg);
    bind_params(L, *box, *sql, 4);
    return *box;
}

static void finish_query(lua_State *L) {
    struct store_stmt **box = lua_touserdata(L, 3);
    store_finalize(*box);
    *box = NULL;
}

/* db:query(sql, ...) -> rows, columns: rows keyed by column name (NULL
** leaves the key absent), and the column names in order. */
static int l_db_query(lua_State *L) {
    const char *sql;
    struct store_stmt *st = prepare_query(L, &sql);
    struct rc_err err = {0};
    lua_Integer nrows = 0;
    int ncols = store_column_count(st), c, more;
    lua_createtable(L, 0, 0);                          /* rows */
    while ((more = store_step(st, &err)) > 0) {
        lua_createtable(L, 0, ncols);
        for (c = 0; c < ncols; c++) {
            push_column(L, st, c);
            lua_setfield(L, -2, store_column_name(st, c));
        }
        lua_rawseti(L, -2, ++nrows);
    }
    if (more < 0) return query_error(L, sql, err.msg);
    lua_createtable(L, ncols, 0);                      /* column names */
    for (c = 0; c < ncols; c++) {
        lua_pushstring(L, store_column_name(st, c));
        lua_rawseti(L, -2, c + 1);
    }
    finish_query(L);
    return 2;
}

/* db:value(sql, ...) -> the first column of the first row, or nil. */
static int l_db_value(lua_State *L) {
    const char *sql;
    struct store_stmt *st = prepare_query(L, &sql);
    struct rc_err err = {0};
    int more = store_step(st, &err);
    if (more < 0) return query_error(L, sql, err.msg);
    if (more > 0 && store_column_count(st) > 0) push_column(L, st, 0);
    else lua_pushnil(L);
    finish_query(L);
    return 1;
}

/* ---- db:rows ---------------------------------------------------------------------- */

/* db:rows(sql, ...) -> a cursor, nil, nil, the cursor: the generic for's
** iterator and its to-be-closed value, so the statement is finalized when
** the loop ends, breaks or raises.  Each call returns the next row (as
** db:query's) or nil.  Exhausted, the statement is reset (it holds no
** lock) but kept, so doc:table can read the rows again in a second layout
** pass (cursor_restart); closed (__close, __gc), it is finalized and any
** further use is an error.  The SQL is the userdata's user value, for
** messages. */
enum cursor_state { CURSOR_OPEN, CURSOR_DONE, CURSOR_CLOSED };

struct cursor {
    struct store_stmt *st;
    enum cursor_state state;
};

static struct cursor *check_cursor(lua_State *L, int idx) {
    struct cursor *c = luaL_checkudata(L, idx, ROWS_MT);
    if (c->state == CURSOR_CLOSED)
        luaL_error(L, "db:rows: the rows were closed (their loop ended, or their table was "
                   "laid out): call db:rows again to read them");
    return c;
}

static const char *cursor_sql(lua_State *L, int idx) {
    lua_getiuservalue(L, idx, 1);
    return lua_tostring(L, -1);
}

static void cursor_finalize(struct cursor *c) {
    store_finalize(c->st);
    c->st = NULL;
    c->state = CURSOR_CLOSED;
}

static int l_db_rows(lua_State *L) {
    struct script_ctx *ctx = host_ctx(L);
    struct rc_err err = {0};
    struct cursor *c;
    const char *sql;
    luaL_checkudata(L, 1, DB_MT);
    sql = luaL_checkstring(L, 2);
    c = lua_newuserdatauv(L, sizeof *c, 1);
    c->st = NULL;
    c->state = CURSOR_CLOSED;
    luaL_setmetatable(L, ROWS_MT);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, -2, 1);
    lua_insert(L, 3);                                  /* the cursor, below the parameters */
    if (store_prepare(ctx->db, sql, &c->st, &err) != RC_OK) query_error(L, sql, err.msg);
    c->state = CURSOR_OPEN;
    bind_params(L, c->st, sql, 4);                     /* an error: __gc finalizes */
    lua_settop(L, 3);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_pushvalue(L, 3);
    return 4;
}

/* cursor() -> the next row, or nil at the end. */
static int cursor_call(lua_State *L) {
    struct cursor *c = check_cursor(L, 1);
    struct rc_err err = {0};
    int ncols, i, more;
    if (c->state == CURSOR_DONE) { lua_pushnil(L); return 1; }
    if ((more = store_step(c->st, &err)) < 0) {
        const char *sql = cursor_sql(L, 1);
        cursor_finalize(c);
        return query_error(L, sql, err.msg);
    }
    if (more == 0) {
        store_reset(c->st);
        c->state = CURSOR_DONE;
        lua_pushnil(L);
        return 1;
    }
    ncols = store_column_count(c->st);
    lua_createtable(L, 0, ncols);
    for (i = 0; i < ncols; i++) {
        push_column(L, c->st, i);
        lua_setfield(L, -2, store_column_name(c->st, i));
    }
    return 1;
}

static int cursor_close(lua_State *L) {
    struct cursor *c = luaL_checkudata(L, 1, ROWS_MT);
    cursor_finalize(c);
    return 0;
}

static int cursor_tostring(lua_State *L) {
    struct cursor *c = luaL_checkudata(L, 1, ROWS_MT);
    lua_pushfstring(L, "db:rows(%s)%s", sql_oneline(L, cursor_sql(L, 1)),
                    c->state == CURSOR_CLOSED ? " (closed)" : "");
    return 1;
}

/* native.rows_restart(cursor): from its first row again (the bindings
** kept), for a second layout pass; false for what cannot restart (a
** function, a closed cursor). */
static int l_rows_restart(lua_State *L) {
    struct cursor *c = luaL_testudata(L, 1, ROWS_MT);
    if (c == NULL || c->state == CURSOR_CLOSED) { lua_pushboolean(L, 0); return 1; }
    store_reset(c->st);
    c->state = CURSOR_OPEN;
    lua_pushboolean(L, 1);
    return 1;
}

/* native.rows_close(cursor): finalized now (a streamed table is done with it). */
static int l_rows_close(lua_State *L) {
    struct cursor *c = luaL_testudata(L, 1, ROWS_MT);
    if (c) cursor_finalize(c);
    return 0;
}

/* native.is_rows(v): is v a db:rows cursor (any state)? */
static int l_is_rows(lua_State *L) {
    lua_pushboolean(L, luaL_testudata(L, 1, ROWS_MT) != NULL);
    return 1;
}

/* ---- report.document ------------------------------------------------------------ */

/* The document at `idx`, for method `method` (a script may call a method
** with the wrong self). */
static struct ldoc *check_doc_at(lua_State *L, int idx, const char *method) {
    struct ldoc *d = luaL_testudata(L, idx, DOCUMENT_MT);
    if (d == NULL)
        script_error(L, "doc:%s: call it on a document (doc:%s{...}), not on %s", method, method,
                     push_got(L, idx));
    if (d->doc == NULL) script_error(L, "doc:%s: the document was already returned", method);
    return d;
}

static struct ldoc *check_doc(lua_State *L) {
    struct ldoc *d = luaL_checkudata(L, 1, DOCUMENT_MT);
    if (d->doc == NULL) luaL_error(L, "the document was already returned");
    return d;
}

/* A theme's float, rounded to 0.01 pt for messages. */
static const char *push_pt(lua_State *L, float v) { return push_num(L, round((double)v * 100) / 100); }

/* A page must leave room for text between its margins, and the type must
** fit in it: a line of every size no taller than the text area, no
** character and no first-line indent wider than it (text past the page
** would be lost from the PDF without a word). */
static void check_text_area(lua_State *L, const struct doc_theme *t) {
    float w = t->page_width - t->margin_left - t->margin_right;
    float h = t->page_height - t->margin_top - t->margin_bottom;
    float title = t->heading_size[0] * 1.35f;               /* doc:heading(0, ...) */
    const struct { const char *key; float size, line; } type[] = {
        { "body_size", t->body_size, t->body_size * t->leading },
        { "heading_sizes", title, title * 1.5f },
        { "heading_sizes", t->heading_size[1], t->heading_size[1] * 1.5f },
        { "heading_sizes", t->heading_size[2], t->heading_size[2] * 1.5f },
        { "heading_sizes", t->heading_size[3], t->heading_size[3] * 1.5f },
        { "table_size", t->table_size, t->table_size * 1.45f },
        { "note_size", t->note_size, t->note_size * 1.45f },
    };
    size_t i;
    if (w < MIN_TEXT_AREA)
        script_error(L, "theme keys 'margin_left' (%s pt) and 'margin_right' (%s pt) leave less "
                     "than %s pt of text width on a page %s pt wide", push_pt(L, t->margin_left),
                     push_pt(L, t->margin_right), push_num(L, MIN_TEXT_AREA), push_pt(L, t->page_width));
    if (h < MIN_TEXT_AREA)
        script_error(L, "theme keys 'margin_top' (%s pt) and 'margin_bottom' (%s pt) leave less "
                     "than %s pt of text height on a page %s pt tall", push_pt(L, t->margin_top),
                     push_pt(L, t->margin_bottom), push_num(L, MIN_TEXT_AREA), push_pt(L, t->page_height));
    for (i = 0; i < sizeof type / sizeof type[0]; i++) {
        if (type[i].line > h)
            script_error(L, "theme key '%s': a line of %s pt type is %s pt tall, more than the %s pt "
                         "of text height between the margins", type[i].key, push_pt(L, type[i].size),
                         push_pt(L, type[i].line), push_pt(L, h));
        if (type[i].size * 2 > w)
            script_error(L, "theme key '%s': %s pt type leaves less than two characters a line in "
                         "the %s pt of text width between the margins", type[i].key,
                         push_pt(L, type[i].size), push_pt(L, w));
    }
    if (t->indent * t->body_size * 2 > w)
        script_error(L, "theme key 'indent': %s em of %s pt type is more than half the %s pt of "
                     "text width", push_pt(L, t->indent), push_pt(L, t->body_size), push_pt(L, w));
}

/* One checked theme value (at the top of the stack) into its field. */
static void theme_store(lua_State *L, struct doc_theme *t, const struct opt *o) {
    char *field = (char *)t + o->offset;
    int i;
    switch (o->type) {
    case OPT_NUMBER: *(float *)field = (float)lua_tonumber(L, -1); break;
    case OPT_LENGTH: *(float *)field = (float)length_value(L, -1); break;
    case OPT_SIZE:   *(float *)field = (float)size_value(L, -1); break;
    case OPT_STRING:
    case OPT_CHOICE: snprintf(field, 32, "%s", lua_tostring(L, -1)); break;   /* checked: < 32 bytes */
    case OPT_BOOL:   *(int *)field = lua_toboolean(L, -1); break;
    case OPT_COLOR:  parse_color(lua_tostring(L, -1), (struct doc_color *)field); break;
    case OPT_SIZES:
        for (i = 0; i < 4; i++) {
            if (lua_rawgeti(L, -1, i + 1) != LUA_TNIL) ((float *)field)[i] = (float)size_value(L, -1);
            lua_pop(L, 1);
        }
        break;
    case OPT_PATTERNS:   /* {"一、", "（一）", "1.", "（1）"}; false or "" for none */
        for (i = 0; i < 4; i++) {
            char *pattern = field + (size_t)i * 32;
            pattern[0] = '\0';
            if (lua_istable(L, -1)) {
                if (lua_rawgeti(L, -1, i + 1) == LUA_TSTRING) snprintf(pattern, 32, "%s", lua_tostring(L, -1));
                lua_pop(L, 1);
            }
        }
        break;
    default: break;
    }
}

/* theme = { key = value, ... }: every key checked against THEME_OPTIONS. */
static void set_theme(lua_State *L, struct doc_theme *t, int idx) {
    idx = lua_absindex(L, idx);
    opts_check(L, idx, "theme", THEME_OPTIONS);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        theme_store(L, t, opt_find(THEME_OPTIONS, lua_tostring(L, -2)));
        lua_pop(L, 1);
    }
    lua_pushstring(L, "indent");       /* a length is ems of the final body size */
    if (lua_rawget(L, idx) != LUA_TNIL) {
        int is_length;
        double v = indent_value(L, -1, &is_length);
        t->indent = (float)(is_length ? v / t->body_size : v);
    }
    lua_pop(L, 1);
    check_text_area(L, t);
}

/* page.header or page.footer at the top of the stack into b. */
static void set_band(lua_State *L, struct doc_band *b, const char *what) {
    static const char *const sides[] = { "left", "center", "right" };
    int t = lua_gettop(L), i, rule;
    opts_check(L, t, what, BAND_OPTIONS);
    for (i = 0; i < 3; i++) {
        free(b->text[i]);
        b->text[i] = NULL;
        opt_set_string(L, t, what, BAND_OPTIONS, sides[i], &b->text[i]);
    }
    b->size = (float)opt_number(L, t, what, BAND_OPTIONS, "size", b->size);
    lua_pushstring(L, "color");
    if (lua_rawget(L, t) != LUA_TNIL) parse_color(lua_tostring(L, -1), &b->color);
    lua_pop(L, 1);
    rule = opt_choice(L, t, what, BAND_OPTIONS, "rule", -1);
    if (rule >= 0) b->rule = (enum doc_rule)rule;
}

/* page = { header = {...}, footer = {...}, numbering =, first_page = }:
** a band given replaces the default band's texts (the ones it leaves out
** are empty); a band not given keeps today's. */
static void set_page(lua_State *L, struct doc_page_style *p, int idx) {
    idx = lua_absindex(L, idx);
    opts_check(L, idx, "report.document page", PAGE_OPTIONS);
    lua_pushstring(L, "header");
    if (lua_rawget(L, idx) != LUA_TNIL) set_band(L, &p->header, "report.document page.header");
    lua_pop(L, 1);
    lua_pushstring(L, "footer");
    if (lua_rawget(L, idx) != LUA_TNIL) set_band(L, &p->footer, "report.document page.footer");
    lua_pop(L, 1);
    p->numbering = (enum doc_numbering)opt_choice(L, idx, "report.document page", PAGE_OPTIONS,
                                                  "numbering", DOC_NUMBER_BODY);
    p->first_page = opt_bool(L, idx, "report.document page", PAGE_OPTIONS, "first_page", -1);
}

/* notes = { repeats = "full" | "ibid" } ("repeat" is a Lua keyword). */
static void set_notes(lua_State *L, struct doc *doc, int idx) {
    idx = lua_absindex(L, idx);
    opts_check(L, idx, "report.document notes", NOTES_OPTIONS);
    doc->note_repeat = (enum doc_note_repeat)opt_choice(L, idx, "report.document notes",
                                                        NOTES_OPTIONS, "repeats", DOC_NOTE_FULL);
}

/* The build day, for {date}: "2026-11-30" (UTC, so SOURCE_DATE_EPOCH
** gives the same text everywhere). */
static void default_date(lua_State *L, struct doc *doc) {
    char day[32];
    time_t now = (time_t)host_ctx(L)->job->now;
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(day, sizeof day, "%Y-%m-%d", &tm) == 0) day[0] = '\0';
    doc_set_string(&doc->date, day);
}

static int l_document(lua_State *L) {
    struct ldoc *d;
    if (lua_isnoneornil(L, 1)) { lua_settop(L, 0); lua_newtable(L); }
    lua_settop(L, 1);
    opts_check(L, 1, "report.document", DOCUMENT_OPTIONS);
    d = lua_newuserdatauv(L, sizeof *d, 0);
    d->doc = doc_new();
    luaL_setmetatable(L, DOCUMENT_MT);
    opt_set_string(L, 1, "report.document", DOCUMENT_OPTIONS, "title", &d->doc->title);
    opt_set_string(L, 1, "report.document", DOCUMENT_OPTIONS, "author", &d->doc->author);
    opt_set_string(L, 1, "report.document", DOCUMENT_OPTIONS, "subject", &d->doc->subject);
    opt_set_string(L, 1, "report.document", DOCUMENT_OPTIONS, "header", &d->doc->header);
    if (d->doc->header) {       /* today's running header: the text as given */
        free(d->doc->page.header.text[2]);
        d->doc->page.header.text[2] = doc_template_quote(d->doc->header);
    }
    default_date(L, d->doc);
    lua_pushstring(L, "date");
    d->doc->date_given = lua_rawget(L, 1) != LUA_TNIL;
    lua_pop(L, 1);
    opt_set_string(L, 1, "report.document", DOCUMENT_OPTIONS, "date", &d->doc->date);
    lua_pushstring(L, "theme");
    if (lua_rawget(L, 1) != LUA_TNIL) set_theme(L, &d->doc->theme, -1);
    lua_pop(L, 1);
    lua_pushstring(L, "page");
    if (lua_rawget(L, 1) != LUA_TNIL) set_page(L, &d->doc->page, -1);
    lua_pop(L, 1);
    lua_pushstring(L, "notes");
    if (lua_rawget(L, 1) != LUA_TNIL) set_notes(L, d->doc, -1);
    lua_pop(L, 1);
    return 1;
}

static int l_doc_gc(lua_State *L) {
    struct ldoc *d = luaL_checkudata(L, 1, DOCUMENT_MT);
    doc_free(d->doc);
    d->doc = NULL;
    return 0;
}

/* Push s with every markup character escaped, so it shows as given. */
static const char *push_escaped(lua_State *L, const char *s, size_t n) {
    luaL_Buffer b;
    size_t i;
    luaL_buffinit(L, &b);
    for (i = 0; i < n; i++) {
        if (strchr("\\*`[]^", s[i]) && s[i] != '\0') luaL_addchar(&b, '\\');
        luaL_addchar(&b, s[i]);
    }
    luaL_pushresult(&b);
    return lua_tostring(L, -1);
}

/* report.escape(s): s with the markup characters escaped. */
static int l_escape(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    push_escaped(L, s, n);
    return 1;
}

/* The text of the options table at idx (key 'text'), escaped unless
** markup = true. */
static const char *option_text(lua_State *L, int idx, const char *what, const struct opt *opts) {
    const struct opt *o;
    int markup = opt_bool(L, idx, what, opts, "markup", 0);
    size_t n;
    const char *text;
    if (!opt_push(L, idx, what, opts, "text", &o)) script_error(L, "%s: 'text' is missing", what);
    text = lua_tolstring(L, -1, &n);
    return markup ? text : push_escaped(L, text, n);
}

/* doc:heading(level, text) with markup, or doc:heading{level =, text =,
** markup = false}: plain text unless markup = true. */
static int l_doc_heading(lua_State *L) {
    struct ldoc *d = check_doc(L);
    lua_Integer level;
    const char *text;
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_settop(L, 2);
        opts_check(L, 2, "doc:heading", HEADING_OPTIONS);
        level = (lua_Integer)opt_number(L, 2, "doc:heading", HEADING_OPTIONS, "level", 1);
        text = option_text(L, 2, "doc:heading", HEADING_OPTIONS);
    } else {
        level = luaL_checkinteger(L, 2);
        text = luaL_checkstring(L, 3);
        luaL_argcheck(L, level >= 0 && level <= 4, 2, "heading level must be 0 (title) to 4");
    }
    doc_add_heading(d->doc, (int)level, text, push_where(L));
    lua_settop(L, 1);
    return 1;
}

/* doc:paragraph(text) with markup, or doc:paragraph{text =, markup = false}:
** plain text unless markup = true. */
static int l_doc_paragraph(lua_State *L) {
    struct ldoc *d = check_doc(L);
    const char *text;
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_settop(L, 2);
        opts_check(L, 2, "doc:paragraph", PARAGRAPH_OPTIONS);
        text = option_text(L, 2, "doc:paragraph", PARAGRAPH_OPTIONS);
    } else {
        text = luaL_checkstring(L, 2);
    }
    doc_add_paragraph(d->doc, text, push_where(L));
    lua_settop(L, 1);
    return 1;
}

static int l_doc_pagebreak(lua_State *L) {
    struct ldoc *d = check_doc(L);
    doc_add_pagebreak(d->doc, push_where(L));
    lua_settop(L, 1);
    return 1;
}

/* doc:cover{ title =, subtitle =, org =, date = } */
static int l_doc_cover(lua_State *L) {
    static const char *const keys[] = { "title", "subtitle", "org", "date" };
    struct ldoc *d = check_doc(L);
    char *text[4] = { NULL, NULL, NULL, NULL };
    int i;
    lua_settop(L, 2);
    opts_check(L, 2, "doc:cover", COVER_OPTIONS);
    for (i = 0; i < 4; i++) opt_set_string(L, 2, "doc:cover", COVER_OPTIONS, keys[i], &text[i]);
    doc_add_cover(d->doc, text[0] ? text[0] : d->doc->title, text[1], text[2], text[3], push_where(L));
    if (text[3] && !d->doc->date_given) doc_set_string(&d->doc->date, text[3]);   /* {date} */
    for (i = 0; i < 4; i++) free(text[i]);
    lua_settop(L, 1);
    return 1;
}

/* doc:toc{ depth = 2, title = "目  录" } */
static int l_doc_toc(lua_State *L) {
    struct ldoc *d = check_doc(L);
    char *title = NULL;
    int depth;
    if (lua_isnoneornil(L, 2)) { lua_settop(L, 1); lua_newtable(L); }
    lua_settop(L, 2);
    opts_check(L, 2, "doc:toc", TOC_OPTIONS);
    depth = (int)opt_number(L, 2, "doc:toc", TOC_OPTIONS, "depth", 2);
    opt_set_string(L, 2, "doc:toc", TOC_OPTIONS, "title", &title);
    doc_add_toc(d->doc, depth, title, push_where(L));
    free(title);
    lua_settop(L, 1);
    return 1;
}

/* 1 if `path` (resolved) lies inside `dir` (resolved). */
static int path_inside(const char *path, const char *dir) {
    char rdir[PATH_MAX];
    size_t n;
    if (realpath(dir, rdir) == NULL) return 0;
    n = strlen(rdir);
    return strncmp(path, rdir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* An image's decoded pixels may take a quarter of the memory limit:
** libharu holds them, their alpha mask and its stream at once. */
static uint64_t image_limit(const struct script_ctx *ctx) {
    const struct job_limits *l = ctx->job->limits;
    return (l && l->megabytes ? (uint64_t)l->megabytes : LIMITS_DEFAULT_MB) << 18;
}

/* doc:image{ path = "logo.png", width = 200, caption = "…" }: PNG or JPEG,
** from the script's folder or templates/ only. */
static int l_doc_image(lua_State *L) {
    struct ldoc *d = check_doc(L);
    struct script_ctx *ctx = host_ctx(L);
    struct doc_image *img;
    struct rc_err err = {0};
    char real[PATH_MAX], *caption = NULL;
    const char *path, *joined;
    float width;
    int rc, floating;
    lua_settop(L, 2);
    opts_check(L, 2, "doc:image", IMAGE_OPTIONS);
    lua_pushstring(L, "path");
    if (lua_rawget(L, 2) != LUA_TSTRING) return script_error(L, "doc:image: 'path' is missing");
    path = lua_tostring(L, -1);
    joined = path[0] == '/' ? path : lua_pushfstring(L, "%s/%s", ctx->script_dir, path);
    if (realpath(joined, real) == NULL) {
        readset_add(ctx->job->reads, joined);     /* absent: creating it changes the build */
        return script_error(L, "doc:image: cannot read '%s'", path);
    }
    if (!path_inside(real, ctx->script_dir) && !path_inside(real, ctx->job->templates_dir))
        return script_error(L, "doc:image: '%s' is outside the script's folder and templates/", path);
    width = (float)opt_number(L, 2, "doc:image", IMAGE_OPTIONS, "width", 0);
    opt_set_string(L, 2, "doc:image", IMAGE_OPTIONS, "caption", &caption);
    readset_add(ctx->job->reads, real);           /* also when it is broken: fixing it rebuilds */
    floating = opt_bool(L, 2, "doc:image", IMAGE_OPTIONS, "float", 1);
    rc = doc_image_open(real, path, image_limit(ctx), width, caption, &img, &err);
    free(caption);
    if (rc != RC_OK) return script_error(L, "%s", err.msg);
    doc_add_image(d->doc, img, push_where(L))->floating = floating;
    lua_settop(L, 1);
    return 1;
}

/* ---- blocks being built ------------------------------------------------------- */

/* A table or chart is built apart and added to the document only when it
** is whole, so a script that catches a build error (pcall) does not leave
** half a block in its document.  The box on the stack owns it meanwhile:
** an error leaves it to the garbage collector, which frees it. */
struct pending { void *block; void (*free)(void *); };

static int pending_gc(lua_State *L) {
    struct pending *p = luaL_checkudata(L, 1, PENDING_MT);
    if (p->block) p->free(p->block);
    p->block = NULL;
    return 0;
}

static void free_table(void *t) { doc_table_free(t); }
static void free_chart(void *c) { doc_chart_free(c); }

static struct pending *new_pending(lua_State *L, void *block, void (*free_block)(void *)) {
    struct pending *p = lua_newuserdatauv(L, sizeof *p, 0);
    p->block = block;
    p->free = free_block;
    luaL_setmetatable(L, PENDING_MT);
    return p;
}

/* ---- tables ------------------------------------------------------------------ */
/* native.table(doc, spec, t): spec is the script's options (a checked
** copy), t what the prelude's Document:table made of them: cols (leaf
** columns: title, align, width), head (header cells), cells (flat
** row-major, false for an absent value), spans, highlight, total.  The
** prelude is ours, but this still checks what it reads: a mistake there
** must be an error, not a crash. */

/* Field `key` of the table at idx, raw, as a string or NULL. */
static const char *raw_string(lua_State *L, int idx, const char *key) {
    lua_pushstring(L, key);
    lua_rawget(L, idx);
    return lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
}

/* Field `key` of the table at idx, raw, which must be a table: pushed. */
static void raw_table(lua_State *L, int idx, const char *key, const char *what) {
    lua_pushstring(L, key);
    if (lua_rawget(L, idx) != LUA_TTABLE) script_error(L, "%s: '%s' must be a table", what, key);
}

/* A count field: a whole number in [lo, hi]. */
static size_t raw_count(lua_State *L, int idx, const char *key, size_t dflt, size_t lo, size_t hi,
                        const char *what) {
    lua_Integer v;
    int isnum;
    lua_pushstring(L, key);
    if (lua_rawget(L, idx) == LUA_TNIL) { lua_pop(L, 1); return dflt; }
    v = lua_tointegerx(L, -1, &isnum);
    if (!isnum || v < (lua_Integer)lo || (lua_Unsigned)v > hi)
        script_error(L, "%s: '%s' must be a whole number from %I to %I, got %s", what, key,
                     (lua_Integer)lo, (lua_Integer)hi, push_got(L, -1));
    lua_pop(L, 1);
    return (size_t)v;
}

/* Leaf column i: {title=, align=, width=} at the top of the stack. */
static void table_column(lua_State *L, struct doc_column *c, size_t i) {
    int t = lua_gettop(L), align;
    char what[64];
    snprintf(what, sizeof what, "doc:table column %d", (int)i + 1);
    if (lua_type(L, t) != LUA_TTABLE) script_error(L, "%s is not a table", what);
    doc_set_string(&c->title, raw_string(L, t, "title"));
    align = opt_choice(L, t, what, COLUMN_OPTIONS, "align", 0);
    c->align = align == 1 ? DOC_RIGHT : align == 2 ? DOC_CENTER : align == 3 ? DOC_RIGHT : DOC_LEFT;
    c->decimal = align == 3;
    c->width_kind = DOC_WIDTH_AUTO;
    c->width = 1;
    lua_pushstring(L, "width");
    if (lua_rawget(L, t) != LUA_TNIL) {
        opt_check(L, -1, what, opt_find(COLUMN_OPTIONS, "width"));
        parse_width(L, -1, &c->width_kind, &c->width);
    }
    lua_settop(L, t);
}

/* head = { {text=, row=, col=, rowspan=, colspan=}, ... }, inside the grid. */
static void table_head(lua_State *L, struct doc_table *t, int data) {
    size_t i, n;
    int h;
    raw_table(L, data, "head", "doc:table");
    h = lua_gettop(L);
    n = lua_rawlen(L, h);
    for (i = 0; i < n; i++) {
        size_t row, col, rs, cs;
        int cell = h + 1;
        if (lua_rawgeti(L, h, (lua_Integer)i + 1) != LUA_TTABLE)
            script_error(L, "doc:table: header cell %d is not a table", (int)i + 1);
        row = raw_count(L, cell, "row", 0, 0, 15, "doc:table header");
        col = raw_count(L, cell, "col", 0, 0, t->ncols - 1, "doc:table header");
        rs = raw_count(L, cell, "rowspan", 1, 1, 16, "doc:table header");
        cs = raw_count(L, cell, "colspan", 1, 1, t->ncols, "doc:table header");
        if (col + cs > t->ncols || row + rs > 16)
            script_error(L, "doc:table: header cell %d lies outside the columns", (int)i + 1);
        doc_table_add_head(t, raw_string(L, cell, "text"), row, col, rs, cs);
        lua_settop(L, h);
    }
    lua_pop(L, 1);
}

/* cells (text or false), spans, highlight and total, row-major. */
static void table_cells(lua_State *L, struct doc_table *t, int data) {
    size_t i, ncells = t->nrows * t->ncols;
    int cells, spans, marks, totals;
    raw_table(L, data, "cells", "doc:table");
    raw_table(L, data, "spans", "doc:table");
    raw_table(L, data, "highlight", "doc:table");
    raw_table(L, data, "total", "doc:table");
    totals = lua_gettop(L); marks = totals - 1; spans = totals - 2; cells = totals - 3;
    for (i = 0; i < ncells; i++) {
        lua_Integer span = 1;
        int t_cell = lua_rawgeti(L, cells, (lua_Integer)i + 1);
        if (t_cell == LUA_TSTRING || t_cell == LUA_TNUMBER) doc_set_string(&t->cells[i], lua_tostring(L, -1));
        if (lua_rawgeti(L, spans, (lua_Integer)i + 1) != LUA_TNIL) {
            int isnum;
            span = lua_tointegerx(L, -1, &isnum);
            if (!isnum || span < 0 || (lua_Unsigned)span > t->nrows - i / t->ncols)
                script_error(L, "doc:table: cell %d spans past the last row", (int)i + 1);
        }
        t->rowspan[i] = (size_t)span;
        lua_pop(L, 2);
    }
    for (i = 0; i < t->nrows; i++) {
        lua_rawgeti(L, marks, (lua_Integer)i + 1);
        t->highlight[i] = lua_toboolean(L, -1);
        lua_rawgeti(L, totals, (lua_Integer)i + 1);
        t->total[i] = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    lua_settop(L, cells - 1);
}

/* ---- streamed rows ------------------------------------------------------------- */
/* t.stream = { pull =, restart =, close = } from the prelude's stream_table,
** called from layout through host_call.  A pulled row's strings stay on
** the state's stack until the next pull, so the pointers handed to layout
** stay valid. */

struct lstream {
    struct doc_rows rows;      /* first: layout holds a pointer to it */
    lua_State *L;
    int ref;                   /* the stream table, in the registry */
    char *where;               /* "script.lua:42": doc:table's line */
    size_t ncols;
    const char **cells;
    unsigned char *joined;
    int base;                  /* stack top under the row held; -1: none held */
    int pulled;                /* read at least once in layout */
};

static void stream_drop_row(struct lstream *s) {
    if (s->base >= 0) lua_settop(s->L, s->base);
    s->base = -1;
}

/* Call the stream's function `name` with nres results. */
static int stream_call(struct lstream *s, const char *name, int nres, struct rc_err *err) {
    lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->ref);
    lua_getfield(s->L, -1, name);
    lua_remove(s->L, -2);
    return host_call(s->L, 0, nres, s->where, err);
}

static int stream_pull(struct doc_rows *r, struct doc_row *row, struct rc_err *err) {
    struct lstream *s = (struct lstream *)r;
    lua_State *L = s->L;
    size_t c;
    int rc, cells;
    stream_drop_row(s);
    s->pulled = 1;
    s->base = lua_gettop(L);
    if (!lua_checkstack(L, (int)s->ncols + 8))
        return -rc_fail(err, RC_NOMEM, "%s: doc:table: too many columns to stream", s->where);
    if ((rc = stream_call(s, "pull", 4, err)) != RC_OK) { stream_drop_row(s); return -rc; }
    cells = s->base + 1;
    if (lua_isnil(L, cells)) { stream_drop_row(s); return 0; }
    if (!lua_istable(L, cells)) {
        stream_drop_row(s);
        return -rc_fail(err, RC_SCRIPT, "%s: doc:table: internal: a streamed row is not a table", s->where);
    }
    for (c = 0; c < s->ncols; c++) {
        int type = lua_rawgeti(L, cells, (lua_Integer)c + 1);
        s->cells[c] = type == LUA_TSTRING || type == LUA_TNUMBER ? lua_tostring(L, -1) : NULL;
        s->joined[c] = 0;
        if (lua_istable(L, cells + 1)) {
            lua_rawgeti(L, cells + 1, (lua_Integer)c + 1);
            s->joined[c] = (unsigned char)lua_toboolean(L, -1);
            lua_pop(L, 1);
        }
    }
    row->cells = s->cells;
    row->joined = s->joined;
    row->highlight = lua_toboolean(L, cells + 2);
    row->total = lua_toboolean(L, cells + 3);
    return 1;
}

/* Rows not read yet need no restart (the first pass reads the rows the
** prelude read ahead). */
static int stream_restart(struct doc_rows *r, struct rc_err *err) {
    struct lstream *s = (struct lstream *)r;
    stream_drop_row(s);
    if (!s->pulled) return RC_OK;
    return stream_call(s, "restart", 0, err);
}

static void stream_release(struct doc_rows *r) {
    struct lstream *s = (struct lstream *)r;
    struct rc_err ignored = {0};
    stream_drop_row(s);
    stream_call(s, "close", 0, &ignored);   /* finalizes the statement now, not at lua_close */
    luaL_unref(s->L, LUA_REGISTRYINDEX, s->ref);
    free(s->where);
    free(s->cells);
    free(s->joined);
    free(s);
}

/* The stream table at idx, for a table of ncols columns added at `where`. */
static struct doc_rows *new_stream(lua_State *L, int idx, size_t ncols, const char *where) {
    struct lstream *s = xcalloc(1, sizeof *s, "a streamed table");
    s->rows.pull = stream_pull;
    s->rows.restart = stream_restart;
    s->rows.release = stream_release;
    s->L = L;
    s->ncols = ncols;
    s->base = -1;
    s->where = xstrdup(where, "a streamed table");
    s->cells = xcalloc(ncols, sizeof *s->cells, "a streamed row");
    s->joined = xcalloc(ncols, sizeof *s->joined, "a streamed row");
    lua_pushvalue(L, idx);
    s->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return &s->rows;
}

static int l_doc_rawtable(lua_State *L) {
    struct ldoc *d = check_doc_at(L, 1, "table");
    struct doc_table *t;
    struct pending *box;
    size_t ncols, nrows = 0, i;
    int rules, cols, streamed, floating;
    lua_settop(L, 3);
    box = new_pending(L, NULL, free_table);            /* index 4 */
    opts_check(L, 2, "doc:table", TABLE_OPTIONS);
    luaL_checktype(L, 3, LUA_TTABLE);
    raw_table(L, 3, "cols", "doc:table");
    cols = lua_gettop(L);
    ncols = lua_rawlen(L, cols);
    if (ncols == 0) return script_error(L, "doc:table: a table needs at least one column");
    lua_pushstring(L, "stream");
    streamed = lua_rawget(L, 3) == LUA_TTABLE;
    lua_pop(L, 1);
    if (!streamed) {
        raw_table(L, 3, "highlight", "doc:table");
        nrows = lua_rawlen(L, -1);
        lua_pop(L, 1);
    }
    if (mem_mul(ncols, nrows) == SIZE_MAX) return script_error(L, "doc:table: too many cells");
    box->block = t = doc_table_new(ncols, nrows);
    for (i = 0; i < ncols; i++) {
        lua_rawgeti(L, cols, (lua_Integer)i + 1);
        table_column(L, &t->cols[i], i);
        lua_pop(L, 1);
    }
    lua_settop(L, 4);
    table_head(L, t, 3);
    if (streamed) {
        const char *where = push_where(L);
        raw_table(L, 3, "stream", "doc:table");
        t->stream = new_stream(L, -1, ncols, where);
        lua_settop(L, 4);
    } else {
        table_cells(L, t, 3);
    }
    opt_set_string(L, 2, "doc:table", TABLE_OPTIONS, "caption", &t->caption);
    opt_set_string(L, 2, "doc:table", TABLE_OPTIONS, "source", &t->source);
    opt_set_string(L, 2, "doc:table", TABLE_OPTIONS, "empty", &t->empty);
    rules = opt_choice(L, 2, "doc:table", TABLE_OPTIONS, "rules", -1);
    t->rules = rules < 0 ? DOC_RULES_THEME : rules == 1 ? DOC_RULES_GRID : DOC_RULES_THREE_LINE;
    t->zebra = opt_bool(L, 2, "doc:table", TABLE_OPTIONS, "zebra", -1);
    lua_pushstring(L, "header_fill");
    if (lua_rawget(L, 2) != LUA_TNIL) parse_color(lua_tostring(L, -1), &t->header_fill);
    lua_pushstring(L, "header_color");
    if (lua_rawget(L, 2) != LUA_TNIL) parse_color(lua_tostring(L, -1), &t->header_color);
    lua_pop(L, 2);
    floating = opt_bool(L, 2, "doc:table", TABLE_OPTIONS, "float", 0);
    box->block = NULL;
    doc_add_table(d->doc, t, push_where(L))->floating = floating;   /* whole: the document owns it */
    lua_settop(L, 1);
    return 1;
}

/* report.format(value, "thousands" | "fixed:2" | ... [, null_mark]): the
** text a table column with that format shows; nil gives the null mark
** ("—" unless given). */
static int l_format(lua_State *L) {
    struct numfmt f;
    struct rc_err err = {0};
    char out[NUMFMT_BUFSIZE];
    const char *spec = luaL_checkstring(L, 2), *null_mark = luaL_optstring(L, 3, "—");
    double v;
    if (numfmt_parse(spec, &f, &err) != RC_OK) return luaL_error(L, "%s", err.msg);
    v = lua_isnoneornil(L, 1) ? NAN : luaL_checknumber(L, 1);
    if (isnan(v)) {                       /* the mark, of any length: not through out[] */
        lua_pushstring(L, null_mark);
        return 1;
    }
    numfmt_format(&f, &v, null_mark, out, sizeof out);
    lua_pushstring(L, out);
    return 1;
}

/* ---- charts ------------------------------------------------------------------ */
/* native.chart(doc, spec, t): spec is the script's options (a checked
** copy), t what the prelude's Document:chart made of the rows: name (for
** messages), cats, x, series = {{name, values, line, right}}, highlight. */

/* A chart value: finite and within ±MAX_VALUE, or absent (NAN). */
static double chart_value(lua_State *L, int idx, const char *chart, size_t row, const char *cat,
                          const char *series) {
    double v;
    if (lua_type(L, idx) != LUA_TNUMBER) return NAN;
    idx = lua_absindex(L, idx);
    v = lua_tonumber(L, idx);
    if (!isfinite(v) || fabs(v) > MAX_VALUE)
        script_error(L, "%s: row %I (%s): %s value %s is not a finite number within ±1e15",
                     chart, (lua_Integer)row + 1, cat, series, push_got(L, idx));
    return v;
}

static void chart_series(lua_State *L, struct doc_chart *c, size_t i, int cats) {
    int s = lua_gettop(L), values;
    size_t j;
    if (lua_type(L, s) != LUA_TTABLE) script_error(L, "%s: series %d is not a table", c->name, (int)i + 1);
    doc_set_string(&c->series[i].name, raw_string(L, s, "name"));
    lua_pop(L, 1);
    lua_pushstring(L, "line");
    c->series[i].as_line = lua_rawget(L, s) != LUA_TNIL && lua_toboolean(L, -1);
    lua_pushstring(L, "right");
    c->series[i].right_axis = lua_rawget(L, s) != LUA_TNIL && lua_toboolean(L, -1);
    lua_pushstring(L, "color");
    if (lua_rawget(L, s) == LUA_TSTRING) parse_color(lua_tostring(L, -1), &c->series[i].color);
    lua_pushstring(L, "decimals");
    if (lua_rawget(L, s) == LUA_TNUMBER && in_range(lua_tonumber(L, -1), opt_find(SERIES_OPTIONS, "decimals")))
        c->series[i].decimals = (int)lua_tonumber(L, -1);
    doc_set_string(&c->series[i].suffix, raw_string(L, s, "suffix"));
    raw_table(L, s, "values", c->name);
    values = lua_gettop(L);
    for (j = 0; j < c->ncats; j++) {
        lua_rawgeti(L, cats, (lua_Integer)j + 1);
        lua_rawgeti(L, values, (lua_Integer)j + 1);
        c->series[i].values[j] = chart_value(L, -1, c->name, j, lua_tostring(L, -2),
                                             c->series[i].name ? c->series[i].name : "");
        lua_pop(L, 2);
    }
    lua_settop(L, s);
}

static void chart_data(lua_State *L, struct doc_chart *c, int data) {
    int cats, marks, xs, series;
    size_t i;
    raw_table(L, data, "cats", c->name);
    raw_table(L, data, "highlight", c->name);
    raw_table(L, data, "x", c->name);
    raw_table(L, data, "series", c->name);
    series = lua_gettop(L); xs = series - 1; marks = series - 2; cats = series - 3;
    for (i = 0; i < c->ncats; i++) {
        if (lua_rawgeti(L, cats, (lua_Integer)i + 1) != LUA_TSTRING) {
            lua_pop(L, 1);
            lua_pushstring(L, "");
            lua_rawseti(L, cats, (lua_Integer)i + 1);   /* so messages can name it */
            lua_pushstring(L, "");
        }
        doc_set_string(&c->cats[i], lua_tostring(L, -1));
        lua_rawgeti(L, marks, (lua_Integer)i + 1);
        c->highlight[i] = lua_toboolean(L, -1);
        lua_rawgeti(L, xs, (lua_Integer)i + 1);
        c->x[i] = lua_type(L, -1) == LUA_TNUMBER ? chart_value(L, -1, c->name, i, c->cats[i], "x") : NAN;
        lua_pop(L, 3);
    }
    for (i = 0; i < c->nseries; i++) {
        lua_rawgeti(L, series, (lua_Integer)i + 1);
        chart_series(L, c, i, cats);
        lua_pop(L, 1);
    }
    lua_settop(L, cats - 1);
}

static int l_doc_rawchart(lua_State *L) {
    static const enum doc_legend legends[] = { LEGEND_RIGHT, LEGEND_BOTTOM, LEGEND_NONE };
    struct ldoc *d = check_doc_at(L, 1, "chart");
    struct doc_chart *c;
    struct pending *box;
    size_t ncats, nseries;
    const char *name;
    int legend, floating;
    lua_settop(L, 3);
    box = new_pending(L, NULL, free_chart);            /* index 4 */
    luaL_checktype(L, 3, LUA_TTABLE);
    name = raw_string(L, 3, "name");
    if (name == NULL) name = "chart";
    opts_check(L, 2, name, CHART_OPTIONS);
    raw_table(L, 3, "cats", name);
    ncats = lua_rawlen(L, -1);
    raw_table(L, 3, "series", name);
    nseries = lua_rawlen(L, -1);
    lua_pop(L, 2);
    box->block = c = doc_chart_new(ncats, nseries);
    doc_set_string(&c->name, name);
    c->kind = (enum doc_chart_kind)opt_choice(L, 2, name, CHART_OPTIONS, "kind", CHART_BAR);
    chart_data(L, c, 3);
    c->stacked = opt_bool(L, 2, name, CHART_OPTIONS, "stacked", 0);
    c->invert = opt_bool(L, 2, name, CHART_OPTIONS, "invert", 0);
    c->value_labels = opt_bool(L, 2, name, CHART_OPTIONS, "labels", 1);
    c->markers = opt_bool(L, 2, name, CHART_OPTIONS, "markers", 1);
    c->no_data_box = opt_choice(L, 2, name, CHART_OPTIONS, "empty", 0) == 1;
    c->decimals = (int)opt_number(L, 2, name, CHART_OPTIONS, "decimals", -1);
    c->width = (float)opt_number(L, 2, name, CHART_OPTIONS, "width", 0);
    c->height = (float)opt_number(L, 2, name, CHART_OPTIONS, "height", 0);
    legend = opt_choice(L, 2, name, CHART_OPTIONS, "legend", -1);
    if (legend < 0) c->legend = nseries > 1 || c->kind == CHART_PIE || c->kind == CHART_DONUT
                                ? LEGEND_RIGHT : LEGEND_NONE;
    else c->legend = legends[legend];
    opt_set_string(L, 2, name, CHART_OPTIONS, "caption", &c->caption);
    opt_set_string(L, 2, name, CHART_OPTIONS, "source", &c->source);
    opt_set_string(L, 2, name, CHART_OPTIONS, "suffix", &c->suffix);
    opt_set_string(L, 2, name, CHART_OPTIONS, "y_title", &c->y_title);
    opt_set_string(L, 2, name, CHART_OPTIONS, "y2_title", &c->y2_title);
    opt_set_string(L, 2, name, CHART_OPTIONS, "x_title", &c->x_title);
    floating = opt_bool(L, 2, name, CHART_OPTIONS, "float", 1);
    box->block = NULL;
    doc_add_chart(d->doc, c, push_where(L))->floating = floating;   /* whole: the document owns it */
    lua_settop(L, 1);
    return 1;
}

struct doc *lreport_take_doc(lua_State *L, int idx) {
    struct ldoc *d = luaL_testudata(L, idx, DOCUMENT_MT);
    struct doc *doc;
    if (d == NULL) return NULL;
    doc = d->doc;
    d->doc = NULL;
    return doc;
}

/* ---- module ---------------------------------------------------------------------- */

/* A userdata class; its metatable is protected, so getmetatable() gives
** false and a script cannot call __gc or change the methods. */
static void new_class(lua_State *L, const char *name, const luaL_Reg *meta,
                      const luaL_Reg *methods) {
    luaL_newmetatable(L, name);
    luaL_setfuncs(L, meta, 0);
    if (methods) {
        lua_newtable(L);               /* methods apart from metamethods */
        luaL_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
    }
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

int luaopen_report(lua_State *L) {
    static const luaL_Reg stmt_meta[] = { { "__gc", stmt_gc }, { NULL, NULL } };
    static const luaL_Reg pending_meta[] = { { "__gc", pending_gc }, { NULL, NULL } };
    static const luaL_Reg rows_meta[] = {
        { "__call", cursor_call }, { "__close", cursor_close }, { "__gc", cursor_close },
        { "__tostring", cursor_tostring }, { NULL, NULL }
    };
    static const luaL_Reg db_methods[] = {
        { "query", l_db_query }, { "value", l_db_value }, { "rows", l_db_rows }, { NULL, NULL }
    };
    static const luaL_Reg no_meta[] = { { NULL, NULL } };
    static const luaL_Reg doc_meta[] = { { "__gc", l_doc_gc }, { NULL, NULL } };
    static const luaL_Reg doc_methods[] = {
        { "heading", l_doc_heading }, { "paragraph", l_doc_paragraph },
        { "pagebreak", l_doc_pagebreak }, { "cover", l_doc_cover }, { "toc", l_doc_toc },
        { "image", l_doc_image }, { NULL, NULL }
    };
    static const luaL_Reg native[] = {       /* for the prelude only */
        { "options", l_options }, { "table", l_doc_rawtable }, { "chart", l_doc_rawchart },
        { "is_rows", l_is_rows }, { "rows_restart", l_rows_restart }, { "rows_close", l_rows_close },
        { NULL, NULL }
    };
    static const luaL_Reg funcs[] = {
        { "param", l_param }, { "document", l_document }, { "now", l_now },
        { "format", l_format }, { "escape", l_escape }, { NULL, NULL }
    };
    new_class(L, STMT_MT, stmt_meta, NULL);
    new_class(L, PENDING_MT, pending_meta, NULL);
    new_class(L, ROWS_MT, rows_meta, NULL);
    new_class(L, DB_MT, no_meta, db_methods);
    new_class(L, DOCUMENT_MT, doc_meta, doc_methods);
    luaL_newlib(L, funcs);
    lua_newuserdatauv(L, 0, 0);
    luaL_setmetatable(L, DB_MT);
    lua_setfield(L, -2, "db");
    /* The Lua half: prelude(report, Document methods, native builders),
    ** compiled at build time (src/script/build/luac.c); its source when
    ** this liblua refuses that bytecode (a library of another version). */
    if (luaL_loadbufferx(L, (const char *)prelude_luac, prelude_luac_len, "=prelude", "b") != LUA_OK) {
        lua_pop(L, 1);
        if (luaL_loadbufferx(L, (const char *)prelude_lua, prelude_lua_len, "=prelude", "t") != LUA_OK)
            return lua_error(L);
    }
    lua_pushvalue(L, -2);
    luaL_getmetatable(L, DOCUMENT_MT);
    lua_getfield(L, -1, "__index");
    lua_remove(L, -2);
    luaL_newlib(L, native);
    lua_pushinteger(L, DOC_STREAM_LOOKAHEAD);
    lua_setfield(L, -2, "lookahead");
    lua_call(L, 3, 0);
    return 1;
}
