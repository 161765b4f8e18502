-- Cover, contents, numbered headings, markup and footnotes on enough text
-- to span pages: the fixture of tests/e2e/typography.py.
local report = require "report"
local brief = require "templates.brief"
local doc = report.document{ title = "东盟网络安全合作简报", header = "测试页眉", theme = brief.theme }
doc:cover{ title = "东盟网络安全合作简报", subtitle = "新加坡", org = "reportc 示例", date = "2019 年 12 月" }
doc:toc{ depth = 2 }
for s = 1, 5 do
  doc:heading(1, "第" .. s .. "部分的标题")
  for k = 1, 3 do
    doc:heading(2, "小节标题 " .. s .. "." .. k)
    for p = 1, 3 do
      doc:paragraph("国际电信联盟（ITU）发布的**全球网络安全指数**（GCI）从法律、技术、组织、能力建设与合作五个方面衡量各国的网络安全承诺^[数据来源：《全球网络安全指数》2018 年版，第 " .. p .. " 页。]。在 2018 年的排名中，*新加坡*位列全球第 6 位，马来西亚第 8 位；`GCI 2018` 的详细数据见[国际电信联盟网站](https://www.itu.int/)。2019年中国网络安全产业规模达到约600亿元，增速为20.4%，这是一个较快的增长。")
    end
  end
end
return doc
