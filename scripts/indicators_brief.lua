-- indicators_brief.lua: a layout stress example, not an analysis.  The
-- facts of the fact store, each repeated in six passes by a recursive
-- CTE, make a 500-row table that runs over many pages: the header repeats
-- under "续表 1", merged topic and pass cells break across pages and show
-- their label again, values line up on the decimal point, absent periods
-- show the theme's mark.  The repeated rows are the same facts again, not
-- data for other periods, and the document says so.
--
--   reportc build scripts/indicators_brief.lua -o out/indicators_brief.pdf [-D rows=500] [-D mark=东盟]

local report = require "report"
local brief  = require "templates.brief"

local nrows = report.param("rows", 500)
local mark  = report.param("mark", "东盟")
local db    = report.db

local TOPICS = {
  asean_cooperation = "东盟合作", asean_demography = "东盟人口与网民", asean_market = "东盟市场",
  cn_incidents = "中国网络安全事件", cn_industry = "中国网络安全产业", cn_internet = "中国互联网",
  cn_talent = "中国网络安全人才", cncert = "CNCERT 监测", forum_2024 = "2024 年论坛",
  gci = "全球网络安全指数", global_market = "全球市场", global_south = "全球南方",
  us_china = "中美网络关系", world_policy = "各国政策",
}

local nfacts = db:value("SELECT count(*) FROM facts")
local rows = db:query([[
  WITH RECURSIVE pass(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM pass WHERE k < 6)
  SELECT f.topic, p.k AS pass, f.subject, f.metric, f.period, f.value, f.unit, f.qualifier,
         f.source_id
  FROM facts f CROSS JOIN pass p
  ORDER BY f.topic, p.k, f.subject, f.id
  LIMIT ?]], nrows)

-- Whole numbers with separators, others with one decimal; the column
-- lines them up on the point, the unit after it.
local function value_text(v)
  if v == nil then return nil end
  return report.format(v, v == math.floor(v) and "thousands" or "thousands:1")
end

local doc = report.document{
  title   = "长表版式压力测试",
  author  = "reportc 示例",
  subject = "一张 500 行、跨多页的表：表头重复、续表、跨页的合并单元格、小数点对齐",
  header  = "长表版式压力测试（非真实数据）",
  theme   = brief.theme,
}

doc:heading(0, "长表版式压力测试")
doc:heading(1, "这份文件是什么")
doc:paragraph(string.format(
  "这是检验长表排版的示例，不是分析报告。事实库共有 %d 条事实；下表用递归查询把每条事实重复 6 遍" ..
  "（“遍次”一栏），按主题排列后取前 %d 行。重复的行是同一条事实，**不代表其他时期的数据**，" ..
  "数值、单位和时期都是事实库中的原值。", nfacts, #rows))
doc:paragraph(
  "这张表要检验的是：表头在每一页重复，并在其上标注“续表 1”；主题和遍次两栏的合并单元格在换页处断开，" ..
  "下一页再写出名称；数值一栏按小数点对齐；没有时期的事实在时期一栏记为“—”；" ..
  "对象中含“" .. mark .. "”的行以底色标出。")

doc:table{
  rows = rows,
  columns = {
    { key = function(r) return TOPICS[r.topic] or r.topic end, title = "主题", rowspan = true },
    { key = function(r) return string.format("第 %d 遍", r.pass) end, title = "遍次", rowspan = true },
    { key = "subject", title = "对象" },
    { key = "metric", title = "指标" },
    { key = "period", title = "时期", align = "center" },
    { title = "原值", columns = {
        { key = function(r) return r.qualifier or "" end, title = "限定", align = "center" },
        { key = "value", title = "数值", align = "decimal",
          format = function(v, r) return v and value_text(v) .. r.unit end },
    } },
  },
  caption = string.format("事实库指标重复 6 遍的前 %d 行（版式压力测试，非真实数据）", #rows),
  highlight = function(r) return r.subject:find(mark, 1, true) ~= nil end,
  source = (brief.source_note(db, rows) or "") .. "说明：同一事实重复 6 遍，遍次不是时期。",
}

return doc
