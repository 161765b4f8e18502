-- A minimal report: used by the error-path tests (missing font, missing
-- database) and as the smallest thing reportc can build.
local report = require "report"
local doc = report.document{ title = "最小报告" }
doc:heading(1, "测试")
doc:paragraph(report.param("text", "东盟国家网络安全合作。"))
return doc
