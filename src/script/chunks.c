/*
** chunks.c: scripts and modules compiled once per batch worker.
**
** A worker builds job after job from the same script and templates; each
** job has a fresh Lua state, but the compiled form of a file does not
** change while its bytes do not.  load_chunk keeps, by path and exact
** source text, the chunk lua_dump made of it (debug information kept, so
** errors and tracebacks read the same) and loads that instead of
** compiling again.  The file is still read each time (the read-set
** records it, and an edit between jobs is seen); only the compiling is
** saved.  The bytecode loaded is only ever what this process dumped.
** Bounded: CHUNKS_MAX files, the oldest forgotten first.
*/
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "host.h"
#include "../base/buf.h"
#include "../base/mem.h"

#define CHUNKS_MAX 64

struct chunk {
    char *path;
    char *source;
    size_t nsource;
    struct buf code;
};

struct script_chunks {
    struct chunk c[CHUNKS_MAX];
    unsigned count;                 /* c[0] is the oldest */
};

struct script_chunks *script_chunks_new(void) {
    return xcalloc(1, sizeof(struct script_chunks), "the compiled chunks");
}

static void chunk_free(struct chunk *k) {
    free(k->path);
    free(k->source);
    buf_free(&k->code);
}

void script_chunks_free(struct script_chunks *cs) {
    unsigned i;
    if (cs == NULL) return;
    for (i = 0; i < cs->count; i++) chunk_free(&cs->c[i]);
    free(cs);
}

static int write_code(lua_State *L, const void *p, size_t n, void *ud) {
    (void)L;
    buf_append(ud, p, n);
    return 0;
}

/* Keep the function on top of the stack as the compiled form of source. */
static void keep(struct script_chunks *cs, lua_State *L, const char *path, const char *source,
                 size_t n) {
    struct chunk k;
    memset(&k, 0, sizeof k);
    buf_init(&k.code);
    if (lua_dump(L, write_code, &k.code, 0) != 0) { buf_free(&k.code); return; }
    k.path = xstrdup(path, "a compiled chunk");
    k.source = xmalloc(n ? n : 1, "a compiled chunk");
    memcpy(k.source, source, n);
    k.nsource = n;
    if (cs->count == CHUNKS_MAX) {
        chunk_free(&cs->c[0]);
        memmove(&cs->c[0], &cs->c[1], (CHUNKS_MAX - 1) * sizeof cs->c[0]);
        cs->count--;
    }
    cs->c[cs->count++] = k;
}

int load_chunk(lua_State *L, struct script_chunks *cs, const char *path, const char *source,
               size_t n, const char *chunkname) {
    unsigned i;
    int rc;
    for (i = 0; cs && i < cs->count; i++) {
        const struct chunk *k = &cs->c[i];
        if (k->nsource == n && strcmp(k->path, path) == 0 && memcmp(k->source, source, n) == 0)
            return luaL_loadbufferx(L, (const char *)k->code.data, k->code.len, chunkname, "b");
    }
    rc = luaL_loadbufferx(L, source, n, chunkname, "t");
    if (rc == LUA_OK && cs) keep(cs, L, path, source, n);
    return rc;
}
