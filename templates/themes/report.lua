-- themes/report.lua: the house style of a Chinese research report
-- (白皮书): Ming/Song body at 五号, Hei headings numbered 一、 (一) 1. (1),
-- two-character indent, generous leading, dark blue headings.
--
--   local theme = require "themes.report"
--   local doc = report.document{ theme = report.theme(theme, { body_size = "小四" }) }
return {
  body_family    = "serif",
  heading_family = "sans",
  table_family   = "serif",
  body_size      = "五号",
  heading_sizes  = { "三号", "四号", "小四", "五号" },
  heading_numbers = { "一、", "（一）", "1.", "（1）" },
  table_size     = "小五",
  note_size      = "六号",
  leading        = 1.75,
  indent         = 2,
  para_space     = 4,
  margin_top     = 72, margin_bottom = 72, margin_left = 68, margin_right = 68,
  heading_color  = "#1F3A5F",
  text_color     = "#000000",
  link_color     = "#0D4099",
  accent_color   = "#C0392B",
}
