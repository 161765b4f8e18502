-- templates/brief.lua: the house style of our briefs, and small helpers
-- shared by the brief scripts.
--
--   local brief = require "templates.brief"
--   local doc = report.document{ title = ..., theme = brief.theme }
--
-- Sizes follow the Chinese size names: 三号 16 pt, 四号 14 pt, 小四 12 pt,
-- 五号 10.5 pt, 小五 9 pt.

local report = require "report"
local report_cell_text = report.cell_text

local brief = {}

brief.sizes = { ["初号"] = 42, ["小初"] = 36, ["一号"] = 26, ["小一"] = 24,
                ["二号"] = 22, ["小二"] = 18, ["三号"] = 16, ["小三"] = 15,
                ["四号"] = 14, ["小四"] = 12, ["五号"] = 10.5, ["小五"] = 9,
                ["六号"] = 7.5 }

-- The report theme (templates/themes/report.lua): Ming body, Hei headings
-- numbered 一、 （一） 1. （1）, two-character indent.
brief.theme = require "themes.report"

-- Chinese numerals for section numbers (一 .. 九十九).
local DIGITS = { "一", "二", "三", "四", "五", "六", "七", "八", "九" }
function brief.numeral(n)
  assert(math.type(n) == "integer" and n >= 1 and n < 100, "numeral: 1 to 99")
  if n < 10 then return DIGITS[n] end
  local tens, ones = n // 10, n % 10
  local s = (tens == 1 and "" or DIGITS[tens]) .. "十"
  return ones == 0 and s or s .. DIGITS[ones]
end

-- Text safe to put inside inline markup (footnotes, links): markup
-- characters escaped.
function brief.escape(s)
  return (tostring(s):gsub("[%*%`%[%]%^\\]", "\\%0"))
end

-- A footnote citing a source and the place in it: "^[《…》，…；…。]".
function brief.cite(db, source_id, locator)
  local s = db:query("SELECT title, publisher, published FROM sources WHERE id = ?", source_id)[1]
  if not s then return "" end
  local parts = { "《" .. s.title .. "》" }
  if s.publisher then parts[#parts + 1] = s.publisher end
  if s.published then parts[#parts + 1] = s.published end
  local text = table.concat(parts, "，")
  if locator then text = text .. "，" .. locator end
  return "^[" .. brief.escape(text .. "。") .. "]"
end

-- A number as the report writes it: integers without ".0".
function brief.num(v) return report_cell_text(v) end

-- "数据来源：…" for the rows' sources, in the order they first appear.
function brief.source_note(db, rows)
  local seen, names = {}, {}
  for _, r in ipairs(rows) do
    local id = r.source_id
    if id and not seen[id] then
      seen[id] = true
      local s = db:query("SELECT title, publisher, published FROM sources WHERE id = ?", id)[1]
      if s then
        local parts = { "《" .. s.title .. "》" }
        if s.publisher then parts[#parts + 1] = s.publisher end
        if s.published then parts[#parts + 1] = s.published end
        names[#names + 1] = table.concat(parts, "，")
      end
    end
  end
  if #names == 0 then return nil end
  return "数据来源：" .. table.concat(names, "；") .. "。"
end

return brief
