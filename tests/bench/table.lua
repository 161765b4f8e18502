-- table.lua: the bench's long table, `rows` rows (-D rows=N) of
-- out/bench/bench.db.  Rows are streamed (report.db:rows, an iterator)
-- when the binary has it, else materialised (report.db:query); the
-- document's title says which, for tests/bench.sh to print.
local report = require "report"
local n = math.tointeger(tonumber(report.param("rows", "10000")))
local sql = "SELECT id, name, region, year, amount, share FROM bench_rows WHERE id <= ? ORDER BY id"
local streamed = report.db.rows ~= nil
local doc = report.document{ title = streamed and "streamed rows" or "materialised rows" }
doc:heading(1, string.format("%d 行明细", n))
doc:table{
  rows = streamed and report.db:rows(sql, n) or report.db:query(sql, n),
  columns = {
    { key = "id", title = "序号" },
    { key = "name", title = "名称" },
    { key = "region", title = "地区" },
    { key = "year", title = "年份" },
    { key = "amount", title = "金额（万元）", format = "fixed:2", align = "decimal" },
    { key = "share", title = "占比（%）", format = "fixed:1", align = "decimal" },
  },
  caption = "明细表",
  source = "数据来源：基准测试生成数据",
}
return doc
