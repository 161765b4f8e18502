-- prelude.lua: the Lua half of the report module, compiled into reportc.
-- Called once as prelude(report, Document, native) where Document is the
-- method table of report.Document and native holds what only this file may
-- call: options(name, t, what) checks a script's option table against the
-- C side's description of it (lreport.c OPTION_TABLES: known keys, types,
-- ranges) and returns a plain copy; table(doc, spec, t) and chart(doc, spec,
-- t) are the raw builders.  Scripts never see native.  Errors use level 2
-- so they point at the script line (the C side finds that line itself).

local report, Document, native = ...
local options, raw_table, raw_chart = native.options, native.table, native.chart
local format = report.format

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
-- rowspan columns become spans; the C half (native.table) stores that and
-- layout does the rest.

-- Errors of doc:table and doc:chart are raised as {prelude_error = msg}
-- with fail() and re-raised at the script's line by at_script_line, which
-- also moves any runtime error inside this file there; errors from the
-- script's own functions (keys, formats, highlight) keep their location.
local function fail(fmt, ...)
  error({ prelude_error = string.format(fmt, ...) }, 0)
end

local function at_script_line(build, ...)
  local ok, r = pcall(build, ...)
  if ok then return r end
  if type(r) == "table" and r.prelude_error then error(r.prelude_error, 3) end
  local msg = type(r) == "string" and r:match("^prelude:%d+: (.*)$")
  if msg then error(msg, 3) end
  error(r, 0)
end

-- A leaf column, its options checked (types, align, width, format).
local function new_leaf(c, what)
  c = options("column", c, what)
  if c.key == nil then fail("%s: 'key' is missing", what) end
  return { key = c.key, title = tostring(c.title or c.key), align = c.align, format = c.format,
           rowspan = c.rowspan or nil, width = c.width, what = what, given = c }
end

-- Walk the column tree: leaves in order, and a header cell per column and
-- group (a group spans its leaves).  Returns the number of header rows.
local function collect_columns(list, level, prefix, leaves, heads)
  if type(list) ~= "table" or #list == 0 then
    fail("doc:table%s: 'columns' must list at least one column",
         prefix == "" and "" or (" column " .. prefix:sub(1, -2)))
  end
  local deepest = level + 1
  for i, c in ipairs(list) do
    local what = "doc:table column " .. prefix .. i
    if type(c) == "string" then c = { key = c, title = c } end
    if type(c) ~= "table" then fail("%s must be a table or a column name", what) end
    if rawget(c, "columns") ~= nil then
      c = options("group", c, what)
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
      fail("%s (%s): row %d: '%s' is not a number (format '%s')", col.what, col.title,
           r, tostring(v), col.format)
    end
    return format(n, col.format)
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
-- a totals row; total = { row, ... } gives the rows.  The rows pass one by
-- one (add(row, r)); finish(nrows) returns the totals rows' cells.
local function new_totals(total, leaves)
  if type(total) ~= "table" then fail("doc:table: 'total' must be a table") end
  if total[1] ~= nil then
    for i, row in ipairs(total) do
      if type(row) ~= "table" then fail("doc:table: total row %d is not a table", i) end
    end
    return { add = function() end, finish = function(nrows)
      local given = {}
      for i, row in ipairs(total) do
        local cells = {}
        for j, col in ipairs(leaves) do cells[j] = cell_of(col, value_of(col, row), row, nrows + i) end
        given[i] = cells
      end
      return given
    end }
  end
  total = options("total", total, "doc:table total")
  local by_key, keys = {}, {}      -- keys: { key, how } in the order given
  for j, col in ipairs(leaves) do
    if type(col.key) == "string" then by_key[col.key] = j end
  end
  for _, how in ipairs({ "sum", "mean" }) do
    local list = total[how]
    if list ~= nil then
      if type(list) ~= "table" then fail("doc:table total: '%s' must list column keys", how) end
      for _, key in ipairs(list) do
        if by_key[key] == nil then fail("doc:table total: %s: no column has the key '%s'", how, tostring(key)) end
        keys[#keys + 1] = { key = key, how = how, sum = 0, n = 0 }
      end
    end
  end
  local function add(row, r)
    for _, k in ipairs(keys) do
      local v = row[k.key]
      if v ~= nil then
        local x = tonumber(v)
        if x == nil then
          fail("doc:table total: %s of '%s': row %d: '%s' is not a number", k.how, k.key, r, tostring(v))
        end
        k.sum, k.n = k.sum + x, k.n + 1
      end
    end
  end
  local function finish(nrows)
    local trow, cells = {}, {}
    for j = 1, #leaves do cells[j] = "" end
    for _, k in ipairs(keys) do
      if k.how == "mean" then trow[k.key] = k.n > 0 and k.sum / k.n or nil else trow[k.key] = k.sum end
    end
    for key, j in pairs(by_key) do
      if trow[key] ~= nil then cells[j] = cell_of(leaves[j], trow[key], trow, nrows + 1) end
    end
    cells[1] = total.label ~= nil and tostring(total.label) or "合计"
    for _, k in ipairs(keys) do k.sum, k.n = 0, 0 end    -- ready for another pass
    return { cells }
  end
  return { add = add, finish = finish }
end

-- Which cells of a row merge with the one above (rowspan columns): the
-- same text (rowspan = true) or the column's function says so; never
-- across a break of a rowspan column further left, so groups nest.
-- joined[j] for the rowspan columns, nil for the others.
local function joined_above(leaves, row, above, cells, above_cells)
  local joined, left_joined = {}, true
  for j, col in ipairs(leaves) do
    if col.rowspan then
      local same
      if col.rowspan == true then
        same = above_cells[j] ~= false and above_cells[j] == cells[j]
      else
        same = col.rowspan(row, above) and true or false
      end
      joined[j] = same and left_joined
      left_joined = left_joined and same
    end
  end
  return joined
end

-- Spans of a whole table: a run of joined cells is one cell.
local function row_spans(leaves, rows, texts, ncols)
  local spans, joined = {}, {}
  for i = 1, #rows * ncols do spans[i] = 1 end
  for r = 2, #rows do
    local row_cells, above_cells = {}, {}
    for j = 1, ncols do
      row_cells[j], above_cells[j] = texts[(r - 1) * ncols + j], texts[(r - 2) * ncols + j]
    end
    for j, v in pairs(joined_above(leaves, rows[r], rows[r - 1], row_cells, above_cells)) do
      joined[(r - 1) * ncols + j] = v
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

-- The columns and header of a table: leaves, header cells, and each leaf
-- column's align (from `rows` when not given), width and title.
local function table_columns(spec, rows)
  local leaves, heads = {}, {}
  local nhead = collect_columns(spec.columns, 0, "", leaves, heads)
  if nhead > 16 then fail("doc:table: column groups nest %d deep; a header has at most 16 rows", nhead) end
  for _, h in ipairs(heads) do
    if h.leaf then h.rowspan = nhead - h.row end
  end
  local cols = {}
  for j, col in ipairs(leaves) do
    cols[j] = { align = default_align(col, rows), width = col.width, title = col.title }
  end
  return leaves, heads, cols
end

-- Streamed rows (rows = db:rows(...) or a function returning the next row,
-- nil at the end): the options a table with them can have, the one list.
-- Each works row by row as layout pulls the rows: cells, highlight, totals
-- summed as rows pass, rowspan against the row above; default alignments
-- and auto column widths come from the first native.lookahead rows.  An
-- option not listed is refused by name.
local STREAMED = {
  table = { rows = true, columns = true, caption = true, source = true, empty = true,
            highlight = true, total = true, zebra = true, rules = true, header_fill = true,
            header_color = true },
  column = { key = true, title = true, align = true, width = true, format = true, rowspan = true },
}

local function streamable(spec, leaves)
  local function refuse(what, key)
    fail("%s: '%s' cannot be used with streamed rows (rows = db:rows(...) or a function); "
         .. "give a table of rows (db:query) instead", what, key)
  end
  for key in pairs(spec) do
    if not STREAMED.table[key] then refuse("doc:table", key) end
  end
  for _, col in ipairs(leaves) do
    for key in pairs(col.given) do
      if not STREAMED.column[key] then refuse(col.what, key) end
    end
  end
end

-- The first rows of a stream, read now for the default alignments.
local function read_ahead(source, n)
  local ahead = {}
  for i = 1, n do
    local row = source()
    if row == nil then return ahead, true end
    if type(row) ~= "table" then fail("doc:table: row %d is not a table", i) end
    ahead[i] = row
  end
  return ahead, false
end

-- pull() -> cells, joined, highlight, total for each row, then the totals
-- rows, then nil; restart() to read them again (db:rows only); close().
local function stream_table(doc, spec)
  local source, cursor = spec.rows, native.is_rows(spec.rows)
  local ahead, exhausted = read_ahead(source, native.lookahead)
  local whole = exhausted        -- every row is in `ahead`: kept, to read again
  local leaves, heads, cols = table_columns(spec, ahead)
  streamable(spec, leaves)
  local totals = spec.total ~= nil and new_totals(spec.total, leaves) or nil
  local at, r, above, above_cells, tail = 0, 0, nil, nil, nil

  local function next_row()
    if ahead then
      at = at + 1
      if ahead[at] ~= nil then return ahead[at] end
      if not whole then ahead = nil end   -- read once: the first pass only
    end
    if exhausted then return nil end
    local row = source()
    exhausted = row == nil
    return row
  end

  local function pull()
    if tail then                 -- the totals rows, after the last row
      local cells = table.remove(tail, 1)
      if cells == nil then return nil end
      return cells, nil, false, true
    end
    local row = next_row()
    if row == nil then
      tail = totals and r > 0 and totals.finish(r) or {}
      return pull()
    end
    if type(row) ~= "table" then fail("doc:table: row %d is not a table", r + 1) end
    r = r + 1
    local cells = {}
    for j, col in ipairs(leaves) do cells[j] = cell_of(col, value_of(col, row), row, r) end
    local joined = above and joined_above(leaves, row, above, cells, above_cells) or nil
    if totals then totals.add(row, r) end
    local lit = spec.highlight and spec.highlight(row) and true or false
    above, above_cells = row, cells
    return cells, joined, lit, false
  end

  local function restart()
    if whole then
      at, r, above, above_cells, tail = 0, 0, nil, nil, nil
      return
    end
    if not cursor then
      fail("doc:table: rows from a function can be read only once (more than the first %d are "
           .. "not kept), and this document is laid out twice (its contents page needs the page "
           .. "numbers of a first pass): give rows = db:rows(...), which can be read again, or a "
           .. "table of rows", native.lookahead)
    end
    if not native.rows_restart(source) then
      fail("doc:table: the rows' cursor was closed before the table was laid out")
    end
    ahead, exhausted, at, r, above, above_cells, tail = nil, false, 0, 0, nil, nil, nil
  end

  local function close()
    if cursor then native.rows_close(source) end
    source, ahead, above, above_cells, tail = nil, nil, nil, nil, nil
  end

  return raw_table(doc, spec, { cols = cols, head = heads,
                                stream = { pull = pull, restart = restart, close = close } })
end

local function build_table(doc, spec)
  spec = options("table", spec, "doc:table")
  local rows = spec.rows
  if rows == nil then fail("doc:table: 'rows' must be a table of rows") end
  if type(rows) ~= "table" then return stream_table(doc, spec) end
  for r, row in ipairs(rows) do
    if type(row) ~= "table" then fail("doc:table: row %d is not a table", r) end
  end
  local leaves, heads, cols = table_columns(spec, rows)
  local ncols, cells, marks, totals = #leaves, {}, {}, {}
  for r, row in ipairs(rows) do
    for j, col in ipairs(leaves) do
      cells[(r - 1) * ncols + j] = cell_of(col, value_of(col, row), row, r)
    end
    marks[r] = spec.highlight and spec.highlight(row) and true or false
    totals[r] = false
  end
  local spans = row_spans(leaves, rows, cells, ncols)
  if spec.total ~= nil and #rows > 0 then     -- no rows: only the no-data row
    local acc = new_totals(spec.total, leaves)
    for r, row in ipairs(rows) do acc.add(row, r) end
    for _, tcells in ipairs(acc.finish(#rows)) do
      for j = 1, ncols do
        cells[#cells + 1] = tcells[j]
        spans[#spans + 1] = 1
      end
      marks[#marks + 1] = false
      totals[#totals + 1] = true
    end
  end
  return raw_table(doc, spec, { cols = cols, head = heads, cells = cells, spans = spans,
                                highlight = marks, total = totals })
end

function Document:table(spec)
  local doc = at_script_line(build_table, self, spec)   -- not a tail call: level 3 is the script
  return doc
end

-- ---- charts -----------------------------------------------------------------

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
    fail("%s: row %d (%s): %s value %q is not a number", chart, r, tostring(label), what,
         tostring(v))
  end
  return n
end

-- doc:chart{ kind = "bar"|"hbar"|"pie"|"donut"|"line"|"barline"|"scatter",
--            rows = rows, label = "col", value = "col" | series = {...}, ... }
-- See README.md for every option.
local function build_chart(doc, spec)
  charts_made = charts_made + 1
  local caption = type(spec) == "table" and rawget(spec, "caption")
  local name = type(caption) == "string" and ("chart '" .. caption .. "'") or ("chart " .. charts_made)
  local given = type(spec) == "table" and rawget(spec, "rows")
  if type(given) == "function" or native.is_rows(given) then
    fail("%s: 'rows' must be a table of rows: a chart needs all of them at once (streamed rows, "
         .. "db:rows(...) or a function, are for doc:table; use db:query)", name)
  end
  spec = options("chart", spec, name)
  local kind = spec.kind or "bar"
  local rows = spec.rows
  if rows == nil then fail("%s: 'rows' must be a table of rows", name) end
  if #rows == 0 and spec.empty ~= "box" then
    fail("%s: the query returned no rows (set empty = 'box' to draw a 'no data' box)", name)
  end

  -- Series: `value` (one), `series` (several), plus `line` for barline.
  local defs = {}
  if kind == "scatter" then
    if spec.x == nil or spec.y == nil then fail("%s: scatter needs 'x' and 'y'", name) end
    defs[1] = { get = getter(spec.y), name = spec.y_title or tostring(spec.y) }
  elseif spec.series then
    for i, s in ipairs(spec.series) do
      s = options("series", s, string.format("%s series %d", name, i))
      if s.key == nil then
        fail("%s: series %d needs a 'key'", name, i)
      end
      if s.axis == "right" and kind ~= "line" then
        fail("%s: series %d: only the lines of a line or barline chart can use the right axis", name, i)
      end
      defs[#defs + 1] = { get = getter(s.key), name = cell_text(s.name or tostring(s.key)),
                          color = s.color, decimals = s.decimals, suffix = s.suffix,
                          right = s.axis == "right" }
    end
  elseif spec.value ~= nil then
    defs[1] = { get = getter(spec.value), name = spec.y_title or tostring(spec.value) }
  else
    fail("%s: give 'value' (one series) or 'series'", name)
  end
  if kind == "barline" then
    local l = spec.line and options("series", spec.line, name .. " line")
    if l == nil or l.key == nil then fail("%s: barline needs line = {key = ...}", name) end
    defs[#defs + 1] = { get = getter(l.key), name = cell_text(l.name or tostring(l.key)), line = true,
                        color = l.color, decimals = l.decimals, suffix = l.suffix,
                        right = (l.axis or "right") == "right" }
  end

  local label_of = getter(spec.label or 1)
  for r, row in ipairs(rows) do
    if type(row) ~= "table" then fail("%s: row %d is not a table", name, r) end
  end
  local cats, x, marks, series = {}, {}, {}, {}
  for i, d in ipairs(defs) do
    series[i] = { name = d.name, values = {}, line = d.line, right = d.right or nil, color = d.color,
                  decimals = d.decimals, suffix = d.suffix }
  end
  local xget = spec.x and getter(spec.x)
  for r, row in ipairs(rows) do
    local label = label_of(row)
    if label == nil and kind ~= "scatter" then
      fail("%s: row %d has no label", name, r)
    end
    cats[r] = label ~= nil and cell_text(label) or ""
    for i, d in ipairs(defs) do
      local v = number_of(d.get(row), name, r, cats[r], series[i].name)
      if v and v < 0 and (kind == "pie" or kind == "donut") then
        fail("%s: row %d (%s): a pie cannot show the negative value %s", name, r, cats[r],
             cell_text(v))
      end
      series[i].values[r] = v
    end
    if xget then
      x[r] = number_of(xget(row), name, r, cats[r], "x")
      if x[r] == nil then fail("%s: row %d (%s): x is missing", name, r, cats[r]) end
    end
    marks[r] = spec.highlight and spec.highlight(row) and true or false
  end
  return raw_chart(doc, spec, { name = name, cats = cats, x = x, series = series,
                                highlight = marks })
end

function Document:chart(spec)
  local doc = at_script_line(build_chart, self, spec)   -- not a tail call: level 3 is the script
  return doc
end

-- report.theme(base, overrides): a copy of a theme with some values
-- replaced; neither argument is changed.
function report.theme(base, overrides)
  if base ~= nil and type(base) ~= "table" then error("report.theme: the base must be a table", 2) end
  if overrides ~= nil and type(overrides) ~= "table" then
    error("report.theme: the overrides must be a table", 2)
  end
  local t = {}
  for k, v in pairs(base or {}) do t[k] = v end
  for k, v in pairs(overrides or {}) do t[k] = v end
  return t
end
