/*
** haru_native: a one-page PDF made with libharu's OWN TrueType loading,
** the way a naive user would write it, as the negative control of
** tests/e2e/glyphs.py.
**
**     haru_native OUT.pdf [FONT.ttf [TEXT [ENCODING]]]
**
** By default the font is DroidSansFallbackFull.ttf and the text a Chinese
** sentence holding 盟 络 现 研 究 报 新: Debian's libharu 2.3.0 embeds
** composite glyphs of that font with their high-numbered components lost,
** so those characters are drawn wrong or blank although pdftotext still
** reads them.  With a small font and Latin text (DejaVuSans.ttf) libharu
** embeds every glyph correctly, which makes a positive control.  ENCODING
** (default UTF-8, which makes a Type0 font) may name a single-byte libharu
** encoding such as WinAnsiEncoding, which makes a simple TrueType font.
**
** Exits 1 with a message on any libharu error.  Everything but main is
** static: the Makefile links the project's objects into this program.
*/
#include <stdio.h>
#include <stdlib.h>

#include <hpdf.h>

#define DEFAULT_FONT "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
#define DEFAULT_TEXT "东盟网络安全现状研究报告新版：各国数据中心建设与人才培养情况"

static HPDF_STATUS last_error;
static HPDF_STATUS last_detail;

static void on_haru_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    (void)user_data;
    last_error = error_no;
    last_detail = detail_no;
}

static int fail(const char *what)
{
    fprintf(stderr, "haru_native: %s failed (libharu error 0x%04X, detail %u)\n",
            what, (unsigned)last_error, (unsigned)last_detail);
    return 1;
}

/* Page, font and text; the caller frees the document. */
static int draw_page(HPDF_Doc pdf, const char *font_path, const char *text,
                     const char *encoding)
{
    if (HPDF_UseUTFEncodings(pdf) != HPDF_OK)
        return fail("HPDF_UseUTFEncodings");
    if (HPDF_SetCurrentEncoder(pdf, "UTF-8") != HPDF_OK)
        return fail("HPDF_SetCurrentEncoder(UTF-8)");

    const char *name = HPDF_LoadTTFontFromFile(pdf, font_path, HPDF_TRUE);
    if (!name)
        return fail("HPDF_LoadTTFontFromFile");
    HPDF_Font font = HPDF_GetFont(pdf, name, encoding);
    if (!font)
        return fail("HPDF_GetFont");

    HPDF_Page page = HPDF_AddPage(pdf);
    if (!page)
        return fail("HPDF_AddPage");
    if (HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT) != HPDF_OK)
        return fail("HPDF_Page_SetSize");
    if (HPDF_Page_BeginText(page) != HPDF_OK)
        return fail("HPDF_Page_BeginText");
    if (HPDF_Page_SetFontAndSize(page, font, 16) != HPDF_OK)
        return fail("HPDF_Page_SetFontAndSize");
    if (HPDF_Page_TextOut(page, 40, 760, text) != HPDF_OK)
        return fail("HPDF_Page_TextOut");
    if (HPDF_Page_EndText(page) != HPDF_OK)
        return fail("HPDF_Page_EndText");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: %s OUT.pdf [FONT.ttf [TEXT [ENCODING]]]\n", argv[0]);
        return 2;
    }
    const char *font_path = argc > 2 ? argv[2] : DEFAULT_FONT;
    const char *text = argc > 3 ? argv[3] : DEFAULT_TEXT;
    const char *encoding = argc > 4 ? argv[4] : "UTF-8";

    HPDF_Doc pdf = HPDF_New(on_haru_error, NULL);
    if (!pdf)
        return fail("HPDF_New");
    int status = draw_page(pdf, font_path, text, encoding);
    if (status == 0 && HPDF_SaveToFile(pdf, argv[1]) != HPDF_OK)
        status = fail("HPDF_SaveToFile");
    HPDF_Free(pdf);
    return status;
}
