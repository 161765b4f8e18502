-- gci_brief.lua: the ASEAN states' standing in the ITU Global
-- Cybersecurity Index (GCI), as a two-to-three page brief.
--
--   reportc build scripts/gci_brief.lua -o out/gci_brief.pdf [-D year=2018]
--                                        [-D focus=SGP]
--
-- Every figure comes from the fact store; the sentences are composed here.

local report = require "report"
local brief  = require "templates.brief"

local year  = report.param("year", 2018)
local focus = report.param("focus", "")
local db    = report.db

local rows = db:query([[
  SELECT iso3, country_zh, country_en, rank_global, source_id, locator
  FROM gci WHERE year = ? ORDER BY rank_global]], year)
if #rows == 0 then error(string.format("the fact store has no GCI rows for %d", year)) end

local n = #rows
local first, last = rows[1], rows[n]
local function names(list)
  local out = {}
  for i, r in ipairs(list) do out[i] = r.country_zh end
  return table.concat(out, "、")
end
local function where(pred)
  local out = {}
  for _, r in ipairs(rows) do if pred(r.rank_global) then out[#out + 1] = r end end
  return out
end

local top10   = where(function(k) return k <= 10 end)
local top50   = where(function(k) return k <= 50 end)
local middle  = where(function(k) return k > 10 and k <= 100 end)
local beyond  = where(function(k) return k > 100 end)
local median  = (n % 2 == 1) and rows[(n + 1) // 2].rank_global
                or (rows[n // 2].rank_global + rows[n // 2 + 1].rank_global) / 2
local function rank_text(v) return report.cell_text(v) end

-- Each state's name in its national language and script, as the state
-- itself writes it (the short forms of the UNGEGN list of country names;
-- Singapore's national language is Malay).  Names, not figures, so they
-- live here rather than in the fact store.
local native_name = {
  BRN = "Brunei", KHM = "កម្ពុជា", IDN = "Indonesia", LAO = "ລາວ",
  MYS = "Malaysia", MMR = "မြန်မာ", PHL = "Pilipinas", SGP = "Singapura",
  THA = "ไทย", VNM = "Việt Nam",
}

local doc = report.document{
  title   = string.format("东盟国家网络安全指数（GCI %d）简报", year),
  author  = "reportc 示例",
  subject = "东盟十国在国际电信联盟全球网络安全指数中的排名",
  header  = string.format("东盟网络安全简报 · GCI %d", year),
  theme   = brief.theme,
}

doc:heading(0, string.format("东盟国家在 %d 年全球网络安全指数中的位置", year))

doc:heading(1, "总体格局")
doc:paragraph(string.format(
  "国际电信联盟（ITU）的全球网络安全指数（GCI）从法律、技术、组织、能力建设与合作五个方面衡量各国的网络安全承诺。" ..
  "在 %d 年的排名中，东盟 %d 个成员国的位次从全球第 %d 位一直分布到第 %d 位，首尾相差 %d 个名次，" ..
  "十国排名的中位数为第 %s 位。区域内部的差距远大于区域与全球平均水平之间的差距。",
  year, n, first.rank_global, last.rank_global, last.rank_global - first.rank_global,
  rank_text(median)))
doc:paragraph(string.format(
  "%s位列全球第 %d 位，是东盟排名最高的国家；%s紧随其后，位列第 %d 位。" ..
  "东盟进入全球前十的国家共有 %d 个。排名最靠后的是%s（第 %d 位）。",
  first.country_zh, first.rank_global, rows[2].country_zh, rows[2].rank_global,
  #top10, last.country_zh, last.rank_global))

doc:heading(1, "排名一览")
doc:paragraph(string.format(
  "下表按全球排名列出东盟十国及其本国语名称，并给出各国在东盟内部的名次。%d 个国家进入全球前 50 位（%s），" ..
  "%d 个国家排在第 100 位以后（%s）。",
  #top50, names(top50), #beyond, names(beyond)))
local table_rows = {}
for i, r in ipairs(rows) do
  table_rows[i] = { asean = i, country_zh = r.country_zh, country_en = r.country_en,
                    native = native_name[r.iso3] or "",
                    rank_global = r.rank_global, iso3 = r.iso3, source_id = r.source_id }
end
doc:table{
  rows = table_rows,
  columns = {
    { key = "asean", title = "东盟内名次", align = "center", width = 1 },
    { key = "country_zh", title = "国家", align = "left", width = 1.4 },
    { key = "country_en", title = "英文名称", align = "left", width = 1.5 },
    { key = "native", title = "本国语名称", align = "left", width = 1.3 },
    { key = "iso3", title = "代码", align = "center", width = 0.9 },
    { key = "rank_global", title = string.format("GCI %d 全球排名", year), align = "right", width = 1.8 },
  },
  caption = string.format("东盟国家 %d 年全球网络安全指数排名", year),
  source = brief.source_note(db, rows),
  highlight = function(r) return r.iso3 == focus end,
}

doc:paragraph("下图把十国的全球排名画成条形：条越长，排名越靠前（坐标轴反向，第 1 名在最右端）。")
doc:chart{
  kind = "hbar", rows = rows, label = "country_zh", value = "rank_global", invert = true,
  y_title = "全球排名（位）",
  caption = string.format("东盟国家 GCI %d 全球排名", year),
  source = brief.source_note(db, rows),
  highlight = function(r) return r.iso3 == focus end,
}

doc:heading(1, "三个梯队")
doc:heading(2, "第一梯队：全球前十")
doc:paragraph(string.format(
  "%s构成东盟的第一梯队。它们的网络安全体系较为完备，对高技术产品的引进和国际合作有较强需求，" ..
  "是区域网络安全合作中最有能力提供经验和资源的一方。", names(top10)))
doc:heading(2, "第二梯队：第 11 至 100 位")
doc:paragraph(string.format(
  "%s共 %d 国处于第二梯队，排名在第 %d 位到第 %d 位之间。这些国家近年陆续更新网络安全战略、" ..
  "推进相关立法，需求增长较快，是区域网络安全产业的主要增量市场。",
  names(middle), #middle, middle[1].rank_global, middle[#middle].rank_global))
doc:heading(2, "第三梯队：第 100 位以后")
doc:paragraph(string.format(
  "%s排在第 100 位以后。它们当前的投入更多集中在网络基础设施本身，国家层面的网络安全战略和关键领域的政策仍待建立，" ..
  "能力建设和人员培训是合作中最直接的切入点。", names(beyond)))

doc:heading(1, "对合作的含义")
doc:paragraph(string.format(
  "排名的分布说明，面向东盟的网络安全合作难以采用统一的方案：对第一梯队，合作重点在于技术交流、标准对接和联合研究；" ..
  "对第二梯队，重点在于产品与服务的落地和产业园区的共建；对第三梯队，重点在于基础能力建设。" ..
  "从第 %d 位到第 %d 位的跨度，也意味着区域整体的安全水平取决于短板国家的提升速度。",
  first.rank_global, last.rank_global))

doc:heading(1, "说明")
doc:paragraph(string.format(
  "本简报的排名数据来自事实库中的 gci 表（%d 年，共 %d 条记录），每条记录都注明了出处和所在位置（%s）。" ..
  "全球网络安全指数由国际电信联盟发布，排名越靠前表示网络安全承诺水平越高。",
  year, n, first.locator or "—"))

return doc
