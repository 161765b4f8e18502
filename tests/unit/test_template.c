/*
** test_template.c: page furniture templates (doc.c): which fields a
** template may name, what a bad one reports, braces, and expansion.
*/
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../src/doc/doc.h"

static void expect_bad(const char *tpl, const char *want) {
    char bad[64] = "";
    int rc = doc_template_check(tpl, bad, sizeof bad);
    CHECK_MSG(rc != 0 && strcmp(bad, want) == 0, "'%s': got %d '%s', want '%s'", tpl, rc, bad, want);
}

static void expect(const char *tpl, const char *want) {
    const char *values[DOC_FIELD_COUNT] = { "3", "12", "一、总论", NULL, "2026-11-30" };
    char *got;
    CHECK_MSG(doc_template_check(tpl, NULL, 0) == 0, "'%s' should be accepted", tpl);
    got = doc_template_expand(tpl, values);
    CHECK_MSG(strcmp(got, want) == 0, "'%s': got '%s', want '%s'", tpl, got, want);
    free(got);
}

int main(void) {
    char *q;
    expect("第 {page} 页 / 共 {pages} 页", "第 3 页 / 共 12 页");
    expect("{section}|{title}|{date}", "一、总论||2026-11-30");
    expect("", "");
    expect("{{page}} {{", "{page} {");
    expect("a}}b", "a}b");
    expect_bad("{pgae}", "{pgae}");
    expect_bad("第 {Page} 页", "{Page}");
    expect_bad("{page", "{page");
    expect_bad("{}", "{}");
    expect_bad("x } y", "}");
    expect_bad("{ page }", "{ page }");
    expect_bad("{一二三四五六七八九十一二三四五六七八九十}", "{一二三四五六七八九十一二三");
    CHECK(strcmp(doc_fields[DOC_FIELD_SECTION], "section") == 0 && doc_fields[DOC_FIELD_COUNT] == NULL);
    q = doc_template_quote("机构{x}报告}");
    CHECK_MSG(strcmp(q, "机构{{x}}报告}}") == 0, "quote: '%s'", q);
    {
        const char *values[DOC_FIELD_COUNT] = { 0 };
        char *back = doc_template_expand(q, values);
        CHECK_MSG(strcmp(back, "机构{x}报告}") == 0, "quote round trip: '%s'", back);
        free(back);
    }
    free(q);
    return CHECK_DONE();
}
