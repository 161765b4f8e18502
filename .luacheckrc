-- .luacheckrc: luacheck (Debian lua-check) for report scripts and templates.
--
-- Scripts run in reportc's sandbox (src/script/host.c), not in a stock Lua:
-- the globals below are exactly what a script sees there, so luacheck flags
-- io, os, debug, package, dofile, loadfile and collectgarbage as the
-- undefined globals they are at run time.  tests/e2e/lint.py compares this
-- list with the globals of the real sandbox, so the two cannot drift apart.
-- The report module is not a global: `local report = require "report"`.

local function fields(...)
  local t = {}
  for _, name in ipairs({ ... }) do t[name] = {} end
  return { fields = t }
end

stds.reportc_sandbox = {
  read_globals = {
    "_G", "_VERSION", "assert", "error", "getmetatable", "ipairs", "load", "next", "pairs",
    "pcall", "print", "rawequal", "rawget", "rawlen", "rawset", "require", "select",
    "setmetatable", "tonumber", "tostring", "type", "warn", "xpcall",
    coroutine = fields("close", "create", "isyieldable", "resume", "running", "status", "wrap",
                       "yield"),
    math = fields("abs", "acos", "asin", "atan", "atan2", "ceil", "cos", "cosh", "deg", "exp",
                  "floor", "fmod", "frexp", "huge", "ldexp", "log", "log10", "max",
                  "maxinteger", "min", "mininteger", "modf", "pi", "pow", "rad", "random",
                  "randomseed", "sin", "sinh", "sqrt", "tan", "tanh", "tointeger", "type", "ult"),
    string = fields("byte", "char", "dump", "find", "format", "gmatch", "gsub", "len", "lower",
                    "match", "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper"),
    table = fields("concat", "insert", "move", "pack", "remove", "sort", "unpack"),
    utf8 = fields("char", "charpattern", "codepoint", "codes", "len", "offset"),
  },
}

std = "reportc_sandbox"
max_line_length = 120

-- LuaLS declaration file: empty function bodies whose parameters exist to
-- carry ---@param annotations.
files["templates/types"] = { unused_args = false, unused = false }
