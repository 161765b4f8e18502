/*
** serve.c: the preview server of `reportc watch --serve`.  Written here
** rather than taken from a library: it needs a few dozen lines of
** HTTP/1.1 (GET, four fixed routes, one response per connection and a
** server-sent-events stream) inside the watcher's own poll loop, and
** Debian's embeddable servers (libmicrohttpd, civetweb) would bring their
** own threads and a much larger surface to a tool that only ever talks to
** a browser on the same machine.
**
** Safety: a request is at most REQ_MAX bytes and must arrive within
** REQ_SECONDS, its response be taken within RESP_SECONDS; at most
** MAX_CLIENTS connections; GET only; the target is
** matched against the fixed routes, never joined to a path, so nothing
** outside them can be reached; on a loopback address the Host header must
** name a loopback host (a page elsewhere cannot reach the preview through
** DNS rebinding); an SSE client that stops reading is dropped.
*/
#define _GNU_SOURCE          /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "serve.h"
#include "builder.h"
#include "preview.h"           /* out/build/preview.h: preview_html[] from src/watch/preview.html */
#include "../base/buf.h"
#include "../base/fsutil.h"
#include "../base/mem.h"

#define MAX_CLIENTS   32
#define REQ_MAX       8192           /* bytes of request line and headers */
#define REQ_SECONDS   10.0           /* to send a request */
#define RESP_SECONDS  120.0          /* to take a response (a client that stops reading) */
#define SSE_BACKLOG   (1u << 20)     /* unsent event bytes before a client is dropped */
#define FILE_MAX      (512u << 20)   /* the largest PDF served */
#define PDFJS_DIR     "/usr/share/javascript/pdf/build"

struct client {
    int fd;                    /* -1: a free slot */
    char req[REQ_MAX];
    size_t reqlen;
    struct buf out;            /* response bytes, sent from outpos */
    size_t outpos;
    int sse;                   /* an /events stream: stays open */
    int done;                  /* close once out is sent */
    double since;
};

struct server {
    int fd;
    int loopback;
    char url[128];
    char *pdf_path;            /* owned */
    struct client clients[MAX_CLIENTS];
    /* the last build, for pages that connect later */
    unsigned build;
    int building;
    char error[1024];          /* the last build's error, "" when it succeeded */
    double seconds;
};

/* ---- listening ------------------------------------------------------------------ */

/* "PORT", "ADDR:PORT", "[V6]:PORT" into host and port strings. */
static int split_spec(const char *spec, char *host, size_t hsize, char *port, size_t psize,
                      int *explicit_host) {
    const char *colon;
    size_t n;
    *explicit_host = 0;
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (close == NULL || close[1] != ':') return 0;
        n = (size_t)(close - spec - 1);
        if (n == 0 || n >= hsize) return 0;
        memcpy(host, spec + 1, n);
        host[n] = '\0';
        colon = close + 1;
        *explicit_host = 1;
    } else if ((colon = strrchr(spec, ':')) != NULL) {
        n = (size_t)(colon - spec);
        if (n == 0 || n >= hsize || memchr(spec, ':', n)) return 0;
        memcpy(host, spec, n);
        host[n] = '\0';
        *explicit_host = 1;
    } else {
        snprintf(host, hsize, "127.0.0.1");
        colon = spec - 1;
    }
    n = strlen(colon + 1);
    if (n == 0 || n > 5 || n >= psize || strspn(colon + 1, "0123456789") != n || atoi(colon + 1) > 65535)
        return 0;
    memcpy(port, colon + 1, n + 1);
    return 1;
}

static int is_loopback(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a);
    }
    return 0;
}

static int listen_on(struct server *s, const struct addrinfo *ai, struct rc_err *err, const char *spec) {
    struct sockaddr_storage bound;
    socklen_t len = sizeof bound;
    char host[INET6_ADDRSTRLEN];
    int one = 1, port;
    s->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) return rc_fail(err, RC_IO, "--serve %s: socket: %s", spec, strerror(errno));
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s->fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s->fd, 16) != 0
        || getsockname(s->fd, (struct sockaddr *)&bound, &len) != 0) {
        int e = errno;
        close(s->fd);
        s->fd = -1;
        return rc_fail(err, RC_IO, "--serve %s: cannot listen: %s", spec, strerror(e));
    }
    if (bound.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&bound)->sin6_addr, host, sizeof host);
        port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
        snprintf(s->url, sizeof s->url, "http://[%s]:%d/", host, port);
    } else {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&bound)->sin_addr, host, sizeof host);
        port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
        snprintf(s->url, sizeof s->url, "http://%s:%d/", host, port);
    }
    s->loopback = is_loopback((struct sockaddr *)&bound);
    return RC_OK;
}

int serve_open(const char *spec, const char *pdf_path, struct server **out, struct rc_err *err) {
    char host[256], port[8];
    struct addrinfo hints, *ai = NULL;
    struct server *s;
    int explicit_host, rc, i;
    *out = NULL;
    if (!split_spec(spec, host, sizeof host, port, sizeof port, &explicit_host))
        return rc_fail(err, RC_USAGE, "--serve expects [ADDR:]PORT (8080, 127.0.0.1:8080, [::1]:8080), "
                       "got '%s'", spec);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL)
        return rc_fail(err, RC_USAGE, "--serve %s: '%s' is not a numeric IPv4 or IPv6 address", spec, host);
    if (!explicit_host && !is_loopback(ai->ai_addr)) {     /* cannot happen; kept as the rule */
        freeaddrinfo(ai);
        return rc_fail(err, RC_USAGE, "--serve %s: give a non-loopback address explicitly", spec);
    }
    s = xcalloc(1, sizeof *s, "the preview server");
    for (i = 0; i < MAX_CLIENTS; i++) s->clients[i].fd = -1;
    s->pdf_path = xstrdup(pdf_path, "the preview server");
    s->building = 1;
    rc = listen_on(s, ai, err, spec);
    freeaddrinfo(ai);
    if (rc != RC_OK) {
        free(s->pdf_path);
        free(s);
        return rc;
    }
    *out = s;
    return RC_OK;
}

const char *serve_url(const struct server *s) { return s->url; }

int serve_is_public(const struct server *s) { return !s->loopback; }

static void drop(struct client *c) {
    if (c->fd >= 0) close(c->fd);
    buf_free(&c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

void serve_close(struct server *s) {
    int i;
    if (s == NULL) return;
    for (i = 0; i < MAX_CLIENTS; i++) drop(&s->clients[i]);
    if (s->fd >= 0) close(s->fd);
    free(s->pdf_path);
    free(s);
}

/* ---- responses -------------------------------------------------------------------- */

static void respond(struct client *c, int status, const char *reason, const char *type,
                    const void *body, size_t len, const char *extra) {
    buf_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
               "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
               "Connection: close\r\n%s\r\n", status, reason, type, len, extra ? extra : "");
    buf_append(&c->out, body, len);
    c->done = 1;
}

static void respond_text(struct client *c, int status, const char *reason, const char *extra) {
    char body[128];
    int n = snprintf(body, sizeof body, "%d %s\n", status, reason);
    respond(c, status, reason, "text/plain; charset=utf-8", body, (size_t)n, extra);
}

static void respond_file(struct client *c, const char *path, const char *type) {
    struct rc_err err = { 0, "" };
    struct stat st;
    struct buf body;
    int fd;
    if (fs_open_input(path, "a file served", &fd, &st, &err) != RC_OK) {
        respond_text(c, 404, "Not Found", NULL);
        return;
    }
    if ((unsigned long long)st.st_size > FILE_MAX) {
        close(fd);
        respond_text(c, 500, "Internal Server Error", NULL);
        return;
    }
    buf_init(&body);
    buf_reserve(&body, (size_t)st.st_size);
    for (;;) {
        char chunk[65536];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || body.len + (size_t)n > FILE_MAX) break;
        buf_append(&body, chunk, (size_t)n);
    }
    close(fd);
    respond(c, 200, "OK", type, body.data, body.len, NULL);
    buf_free(&body);
}

/* A JSON string: quotes, backslashes and control characters escaped;
** UTF-8 passes through. */
static void json_string(struct buf *b, const char *s) {
    buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') { buf_putc(b, '\\'); buf_putc(b, ch); }
        else if (ch < 0x20) buf_printf(b, "\\u%04x", ch);
        else buf_putc(b, ch);
    }
    buf_putc(b, '"');
}

static void sse_state(const struct server *s, struct buf *b) {
    buf_printf(b, "event: state\ndata: {\"build\": %u, \"status\": \"%s\", \"seconds\": %.3f, \"error\": ",
               s->build, s->building ? "building" : s->error[0] ? "error" : "ok", s->seconds);
    json_string(b, s->error);
    buf_puts(b, "}\n\n");
}

static void start_events(struct server *s, struct client *c) {
    buf_puts(&c->out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
             "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\nretry: 1000\n\n");
    sse_state(s, &c->out);
    c->sse = 1;
}

/* ---- requests ------------------------------------------------------------------------ */

/* Host: on a loopback address only localhost or a loopback literal, with
** or without a port. */
static int host_allowed(const struct server *s, const char *headers) {
    const char *h = headers;
    char name[256];
    size_t n;
    if (!s->loopback) return 1;
    while ((h = strchr(h, '\n')) != NULL) {
        h++;
        if (strncasecmp(h, "Host:", 5) != 0) continue;
        h += 5;
        h += strspn(h, " \t");
        n = strcspn(h, "\r\n");
        if (n == 0 || n >= sizeof name) return 0;
        memcpy(name, h, n);
        name[n] = '\0';
        if (name[0] == '[') {
            char *close = strchr(name, ']');
            if (close) *close = '\0';
            return strcmp(name + 1, "::1") == 0;
        }
        if (strchr(name, ':')) *strchr(name, ':') = '\0';
        return strcmp(name, "localhost") == 0 || strncmp(name, "127.", 4) == 0;
    }
    return 0;                    /* HTTP/1.1 requires Host */
}

static void route(struct server *s, struct client *c) {
    char method[16], target[2048], version[16];
    size_t n;
    if (sscanf(c->req, "%15s %2047s %15s", method, target, version) != 3
        || strncmp(version, "HTTP/1.", 7) != 0 || target[0] != '/') {
        respond_text(c, 400, "Bad Request", NULL);
        return;
    }
    if (strcmp(method, "GET") != 0) {
        respond_text(c, 405, "Method Not Allowed", "Allow: GET\r\n");
        return;
    }
    if (!host_allowed(s, c->req)) {
        respond_text(c, 403, "Forbidden", NULL);
        return;
    }
    n = strcspn(target, "?#");
    target[n] = '\0';
    if (strcmp(target, "/") == 0)
        respond(c, 200, "OK", "text/html; charset=utf-8", preview_html, preview_html_len,
                "Content-Security-Policy: default-src 'self'; script-src 'self' 'unsafe-inline'; "
                "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data: blob:; "
                "frame-src 'self'; worker-src 'self' blob:\r\n");
    else if (strcmp(target, "/report.pdf") == 0)
        respond_file(c, s->pdf_path, "application/pdf");
    else if (strcmp(target, "/events") == 0)
        start_events(s, c);
    else if (strcmp(target, "/pdfjs/pdf.js") == 0)
        respond_file(c, PDFJS_DIR "/pdf.js", "text/javascript; charset=utf-8");
    else if (strcmp(target, "/pdfjs/pdf.worker.js") == 0)
        respond_file(c, PDFJS_DIR "/pdf.worker.js", "text/javascript; charset=utf-8");
    else
        respond_text(c, 404, "Not Found", NULL);
}

static void read_request(struct server *s, struct client *c) {
    for (;;) {
        ssize_t n;
        if (c->sse || c->done) {               /* nothing more is expected: drain, see EOF */
            char sink[512];
            n = read(c->fd, sink, sizeof sink);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) drop(c);
            if (n <= 0) return;
            continue;
        }
        n = read(c->fd, c->req + c->reqlen, REQ_MAX - 1 - c->reqlen);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) { drop(c); return; }
        if (n < 0) return;
        if (memchr(c->req + c->reqlen, '\0', (size_t)n)) {   /* not HTTP; and C strings end there */
            respond_text(c, 400, "Bad Request", NULL);
            return;
        }
        c->reqlen += (size_t)n;
        c->req[c->reqlen] = '\0';
        if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n")) { route(s, c); return; }
        if (c->reqlen == REQ_MAX - 1) { respond_text(c, 431, "Request Header Fields Too Large", NULL); return; }
    }
}

static void write_out(struct client *c) {
    while (c->outpos < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->outpos, c->out.len - c->outpos, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n <= 0) { drop(c); return; }
        c->outpos += (size_t)n;
    }
    c->outpos = c->out.len = 0;
    if (c->done && !c->sse) drop(c);
}

static void accept_clients(struct server *s) {
    for (;;) {
        int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), i;
        if (fd < 0) return;
        for (i = 0; i < MAX_CLIENTS && s->clients[i].fd >= 0; i++) {}
        if (i == MAX_CLIENTS) { close(fd); continue; }       /* full: the browser retries */
        memset(&s->clients[i], 0, sizeof s->clients[i]);
        s->clients[i].fd = fd;
        s->clients[i].since = builder_clock();
        buf_init(&s->clients[i].out);
    }
}

/* ---- the poll loop's side ------------------------------------------------------------- */

size_t serve_pollfds(struct server *s, struct pollfd *fds, size_t max) {
    size_t n = 0;
    int i;
    if (max == 0) return 0;
    fds[n].fd = s->fd;
    fds[n++].events = POLLIN;
    for (i = 0; i < MAX_CLIENTS && n < max; i++) {
        struct client *c = &s->clients[i];
        if (c->fd < 0) continue;
        fds[n].fd = c->fd;
        fds[n++].events = (short)(POLLIN | (c->outpos < c->out.len ? POLLOUT : 0));
    }
    return n;
}

static struct client *client_of(struct server *s, int fd) {
    int i;
    for (i = 0; i < MAX_CLIENTS; i++) if (s->clients[i].fd == fd) return &s->clients[i];
    return NULL;
}

void serve_handle(struct server *s, const struct pollfd *fds, size_t n) {
    double now = builder_clock();
    size_t k;
    int i;
    for (k = 1; k < n; k++) {
        struct client *c = client_of(s, fds[k].fd);
        if (c == NULL || fds[k].revents == 0) continue;
        if (fds[k].revents & (POLLERR | POLLNVAL)) { drop(c); continue; }
        if (fds[k].revents & (POLLIN | POLLHUP)) read_request(s, c);
        if (c->fd >= 0 && c->out.len > c->outpos) write_out(c);
    }
    for (i = 0; i < MAX_CLIENTS; i++) {            /* slow or stuck clients */
        struct client *c = &s->clients[i];
        if (c->fd >= 0 && !c->sse && now - c->since > (c->done ? RESP_SECONDS : REQ_SECONDS)) drop(c);
    }
    if (n > 0 && (fds[0].revents & POLLIN)) accept_clients(s);
}

static void broadcast(struct server *s) {
    int i;
    for (i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &s->clients[i];
        if (c->fd < 0 || !c->sse) continue;
        if (c->out.len - c->outpos > SSE_BACKLOG) { drop(c); continue; }
        sse_state(s, &c->out);
        write_out(c);
    }
}

void serve_building(struct server *s) {
    s->building = 1;
    broadcast(s);
}

void serve_built(struct server *s, unsigned build, const char *error, double seconds) {
    s->build = build;
    s->building = 0;
    s->seconds = seconds;
    snprintf(s->error, sizeof s->error, "%s", error ? error : "");
    broadcast(s);
}
