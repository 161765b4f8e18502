-- templates/brief.lua: the house style of our briefs, and small helpers
-- shared by the brief scripts.
--
--   local brief = require "templates.brief"
--   local doc = report.document{ title = ..., theme = brief.theme }

local brief = {}

-- The report theme (templates/themes/report.lua): Ming body, Hei headings
-- numbered 一、 （一） 1. （1）, two-character indent.
brief.theme = require "themes.report"

-- Text safe to put inside inline markup (footnotes, links): markup
-- characters escaped.
function brief.escape(s)
  return (tostring(s):gsub("[%*%`%[%]%^\\]", "\\%0"))
end

-- "《title》，publisher，date" of a source, or nil; each source is looked
-- up once, however many figures cite it.
local described = {}
local function describe(db, id)
  if described[id] == nil then
    local s = db:query("SELECT title, publisher, published FROM sources WHERE id = ?", id)[1]
    local parts = s and { "《" .. s.title .. "》" }
    if s and s.publisher then parts[#parts + 1] = s.publisher end
    if s and s.published then parts[#parts + 1] = s.published end
    described[id] = parts and table.concat(parts, "，") or false
  end
  return described[id] or nil
end

-- A footnote citing a source and the place in it: "^[《…》，…；…。]".
function brief.cite(db, source_id, locator)
  local text = describe(db, source_id)
  if not text then return "" end
  if locator then text = text .. "，" .. locator end
  return "^[" .. brief.escape(text .. "。") .. "]"
end

-- "数据来源：…" for the rows' sources, in the order they first appear.
function brief.source_note(db, rows)
  local seen, names = {}, {}
  for _, r in ipairs(rows) do
    local id = r.source_id
    if id and not seen[id] then
      seen[id] = true
      names[#names + 1] = describe(db, id)
    end
  end
  if #names == 0 then return nil end
  return "数据来源：" .. table.concat(names, "；") .. "。"
end

return brief
