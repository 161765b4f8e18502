-- asean_brief.lua: the cybersecurity cooperation brief for one ASEAN state:
-- cover, contents, six sections composed from the fact store, every
-- figure footnoted with its source, the GCI table with the state
-- highlighted, and the month's indicators when they have been imported.
--
--   reportc build scripts/asean_brief.lua -D country=SGP -o out/asean_SGP.pdf
--   (country: SGP MYS THA IDN VNM PHL BRN LAO MMR KHM; year: the GCI year,
--   default 2018; period: the issue, YYYY-MM, default this-month)

local report = require "report"
local brief  = require "templates.brief"
local db     = report.db

local iso3 = report.param("country", "SGP")
local year = report.param("year", 2018)
local period = report.param("period", "this-month")
local py, pm = period:match("^(%d%d%d%d)%-(%d%d)$")
if not py then error("period must be YYYY-MM, got '" .. period .. "'") end

local rows = db:query([[
  SELECT iso3, country_zh, country_en, rank_global, rank_asean, source_id, locator
  FROM gci WHERE year = ? ORDER BY rank_global]], year)
local me
for _, r in ipairs(rows) do if r.iso3 == iso3 then me = r end end
if not me then
  error(string.format("no GCI %d row for country '%s' (one of: %s)", year, iso3,
        table.concat((function() local t = {} for i, r in ipairs(rows) do t[i] = r.iso3 end return t end)(), " ")))
end
local name = me.country_zh
local n = #rows
local cite = function(src, loc) return brief.cite(db, src, loc) end
local function num(v) return report.cell_text(v) end
local function fact(id)
  local f = db:query("SELECT * FROM facts WHERE id = ?", id)[1]
  if not f then error("the fact store has no fact '" .. id .. "'") end
  return f
end
local function figure(f)      -- "约 6.2 亿人"
  return string.format("%s%s%s", f.qualifier and (f.qualifier .. " ") or "", num(f.value), f.unit)
end

local tier, tier_text
if me.rank_global <= 10 then
  tier, tier_text = 1, "第一梯队（全球前十）"
elseif me.rank_global <= 100 then
  tier, tier_text = 2, "第二梯队（全球第 11 至 100 位）"
else
  tier, tier_text = 3, "第三梯队（全球第 100 位以后）"
end

local doc = report.document{
  title   = name .. "网络安全合作简报",
  author  = "reportc 示例",
  subject = string.format("%s网络安全发展与中国—东盟合作（%s 年 %d 月）", name, py, tonumber(pm)),
  header  = string.format("东盟国家网络安全合作简报 · %s", name),
  theme   = brief.theme,
  notes   = { repeats = "ibid" },   -- a citation repeated on its page reads 同上。
}

doc:cover{
  title = name .. "网络安全合作简报",
  subtitle = string.format("东盟国家系列 · %s", me.country_en or iso3),
  org = "reportc 示例报告",
  date = string.format("%s 年 %d 月", py, tonumber(pm)),
}
doc:toc{ depth = 2 }

-- 一、网络安全指数 -----------------------------------------------------------
doc:heading(1, "网络安全指数中的位置")
local above, below = rows[me.rank_asean - 1], rows[me.rank_asean + 1]
doc:paragraph(string.format(
  "在国际电信联盟（ITU）发布的 %d 年全球网络安全指数（GCI）中，%s位列全球第 **%d** 位，" ..
  "在东盟 %d 个成员国中排第 %d 位，属于%s。%s",
  year, name, me.rank_global, n, me.rank_asean, tier_text, cite(me.source_id, me.locator)) ..
  (above and string.format("排在它之前的东盟国家是%s（第 %d 位）", above.country_zh, above.rank_global) or
   "它是东盟排名最高的国家") ..
  (below and string.format("，之后是%s（第 %d 位）。", below.country_zh, below.rank_global) or
   "，也是东盟排名最靠后的国家。"))
-- The distance to the top and to the bottom of the region, leaving out the
-- end the country itself is.
local gaps = {}
if me.rank_asean > 1 then
  gaps[#gaps + 1] = string.format("与区域内排名最高的%s相差 %d 个名次", rows[1].country_zh,
                                  me.rank_global - rows[1].rank_global)
end
if me.rank_asean < n then
  gaps[#gaps + 1] = string.format("与排名最低的%s相差 %d 个名次", rows[n].country_zh,
                                  rows[n].rank_global - me.rank_global)
end
doc:paragraph(string.format(
  "东盟十国的排名从第 %d 位分布到第 %d 位，跨度达 %d 个名次。%s%s。",
  rows[1].rank_global, rows[n].rank_global, rows[n].rank_global - rows[1].rank_global, name,
  table.concat(gaps, "，")))
doc:table{
  rows = rows,
  columns = {
    { key = "rank_asean", title = "东盟内名次", align = "center", width = 1 },
    { key = "country_zh", title = "国家", width = 1.3 },
    { key = "country_en", title = "英文名称", width = 1.8 },
    { key = "rank_global", title = string.format("GCI %d 全球排名", year), align = "right", width = 1.4 },
  },
  caption = string.format("东盟国家 %d 年全球网络安全指数排名", year),
  source = brief.source_note(db, rows),
  highlight = function(r) return r.iso3 == iso3 end,
}

-- 二、区域背景 -----------------------------------------------------------------
doc:heading(1, "东盟区域背景")
doc:heading(2, "人口与互联网")
local pop_a, pop_b = fact("caict2019.asean.population.a"), fact("caict2019.asean.population.b")
local net_a, net_b = fact("caict2019.asean.internet_users.a"), fact("caict2019.asean.internet_users.b")
local pen = fact("caict2019.asean.internet_penetration")
doc:paragraph(string.format(
  "东盟总人口%s%s，网民%s%s，互联网普及率%s%s。同一份报告在讨论产业发展空间时又给出了总人口%s%s、" ..
  "网民 %s%s的数字；两组数字口径不同，本简报一并列出，不作取舍。无论按哪一组计算，" ..
  "东盟仍有大量人口尚未接入互联网，网络安全需求将随接入规模同步增长。",
  figure(pop_a), cite(pop_a.source_id, pop_a.locator), figure(net_a), cite(net_a.source_id, net_a.locator),
  figure(pen), cite(pen.source_id, pen.locator), figure(pop_b), cite(pop_b.source_id, pop_b.locator),
  figure(net_b), cite(net_b.source_id, net_b.locator)))
doc:heading(2, "合作机制")
local mech = fact("caict2019.asean.cyber_mechanisms")
local minis, dialog = fact("caict2019.asean.ministerial_mechanisms"), fact("caict2019.asean.working_dialogues")
doc:paragraph(string.format(
  "东盟通过 %s 大机制讨论网络安全问题%s，政策以建议性为主、强调成员国自愿遵循。" ..
  "中国与东盟之间已建立 %s 个部长级会议机制%s和 %s 个工作层对话机制%s，" ..
  "为网络安全领域的政策沟通提供了现成渠道。",
  num(mech.value), cite(mech.source_id, mech.locator), num(minis.value),
  cite(minis.source_id, minis.locator), num(dialog.value), cite(dialog.source_id, dialog.locator)))

-- 三、中国的产业基础 ---------------------------------------------------------------
doc:heading(1, "中国网络安全产业基础")
local sizes = db:query([[
  SELECT year, value, unit, growth_pct, qualifier, source_id, locator
  FROM industry_size WHERE scope = 'CN' AND year IS NOT NULL ORDER BY year]])
if #sizes >= 2 then
  local a, b = sizes[#sizes - 1], sizes[#sizes]
  doc:paragraph(string.format(
    "中国网络安全产业规模从 %d 年的%s%s %s增长到 %d 年的 %s %s，同比增长 %s%%%s。" ..
    "产业规模和增速为面向东盟的产品输出、联合研发和人才培养提供了基础。",
    a.year, a.qualifier or "", num(a.value), a.unit, b.year, num(b.value), b.unit,
    num(b.growth_pct), cite(b.source_id, b.locator)))
end
doc:chart{
  kind = "barline", rows = sizes, label = "year", value = "value",
  line = { key = "growth_pct", name = "同比增长（%）" },
  y_title = sizes[1] and sizes[1].unit or "", y2_title = "%", legend = "bottom",
  caption = "中国网络安全产业规模及增速", source = brief.source_note(db, sizes), empty = "box",
}

-- 四、国别情况与大事记 -------------------------------------------------------------
doc:heading(1, name .. "相关情况与大事记")
local own = db:query([[
  SELECT * FROM facts WHERE subject = ? ORDER BY period, id]], name)
local said = {}
for _, f in ipairs(own) do
  if f.value and f.topic ~= "gci" then
    said[#said + 1] = string.format("%s%s为%s%s", f.period and (f.period .. " 年") or "",
                                    f.metric, figure(f), cite(f.source_id, f.locator))
  end
end
if #said > 0 then
  doc:paragraph(string.format("事实库中与%s直接相关的数据有：%s。", name, table.concat(said, "；")))
else
  doc:paragraph(string.format("事实库中暂无%s的单项统计数据，以下列出与其相关或涉及东盟整体的事件。", name))
end
local events = db:query([[
  SELECT date, title, COALESCE(place, '') AS place, source_id, locator FROM events
  WHERE title LIKE '%' || :name || '%' OR place LIKE '%' || :name || '%'
     OR actors LIKE '%' || :name || '%' OR actors LIKE '%东盟%' OR title LIKE '%东盟%'
  ORDER BY date]], { name = name })
doc:table{
  rows = events,
  columns = {
    { key = "date", title = "时间", width = 1 },
    { key = "title", title = "事件", width = 4 },
    { key = "place", title = "地点", width = 1.1 },
  },
  caption = string.format("与%s及中国—东盟合作相关的事件", name),
  source = brief.source_note(db, events),
  highlight = function(r) return r.title:find(name, 1, true) ~= nil end,
}

-- 五、本期监测指标 -------------------------------------------------------------
-- The month's indicators, imported with `reportc facts import` (see
-- scripts/facts/README.md); "数据截至 …（导入于 …）" from the imports table.
doc:heading(1, "本期监测指标")
local month_text = string.format("%s 年 %d 月", py, tonumber(pm))
local has_indicators = db:value(
  "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('indicators', 'imports')") == 2
local indicators = has_indicators and db:query([[
  SELECT i.metric, i.value, i.unit, i.source_id, i.locator, s.kind
  FROM indicators i LEFT JOIN sources s ON s.id = i.source_id
  WHERE i.country = ? AND i.period = ? ORDER BY i.metric]], iso3, period) or {}
if #indicators == 0 then
  doc:paragraph(string.format("事实库中没有%s %s的监测指标：本期数据尚未导入，本节从缺。", name, month_text))
else
  local imported = db:query([[
    SELECT substr(imported_at, 1, 10) AS day FROM imports
    WHERE table_name = 'indicators' AND period = ? ORDER BY id DESC LIMIT 1]], period)[1]
  local synthetic = false
  for _, r in ipairs(indicators) do synthetic = synthetic or r.kind == "合成数据" end
  doc:paragraph(string.format("下表列出%s %s的 %d 项监测指标。数据截至 %s%s。%s",
    name, month_text, #indicators, period,
    imported and string.format("（导入于 %s）", imported.day) or "",
    synthetic and "**注意：本期数据为合成示例数据，并非真实统计，不得引用。**" or ""))
  doc:table{
    rows = indicators,
    columns = {
      { key = "metric", title = "指标", width = 2 },
      { key = "value", title = "数值", align = "right", width = 1 },
      { key = "unit", title = "单位", width = 1 },
    },
    caption = string.format("%s %s监测指标", name, month_text),
    source = brief.source_note(db, indicators),
  }
end

-- 六、合作建议 -----------------------------------------------------------------
doc:heading(1, "合作建议")
local advice = {
  [1] = { "技术与标准对接", string.format(
          "%s的网络安全体系较为完备，合作宜以联合研究、标准互认和威胁情报共享为重点，" ..
          "借助其区域枢纽地位，把合作成果推广到其他东盟国家。", name) },
  [2] = { "产品服务与产业园区", string.format(
          "%s正处在网络安全战略与立法的更新期，需求增长较快。合作宜以安全产品与服务落地、" ..
          "共建产业园区和联合演练为重点，并配套本地化的运维与培训。", name) },
  [3] = { "基础能力建设", string.format(
          "%s的国家级网络安全战略和关键领域政策仍待完善，合作宜从应急响应能力、" ..
          "人员培训和关键信息基础设施防护入手，逐步建立长期合作关系。", name) },
}
local a = advice[tier]
doc:heading(2, a[1])
doc:paragraph(a[2])
doc:heading(2, "共同的合作渠道")
doc:paragraph(
  "无论处于哪个梯队，中国—东盟信息港、部长级会议机制和各国计算机应急响应小组之间的联系，" ..
  "都是开展网络安全合作的现成渠道。合作项目宜兼顾各国发展阶段的差异，避免“一刀切”。")

return doc
