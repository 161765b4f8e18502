-- paras.lua: a long document of paragraphs, about `pages` pages
-- (-D pages=N): a heading every 20 paragraphs and justified Chinese text
-- with numbers and Latin words, drawn from a fixed list of sentences by a
-- fixed pseudo-random sequence, so every run sets the same text.
local report = require "report"
local pages = math.tointeger(tonumber(report.param("pages", "1000")))
local doc = report.document{ title = "paragraphs" }
local sentences = {
  "东盟国家处于“一带一路”的陆海交汇地带，是推进区域合作的优先方向和重要伙伴。",
  "近年来，双方关系呈现多层次、宽领域、全方位的发展势头，经贸合作增长更稳。",
  "2019 年区域数字经济规模达到 1,200 亿美元，较上年增长 12.5%。",
  "各国多数处于网络与信息化建设起步期，对网络安全高度重视。",
  "新加坡、马来西亚在 ITU 全球网络安全指数（GCI）中位居前列。",
  "产业规模方面，安全服务占比约 45%，安全硬件与软件分别占 30% 和 25%。",
  "人才缺口仍是制约产业发展的主要因素，部分国家专业人员不足 1 万人。",
  "政府、企业与高校正在建立联合培养机制，推动标准互认和技术交流。",
  "跨境数据流动规则尚不统一，企业合规成本较高。",
  "云计算、物联网和 5G 网络的普及带来了新的安全挑战与市场机会。",
  "多国已出台个人数据保护法，并设立专门的监管机构。",
  "未来三年，预计区域安全市场年均增速保持在 10% 以上。",
}
local seed = 12345
local function next_index()
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % #sentences + 1
end
-- About 7.2 paragraphs of 6 sentences fill a page with the default theme.
local paragraphs = pages * 72 // 10
for i = 1, paragraphs do
  if i % 20 == 1 then doc:heading(1, string.format("第 %d 节", i // 20 + 1)) end
  local parts = {}
  for k = 1, 6 do parts[k] = sentences[next_index()] end
  doc:paragraph{ text = table.concat(parts), markup = false }
end
return doc
