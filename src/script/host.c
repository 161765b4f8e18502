/*
** host.c: the Lua state a report script runs in: which libraries it gets,
** `require` limited to templates/ and the script's folder, the error
** handler that points at the analyst's line, and limits on memory and time.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "host.h"
#include "../base/fsutil.h"
#include "../base/mem.h"
#include "../base/readset.h"

static const char CTX_KEY = 'c';          /* registry key: its address */

struct host {
    struct script_ctx ctx;
    lua_State *L;
    size_t mem_used, mem_limit;
    unsigned time_limit_s, mem_limit_mb;
    const struct job_limits *limits;      /* the armed deadline */
    char oom_where[300];                  /* "file.lua:N" where memory ran out */
};

struct script_ctx *host_ctx(lua_State *L) {
    struct script_ctx *ctx;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
    ctx = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return ctx;
}

/* ---- limits ------------------------------------------------------------- */

/* "file.lua:N" of the innermost function running from a script file (not
** the prelude, not C), or "" when none.  Only walks the call stack and
** reads line tables: safe inside the allocator, where Lua must not
** allocate. */
static void script_position(lua_State *L, char *out, size_t size) {
    lua_Debug ar;
    int level;
    out[0] = '\0';
    for (level = 0; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) continue;
        if (ar.currentline > 0 && ar.source[0] == '@') {
            snprintf(out, size, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
}

/* Lua's heap within the job's memory limit.  A refusal notes where the
** script was, for the message (Lua raises a bare "not enough memory");
** the last refusal is the one that ends the script. */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    struct host *h = ud;
    void *p;
    if (ptr == NULL) osize = 0;
    if (nsize == 0) {
        free(ptr);
        h->mem_used -= osize;
        return NULL;
    }
    p = nsize > osize && h->mem_used + (nsize - osize) > h->mem_limit ? NULL : realloc(ptr, nsize);
    if (p == NULL) {
        if (h->L) script_position(h->L, h->oom_where, sizeof h->oom_where);
        return NULL;
    }
    h->mem_used = h->mem_used - osize + nsize;
    return p;
}

/* Every 100k instructions: past the deadline, raise an error, and keep
** raising it on every line so a pcall in the script cannot swallow it.
** What never comes back here (a looping error handler or finaliser, a
** long C call) is stopped by the timers of job/runlimits.c. */
static void time_hook(lua_State *L, lua_Debug *ar) {
    struct host *h = (struct host *)host_ctx(L);
    char where[300];
    (void)ar;
    if (h->limits && limits_expired(h->limits)) {
        lua_sethook(L, time_hook, LUA_MASKLINE, 0);
        script_position(L, where, sizeof where);
        lua_pushfstring(L, "%s%stime limit of %d s exceeded", where, where[0] ? ": " : "",
                        (int)h->time_limit_s);
        lua_error(L);
    }
}

/* ---- sandbox ------------------------------------------------------------- */

/* `load` with text chunks only: bytecode can break the VM. */
static int sandbox_load(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *name = luaL_optstring(L, 2, "=(load)");
    int env = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, s, n, name, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (env) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

/* print goes to stderr: stdout belongs to the tool's own output. */
static int sandbox_print(lua_State *L) {
    int i, n = lua_gettop(L);
    for (i = 1; i <= n; i++) {
        if (i > 1) fputc('\t', stderr);
        fputs(luaL_tolstring(L, i, NULL), stderr);
        lua_pop(L, 1);
    }
    fputc('\n', stderr);
    return 0;
}

/* Module name -> file under `dir`, refusing names that climb out of it. */
static int module_file(const char *dir, const char *name, char *out, size_t size) {
    size_t i, n = strlen(name);
    char rel[512];
    if (n == 0 || n >= sizeof rel || name[0] == '.' || strstr(name, "..")) return 0;
    for (i = 0; i <= n; i++) {
        char c = name[i];
        if (c == '/' || c == '\\') return 0;
        rel[i] = c == '.' ? '/' : c;
    }
    snprintf(out, size, "%s/%s.lua", dir, rel);
    return 1;
}

/* Is the module there?  stat, not open: opening a FIFO would block.  A
** candidate not there is recorded: creating it would change the build. */
static int module_exists(lua_State *L, const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) return 1;
    readset_add_absent(host_ctx(L)->job->reads, path);
    return 0;
}

/* Find `name`: the script's folder, then templates/ ("templates.x" and
** plain "x" both find templates/x.lua). */
static int find_module(lua_State *L, const char *name, char *path, size_t size) {
    const struct script_ctx *ctx = host_ctx(L);
    const char *tdir = ctx->job->templates_dir;
    if (module_file(ctx->script_dir, name, path, size) && module_exists(L, path)) return 1;
    if (strncmp(name, "templates.", 10) == 0 &&
        module_file(tdir, name + 10, path, size) && module_exists(L, path)) return 1;
    return module_file(tdir, name, path, size) && module_exists(L, path);
}

/* Load a script or module, recording it in the job's read-set. */
static int load_file(lua_State *L, const char *path) {
    struct rc_err err = { 0, "" };
    struct stat st;
    luaL_Buffer b;
    FILE *f;
    size_t n;
    int rc;
    if (fs_fopen_input(path, "a Lua file", &f, &st, &err) != RC_OK)
        return luaL_error(L, "%s", err.msg);
    readset_add_stat(host_ctx(L)->job->reads, path, &st);
    luaL_buffinit(L, &b);
    while ((n = fread(luaL_prepbuffer(&b), 1, LUAL_BUFFERSIZE, f)) > 0) luaL_addsize(&b, n);
    fclose(f);
    luaL_pushresult(&b);
    lua_pushfstring(L, "@%s", path);
    rc = load_chunk(L, host_ctx(L)->job->chunks, path, lua_tostring(L, -2), lua_rawlen(L, -2),
                    lua_tostring(L, -1));
    lua_remove(L, -2);   /* chunk name */
    lua_remove(L, -2);   /* source */
    return rc;
}

static int sandbox_require(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    char path[1200];
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, name);
    if (lua_toboolean(L, -1)) return 1;            /* already loaded */
    lua_pop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    if (lua_getfield(L, -1, name) != LUA_TNIL) {    /* preloaded (report) */
        lua_pushstring(L, name);
        lua_call(L, 1, 1);
        lua_remove(L, 3);                            /* the preload table */
    } else {
        lua_pop(L, 2);
        if (!find_module(L, name, path, sizeof path))
            return luaL_error(L, "module '%s' not found in the script's folder or in templates/", name);
        if (load_file(L, path) != LUA_OK) return lua_error(L);
        lua_pushstring(L, name);
        lua_call(L, 1, 1);
    }
    if (lua_isnil(L, -1)) { lua_pop(L, 1); lua_pushboolean(L, 1); }
    lua_pushvalue(L, -1);
    lua_setfield(L, 2, name);                        /* LOADED[name] = module */
    return 1;
}

static void open_libs(lua_State *L) {
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base },         { LUA_TABLIBNAME, luaopen_table },
        { LUA_STRLIBNAME, luaopen_string },  { LUA_MATHLIBNAME, luaopen_math },
        { LUA_UTF8LIBNAME, luaopen_utf8 },   { LUA_COLIBNAME, luaopen_coroutine },
        { NULL, NULL }
    };
    static const char *const removed[] = { "dofile", "loadfile", "collectgarbage", NULL };
    const luaL_Reg *lib;
    int i;
    for (lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    for (i = 0; removed[i]; i++) {
        lua_pushnil(L);
        lua_setglobal(L, removed[i]);
    }
    lua_register(L, "load", sandbox_load);
    lua_register(L, "print", sandbox_print);
    lua_register(L, "require", sandbox_require);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_report);
    lua_setfield(L, -2, "report");
    lua_pop(L, 1);
}

/* math.random is seeded from the job, so a brief is the same every run. */
static void seed_random(lua_State *L, const struct script_job *job) {
    lua_Unsigned seed = 5381;   /* unsigned: the hash wraps around */
    size_t i;
    const char *s;
    for (s = job->path; *s; s++) seed = seed * 33 + (unsigned char)*s;
    for (i = 0; i < job->nparams; i++) {
        for (s = job->params[i].name; *s; s++) seed = seed * 33 + (unsigned char)*s;
        for (s = job->params[i].value; *s; s++) seed = seed * 33 + (unsigned char)*s;
    }
    lua_getglobal(L, "math");
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, (lua_Integer)seed);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
}

/* ---- running ------------------------------------------------------------- */

/* Message handler: the message (with file:line from luaL_error or the
** VM) and a traceback.  Runs inside the failing call, where the stack is
** still there to walk. */
static int msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        /* error(table): no position of its own; give the script's line. */
        lua_Debug ar;
        int level;
        const char *what = luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING
                         ? lua_tostring(L, -1)
                         : lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        msg = what;
        for (level = 1; lua_getstack(L, level, &ar); level++) {
            lua_getinfo(L, "Sl", &ar);
            if (ar.currentline > 0 && ar.source[0] == '@') {
                msg = lua_pushfstring(L, "%s:%d: %s", ar.source + 1, ar.currentline, what);
                break;
            }
        }
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

struct pmain_args {
    const struct script_job *job;
    struct doc *doc;
};

static int pmain(lua_State *L) {
    struct pmain_args *a = lua_touserdata(L, 1);
    open_libs(L);
    seed_random(L, a->job);
    lua_settop(L, 0);
    /* Plain call: the outer pcall's handler adds the traceback where the
    ** error is raised, while the script's frames are still there. */
    if (load_file(L, a->job->path) != LUA_OK) return lua_error(L);
    lua_call(L, 0, 1);
    a->doc = lreport_take_doc(L, -1);
    if (a->doc == NULL)
        return luaL_error(L, "%s: the script must end with `return doc` (a report.document), got %s",
                          a->job->path, luaL_typename(L, -1));
    return 0;
}

static void script_dir_of(const char *path, char *dir, size_t size) {
    const char *slash = strrchr(path, '/');
    if (slash == NULL) snprintf(dir, size, ".");
    else snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* Error text as "message" + '\n' + traceback, with the "stack traceback"
** kept after the first line so the first line alone names the cause.  Lua
** reports memory errors as a bare "not enough memory": say which limit,
** and where the script was. */
static int script_failed(lua_State *L, struct host *h, int status, struct rc_err *err) {
    const char *msg = lua_tostring(L, -1);
    if (status == LUA_ERRMEM || (msg && strcmp(msg, "not enough memory") == 0)) {
        const char *where = h->oom_where;
        rc_fail(err, RC_SCRIPT, "%s%smemory limit of %u MB exceeded", where, where[0] ? ": " : "",
                h->mem_limit_mb);
        return RC_SCRIPT;
    }
    rc_fail(err, RC_SCRIPT, "%s", msg ? msg : "script failed");
    return RC_SCRIPT;
}

int script_run(const struct script_job *job, struct store *db, struct doc **out,
               struct rc_err *err) {
    struct host *h = xcalloc(1, sizeof *h, "a script host");
    struct pmain_args args = { job, NULL };
    lua_State *L;
    int rc = RC_OK, status;
    h->ctx.job = job;
    h->ctx.db = db;
    h->limits = job->limits;
    h->time_limit_s = job->limits ? job->limits->seconds : LIMITS_DEFAULT_SECONDS;
    h->mem_limit_mb = job->limits ? job->limits->megabytes : LIMITS_DEFAULT_MB;
    h->mem_limit = (size_t)h->mem_limit_mb << 20;
    script_dir_of(job->path, h->ctx.script_dir, sizeof h->ctx.script_dir);
    L = lua_newstate(limited_alloc, h);
    if (L == NULL) {
        rc_fail(err, RC_NOMEM, "%s: memory limit of %u MB exceeded creating a Lua state",
                job->path, h->mem_limit_mb);
        free(h);
        return RC_NOMEM;
    }
    h->L = L;
    lua_pushlightuserdata(L, h);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
    lua_sethook(L, time_hook, LUA_MASKCOUNT, 100000);
    lua_pushcfunction(L, msghandler);
    lua_pushcfunction(L, pmain);
    lua_pushlightuserdata(L, &args);
    if ((status = lua_pcall(L, 1, 0, 1)) != LUA_OK) rc = script_failed(L, h, status, err);
    if (rc == RC_OK) *out = args.doc;
    else doc_free(args.doc);
    lua_close(L);
    free(h);
    return rc;
}
