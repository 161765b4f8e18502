/*
** serve.h: the live preview of `reportc watch --serve`: a small HTTP/1.1
** server on the watcher's poll loop.
**
** It serves four things and nothing else: the page (/), the current PDF
** (/report.pdf), Debian's pdf.js (/pdfjs/pdf.js, /pdfjs/pdf.worker.js,
** when libjs-pdf is installed) and a server-sent-events stream (/events)
** that tells the page about each build: done (reload the PDF) or failed
** (show the error over the last good PDF).  GET only, requests bounded in
** size and time, loopback only unless an address is given.
*/
#ifndef WATCH_SERVE_H
#define WATCH_SERVE_H

#include <poll.h>
#include <stddef.h>
#include "../base/rc.h"

struct server;

/* Listen on "[ADDR:]PORT" ("8080", "127.0.0.1:0", "[::1]:8080",
** "0.0.0.0:8080"); the PDF served is read from `pdf_path` at each request.
** A malformed spec is RC_USAGE. */
int serve_open(const char *spec, const char *pdf_path, struct server **out, struct rc_err *err);
void serve_close(struct server *s);

/* "http://127.0.0.1:8080/", with the port actually bound. */
const char *serve_url(const struct server *s);
/* Whether the address is not a loopback one (worth a warning). */
int serve_is_public(const struct server *s);

/* The descriptors to poll, into fds[0..max); returns how many. */
size_t serve_pollfds(struct server *s, struct pollfd *fds, size_t max);
/* After poll: act on the entries serve_pollfds filled. */
void serve_handle(struct server *s, const struct pollfd *fds, size_t n);

/* A build started / finished: tell the pages.  `error` is the failed
** build's message ("brief.lua:42: ..."), NULL when it succeeded. */
void serve_building(struct server *s);
void serve_built(struct server *s, unsigned build, const char *error, double seconds);

#endif
