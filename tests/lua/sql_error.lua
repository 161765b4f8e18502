-- A query against a table that does not exist, on line 4.
local report = require "report"
local doc = report.document{ title = "错误" }
local rows = report.db:query("SELECT rank FROM no_such_table WHERE year = ?", 2018)
return doc
