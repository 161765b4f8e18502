/*
** test_markup.c: the inline markup parser.
*/
#include <string.h>
#include "check.h"
#include "../../src/text/markup.h"

static int run_is(const struct markup *m, size_t i, const char *text, int style) {
    return i < m->nruns && strcmp(m->runs[i].text, text) == 0 && m->runs[i].style == style;
}

int main(void) {
    struct markup m;
    char err[200];
    CHECK(markup_parse("新加坡位列全球第 **6** 位。", &m, err, sizeof err) == 0);
    CHECK(m.nruns == 3 && run_is(&m, 0, "新加坡位列全球第 ", 0) && run_is(&m, 1, "6", MK_BOLD)
          && run_is(&m, 2, " 位。", 0));
    markup_free(&m);

    CHECK(markup_parse("*强调*与`GCI 2018`", &m, err, sizeof err) == 0);
    CHECK(m.nruns == 3 && run_is(&m, 0, "强调", MK_EMPH) && run_is(&m, 1, "与", 0)
          && run_is(&m, 2, "GCI 2018", MK_CODE));
    markup_free(&m);

    CHECK(markup_parse("见[国际电信联盟](https://www.itu.int/)网站^[2018 年版。]。", &m, err, sizeof err) == 0);
    CHECK(m.nruns == 5 && run_is(&m, 1, "国际电信联盟", 0) && m.runs[1].url
          && strcmp(m.runs[1].url, "https://www.itu.int/") == 0);
    CHECK(m.nruns == 5 && run_is(&m, 2, "网站", 0) && m.runs[3].note
          && strcmp(m.runs[3].note, "2018 年版。") == 0 && run_is(&m, 4, "。", 0));
    markup_free(&m);

    CHECK(markup_parse("a \\*not\\* b \\[c\\] 3\\^2", &m, err, sizeof err) == 0);
    CHECK(m.nruns == 1 && run_is(&m, 0, "a *not* b [c] 3^2", 0));
    markup_free(&m);

    CHECK(markup_parse("**粗体 *粗斜* 粗体**", &m, err, sizeof err) == 0);
    CHECK(m.nruns == 3 && run_is(&m, 1, "粗斜", MK_BOLD | MK_EMPH));
    markup_free(&m);

    CHECK(markup_parse("未闭合 **粗体", &m, err, sizeof err) == -1 && strstr(err, "unclosed **"));
    CHECK(markup_parse("未闭合 `代码", &m, err, sizeof err) == -1 && strstr(err, "unclosed `"));
    CHECK(markup_parse("坏链接 [文字] 后", &m, err, sizeof err) == -1 && strstr(err, "[text](url)"));
    CHECK(markup_parse("注 ^[没有结尾", &m, err, sizeof err) == -1 && strstr(err, "footnote"));
    /* A note keeps its escapes: it is parsed again when it is set. */
    CHECK(markup_parse("文^[见参考文献 \\[3\\] 与 **粗体**]。", &m, err, sizeof err) == 0);
    CHECK(m.nruns == 3 && m.runs[1].note && strcmp(m.runs[1].note, "见参考文献 \\[3\\] 与 **粗体**") == 0);
    markup_free(&m);
    CHECK(markup_parse("", &m, err, sizeof err) == 0 && m.nruns == 0);
    markup_free(&m);
    /* Empty spans (found by fuzz_markup: an empty buffer's NULL data was
    ** copied with memcpy, undefined even for 0 bytes; UBSan in check-asan). */
    CHECK(markup_parse("a``b^[]c[](u)", &m, err, sizeof err) == 0);
    CHECK(m.nruns == 6 && run_is(&m, 1, "", MK_CODE) && m.runs[3].note && m.runs[3].note[0] == '\0'
          && run_is(&m, 5, "", 0) && m.runs[5].url && strcmp(m.runs[5].url, "u") == 0);
    markup_free(&m);
    return CHECK_DONE();
}
