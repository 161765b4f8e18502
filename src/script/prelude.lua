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

-- ---- charts -----------------------------------------------------------------

local CHART_KINDS = { bar = true, hbar = true, pie = true, donut = true, line = true,
                      barline = true, scatter = true }
local CHART_KEYS = { kind = true, rows = true, label = true, value = true, series = true,
                     line = true, x = true, y = true, stacked = true, invert = true,
                     labels = true, markers = true, legend = true, width = true,
                     height = true, caption = true, source = true, y_title = true,
                     y2_title = true, x_title = true, decimals = true, suffix = true,
                     highlight = true, empty = true }
local charts_made = 0

local function getter(key)
  if type(key) == "function" then return key end
  return function(row) return row[key] end
end

-- A value of a row as a number, or an error naming the chart and the row.
local function number_of(v, chart, r, label, what)
  if v == nil then return nil end
  local n = tonumber(v)
  if n == nil or n ~= n then
    error(string.format("%s: row %d (%s): %s value %q is not a number", chart, r,
                        tostring(label), what, tostring(v)), 3)
  end
  return n
end

-- doc:chart{ kind = "bar"|"hbar"|"pie"|"donut"|"line"|"barline"|"scatter",
--            rows = rows, label = "col", value = "col" | series = {...}, ... }
-- See README.md for every option.
function Document:chart(spec)
  if type(spec) ~= "table" then error("doc:chart expects a table of options", 2) end
  charts_made = charts_made + 1
  local name = spec.caption and ("chart '" .. spec.caption .. "'") or ("chart " .. charts_made)
  for k in pairs(spec) do
    if not CHART_KEYS[k] then error(string.format("%s: unknown option '%s'", name, tostring(k)), 2) end
  end
  local kind = spec.kind or "bar"
  if not CHART_KINDS[kind] then error(string.format("%s: unknown kind '%s'", name, tostring(kind)), 2) end
  local rows = spec.rows
  if type(rows) ~= "table" then error(name .. ": 'rows' must be a table of rows", 2) end
  if spec.empty ~= nil and spec.empty ~= "error" and spec.empty ~= "box" then
    error(name .. ": 'empty' must be 'error' or 'box'", 2)
  end
  if #rows == 0 and spec.empty ~= "box" then
    error(name .. ": the query returned no rows (set empty = 'box' to draw a 'no data' box)", 2)
  end

  -- Series: `value` (one), `series` (several), plus `line` for barline.
  local defs = {}
  if kind == "scatter" then
    if spec.x == nil or spec.y == nil then error(name .. ": scatter needs 'x' and 'y'", 2) end
    defs[1] = { get = getter(spec.y), name = spec.y_title or tostring(spec.y) }
  elseif spec.series then
    for i, s in ipairs(spec.series) do
      if type(s) ~= "table" or s.key == nil then
        error(string.format("%s: series %d needs a 'key'", name, i), 2)
      end
      defs[#defs + 1] = { get = getter(s.key), name = s.name or tostring(s.key) }
    end
  elseif spec.value ~= nil then
    defs[1] = { get = getter(spec.value), name = spec.y_title or tostring(spec.value) }
  else
    error(name .. ": give 'value' (one series) or 'series'", 2)
  end
  if kind == "barline" then
    local l = spec.line
    if type(l) ~= "table" or l.key == nil then error(name .. ": barline needs line = {key = ...}", 2) end
    defs[#defs + 1] = { get = getter(l.key), name = l.name or tostring(l.key), line = true }
  end

  local label_of = getter(spec.label or 1)
  local cats, x, marks, series = {}, {}, {}, {}
  for i, d in ipairs(defs) do
    series[i] = { name = d.name, values = {}, line = d.line, right = d.line }
  end
  local xget = spec.x and getter(spec.x)
  for r, row in ipairs(rows) do
    local label = label_of(row)
    if label == nil and kind ~= "scatter" then
      error(string.format("%s: row %d has no label", name, r), 2)
    end
    cats[r] = label ~= nil and report.cell_text(label) or ""
    for i, d in ipairs(defs) do
      local v = number_of(d.get(row), name, r, cats[r], series[i].name)
      if v and v < 0 and (kind == "pie" or kind == "donut") then
        error(string.format("%s: row %d (%s): a pie cannot show the negative value %s",
                            name, r, cats[r], report.cell_text(v)), 2)
      end
      series[i].values[r] = v
    end
    if xget then
      x[r] = number_of(xget(row), name, r, cats[r], "x")
      if x[r] == nil then error(string.format("%s: row %d (%s): x is missing", name, r, cats[r]), 2) end
    end
    marks[r] = spec.highlight and spec.highlight(row) and true or false
  end
  return self:_chart{
    kind = kind, name = name, cats = cats, x = x, series = series, highlight = marks,
    stacked = spec.stacked, invert = spec.invert, labels = spec.labels,
    markers = spec.markers, legend = spec.legend, width = spec.width, height = spec.height,
    caption = spec.caption, source = spec.source, y_title = spec.y_title,
    y2_title = spec.y2_title, x_title = spec.x_title, decimals = spec.decimals,
    suffix = spec.suffix, empty = spec.empty, nrows = #rows,
  }
end

-- report.theme(base, overrides): a copy of a theme with some values
-- replaced; neither argument is changed.
function report.theme(base, overrides)
  local t = {}
  for k, v in pairs(base or {}) do t[k] = v end
  for k, v in pairs(overrides or {}) do t[k] = v end
  return t
end
