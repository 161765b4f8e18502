"""luacheck on the report scripts and templates, against the real sandbox.

1. `luacheck scripts templates` (with the top-level .luacheckrc) reports
   nothing: a new warning fails this test.
2. The globals .luacheckrc declares are exactly the globals (and library
   fields) a script sees in reportc's sandbox, read by running a probe
   script through reportc: nothing the sandbox lacks (io, os, debug,
   package, dofile...) is declared, nothing it has is missing.
3. A script using io/os is flagged, so the configuration really restricts.
Skipped when luacheck (Debian lua-check) is not installed.  Run from the
repository root; ends with "N passed, N failed"."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import REPORTC, check, finish, skip  # noqa: E402

PROBE = r'''
local report = require "report"
local names = {}
for k, v in pairs(_G) do
  if type(v) == "table" and k ~= "_G" then
    for f in pairs(v) do names[#names + 1] = k .. "." .. f end
  else
    names[#names + 1] = k
  end
end
table.sort(names)
print("GLOBALS " .. table.concat(names, " "))
return report.document{}
'''

# Evaluated by luacheck's own Lua (5.1): the names .luacheckrc declares.
DUMP = r'''
stds = {}
local env = setmetatable({ stds = stds, files = {} }, { __index = _G })
local chunk = assert(loadfile(".luacheckrc"))
setfenv(chunk, env)
chunk()
local names = {}
for k, v in pairs(stds[env.std].read_globals) do
  if type(k) == "number" then names[#names + 1] = v
  else for f in pairs(v.fields) do names[#names + 1] = k .. "." .. f end end
end
table.sort(names)
io.write(table.concat(names, " "))
'''


def sandbox_globals(tmp):
    path = os.path.join(tmp, "probe.lua")
    with open(path, "w") as f:
        f.write(PROBE)
    r = subprocess.run([REPORTC, "build", path, "-o", os.path.join(tmp, "probe.pdf"),
                        "--db", os.path.join(tmp, "empty.db")], capture_output=True, text=True)
    for line in r.stderr.splitlines():
        if line.startswith("GLOBALS "):
            return set(line.split()[1:])
    print("INFO probe: " + r.stderr[-300:])
    return set()


def declared_globals():
    lua = shutil.which("lua5.1") or shutil.which("lua")
    if lua is None:
        return None
    r = subprocess.run([lua, "-e", DUMP], capture_output=True, text=True)
    return set(r.stdout.split()) if r.returncode == 0 else set()


if shutil.which("luacheck") is None:
    skip("lint.py: luacheck (Debian lua-check) is not installed")
    sys.exit(finish())

r = subprocess.run(["luacheck", "--no-color", "--formatter", "plain", "scripts", "templates"],
                   capture_output=True, text=True)
check(r.returncode == 0 and r.stdout.strip() == "",
      f"luacheck scripts templates is clean:\n{r.stdout}{r.stderr}")

with tempfile.TemporaryDirectory(prefix="reportc-lint-") as tmp:
    import sqlite3
    sqlite3.connect(os.path.join(tmp, "empty.db")).execute("CREATE TABLE t(x)").connection.close()
    have = sandbox_globals(tmp)
    said = declared_globals()
    check(len(have) > 50, f"the probe read the sandbox's globals ({len(have)})")
    if said is None:
        skip("no Lua interpreter to read .luacheckrc with: its globals were not compared")
    else:
        check(said == have, "the globals .luacheckrc declares are the sandbox's: declared but absent "
              f"{sorted(said - have)}, present but undeclared {sorted(have - said)}")
    for banned in ("io.open", "os.time", "debug.traceback", "package.path", "dofile", "loadfile",
                   "collectgarbage"):
        check(banned not in have and banned not in (said or set()),
              f"{banned} is neither in the sandbox nor declared")

    bad = os.path.join(tmp, "bad.lua")
    with open(bad, "w") as f:
        f.write('local f = io.open("x")\nlocal t = os.time()\nreturn f, t, string.format("%d", 1)\n')
    r = subprocess.run(["luacheck", "--no-color", "--formatter", "plain", "--config", ".luacheckrc", bad],
                       capture_output=True, text=True)
    check(r.returncode != 0 and "undefined variable 'io'" in r.stdout
          and "undefined variable 'os'" in r.stdout and "string" not in r.stdout,
          f"a script using io and os is flagged, string is not: {r.stdout}")

sys.exit(finish())
