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

-- ---- tables ------------------------------------------------------------------
-- doc:table{ rows = rows, columns = { ... }, caption, source, highlight,
--            total, empty, zebra, rules }; README.md "Tables" has it all.
-- Here the rows become the text of every cell (keys, formats, absent
-- values), the column tree becomes leaf columns and header cells, and
-- rowspan columns become spans; the C half (doc:_table) stores that and
-- layout does the rest.

local TABLE_KEYS = { rows = true, columns = true, caption = true, source = true,
                     highlight = true, total = true, empty = true, zebra = true,
                     rules = true }
local COLUMN_KEYS = { key = true, title = true, align = true, width = true,
                      format = true, rowspan = true }
local GROUP_KEYS = { title = true, columns = true }
local TOTAL_KEYS = { label = true, sum = true, mean = true }
local ALIGNS = { left = true, right = true, center = true, decimal = true }

-- Table errors are raised as {table_error = msg} inside the table code and
-- re-raised at the script's doc:table line; errors from the script's own
-- key and format functions pass through with their own location.
local function table_error(fmt, ...)
  error({ table_error = string.format(fmt, ...) }, 0)
end

local function check_keys(t, known, what)
  for k in pairs(t) do
    if not known[k] then table_error("%s: unknown option '%s'", what, tostring(k)) end
  end
end

-- width: "auto" (default), "30pt" (fixed), or a number of shares ("2" or 2).
local function parse_width(w, what)
  if w == nil or w == "auto" then return "auto", 0 end
  if type(w) == "number" and w > 0 then return "share", w end
  if type(w) == "string" then
    local pt = tonumber(w:match("^%s*([%d.]+)%s*pt%s*$") or "")
    if pt and pt > 0 then return "pt", pt end
    local share = tonumber(w:match("^%s*([%d.]+)%s*fr%s*$") or w:match("^%s*([%d.]+)%s*$") or "")
    if share and share > 0 then return "share", share end
  end
  table_error("%s: width must be \"auto\", a size such as \"30pt\" or a share such as 2, got %s",
              what, type(w) == "string" and ("'" .. w .. "'") or tostring(w))
end

local function new_leaf(c, what)
  check_keys(c, COLUMN_KEYS, what)
  if c.key == nil then table_error("%s: 'key' is missing", what) end
  if type(c.key) ~= "string" and type(c.key) ~= "function" and type(c.key) ~= "number" then
    table_error("%s: 'key' must be a column name or a function of the row", what)
  end
  if c.align ~= nil and not ALIGNS[c.align] then
    table_error("%s: align must be 'left', 'right', 'center' or 'decimal', got '%s'", what,
                tostring(c.align))
  end
  if c.format ~= nil and type(c.format) ~= "function" then
    if type(c.format) ~= "string" then
      table_error("%s: format must be a format name or a function(value, row)", what)
    end
    local ok, err = pcall(report.format, 0, c.format)
    if not ok then table_error("%s: %s", what, tostring(err)) end
  end
  if c.rowspan ~= nil and c.rowspan ~= true and c.rowspan ~= false
     and type(c.rowspan) ~= "function" then
    table_error("%s: rowspan must be true or a function(row, row_above)", what)
  end
  local kind, width = parse_width(c.width, what)
  return { key = c.key, title = tostring(c.title or c.key), align = c.align, format = c.format,
           rowspan = c.rowspan or nil, width_kind = kind, width = width, what = what }
end

-- Walk the column tree: leaves in order, and a header cell per column and
-- group (a group spans its leaves).  Returns the number of header rows.
local function collect_columns(list, level, prefix, leaves, heads)
  if type(list) ~= "table" or #list == 0 then
    table_error("doc:table%s: 'columns' must list at least one column",
                prefix == "" and "" or (" column " .. prefix:sub(1, -2)))
  end
  local deepest = level + 1
  for i, c in ipairs(list) do
    local what = "doc:table column " .. prefix .. i
    if type(c) == "string" then c = { key = c, title = c } end
    if type(c) ~= "table" then table_error("%s must be a table or a column name", what) end
    if c.columns ~= nil then
      check_keys(c, GROUP_KEYS, what)
      local head = { text = tostring(c.title or ""), row = level, col = #leaves, rowspan = 1 }
      heads[#heads + 1] = head
      local d = collect_columns(c.columns, level + 1, prefix .. i .. ".", leaves, heads)
      head.colspan = #leaves - head.col
      if d > deepest then deepest = d end
    else
      local leaf = new_leaf(c, what)
      leaves[#leaves + 1] = leaf
      heads[#heads + 1] = { text = leaf.title, row = level, col = #leaves - 1, colspan = 1, leaf = true }
    end
  end
  return deepest
end

local function value_of(col, row)
  if type(col.key) == "function" then return col.key(row) end
  return row[col.key]
end

-- The text of a cell, or false for an absent value (the theme's mark).
local function cell_of(col, v, row, r)
  if type(col.format) == "function" then
    v = col.format(v, row)
    if v == nil then return false end
    return cell_text(v)
  end
  if v == nil then return false end
  if col.format then
    local n = tonumber(v)
    if n == nil then
      table_error("%s (%s): row %d: '%s' is not a number (format '%s')", col.what, col.title,
                  r, tostring(v), col.format)
    end
    return report.format(n, col.format)
  end
  return cell_text(v)
end

-- Columns without an align: right when every value is a number.
local function default_align(col, rows)
  if col.align then return col.align end
  if type(col.format) == "string" then return "right" end
  local any = false
  for _, row in ipairs(rows) do
    local v = value_of(col, row)
    if v ~= nil then
      if type(v) ~= "number" then return "left" end
      any = true
    end
  end
  return any and "right" or "left"
end

-- total = { label = "合计", sum = {"col", ...}, mean = {"col", ...} } computes
-- a totals row; total = { row, ... } gives the rows.  Returns the rows' cells.
local function total_rows(total, leaves, rows)
  if type(total) ~= "table" then table_error("doc:table: 'total' must be a table") end
  if total[1] ~= nil then
    local given = {}
    for i, row in ipairs(total) do
      if type(row) ~= "table" then table_error("doc:table: total row %d is not a table", i) end
      local cells = {}
      for j, col in ipairs(leaves) do cells[j] = cell_of(col, value_of(col, row), row, #rows + i) end
      given[i] = cells
    end
    return given
  end
  check_keys(total, TOTAL_KEYS, "doc:table total")
  local by_key, trow, cells = {}, {}, {}
  for j, col in ipairs(leaves) do
    if type(col.key) == "string" then by_key[col.key] = j end
    cells[j] = ""
  end
  local function aggregate(list, how)
    if list == nil then return end
    if type(list) ~= "table" then table_error("doc:table total: '%s' must list column keys", how) end
    for _, key in ipairs(list) do
      local j = by_key[key]
      if j == nil then table_error("doc:table total: %s: no column has the key '%s'", how, tostring(key)) end
      local sum, n = 0, 0
      for r, row in ipairs(rows) do
        local v = row[key]
        if v ~= nil then
          local x = tonumber(v)
          if x == nil then
            table_error("doc:table total: %s of '%s': row %d: '%s' is not a number", how, key, r,
                        tostring(v))
          end
          sum, n = sum + x, n + 1
        end
      end
      if how == "mean" then trow[key] = n > 0 and sum / n or nil else trow[key] = sum end
    end
  end
  aggregate(total.sum, "sum")
  aggregate(total.mean, "mean")
  for key, j in pairs(by_key) do
    if trow[key] ~= nil then cells[j] = cell_of(leaves[j], trow[key], trow, #rows + 1) end
  end
  cells[1] = total.label ~= nil and tostring(total.label) or "合计"
  return { cells }
end

-- Spans: a rowspan column merges a cell into the one above when its text
-- is the same (rowspan = true) or its function says so; never across a
-- break of a rowspan column further left, so groups nest.
local function row_spans(leaves, rows, texts, ncols)
  local spans, joined = {}, {}
  for i = 1, #rows * ncols do spans[i] = 1 end
  for r = 2, #rows do
    local left_joined = true
    for j, col in ipairs(leaves) do
      if col.rowspan then
        local same
        if col.rowspan == true then
          local a, b = texts[(r - 2) * ncols + j], texts[(r - 1) * ncols + j]
          same = a ~= false and a == b
        else
          same = col.rowspan(rows[r], rows[r - 1]) and true or false
        end
        joined[(r - 1) * ncols + j] = same and left_joined
        left_joined = left_joined and same
      end
    end
  end
  for j = 1, ncols do
    local start
    for r = 1, #rows do
      local i = (r - 1) * ncols + j
      if joined[i] and start then
        spans[start] = spans[start] + 1
        spans[i] = 0
      else
        start = i
      end
    end
  end
  return spans
end

function Document:table(spec)
  if type(spec) ~= "table" then error("doc:table expects a table of options", 2) end
  local ok, t = pcall(function()
    check_keys(spec, TABLE_KEYS, "doc:table")
    local rows = spec.rows
    if type(rows) ~= "table" then table_error("doc:table: 'rows' must be a table of rows") end
    if spec.highlight ~= nil and type(spec.highlight) ~= "function" then
      table_error("doc:table: 'highlight' must be a function of the row")
    end
    if spec.zebra ~= nil and type(spec.zebra) ~= "boolean" then
      table_error("doc:table: 'zebra' must be true or false")
    end
    for _, k in ipairs{ "caption", "source", "empty" } do
      if spec[k] ~= nil and type(spec[k]) ~= "string" then
        table_error("doc:table: '%s' must be a string", k)
      end
    end
    if spec.rules ~= nil and spec.rules ~= "three-line" and spec.rules ~= "grid" then
      table_error("doc:table: rules must be 'three-line' or 'grid', got '%s'", tostring(spec.rules))
    end
    local leaves, heads = {}, {}
    local nhead = collect_columns(spec.columns, 0, "", leaves, heads)
    for _, h in ipairs(heads) do
      if h.leaf then h.rowspan = nhead - h.row end
    end
    local ncols, cells, marks, totals, cols = #leaves, {}, {}, {}, {}
    for j, col in ipairs(leaves) do
      cols[j] = { align = default_align(col, rows), width_kind = col.width_kind,
                  width = col.width, title = col.title }
    end
    for r, row in ipairs(rows) do
      if type(row) ~= "table" then table_error("doc:table: row %d is not a table", r) end
      for j, col in ipairs(leaves) do
        cells[(r - 1) * ncols + j] = cell_of(col, value_of(col, row), row, r)
      end
      marks[r] = spec.highlight and spec.highlight(row) and true or false
      totals[r] = false
    end
    local spans = row_spans(leaves, rows, cells, ncols)
    if spec.total ~= nil and #rows > 0 then     -- no rows: only the no-data row
      for _, tcells in ipairs(total_rows(spec.total, leaves, rows)) do
        for j = 1, ncols do
          cells[#cells + 1] = tcells[j]
          spans[#spans + 1] = 1
        end
        marks[#marks + 1] = false
        totals[#totals + 1] = true
      end
    end
    return { cols = cols, head = heads, cells = cells, spans = spans, highlight = marks,
             total = totals, nrows = #marks, caption = spec.caption, source = spec.source,
             empty = spec.empty, zebra = spec.zebra, rules = spec.rules }
  end)
  if not ok then
    if type(t) == "table" and t.table_error then error(t.table_error, 2) end
    error(t, 0)
  end
  return self:_table(t)
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
