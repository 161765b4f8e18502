/*
** lreport.c: the "report" module scripts require: report.param,
** report.db (report.Db userdata), report.document (report.Document
** userdata) and report.now.  The Lua half (prelude.lua, compiled in) adds
** the friendlier methods on top of these.
*/
#include <math.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "host.h"
#include "../base/month.h"
#include "../text/numfmt.h"
#include "prelude.h"          /* out/build/prelude.h: prelude_lua[] */

#define DOCUMENT_MT "report.Document"
#define DB_MT       "report.Db"
#define STMT_MT     "report.Stmt"

struct ldoc { struct doc *doc; };

/* "file.lua:LINE" of the innermost frame that belongs to a script, not to
** the prelude or C, for block locations in error messages. */
static void script_where(lua_State *L, char *out, size_t size) {
    lua_Debug ar;
    int level;
    for (level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0 && ar.source[0] == '@') {
            snprintf(out, size, "%s:%d", ar.source + 1, ar.currentline);
            return;
        }
    }
    snprintf(out, size, "?");
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

/* Parameters: `?` values in order, or one table for :name parameters. */
static void bind_params(lua_State *L, struct store_stmt *st, const char *sql, int first) {
    struct rc_err err = {0};
    int nargs = lua_gettop(L) - first + 1, want = store_param_count(st), i;
    if (nargs == 1 && lua_istable(L, first)) {
        lua_pushnil(L);
        while (lua_next(L, first)) {
            int at = lua_type(L, -2) == LUA_TSTRING ? store_param_index(st, lua_tostring(L, -2))
                   : lua_isinteger(L, -2) ? (int)lua_tointeger(L, -2) : 0;
            if (at < 1 || at > want)
                luaL_error(L, "query has no parameter '%s' (SQL: %s)",
                           luaL_tolstring(L, -2, NULL), sql_oneline(L, sql));
            bind_value(L, st, at, lua_gettop(L), sql, &err);
            lua_pop(L, 1);
        }
        return;
    }
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

/* db:query(sql, ...) -> rows, columns: rows keyed by column name (NULL
** leaves the key absent), and the column names in order. */
static int l_db_query(lua_State *L) {
    struct script_ctx *ctx = host_ctx(L);
    const char *sql;
    struct store_stmt **box;
    struct rc_err err = {0};
    lua_Integer nrows = 0;
    int ncols, c, more;
    luaL_checkudata(L, 1, DB_MT);
    sql = luaL_checkstring(L, 2);
    box = new_stmt_box(L);
    lua_insert(L, 3);                                  /* box below the parameters */
    if (store_prepare(ctx->db, sql, box, &err) != RC_OK) return query_error(L, sql, err.msg);
    bind_params(L, *box, sql, 4);
    ncols = store_column_count(*box);
    lua_createtable(L, 0, 0);                          /* rows */
    while ((more = store_step(*box, &err)) > 0) {
        lua_createtable(L, 0, ncols);
        for (c = 0; c < ncols; c++) {
            push_column(L, *box, c);
            lua_setfield(L, -2, store_column_name(*box, c));
        }
        lua_rawseti(L, -2, ++nrows);
    }
    if (more < 0) return query_error(L, sql, err.msg);
    lua_createtable(L, ncols, 0);                      /* column names */
    for (c = 0; c < ncols; c++) {
        lua_pushstring(L, store_column_name(*box, c));
        lua_rawseti(L, -2, c + 1);
    }
    store_finalize(*box);
    *box = NULL;
    return 2;
}

/* db:value(sql, ...) -> the first column of the first row, or nil. */
static int l_db_value(lua_State *L) {
    l_db_query(L);
    lua_pop(L, 1);
    if (lua_rawgeti(L, -1, 1) != LUA_TTABLE) { lua_pushnil(L); return 1; }
    lua_pushnil(L);
    if (!lua_next(L, -2)) { lua_pushnil(L); return 1; }
    return 1;
}

/* ---- report.document ------------------------------------------------------------ */

static struct ldoc *check_doc(lua_State *L) {
    struct ldoc *d = luaL_checkudata(L, 1, DOCUMENT_MT);
    if (d->doc == NULL) luaL_error(L, "the document was already returned");
    return d;
}

enum theme_type { THEME_SIZE, THEME_STRING, THEME_COLOR, THEME_BOOL };

struct theme_field { const char *name; size_t offset; enum theme_type type; };

#define THEME_NUM(f) { #f, offsetof(struct doc_theme, f), THEME_SIZE }
#define THEME_STR(f) { #f, offsetof(struct doc_theme, f), THEME_STRING }
#define THEME_RGB(f) { #f, offsetof(struct doc_theme, f), THEME_COLOR }
#define THEME_BOOL(f) { #f, offsetof(struct doc_theme, f), THEME_BOOL }
static const struct theme_field theme_fields[] = {
    THEME_NUM(page_width), THEME_NUM(page_height), THEME_NUM(margin_top),
    THEME_NUM(margin_bottom), THEME_NUM(margin_left), THEME_NUM(margin_right),
    THEME_NUM(body_size), THEME_NUM(leading), THEME_NUM(para_space), THEME_NUM(indent),
    THEME_NUM(table_size), THEME_NUM(note_size), THEME_STR(body_family), THEME_STR(heading_family),
    THEME_STR(table_family), THEME_RGB(heading_color), THEME_RGB(text_color),
    THEME_RGB(link_color), THEME_RGB(accent_color),
    THEME_STR(table_rules), THEME_BOOL(table_zebra), THEME_STR(table_null),
    THEME_RGB(table_zebra_color), THEME_RGB(table_highlight_color), THEME_RGB(table_rule_color),
    { NULL, 0, 0 }
};

/* Chinese type sizes (字号), so a theme can say body_size = "五号". */
static const struct { const char *name; float pt; } SIZE_NAMES[] = {
    { "初号", 42 }, { "小初", 36 }, { "一号", 26 }, { "小一", 24 }, { "二号", 22 },
    { "小二", 18 }, { "三号", 16 }, { "小三", 15 }, { "四号", 14 }, { "小四", 12 },
    { "五号", 10.5f }, { "小五", 9 }, { "六号", 7.5f }, { "小六", 6.5f }, { "七号", 5.5f },
    { "八号", 5 }, { NULL, 0 }
};

/* A size: a number of points or a Chinese size name. */
static float theme_size(lua_State *L, int idx, const char *key) {
    int i;
    if (lua_type(L, idx) == LUA_TNUMBER) return (float)lua_tonumber(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING)
        for (i = 0; SIZE_NAMES[i].name; i++)
            if (strcmp(SIZE_NAMES[i].name, lua_tostring(L, idx)) == 0) return SIZE_NAMES[i].pt;
    luaL_error(L, "theme key '%s' must be a number of points or a size name such as \"小四\"", key);
    return 0;
}

/* "#RRGGBB" */
static void theme_color(lua_State *L, int idx, const char *key, struct doc_color *c) {
    const char *s = lua_tostring(L, idx);
    unsigned v;
    if (s == NULL || s[0] != '#' || strlen(s) != 7 || sscanf(s + 1, "%6x", &v) != 1)
        luaL_error(L, "theme key '%s' must be a colour \"#RRGGBB\"", key);
    c->r = (float)((v >> 16) & 0xFF) / 255.0f;
    c->g = (float)((v >> 8) & 0xFF) / 255.0f;
    c->b = (float)(v & 0xFF) / 255.0f;
}

/* theme = { key = value, heading_sizes = {16, 14, 12, 10.5} } */
static void set_theme(lua_State *L, struct doc_theme *t, int idx) {
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        const struct theme_field *f;
        if (strcmp(key, "heading_numbers") == 0) {
            /* {"一、", "（一）", "1.", "（1）"}; false or "" for none */
            int i;
            for (i = 0; i < 4; i++) {
                const char *v = "";
                if (lua_istable(L, -1)) {
                    lua_rawgeti(L, -1, i + 1);
                    v = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
                    snprintf(t->heading_numbers[i], sizeof t->heading_numbers[i], "%s", v);
                    lua_pop(L, 1);
                } else if (!lua_toboolean(L, -1)) {
                    t->heading_numbers[i][0] = '\0';
                } else {
                    luaL_error(L, "theme key 'heading_numbers' must be a list of patterns or false");
                }
            }
            lua_pop(L, 1);
            continue;
        }
        if (strcmp(key, "heading_sizes") == 0) {
            int i;
            luaL_checktype(L, -1, LUA_TTABLE);
            for (i = 0; i < 4; i++) {
                if (lua_rawgeti(L, -1, i + 1) != LUA_TNIL)
                    t->heading_size[i] = theme_size(L, -1, "heading_sizes");
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            continue;
        }
        for (f = theme_fields; f->name && strcmp(f->name, key); f++) {}
        if (f->name == NULL) luaL_error(L, "unknown theme key '%s'", key);
        if (f->type == THEME_STRING)
            snprintf((char *)t + f->offset, 32, "%s", luaL_checkstring(L, -1));
        else if (f->type == THEME_COLOR)
            theme_color(L, -1, key, (struct doc_color *)((char *)t + f->offset));
        else if (f->type == THEME_BOOL && lua_isboolean(L, -1))
            *(int *)((char *)t + f->offset) = lua_toboolean(L, -1);
        else if (f->type == THEME_BOOL)
            luaL_error(L, "theme key '%s' must be true or false", key);
        else
            *(float *)((char *)t + f->offset) = theme_size(L, -1, key);
        lua_pop(L, 1);
    }
}

static void opt_string(lua_State *L, int idx, const char *key, char **field) {
    if (lua_getfield(L, idx, key) != LUA_TNIL) doc_set_string(field, luaL_checkstring(L, -1));
    lua_pop(L, 1);
}

/* Refuse keys the options table should not have: a typo is an error. */
static void check_keys(lua_State *L, int idx, const char *what, const char *const *known) {
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        const char *const *k;
        for (k = known; key && *k && strcmp(*k, key); k++) {}
        if (key == NULL || *k == NULL)
            luaL_error(L, "%s: unknown option '%s'", what, luaL_tolstring(L, -2, NULL));
        lua_pop(L, 1);
    }
}

static int l_document(lua_State *L) {
    static const char *const keys[] = { "title", "author", "subject", "header", "theme", NULL };
    struct ldoc *d;
    if (lua_isnoneornil(L, 1)) lua_newtable(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    check_keys(L, 1, "report.document", keys);
    d = lua_newuserdatauv(L, sizeof *d, 0);
    d->doc = doc_new();
    luaL_setmetatable(L, DOCUMENT_MT);
    opt_string(L, 1, "title", &d->doc->title);
    opt_string(L, 1, "author", &d->doc->author);
    opt_string(L, 1, "subject", &d->doc->subject);
    opt_string(L, 1, "header", &d->doc->header);
    if (lua_getfield(L, 1, "theme") != LUA_TNIL) set_theme(L, &d->doc->theme, lua_gettop(L));
    lua_pop(L, 1);
    return 1;
}

static int l_doc_gc(lua_State *L) {
    struct ldoc *d = luaL_checkudata(L, 1, DOCUMENT_MT);
    doc_free(d->doc);
    d->doc = NULL;
    return 0;
}

static int l_doc_heading(lua_State *L) {
    struct ldoc *d = check_doc(L);
    lua_Integer level = luaL_checkinteger(L, 2);
    const char *text = luaL_checkstring(L, 3);
    char where[512];
    luaL_argcheck(L, level >= 0 && level <= 4, 2, "heading level must be 0 (title) to 4");
    script_where(L, where, sizeof where);
    doc_add_heading(d->doc, (int)level, text, where);
    lua_settop(L, 1);
    return 1;
}

static int l_doc_paragraph(lua_State *L) {
    struct ldoc *d = check_doc(L);
    const char *text = luaL_checkstring(L, 2);
    char where[512];
    script_where(L, where, sizeof where);
    doc_add_paragraph(d->doc, text, where);
    lua_settop(L, 1);
    return 1;
}

static int l_doc_pagebreak(lua_State *L) {
    struct ldoc *d = check_doc(L);
    char where[512];
    script_where(L, where, sizeof where);
    doc_add_pagebreak(d->doc, where);
    lua_settop(L, 1);
    return 1;
}

/* doc:cover{ title =, subtitle =, org =, date = } */
static int l_doc_cover(lua_State *L) {
    static const char *const keys[] = { "title", "subtitle", "org", "date", NULL };
    struct ldoc *d = check_doc(L);
    char where[512];
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    check_keys(L, 2, "doc:cover", keys);
    script_where(L, where, sizeof where);
    lua_getfield(L, 2, "title");
    lua_getfield(L, 2, "subtitle");
    lua_getfield(L, 2, "org");
    lua_getfield(L, 2, "date");
    doc_add_cover(d->doc, luaL_optstring(L, 3, d->doc->title), luaL_optstring(L, 4, NULL),
                  luaL_optstring(L, 5, NULL), luaL_optstring(L, 6, NULL), where);
    lua_settop(L, 1);
    return 1;
}

/* doc:toc{ depth = 2, title = "目  录" } */
static int l_doc_toc(lua_State *L) {
    static const char *const keys[] = { "depth", "title", NULL };
    struct ldoc *d = check_doc(L);
    lua_Integer depth;
    char where[512];
    if (lua_isnoneornil(L, 2)) { lua_settop(L, 1); lua_newtable(L); }
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    check_keys(L, 2, "doc:toc", keys);
    lua_getfield(L, 2, "depth");
    depth = luaL_optinteger(L, -1, 2);
    luaL_argcheck(L, depth >= 1 && depth <= 4, 2, "depth must be 1 to 4");
    lua_getfield(L, 2, "title");
    script_where(L, where, sizeof where);
    doc_add_toc(d->doc, (int)depth, luaL_optstring(L, -1, NULL), where);
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

/* doc:image{ path = "logo.png", width = 200, caption = "…" }: PNG or JPEG,
** from the script's folder or templates/ only. */
static int l_doc_image(lua_State *L) {
    static const char *const keys[] = { "path", "width", "caption", NULL };
    struct ldoc *d = check_doc(L);
    struct script_ctx *ctx = host_ctx(L);
    struct doc_image *img;
    struct rc_err err = {0};
    char joined[PATH_MAX * 2], real[PATH_MAX], where[512];
    const char *path;
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    check_keys(L, 2, "doc:image", keys);
    lua_getfield(L, 2, "path");
    path = luaL_checkstring(L, -1);
    if (path[0] == '/') snprintf(joined, sizeof joined, "%s", path);
    else snprintf(joined, sizeof joined, "%s/%s", ctx->script_dir, path);
    if (realpath(joined, real) == NULL)
        return luaL_error(L, "doc:image: cannot read '%s'", path);
    if (!path_inside(real, ctx->script_dir) && !path_inside(real, ctx->job->templates_dir))
        return luaL_error(L, "doc:image: '%s' is outside the script's folder and templates/", path);
    lua_getfield(L, 2, "width");
    lua_getfield(L, 2, "caption");
    if (doc_image_open(real, (float)luaL_optnumber(L, 4, 0), luaL_optstring(L, 5, NULL), &img, &err) != RC_OK)
        return luaL_error(L, "doc:image: %s", err.msg);
    readset_add(ctx->job->reads, real);
    script_where(L, where, sizeof where);
    doc_add_image(d->doc, img, where);
    lua_settop(L, 1);
    return 1;
}

/* ---- tables ------------------------------------------------------------------ */

/* A string field of the table spec, or NULL; anything else is an error
** (the prelude makes titles strings).  The spec keeps the string alive. */
static const char *table_string(lua_State *L, int idx, const char *key) {
    const char *s = NULL;
    int type = lua_getfield(L, idx, key);
    if (type == LUA_TSTRING) s = lua_tostring(L, -1);
    else if (type != LUA_TNIL) luaL_error(L, "doc:table: '%s' must be a string", key);
    lua_pop(L, 1);
    return s;
}

static size_t table_count(lua_State *L, int idx, const char *key, size_t dflt) {
    lua_Integer v;
    int isnum;
    if (lua_getfield(L, idx, key) == LUA_TNIL) { lua_pop(L, 1); return dflt; }
    v = lua_tointegerx(L, -1, &isnum);
    if (!isnum || v < 0) luaL_error(L, "doc:table: '%s' must be a count", key);
    lua_pop(L, 1);
    return (size_t)v;
}

/* {align=, width_kind=, width=, title=} of leaf column i. */
static void table_column(lua_State *L, struct doc_column *c, size_t i) {
    const char *align, *kind;
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TTABLE)
        luaL_error(L, "doc:table: column %d is not a table", (int)i + 1);
    doc_set_string(&c->title, table_string(L, -1, "title"));
    align = table_string(L, -1, "align");
    if (align == NULL || strcmp(align, "left") == 0) c->align = DOC_LEFT;
    else if (strcmp(align, "right") == 0) c->align = DOC_RIGHT;
    else if (strcmp(align, "center") == 0) c->align = DOC_CENTER;
    else if (strcmp(align, "decimal") == 0) { c->align = DOC_RIGHT; c->decimal = 1; }
    else luaL_error(L, "doc:table column %d: align must be 'left', 'right', 'center' or 'decimal'",
                    (int)i + 1);
    kind = table_string(L, -1, "width_kind");
    c->width_kind = kind == NULL || strcmp(kind, "auto") == 0 ? DOC_WIDTH_AUTO
                  : strcmp(kind, "pt") == 0 ? DOC_WIDTH_FIXED : DOC_WIDTH_SHARE;
    lua_getfield(L, -1, "width");
    c->width = (float)luaL_optnumber(L, -1, 1);
    if (c->width_kind != DOC_WIDTH_AUTO && !(c->width > 0))
        luaL_error(L, "doc:table column %d: width must be positive", (int)i + 1);
    lua_pop(L, 2);
}

/* head = { {text=, row=, col=, rowspan=, colspan=}, ... }, inside the grid. */
static void table_head(lua_State *L, struct doc_table *t) {
    size_t i, n;
    lua_getfield(L, -1, "head");
    n = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    for (i = 0; i < n; i++) {
        size_t row, col, rs, cs;
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        luaL_checktype(L, -1, LUA_TTABLE);
        row = table_count(L, -1, "row", 0);
        col = table_count(L, -1, "col", 0);
        rs = table_count(L, -1, "rowspan", 1);
        cs = table_count(L, -1, "colspan", 1);
        if (rs == 0 || cs == 0 || col + cs > t->ncols || row + rs > 16)
            luaL_error(L, "doc:table: header cell %d lies outside the columns", (int)i + 1);
        doc_table_add_head(t, table_string(L, -1, "text"), row, col, rs, cs);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* cells (text or false), spans, highlight and total, row-major. */
static void table_cells(lua_State *L, struct doc_table *t) {
    size_t i, ncells = t->nrows * t->ncols;
    lua_getfield(L, -1, "cells");
    lua_getfield(L, -2, "spans");
    for (i = 0; i < ncells; i++) {
        lua_Integer span;
        if (lua_rawgeti(L, -2, (lua_Integer)i + 1) == LUA_TSTRING || lua_isnumber(L, -1))
            doc_set_string(&t->cells[i], lua_tostring(L, -1));
        lua_rawgeti(L, -2, (lua_Integer)i + 1);
        span = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 1;
        if (span < 0 || (size_t)span > t->nrows - i / t->ncols)
            luaL_error(L, "doc:table: cell %d spans past the last row", (int)i + 1);
        t->rowspan[i] = (size_t)span;
        lua_pop(L, 2);
    }
    lua_pop(L, 2);
    lua_getfield(L, -1, "highlight");
    lua_getfield(L, -2, "total");
    for (i = 0; i < t->nrows; i++) {
        lua_rawgeti(L, -2, (lua_Integer)i + 1);
        t->highlight[i] = lua_toboolean(L, -1);
        lua_rawgeti(L, -2, (lua_Integer)i + 1);
        t->total[i] = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    lua_pop(L, 2);
}

/* Checked when a table is added, so the message names its line (the
** prelude's Document:table calls this; luaL_error would name the prelude). */
static void check_table_theme(lua_State *L, const struct doc_theme *th) {
    char where[512];
    if (strcmp(th->table_rules, "three-line") == 0 || strcmp(th->table_rules, "grid") == 0) return;
    script_where(L, where, sizeof where);
    lua_pushfstring(L, "%s: theme key 'table_rules' must be 'three-line' or 'grid', got '%s'",
                    where, th->table_rules);
    lua_error(L);
}

/* doc:_table(t): t is what the prelude's Document:table built: cols (leaf
** columns), head (header cells), cells (flat row-major, false for an
** absent value), spans, highlight, total, nrows, and the options. */
static int l_doc_rawtable(lua_State *L) {
    struct ldoc *d = check_doc(L);
    struct doc_table *t;
    size_t ncols, nrows, i;
    const char *rules;
    char where[512];
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    check_table_theme(L, &d->doc->theme);
    lua_getfield(L, 2, "cols");
    luaL_checktype(L, -1, LUA_TTABLE);
    ncols = lua_rawlen(L, -1);
    luaL_argcheck(L, ncols > 0, 2, "a table needs at least one column");
    nrows = table_count(L, 2, "nrows", 0);
    script_where(L, where, sizeof where);
    t = doc_table_new(ncols, nrows);
    doc_add_table(d->doc, t, where);    /* owned by the document from here on */
    for (i = 0; i < ncols; i++) table_column(L, &t->cols[i], i);
    lua_pop(L, 1);
    table_head(L, t);
    table_cells(L, t);
    doc_set_string(&t->caption, table_string(L, 2, "caption"));
    doc_set_string(&t->source, table_string(L, 2, "source"));
    doc_set_string(&t->empty, table_string(L, 2, "empty"));
    rules = table_string(L, 2, "rules");
    t->rules = rules == NULL ? DOC_RULES_THEME
             : strcmp(rules, "grid") == 0 ? DOC_RULES_GRID : DOC_RULES_THREE_LINE;
    if (lua_getfield(L, 2, "zebra") != LUA_TNIL) t->zebra = lua_toboolean(L, -1);
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
    if (lua_isnoneornil(L, 1)) {
        numfmt_format(&f, NULL, null_mark, out, sizeof out);
    } else {
        v = luaL_checknumber(L, 1);
        numfmt_format(&f, &v, null_mark, out, sizeof out);
    }
    lua_pushstring(L, out);
    return 1;
}

static const char *field_string(lua_State *L, int idx, const char *key) {
    const char *s;
    lua_getfield(L, idx, key);
    s = lua_tostring(L, -1);
    lua_pop(L, 1);            /* the table still holds the string */
    return s;
}

static int field_bool(lua_State *L, int idx, const char *key, int dflt) {
    int v;
    if (lua_getfield(L, idx, key) == LUA_TNIL) v = dflt;
    else v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static double field_number(lua_State *L, int idx, const char *key, double dflt) {
    double v = dflt;
    if (lua_getfield(L, idx, key) != LUA_TNIL) {
        if (!lua_isnumber(L, -1)) luaL_error(L, "chart option '%s' must be a number", key);
        v = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

static enum doc_chart_kind chart_kind(lua_State *L, const char *s) {
    static const char *const names[] = { "bar", "hbar", "pie", "donut", "line", "barline",
                                         "scatter", NULL };
    int i;
    for (i = 0; names[i]; i++) if (strcmp(names[i], s) == 0) return (enum doc_chart_kind)i;
    luaL_error(L, "unknown chart kind '%s'", s);
    return CHART_BAR;
}

static void read_series(lua_State *L, struct doc_series *s, size_t ncats) {
    size_t j;
    doc_set_string(&s->name, field_string(L, -1, "name"));
    s->as_line = field_bool(L, -1, "line", 0);
    s->right_axis = field_bool(L, -1, "right", 0);
    lua_getfield(L, -1, "values");
    for (j = 0; j < ncats; j++) {
        if (lua_rawgeti(L, -1, (lua_Integer)j + 1) == LUA_TNUMBER) s->values[j] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* doc:_chart(t): t is what the prelude's Document:chart built, already
** checked: kind, name, cats, x, series = {{name, values, line, right}},
** highlight, and the options. */
static int l_doc_rawchart(lua_State *L) {
    struct ldoc *d = check_doc(L);
    struct doc_chart *c;
    size_t ncats, nseries, i;
    const char *legend;
    char where[512];
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    ncats = (size_t)field_number(L, 2, "nrows", 0);
    lua_getfield(L, 2, "series");
    nseries = lua_rawlen(L, -1);
    lua_pop(L, 1);
    script_where(L, where, sizeof where);
    c = doc_chart_new(ncats, nseries);
    doc_add_chart(d->doc, c, where);     /* owned by the document from here on */
    c->kind = chart_kind(L, field_string(L, 2, "kind"));
    doc_set_string(&c->name, field_string(L, 2, "name"));
    lua_getfield(L, 2, "cats");
    lua_getfield(L, 2, "highlight");
    lua_getfield(L, 2, "x");
    for (i = 0; i < ncats; i++) {
        lua_rawgeti(L, 3, (lua_Integer)i + 1);
        doc_set_string(&c->cats[i], lua_tostring(L, -1));
        lua_rawgeti(L, 4, (lua_Integer)i + 1);
        c->highlight[i] = lua_toboolean(L, -1);
        lua_rawgeti(L, 5, (lua_Integer)i + 1);
        c->x[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
        lua_pop(L, 3);
    }
    lua_settop(L, 2);
    lua_getfield(L, 2, "series");
    for (i = 0; i < nseries; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        read_series(L, &c->series[i], ncats);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    c->stacked = field_bool(L, 2, "stacked", 0);
    c->invert = field_bool(L, 2, "invert", 0);
    c->value_labels = field_bool(L, 2, "labels", 1);
    c->markers = field_bool(L, 2, "markers", 1);
    c->no_data_box = field_string(L, 2, "empty") && strcmp(field_string(L, 2, "empty"), "box") == 0;
    c->decimals = (int)field_number(L, 2, "decimals", -1);
    c->width = (float)field_number(L, 2, "width", 0);
    c->height = (float)field_number(L, 2, "height", 0);
    legend = field_string(L, 2, "legend");
    if (legend == NULL) c->legend = nseries > 1 || c->kind == CHART_PIE || c->kind == CHART_DONUT
                                        ? LEGEND_RIGHT : LEGEND_NONE;
    else if (strcmp(legend, "right") == 0) c->legend = LEGEND_RIGHT;
    else if (strcmp(legend, "bottom") == 0) c->legend = LEGEND_BOTTOM;
    else if (strcmp(legend, "none") == 0) c->legend = LEGEND_NONE;
    else return luaL_error(L, "%s: legend must be 'right', 'bottom' or 'none'", c->name);
    doc_set_string(&c->caption, field_string(L, 2, "caption"));
    doc_set_string(&c->source, field_string(L, 2, "source"));
    doc_set_string(&c->suffix, field_string(L, 2, "suffix"));
    doc_set_string(&c->y_title, field_string(L, 2, "y_title"));
    doc_set_string(&c->y2_title, field_string(L, 2, "y2_title"));
    doc_set_string(&c->x_title, field_string(L, 2, "x_title"));
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

static void new_class(lua_State *L, const char *name, const luaL_Reg *meta,
                      const luaL_Reg *methods) {
    luaL_newmetatable(L, name);
    luaL_setfuncs(L, meta, 0);
    if (methods) {
        lua_newtable(L);               /* methods apart from metamethods */
        luaL_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}

int luaopen_report(lua_State *L) {
    static const luaL_Reg stmt_meta[] = { { "__gc", stmt_gc }, { NULL, NULL } };
    static const luaL_Reg db_methods[] = {
        { "query", l_db_query }, { "value", l_db_value }, { NULL, NULL }
    };
    static const luaL_Reg no_meta[] = { { NULL, NULL } };
    static const luaL_Reg doc_meta[] = { { "__gc", l_doc_gc }, { NULL, NULL } };
    static const luaL_Reg doc_methods[] = {
        { "heading", l_doc_heading }, { "paragraph", l_doc_paragraph },
        { "pagebreak", l_doc_pagebreak }, { "_table", l_doc_rawtable },
        { "_chart", l_doc_rawchart }, { "cover", l_doc_cover }, { "toc", l_doc_toc },
        { "image", l_doc_image }, { NULL, NULL }
    };
    static const luaL_Reg funcs[] = {
        { "param", l_param }, { "document", l_document }, { "now", l_now },
        { "format", l_format }, { NULL, NULL }
    };
    new_class(L, STMT_MT, stmt_meta, NULL);
    new_class(L, DB_MT, no_meta, db_methods);
    new_class(L, DOCUMENT_MT, doc_meta, doc_methods);
    luaL_newlib(L, funcs);
    lua_newuserdatauv(L, 0, 0);
    luaL_setmetatable(L, DB_MT);
    lua_setfield(L, -2, "db");
    /* The Lua half: prelude(report, Document methods). */
    if (luaL_loadbufferx(L, (const char *)prelude_lua, prelude_lua_len, "=prelude", "t") != LUA_OK)
        return lua_error(L);
    lua_pushvalue(L, -2);
    luaL_getmetatable(L, DOCUMENT_MT);
    lua_getfield(L, -1, "__index");
    lua_remove(L, -2);
    lua_call(L, 2, 0);
    return 1;
}
