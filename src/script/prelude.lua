-- prelude.lua: the Lua half of the report module, compiled into reportc.
-- Called once as prelude(report, Document) where Document is the method
-- table of report.Document; it adds the methods that are easier to write
-- in Lua than in C.  Errors use level 2 so they point at the script line.

local report, Document = ...

local NULL_MARK = "—"

-- Text of one value in a cell: integers as integers, floats without the
-- trailing ".0" Lua 5.4 would print, strings as they are.
local function cell_text(v)
  if v == nil then return NULL_MARK end
  if math.type(v) == "float" then
    if v == math.floor(v) and math.abs(v) < 1e15 then
      return string.format("%d", v)
    end
    return string.format("%.10g", v)
  end
  return tostring(v)
end
report.cell_text = cell_text

local TABLE_KEYS = { rows = true, columns = true, caption = true, source = true,
                     highlight = true }
local COLUMN_KEYS = { key = true, title = true, align = true, width = true,
                      format = true }

local function check_keys(t, known, what)
  for k in pairs(t) do
    if not known[k] then
      error(string.format("%s: unknown option '%s'", what, tostring(k)), 3)
    end
  end
end

-- doc:table{ rows = rows, columns = { {key=, title=, align=, width=,
--            format=}, ... }, caption = "...", source = "...",
--            highlight = function(row) return ... end }
function Document:table(spec)
  if type(spec) ~= "table" then error("doc:table expects a table of options", 2) end
  check_keys(spec, TABLE_KEYS, "doc:table")
  local rows, columns = spec.rows, spec.columns
  if type(rows) ~= "table" then error("doc:table: 'rows' must be a table of rows", 2) end
  if type(columns) ~= "table" or #columns == 0 then
    error("doc:table: 'columns' must list at least one column", 2)
  end
  local cols = {}
  for i, c in ipairs(columns) do
    if type(c) == "string" then c = { key = c, title = c } end
    check_keys(c, COLUMN_KEYS, "doc:table column " .. i)
    if c.key == nil then error("doc:table column " .. i .. ": 'key' is missing", 2) end
    cols[i] = { title = c.title or tostring(c.key), align = c.align or "left",
                width = c.width or 1, key = c.key, format = c.format }
  end
  local cells, marks = {}, {}
  for r, row in ipairs(rows) do
    for _, c in ipairs(cols) do
      local v
      if type(c.key) == "function" then v = c.key(row) else v = row[c.key] end
      if c.format then v = c.format(v, row) end
      cells[#cells + 1] = cell_text(v)
    end
    marks[r] = spec.highlight and spec.highlight(row) and true or false
  end
  return self:_table(cols, cells, marks, spec.caption, spec.source)
end
