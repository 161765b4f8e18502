/*
** test_units.c: the length parser every length option goes through:
** each unit, bare numbers as points, spaces, and what it refuses (signs,
** exponents, hex, inf/nan, unknown units, trailing text, empty).
*/
#include <math.h>
#include "check.h"
#include "../../src/doc/units.h"

static void expect(const char *s, double want) {
    double pt = -1;
    int ok = units_length(s, &pt);
    CHECK_MSG(ok && fabs(pt - want) < 1e-9, "'%s': got %d %.6f, want %.6f", s, ok, pt, want);
}

static void refuse(const char *s) {
    double pt = -1;
    CHECK_MSG(!units_length(s, &pt), "'%s' should be refused, got %.6f", s, pt);
}

int main(void) {
    expect("25mm", 25 * 72 / 25.4);
    CHECK(fabs(25 * 72 / 25.4 - 70.866) < 0.001);
    expect("2cm", 2 * 72 / 2.54);
    expect("0.5in", 36);
    expect("12pt", 12);
    expect("12", 12);
    expect("12.", 12);
    expect(".5in", 36);
    expect(" 3 mm ", 3 * 72 / 25.4);
    expect("0", 0);
    refuse("");
    refuse("mm");
    refuse("-5mm");
    refuse("+5mm");
    refuse("1e3pt");
    refuse("0x10");
    refuse("inf");
    refuse("nan");
    refuse("5 px");
    refuse("5mmm");
    refuse("5 mm x");
    refuse("1.2.3cm");
    refuse("25MM");
    refuse("99999999999pt");
    refuse(NULL);
    return CHECK_DONE();
}
