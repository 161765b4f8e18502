-- Each probe must fail inside the sandbox; the script reports which did
-- not by raising an error naming it.
local report = require "report"
local escaped = {}
local function probe(name, f)
  local ok = pcall(f)
  if ok then escaped[#escaped + 1] = name end
end
probe("io", function() return io.open("/tmp/x", "w") end)
probe("os.execute", function() return os.execute("true") end)
probe("dofile", function() return dofile("/etc/passwd") end)
probe("loadfile", function() return loadfile("/etc/passwd") end)
probe("require C", function() return require("lfs") end)
probe("package.loadlib", function() return package.loadlib("libc.so.6", "*") end)
probe("bytecode", function() assert(load(string.dump(function() end))) end)
probe("require climb", function() return require("..etc.passwd") end)
probe("db write", function() return report.db:query("CREATE TABLE x(a)") end)
probe("db insert", function() return report.db:query("INSERT INTO sources(id, seed) VALUES ('x','y')") end)
probe("db attach", function() return report.db:query("ATTACH DATABASE '/tmp/evil.db' AS e") end)
probe("db two statements", function() return report.db:query("SELECT 1; DROP TABLE gci") end)
if #escaped > 0 then error("sandbox escaped: " .. table.concat(escaped, ", ")) end
-- Parameters are bound: a value with quotes is data, not SQL.
local v = report.db:value("SELECT ? AS v", "x'); DROP TABLE gci; --")
assert(v == "x'); DROP TABLE gci; --", "bound parameter changed")
local n = report.db:value("SELECT count(*) FROM gci WHERE year = :year", { year = 2018 })
assert(n == 10, "named parameter: expected 10 GCI rows, got " .. tostring(n))
local doc = report.document{ title = "沙箱" }
doc:paragraph("沙箱测试通过。")
return doc
