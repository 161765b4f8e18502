"""templates/types/report.lua (LuaLS annotations) against the real API.

The accepted functions and option keys are read from the code, not from a
second hand-kept list: the luaL_Reg tables of src/script/lreport.c and the
functions src/script/prelude.lua defines; lreport.c's OPTION_TABLES (one
description per option table: document, theme, cover, toc, image, table,
column, group, total, chart, series) with each key's list of choices
(chart kinds, aligns, rules, legends...); and its Chinese size names.
Every function and key found there must be annotated (a class field, a
function, an alias value), and nothing else may be: what the API refuses
must not be offered by completion.  A probe script then gives every
annotated key to the running reportc, which must not call any of them
unknown, while a made-up key is refused everywhere.  .luarc.json must be
valid JSON pointing LuaLS at the annotations, Lua 5.4, with the libraries
the sandbox lacks switched off.  API_TYPES_SRC=other/src runs the
extraction on another tree's sources.
Run from the repository root; ends with "N passed, N failed"."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from suite import REPORTC, check, finish  # noqa: E402

SRC = os.environ.get("API_TYPES_SRC", "src")     # another tree's sources, to try the extraction
C_SRC = os.path.join(SRC, "script", "lreport.c")
PRELUDE = os.path.join(SRC, "script", "prelude.lua")
TYPES = "templates/types/report.lua"

REG_OWNERS = {"funcs": "report", "doc_methods": "Document", "db_methods": "Db"}
# Which annotation class documents which option table of lreport.c.
TABLE_CLASSES = {"document": "report.DocumentOptions", "theme": "report.Theme",
                 "cover": "report.CoverOptions", "toc": "report.TocOptions",
                 "image": "report.ImageOptions", "table": "report.TableOptions",
                 "column": "report.Column", "group": "report.ColumnGroup",
                 "total": "report.TableTotal", "chart": "report.ChartOptions",
                 "series": "report.ChartSeries", "page": "report.PageOptions",
                 "band": "report.PageBand", "paragraph": "report.ParagraphOptions",
                 "heading": "report.HeadingOptions", "notes": "report.NotesOptions"}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def strings(text):
    return re.findall(r'"([^"\\]*)"', text)


# ---- what the code accepts ----------------------------------------------------------

def c_functions(src):
    found = {}
    for name, body in re.findall(r"static const luaL_Reg (\w+)\[\] = \{(.*?)\};", src, re.S):
        if name in REG_OWNERS:
            for fn in re.findall(r'\{\s*"(\w+)"\s*,', body):
                found.setdefault(REG_OWNERS[name], set()).add(fn)
    return found


def c_string_arrays():
    """Every `NAME[] = { "a", "b", ... }` in the C sources: choice lists."""
    arrays = {}
    for root, _, files in os.walk(SRC):
        for name in files:
            if name.endswith(".c"):
                for arr, body in re.findall(r"\b(\w+)\[\] = \{([^{}]*)\};", read(os.path.join(root, name))):
                    arrays.setdefault(arr, set(strings(body)))
    return arrays


def c_option_tables(src):
    """OPTION_TABLES: table name -> {key: (OPT_ type, choice array name or
    None)}; None when lreport.c has no such table."""
    top = re.search(r"OPTION_TABLES\[\] = \{(.*?)\n\};", src, re.S)
    if not top:
        return None
    macros = dict(re.findall(r"#define (\w+)\(k\b[^)]*\)\s*\{\s*#k,\s*(OPT_\w+)", src))
    tables = {}
    for name, arr in re.findall(r'\{\s*"(\w+)",\s*(\w+)\s*\}', top.group(1)):
        body = re.search(r"\b%s\[\] = \{(.*?)\n\};" % re.escape(arr), src, re.S)
        keys = {}
        if body:
            for key, typ, rest in re.findall(r'\{\s*"(\w+)",\s*(OPT_\w+)([^}]*)\}', body.group(1)):
                choice = re.match(r",\s*[^,]+,\s*[^,]+,\s*(\w+)", rest) if typ == "OPT_CHOICE" else None
                keys[key] = (typ, choice.group(1) if choice else None)
            for mac, key in re.findall(r"\b(\w+)\((\w+)", body.group(1)):
                if mac in macros:
                    keys[key] = (macros[mac], None)
        tables[name] = keys
    return tables


# The annotation each kind of checked value must have (lreport.c enum
# opt_type); a prefix where the rest is free (a function's signature).
OPT_ANNOTATIONS = {
    "OPT_STRING": "string", "OPT_TEXT": "string|number", "OPT_NUMBER": "number",
    "OPT_INTEGER": "integer", "OPT_SIZE": "report.Size", "OPT_SIZES": "report.Size[]",
    "OPT_PATTERNS": "string[]|false", "OPT_COLOR": "report.Color", "OPT_BOOL": "boolean",
    "OPT_FUNCTION": "fun(", "OPT_KEY": "string|integer|fun(", "OPT_FORMAT": "report.Format",
    "OPT_FLAG": "boolean|fun(", "OPT_WIDTH": '"auto"|string|number', "OPT_LENGTH": "report.Length",
    "OPT_TEMPLATE": "report.Template", "OPT_INDENT": "number|string",
}


def prelude_functions(lua):
    found = {"report": set(re.findall(r"^function report\.(\w+)", lua, re.M))
             | set(re.findall(r"^report\.(\w+) = ", lua, re.M)),
             "Document": set(re.findall(r"^function Document:(\w+)", lua, re.M))}
    return found


# ---- what the annotations say ---------------------------------------------------------

FIELD_TYPES = {}     # (class, field) -> its annotated type


def annotated(types):
    classes, functions, aliases = {}, {}, {}
    current = current_name = None
    for line in types.splitlines():
        m = re.match(r"---@class ([\w.]+)", line)
        if m:
            current_name = m.group(1)
            current = classes.setdefault(current_name, set())
            continue
        m = re.match(r"---@field (\w+)\??\s+(\S+)", line)
        if m and current is not None:
            current.add(m.group(1))
            FIELD_TYPES[(current_name, m.group(1))] = m.group(2)
            continue
        if not line.startswith("---@field"):
            current = None
        m = re.match(r"---@alias ([\w.]+) (.*)", line)
        if m:
            aliases[m.group(1)] = set(strings(m.group(2)))
        m = re.match(r"function (report|Db|Document)[.:](\w+)\(", line)
        if m:
            functions.setdefault(m.group(1), set()).add(m.group(2))
    return classes, functions, aliases


def same(label, code, notes):
    if code is None or not code:
        check(False, f"{label}: nothing found in the code (has it moved? update the extraction)")
        return
    notes = notes or set()
    check(code == notes, f"{label}: accepted but not annotated {sorted(code - notes)}, "
          f"annotated but refused {sorted(notes - code)}")


def test_static():
    src, lua = read(C_SRC), read(PRELUDE)
    classes, functions, aliases = annotated(read(TYPES))
    public = lambda names: {n for n in names if not n.startswith("_")}  # noqa: E731
    cfun, pfun = c_functions(src), prelude_functions(lua)
    for owner in ("report", "Document", "Db"):
        same(f"{owner} functions", public(cfun.get(owner, set()) | pfun.get(owner, set())),
             functions.get(owner))
    check(not any(n.startswith("_") for names in functions.values() for n in names),
          "the internal _table/_chart are not offered")
    tables = c_option_tables(src)
    if tables is None:
        check(False, f"{C_SRC} has no OPTION_TABLES (has it moved? update the extraction)")
    else:
        test_option_tables(tables, classes, aliases, lua)
    print("INFO annotated: %d functions, %d option keys in %d classes" % (
        sum(len(v) for v in functions.values()), sum(len(v) for v in classes.values()), len(classes)))
    return classes


def test_option_tables(tables, classes, aliases, lua):
    """One description per option table: its keys are the class's fields;
    a key with a list of choices has an alias type with those values."""
    check(set(tables) == set(TABLE_CLASSES),
          f"OPTION_TABLES has {sorted(tables)}; the test maps {sorted(TABLE_CLASSES)}")
    arrays = c_string_arrays()
    for name, cls in TABLE_CLASSES.items():
        keys = tables.get(name) or {}
        same(f"option table '{name}' ({cls})", set(keys), classes.get(cls))
        for key, (typ, arr) in keys.items():
            annotation = FIELD_TYPES.get((cls, key), "")
            if arr is not None:
                same(f"choices of {name}.{key} ({arr}) = alias {annotation}", arrays.get(arr),
                     aliases.get(annotation))
            elif typ in OPT_ANNOTATIONS and annotation:
                want = OPT_ANNOTATIONS[typ]
                ok = annotation.startswith(want) if want.endswith("(") else annotation == want
                check(ok, f"{cls}.{key} is {typ} in lreport.c: annotate it {want}..., not {annotation}")
    check("options(" in lua, "the prelude checks its tables with the C descriptions (options(...))")
    sizes = re.search(r"SIZE_NAMES\[\] = \{(.*?)\n\};", read(C_SRC), re.S)
    same("Chinese size names (report.Size)", set(strings(sizes.group(1))) if sizes else None,
         aliases.get("report.Size"))


def test_formats():
    """Every number format numfmt.c knows is named in report.Format's comment."""
    names = set(re.findall(r'\{ "(\w+)", NUMFMT_', read(os.path.join(SRC, "text", "numfmt.c"))))
    m = re.search(r"((?:---[^@\n].*\n)+)---@alias report\.Format ", read(TYPES))
    named = {n for n in names if m and re.search(r'"%s[":]' % n, m.group(1))}
    same("number formats of numfmt.c named in report.Format's comment", names, named)


# ---- the running reportc agrees --------------------------------------------------------

PROBE_CALLS = {
    "report.DocumentOptions": 'report.document{ [K] = V }',
    "report.Theme": 'report.document{ theme = { [K] = V } }',
    "report.CoverOptions": 'doc:cover{ [K] = V }',
    "report.TocOptions": 'doc:toc{ [K] = V }',
    "report.ImageOptions": 'doc:image{ [K] = V }',
    "report.TableOptions": 'doc:table{ [K] = V }',
    "report.Column": 'doc:table{ rows = {}, columns = { { key = "a", [K] = V } } }',
    "report.ColumnGroup": 'doc:table{ rows = {}, columns = { { columns = { "a" }, [K] = V } } }',
    "report.TableTotal": 'doc:table{ rows = { { a = 1 } }, columns = { "a" }, total = { [K] = V } }',
    "report.ChartOptions": 'doc:chart{ [K] = V }',
    "report.PageOptions": 'report.document{ page = { [K] = V } }',
    "report.NotesOptions": 'report.document{ notes = { [K] = V } }',
    "report.PageBand": 'report.document{ page = { header = { [K] = V } } }',
    "report.ParagraphOptions": 'doc:paragraph{ [K] = V }',
    "report.HeadingOptions": 'doc:heading{ [K] = V }',
}


def test_dynamic(classes, tmp):
    lines = ['local report = require "report"', "local doc = report.document{}", "local V = true"]
    for cls, call in PROBE_CALLS.items():
        for key in sorted(classes.get(cls, set())) + ["zz_made_up"]:
            lines.append("do local K = %s; local ok, e = pcall(function() %s end)\n"
                         "  if not ok and (tostring(e):find(\"unknown option '\" .. K .. \"'\", 1, true)\n"
                         "     or tostring(e):find(\"unknown theme key '\" .. K .. \"'\", 1, true)) then\n"
                         "    print(\"REFUSED %s \" .. K) end end" % (json.dumps(key), call, cls))
    lines.append("return doc")
    script = os.path.join(tmp, "probe.lua")
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    db = os.path.join(tmp, "empty.db")
    sqlite3.connect(db).close()
    r = subprocess.run([REPORTC, "build", script, "-o", os.path.join(tmp, "probe.pdf"), "--db", db],
                       capture_output=True, text=True)
    if not check(r.returncode == 0, f"the probe script runs: {r.stderr[-400:]}"):
        return
    refused = {tuple(line.split()[1:3]) for line in r.stderr.splitlines() if line.startswith("REFUSED ")}
    wrongly = sorted((c, k) for c, k in refused if k != "zz_made_up")
    check(not wrongly, f"reportc accepts every annotated key: refused {wrongly}")
    missed = sorted(c for c in PROBE_CALLS if (c, "zz_made_up") not in refused)
    check(not missed, f"a made-up key is refused by every option set: not by {missed}")


def test_luarc():
    try:
        with open(".luarc.json", encoding="utf-8") as f:
            rc = json.load(f)
    except (OSError, ValueError) as e:
        check(False, f".luarc.json is valid JSON: {e}")
        return
    check(rc.get("runtime.version") == "Lua 5.4", ".luarc.json: runtime.version is Lua 5.4")
    check("templates/types" in rc.get("workspace.library", []), ".luarc.json: library has templates/types")
    off = {k for k, v in rc.get("runtime.builtin", {}).items() if v == "disable"}
    check({"io", "os", "debug", "package"} <= off,
          f".luarc.json: the libraries the sandbox lacks are disabled: {sorted(off)}")
    check("templates/?.lua" in rc.get("runtime.path", []),
          ".luarc.json: require finds templates/ as reportc does")
    first = read(TYPES).splitlines()[0]
    check(first == "---@meta report", f"{TYPES} starts with ---@meta report: {first}")


classes = test_static()
test_formats()
with tempfile.TemporaryDirectory(prefix="reportc-types-") as tmp:
    test_dynamic(classes, tmp)
test_luarc()
sys.exit(finish())
