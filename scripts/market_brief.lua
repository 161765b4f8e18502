-- market_brief.lua: China's cybersecurity industry in figures: its size
-- and growth, the market structure beside the world's, and the 2018
-- funding rounds, each as a chart with its source.
--
--   reportc build scripts/market_brief.lua -o out/market_brief.pdf [-D year=2018]

local report = require "report"
local brief  = require "templates.brief"

local year = report.param("year", 2018)
local db   = report.db

local function source_of(rows)
  return brief.source_note(db, rows)
end

local doc = report.document{
  title   = string.format("中国网络安全产业数据简报（%d）", year),
  author  = "reportc 示例",
  subject = "产业规模、市场结构与投融资",
  header  = "中国网络安全产业数据简报",
  theme   = brief.theme,
}

doc:heading(0, string.format("中国网络安全产业数据简报（%d）", year))

-- Industry size with growth ------------------------------------------------
local sizes = db:query([[
  SELECT year, value, unit, growth_pct, qualifier, source_id
  FROM industry_size WHERE scope = 'CN' AND year IS NOT NULL ORDER BY year]])
doc:heading(1, "产业规模")
if #sizes >= 2 then
  local a, b = sizes[#sizes - 1], sizes[#sizes]
  local growth = b.growth_pct or (b.value / a.value - 1) * 100
  doc:paragraph(string.format(
    "%d 年中国网络安全产业规模为%s %s %s，%d 年为%s %s %s，同比增长 %.1f%%。" ..
    "增速虽有所放缓，产业仍保持两位数左右的扩张，是数字经济中增长较快的领域之一。",
    a.year, a.qualifier or "", report.cell_text(a.value), a.unit,
    b.year, b.qualifier or "", report.cell_text(b.value), b.unit, growth))
end
doc:chart{
  kind = "barline", rows = sizes, label = "year", value = "value",
  line = { key = "growth_pct", name = "同比增长（%）" },
  y_title = sizes[1] and sizes[1].unit or "", y2_title = "%",
  caption = "中国网络安全产业规模及增速", source = source_of(sizes),
  legend = "bottom", empty = "box",
}

-- Market structure ----------------------------------------------------------
-- The report's text names only some segments of each market; the rest of
-- each pie is drawn as one "other" slice, labelled as not broken down,
-- rather than guessed.
local shares = db:query([[
  SELECT segment,
         MAX(CASE scope WHEN 'CN' THEN share_pct END) AS cn,
         MAX(CASE scope WHEN 'WORLD' THEN share_pct END) AS world,
         MIN(source_id) AS source_id
  FROM market_share WHERE year = ? GROUP BY segment
  ORDER BY COALESCE(MAX(CASE scope WHEN 'CN' THEN share_pct END), 0) DESC]], year)
local named_cn, named_world = 0, 0
for _, r in ipairs(shares) do
  named_cn = named_cn + (r.cn or 0)
  named_world = named_world + (r.world or 0)
end
local pie_rows = {}
for i, r in ipairs(shares) do pie_rows[i] = r end
if #shares > 0 then
  pie_rows[#pie_rows + 1] = { segment = "其他（报告未单列）", cn = 100 - named_cn,
                              world = 100 - named_world }
end
doc:heading(1, "市场结构")
local cn_top, world_top
for _, r in ipairs(shares) do
  if r.cn and (not cn_top or r.cn > cn_top.cn) then cn_top = r end
  if r.world and (not world_top or r.world > world_top.world) then world_top = r end
end
if cn_top and world_top then
  doc:paragraph(string.format(
    "%d 年中国网络安全市场中%s占比最高，达 %s%%；全球市场则以%s为主，占 %s%%。" ..
    "中国市场的%s仅占 %s%%，与全球的结构差别明显。报告正文只列出了部分细分市场，" ..
    "下图中其余部分合为“其他”。",
    year, cn_top.segment, report.cell_text(cn_top.cn), world_top.segment,
    report.cell_text(world_top.world), world_top.segment,
    report.cell_text(world_top.cn or 0)))
end
doc:chart{
  kind = "donut", rows = pie_rows, label = "segment",
  series = { { key = "cn", name = "中国" }, { key = "world", name = "全球" } },
  caption = string.format("%d 年网络安全市场结构：中国与全球", year),
  source = source_of(shares), empty = "box",
}

-- Funding rounds ----------------------------------------------------------------
local rounds = db:query([[
  SELECT round_size, count, share_pct, unit, source_id
  FROM funding_rounds WHERE year = ? ORDER BY sort_order]], year)
doc:heading(1, "投融资")
if #rounds > 0 then
  local total = 0
  for _, r in ipairs(rounds) do total = total + (r.count or 0) end
  doc:paragraph(string.format(
    "%d 年网络安全领域的融资事件按金额分档统计如下%s。", year,
    total > 0 and string.format("，合计 %d %s", total, rounds[1].unit) or ""))
end
doc:chart{
  kind = "bar", rows = rounds, label = "round_size",
  value = rounds[1] and rounds[1].count and "count" or "share_pct",
  y_title = rounds[1] and rounds[1].count and (rounds[1].unit or "起") or "%",
  caption = string.format("%d 年网络安全融资事件（按金额分档）", year),
  source = source_of(rounds), empty = "box",
}

return doc
