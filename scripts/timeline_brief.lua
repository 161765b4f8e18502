-- timeline_brief.lua: the dated events of the fact store as a chronology
-- (大事记): a summary by period with totals, then every event in one long
-- table, the year cells merged over the events of that year and the
-- events involving ASEAN highlighted.
--
--   reportc build scripts/timeline_brief.lua -o out/timeline_brief.pdf [-D from=2009] [-D to=2024]
--
-- Every date, title, place and party comes from the events table; the
-- sentences are composed here.

local report = require "report"
local brief  = require "templates.brief"

local from = report.param("from", 1990)
local to   = report.param("to", 2030)
local db   = report.db

local events = db:query([[
  SELECT date, substr(date, 1, 4) AS year, title, place, actors, source_id, note
  FROM events WHERE CAST(substr(date, 1, 4) AS INTEGER) BETWEEN ? AND ?
  ORDER BY date, rowid]], from, to)

local periods = db:query([[
  SELECT CASE WHEN year < 2000 THEN '2000 年以前'
              ELSE (year / 5 * 5) || '—' || (year / 5 * 5 + 4) || ' 年' END AS period,
         count(*) AS n,
         sum(actors LIKE '%东盟%') AS asean,
         sum(actors LIKE '%美国%' OR actors LIKE '%奥巴马%' OR title LIKE '%美国%') AS us,
         min(year) AS first
  FROM (SELECT CAST(substr(date, 1, 4) AS INTEGER) AS year, title, actors FROM events
        WHERE CAST(substr(date, 1, 4) AS INTEGER) BETWEEN ? AND ?)
  GROUP BY period ORDER BY first]], from, to)

local function involves_asean(r) return r.actors ~= nil and r.actors:find("东盟", 1, true) ~= nil end

local n_asean = 0
for _, e in ipairs(events) do if involves_asean(e) then n_asean = n_asean + 1 end end
local busiest = periods[1]
for _, p in ipairs(periods) do if busiest == nil or p.n > busiest.n then busiest = p end end

-- "2014-03-24" -> "3月24日", "2011-06" -> "6月", "2003" -> nil (the year says it all)
local function month_day(date)
  local m, d = date:match("^%d+%-(%d+)%-?(%d*)$")
  if m == nil then return nil end
  if d == "" then return string.format("%d月", tonumber(m)) end
  return string.format("%d月%d日", tonumber(m), tonumber(d))
end

local doc = report.document{
  title   = "网络空间合作大事记",
  author  = "reportc 示例",
  subject = "事实库中有日期的事件，按时间排列",
  header  = "网络空间合作大事记",
  theme   = brief.theme,
}

doc:heading(0, "网络空间合作大事记")

doc:heading(1, "概况")
if #events == 0 then
  doc:paragraph(string.format("事实库中没有 %d 年至 %d 年之间的事件。", from, to))
else
  doc:paragraph(string.format(
    "事实库收录了 %d 件有日期的事件，最早的一件发生在 %s 年，最近的一件在 %s 年。" ..
    "其中 %d 件以东盟或东盟国家为一方，在下面的大事记中以底色标出。事件最集中的时段是%s，共 %d 件。" ..
    "表 1 按时段汇总，表 2 逐条列出；只记到年份或月份的事件，日期一栏只写到已知的精度。",
    #events, events[1].year, events[#events].year, n_asean, busiest.period, busiest.n))
end

doc:table{
  rows = periods,
  columns = {
    { key = "period", title = "时段" },
    { key = "n", title = "事件数" },
    { key = "asean", title = "涉及东盟" },
    { key = "us", title = "涉及美国" },
  },
  caption = "各时段的事件数",
  total = { label = "合计", sum = { "n", "asean", "us" } },
  source = "说明：按事件的年份归入时段；“涉及”指参与方或标题中出现该方。",
}

doc:heading(1, "大事记")
doc:paragraph("同一年的事件合并在一个年份格内；地点不详的事件，地点一栏记为“—”。")
doc:table{
  rows = events,
  columns = {
    { key = "year", title = "年份", rowspan = true, width = "auto" },
    { key = function(r) return month_day(r.date) end, title = "日期", align = "center" },
    { key = "title", title = "事件" },
    { key = "place", title = "地点" },
    { key = function(r) return r.actors and r.actors:gsub("；", "、") end, title = "相关方" },
  },
  caption = string.format("大事记（%s—%s 年）", events[1] and events[1].year or from,
                          events[#events] and events[#events].year or to),
  highlight = involves_asean,
  empty = "所选年份没有事件",
  source = brief.source_note(db, events),
}

return doc
