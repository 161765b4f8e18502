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

/* Call the function under its nargs arguments on L's stack from outside
** any script call (layout pulling a streamed table's rows), protected,
** within the job's limits.  An error is RC_SCRIPT (the function and
** arguments popped) with the script's line, or `where` when the error has
** none ("big.lua:12: ..."); RC_OK leaves nresults results. */
int host_call(lua_State *L, int nargs, int nresults, const char *where, struct rc_err *err);

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
