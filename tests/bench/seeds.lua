-- seeds.lua: every seed document (../shared/seeds, imported by
-- tests/bench.sh into out/bench/seeds.db) set as paragraphs, a heading
-- per document.
local report = require "report"
local doc = report.document{ title = "seed documents" }
local last
for _, p in ipairs(report.db:query("SELECT doc, text FROM seed_paras ORDER BY doc, n")) do
  if p.doc ~= last then
    if last then doc:pagebreak() end
    doc:heading{ level = 1, text = p.doc, markup = false }
    last = p.doc
  end
  doc:paragraph{ text = p.text, markup = false }
end
return doc
