/*
** layout.h: turning the document tree into a display list: paragraphs
** broken into lines by our font metrics and the clreq-tailored UAX #14
** breaker, justified; headings; plain tables; automatic page breaks; the
** running header and the "第 N 页 / 共 M 页" footer.
*/
#ifndef LAYOUT_H
#define LAYOUT_H

#include "../base/rc.h"
#include "../display/display.h"
#include "../doc/doc.h"
#include "../font/fontset.h"

int layout_document(const struct doc *doc, struct fontset *fs,
                    struct display *out, struct rc_err *err);

#endif
