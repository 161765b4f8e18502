-- Raises a Lua error on line 6: the message must name this file and line.
local report = require "report"
local doc = report.document{ title = "错误" }
local rows = report.db:query("SELECT 1 AS one")
local t = nil
local bad = t.field
return doc
