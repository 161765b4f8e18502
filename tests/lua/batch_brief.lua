-- batch_brief.lua: a one-page brief for the batch tests (tests/e2e/batch.py):
-- small, so forty of them build in well under a second.
--
--   country  ISO3 code, required
--   period   YYYY-MM
--   fail     "ISO3:YYYY-MM": that one job raises an error, as bad data would
--   spin     rounds of busy work, to make each job take a while
local report = require "report"

local country = report.param("country")
local period = report.param("period", "2019-01")
if report.param("fail", "") == country .. ":" .. period then
  error(string.format("no figures for %s in %s", country, period))
end

local x = 0
for i = 1, report.param("spin", 0) do x = x + i % 7 end

local doc = report.document{ title = string.format("%s %s 月度简报", country, period),
                             author = "reportc tests" }
doc:heading(1, string.format("%s 网络安全月报（%s）", country, period))
doc:paragraph(string.format("本期（%s）%s的网络安全态势保持平稳，校验数 %d。", period, country, x % 10))
return doc
