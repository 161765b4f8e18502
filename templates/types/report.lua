---@meta report
-- templates/types/report.lua: LuaLS (lua-language-server) annotations of
-- the `report` module, for completion and type checks in an editor.  Never
-- loaded by reportc: the module itself is src/script/lreport.c and
-- prelude.lua.  .luarc.json at the top of the checkout points LuaLS here;
-- after `make install` the file is in PREFIX/share/reportc/templates/types.
-- tests/e2e/api_types.py checks that every function and option key the C
-- side and the prelude accept is annotated here, and nothing else.

---A length: points, or a string with a unit: "25mm", "2cm", "0.5in", "12pt".
---@alias report.Length number|string

---A size: a length, or a Chinese size name ("五号" = 10.5 pt, "小四" = 12 pt).
---@alias report.Size number|string|"初号"|"小初"|"一号"|"小一"|"二号"|"小二"|"三号"|"小三"|"四号"|"小四"|"五号"|"小五"|"六号"|"小六"|"七号"|"八号"

---A colour "#RRGGBB".
---@alias report.Color string

---A row of a query: column name -> value (a NULL leaves the key out).
---@alias report.Row table<string, integer|number|string>

---@alias report.ChartKind "bar"|"hbar"|"pie"|"donut"|"line"|"barline"|"scatter"
---@alias report.Align "left"|"right"|"center"|"decimal"
---@alias report.Rules "three-line"|"grid"
---@alias report.Punctuation "compress"|"full"|"half"
---@alias report.Linebreak "total-fit"|"first-fit"
---@alias report.Legend "right"|"bottom"|"none"
---@alias report.Empty "error"|"box"
---@alias report.Axis "left"|"right"
---@alias report.Numbering "body"|"physical"
---@alias report.BandRule "none"|"below"|"above"
---@alias report.NoteRepeats "full"|"ibid"

---Header and footer text: {page}, {pages}, {section}, {title}, {date};
---{{ and }} for braces.
---@alias report.Template string

---A column format: "thousands", "thousands:2", "gb15835" (GB/T 15835: 9999 but
---12,345), "gb15835:2", "fixed:2", "percent:1", "pct:1", "wan", "yi", "yi:1",
---or a function(value, row) returning the text.
---@alias report.Format string|fun(value: any, row: report.Row): any

---@class report
---@field db report.Db the fact store, read-only
local report = {}

---The value of a `-D name=value` parameter.  With a number default the
---value is converted to a number; with no default the parameter is
---required; `last-month` / `this-month` become `YYYY-MM`.
---@param name string
---@param default? any
---@return any
function report.param(name, default) end

---A new document; a script ends with `return doc`.
---@param options? report.DocumentOptions
---@return report.Document
function report.document(options) end

---The build time in seconds since 1970 (SOURCE_DATE_EPOCH when set).
---@return integer
function report.now() end

---A number as a table column with that format shows it; nil gives the
---null mark ("—" unless given).
---@param value number|nil
---@param format string
---@param null_mark? string
---@return string
function report.format(value, format, null_mark) end

---The text a table cell shows for a value: integers without ".0".
---@param value any
---@return string
function report.cell_text(value) end

---`s` with its markup characters (* ` [ ] ^ \\) escaped, so marked-up text
---shows it as given.
---@param s string
---@return string
function report.escape(s) end

---A copy of a theme with some values replaced; neither argument changes.
---@param base? report.Theme
---@param overrides? report.Theme
---@return report.Theme
function report.theme(base, overrides) end

---@class report.Db
local Db = {}

---Rows as tables keyed by column name, and the column names in order.
---`?` parameters in order, or one table for `:name` parameters.
---@param sql string
---@param ... any
---@return report.Row[] rows
---@return string[] columns
function Db:query(sql, ...) end

---The first column of the first row, or nil.
---@param sql string
---@param ... any
---@return any
function Db:value(sql, ...) end

---The rows one at a time: `for row in db:rows(sql, ...) do ... end`, or
---`doc:table{rows = db:rows(sql, ...)}` (streamed).  The statement is
---finalized when the loop ends, breaks or raises.
---@param sql string
---@param ... any
---@return report.Cursor cursor
---@return nil
---@return nil
---@return report.Cursor closing
function Db:rows(sql, ...) end

---A db:rows cursor: call it for the next row (nil at the end).
---@class report.Cursor
---@overload fun(): report.Row?

---A table's rows: a list, a db:rows cursor, or a function returning the
---next row and nil at the end (streamed: read as the table is laid out).
---@alias report.Rows report.Row[]|report.Cursor|fun(): report.Row?

---@class report.DocumentOptions
---@field title? string
---@field author? string
---@field subject? string
---@field header? string running header text
---@field date? string {date} in headers and footers (default: the cover's, else the build day)
---@field theme? report.Theme
---@field page? report.PageOptions headers, footers and page numbers
---@field notes? report.NotesOptions footnotes

---@class report.NotesOptions
---@field repeats? report.NoteRepeats a note identical to the previous one on its page: in full (default) or 同上

---@class report.PageOptions
---@field header? report.PageBand
---@field footer? report.PageBand
---@field numbering? report.Numbering "body" (default: front matter i, ii; body from 1) or "physical"
---@field first_page? boolean false: the first page bare (the default when it is a cover)

---@class report.PageBand
---@field left? report.Template
---@field center? report.Template
---@field right? report.Template
---@field size? report.Size default 9 pt
---@field color? report.Color default the text colour
---@field rule? report.BandRule default "below" for the header, "none" for the footer

---@class report.ParagraphOptions
---@field text string|number
---@field markup? boolean parse inline markup (default false: the text as given)

---@class report.HeadingOptions
---@field level? integer 0 (the title) to 4, default 1
---@field text string|number
---@field markup? boolean parse inline markup (default false: the text as given)

---@class report.Theme
---@field page_width? report.Length
---@field page_height? report.Length
---@field margin_top? report.Length
---@field margin_bottom? report.Length
---@field margin_left? report.Length
---@field margin_right? report.Length
---@field body_size? report.Size
---@field leading? number line height / body size
---@field para_space? report.Length after a paragraph
---@field indent? number|string first-line indent: ems (2, "2em") or a length ("8mm")
---@field punctuation? report.Punctuation clreq punctuation compression (default), full-width or half-width marks
---@field linebreak? report.Linebreak total-fit paragraphs (Knuth-Plass, default) or greedy first-fit lines
---@field table_size? report.Size
---@field note_size? report.Size
---@field body_family? string a family of the font manifest: "serif", "sans"...
---@field heading_family? string
---@field table_family? string
---@field heading_color? report.Color
---@field text_color? report.Color
---@field link_color? report.Color
---@field accent_color? report.Color highlighted rows of tables and charts
---@field table_rules? report.Rules
---@field table_zebra? boolean
---@field table_null? string what an absent value shows ("—")
---@field table_zebra_color? report.Color
---@field table_highlight_color? report.Color
---@field table_rule_color? report.Color
---@field table_header_fill? report.Color header cells' background (default none)
---@field table_header_color? report.Color header text (default the text colour)
---@field heading_sizes? report.Size[] levels 1 to 4
---@field heading_numbers? string[]|false patterns such as {"一、", "（一）", "1.", "（1）"}

---@class report.CoverOptions
---@field title? string default: the document's title
---@field subtitle? string
---@field org? string
---@field date? string

---@class report.TocOptions
---@field depth? integer headings down to this level, 1 to 4 (default 2)
---@field title? string default "目  录"

---@class report.ImageOptions
---@field path string a PNG or JPEG in the script's folder or templates/
---@field width? report.Length default the text width
---@field caption? string printed as "图 N …"
---@field float? boolean wait for the next page rather than leave a hole (default true)

---@class report.Column
---@field key string|integer|fun(row: report.Row): any a column name or a function of the row
---@field title? string|number default: the key
---@field align? report.Align
---@field width? "auto"|string|number "auto", a size such as "30pt", or a number of shares
---@field format? report.Format
---@field rowspan? boolean|fun(row: report.Row, above: report.Row): boolean

---@class report.ColumnGroup
---@field title string|number spans the group's columns
---@field columns (report.Column|report.ColumnGroup|string)[]

---@class report.TableTotal
---@field label? string|number default "合计"
---@field sum? string[] column keys
---@field mean? string[] column keys

---@class report.TableOptions
---@field rows report.Rows
---@field columns (report.Column|report.ColumnGroup|string)[]
---@field caption? string printed as "表 N …"
---@field source? string
---@field highlight? fun(row: report.Row): boolean
---@field total? report.TableTotal|report.Row[]
---@field empty? string shown when there are no rows (default "暂无数据")
---@field zebra? boolean
---@field rules? report.Rules
---@field header_fill? report.Color header cells' background
---@field header_color? report.Color header text
---@field float? boolean wait for the next page rather than leave a hole (default false)

---@class report.ChartSeries
---@field key string|integer|fun(row: report.Row): number
---@field name? string|number
---@field color? report.Color default the palette's
---@field decimals? integer value labels; default the chart's
---@field suffix? string value labels; default the chart's
---@field axis? report.Axis "right": a line on the second axis

---@class report.ChartOptions
---@field kind? report.ChartKind default "bar"
---@field rows report.Row[]
---@field label? string|integer|fun(row: report.Row): any the category
---@field value? string|integer|fun(row: report.Row): number one series
---@field series? report.ChartSeries[] several series
---@field line? report.ChartSeries the line of a barline chart
---@field x? string|integer|fun(row: report.Row): number scatter
---@field y? string|integer|fun(row: report.Row): number scatter
---@field stacked? boolean
---@field invert? boolean the value axis runs high to low
---@field labels? boolean value labels (default true)
---@field markers? boolean line markers (default true)
---@field legend? report.Legend
---@field width? report.Length
---@field height? report.Length
---@field caption? string printed as "图 N …"
---@field source? string
---@field y_title? string
---@field y2_title? string
---@field x_title? string
---@field decimals? integer digits after the point of value labels
---@field suffix? string after value labels
---@field highlight? fun(row: report.Row): boolean
---@field empty? report.Empty
---@field float? boolean wait for the next page rather than leave a hole (default true)

---@class report.Document
local Document = {}

---A heading, levels 1 to 4 (0: the document's title, centred, not numbered),
---its text with inline markup; doc:heading{level =, text =} shows the text
---as given unless markup = true.
---@overload fun(self: report.Document, options: report.HeadingOptions): report.Document
---@param level integer
---@param text string
---@return report.Document
function Document:heading(level, text) end

---A justified paragraph with inline markup (**bold**, *emphasis*, `code`,
---[link](url), ^[footnote]); doc:paragraph{text =} shows the text as given
---unless markup = true.
---@overload fun(self: report.Document, options: report.ParagraphOptions): report.Document
---@param text string
---@return report.Document
function Document:paragraph(text) end

---@return report.Document
function Document:pagebreak() end

---@param options report.CoverOptions
---@return report.Document
function Document:cover(options) end

---@param options? report.TocOptions
---@return report.Document
function Document:toc(options) end

---@param options report.ImageOptions
---@return report.Document
function Document:image(options) end

---@param options report.TableOptions
---@return report.Document
function Document:table(options) end

---@param options report.ChartOptions
---@return report.Document
function Document:chart(options) end

return report
