/*
** luac.c: a build tool, not part of reportc.  Compiles a Lua file with
** the liblua5.4 reportc links and writes the chunk as bytecode, so the
** prelude is loaded (lua_load of a binary chunk) rather than compiled at
** every start: compiling its 15 KB was a fifth of a one-paragraph build's
** instructions.  Debian's luac5.4 would do the same, but from another
** package (lua5.4) whose version need not match the library's; this one
** is the library's own lua_dump.  Debug information is kept: an error in
** the prelude names its line, as the source would.
**
**   luac CHUNKNAME IN.lua OUT
*/
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>

static int write_chunk(lua_State *L, const void *p, size_t n, void *out) {
    (void)L;
    return fwrite(p, 1, n, out) == n ? 0 : 1;
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long n;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && (text = malloc((size_t)n + 1)) != NULL && fread(text, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(text);
        text = NULL;
    }
    if (f) fclose(f);
    return text;
}

int main(int argc, char **argv) {
    lua_State *L;
    FILE *out;
    char *text;
    size_t len;
    int rc;
    if (argc != 4) {
        fprintf(stderr, "usage: luac CHUNKNAME IN.lua OUT\n");
        return 2;
    }
    if ((text = read_all(argv[2], &len)) == NULL) { perror(argv[2]); return 1; }
    L = luaL_newstate();
    if (L == NULL) { fprintf(stderr, "luac: out of memory\n"); return 1; }
    /* Under the chunk name the source would be loaded with (errors and
    ** tracebacks name it). */
    if (luaL_loadbufferx(L, text, len, argv[1], "t") != LUA_OK) {
        fprintf(stderr, "luac: %s\n", lua_tostring(L, -1));
        return 1;
    }
    free(text);
    if ((out = fopen(argv[3], "wb")) == NULL) { perror(argv[3]); return 1; }
    rc = lua_dump(L, write_chunk, out, 0);
    if (fclose(out) != 0 || rc != 0) { fprintf(stderr, "luac: cannot write %s\n", argv[3]); return 1; }
    lua_close(L);
    return 0;
}
