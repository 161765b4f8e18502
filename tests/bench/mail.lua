-- mail.lua: a mail merge, one letter a page for each of the first
-- `letters` people in out/bench/bench.db (-D letters=N).
local report = require "report"
local n = math.tointeger(tonumber(report.param("letters", "500")))
local doc = report.document{ title = "mail merge" }
local people = report.db:query(
  "SELECT id, name, region, amount, share FROM bench_rows WHERE id <= ? ORDER BY id", n)
for i, p in ipairs(people) do
  if i > 1 then doc:pagebreak() end
  doc:heading(1, string.format("致%s（第 %d 号）", p.name, p.id))
  doc:paragraph{ text = string.format("%s：", p.name), markup = false }
  doc:paragraph(string.format(
    "感谢您过去一年对本会工作的支持。根据%s分会的统计，您所在单位本年度完成项目金额 %.2f 万元，"
    .. "占全区总额的 %.1f%%，较上年有所增长。现将年度简报随信寄上，请查收。", p.region, p.amount, p.share))
  doc:paragraph("本年度，本会围绕数字经济、网络安全和人才培养三项重点任务开展工作：举办专题研讨会十二场，"
    .. "发布行业研究报告四份，组织会员单位赴东盟国家考察交流三次。来年我们将继续完善服务机制，"
    .. "加强信息共享，推动区域合作项目落地，欢迎您提出宝贵意见和建议。")
  doc:paragraph("如对上述数据有疑问，请于收信后三十日内与秘书处联系。顺颂商祺！")
  doc:paragraph{ text = "本会秘书处", markup = false }
end
return doc
