/*
** host.h: what the Lua bindings share inside src/script/.
*/
#ifndef HOST_H
#define HOST_H

#include <lua.h>
#include "script.h"

struct script_ctx {
    const struct script_job *job;
    struct store *db;
    char script_dir[1024];
};

/* The context of the state, kept in the registry. */
struct script_ctx *host_ctx(lua_State *L);

/* Load a script or module's source as a function (luaL_loadbufferx),
** from the compiled chunk kept in cs for the same path and bytes when
** there is one, else compiling it and keeping the result (chunks.c);
** cs NULL: just compile. */
int load_chunk(lua_State *L, struct script_chunks *cs, const char *path, const char *source,
               size_t n, const char *chunkname);

/* luaopen function of the "report" module (lreport.c). */
int luaopen_report(lua_State *L);

/* The document a Document userdata at `idx` holds, taken over by the
** caller (the userdata is left empty); NULL if `idx` is not one. */
struct doc *lreport_take_doc(lua_State *L, int idx);

#endif
