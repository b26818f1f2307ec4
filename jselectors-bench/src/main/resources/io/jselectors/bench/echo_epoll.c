/* The practical limit: a plain single-threaded, level-triggered epoll echo server in C.
 * Usage: echo_epoll PORT   (binds 127.0.0.1:PORT)
 * Reads into one shared buffer and writes it back; bytes the socket does not take wait in the
 * connection's own buffer, and the connection stops reading until they are flushed. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (64 * 1024)
#define MAX_EVENTS 256

struct conn {
    int fd;
    char *pending; /* NULL, or BUF bytes */
    size_t start, end;
};

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void ctl(int ep, int op, struct conn *c, unsigned events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(ep, op, c->fd, &ev) < 0) die("epoll_ctl");
}

static void drop(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->pending);
    free(c);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) die("setsockopt");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(lfd, 4096) < 0) die("listen");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct conn listener = {.fd = lfd};
    ctl(ep, EPOLL_CTL_ADD, &listener, EPOLLIN);
    printf("listening on 127.0.0.1:%d (C epoll, 1 thread)\n", port);
    fflush(stdout);

    static char buf[BUF];
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == &listener) {
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    if (!nc) die("calloc");
                    nc->fd = fd;
                    ctl(ep, EPOLL_CTL_ADD, nc, EPOLLIN);
                }
                if (errno != EAGAIN && errno != ECONNABORTED && errno != EINTR) die("accept4");
                continue;
            }
            if (c->pending && c->end > c->start) { /* waiting for EPOLLOUT */
                ssize_t w = write(c->fd, c->pending + c->start, c->end - c->start);
                if (w < 0 && errno != EAGAIN) { drop(ep, c); continue; }
                if (w > 0) c->start += (size_t)w;
                if (c->start == c->end) ctl(ep, EPOLL_CTL_MOD, c, EPOLLIN);
                continue;
            }
            ssize_t r = read(c->fd, buf, BUF);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) { drop(ep, c); continue; }
            if (r < 0) continue;
            ssize_t w = write(c->fd, buf, (size_t)r);
            if (w < 0) {
                if (errno != EAGAIN) { drop(ep, c); continue; }
                w = 0;
            }
            if (w < r) {
                if (!c->pending && !(c->pending = malloc(BUF))) die("malloc");
                memcpy(c->pending, buf + w, (size_t)(r - w));
                c->start = 0;
                c->end = (size_t)(r - w);
                ctl(ep, EPOLL_CTL_MOD, c, EPOLLOUT);
            }
        }
    }
}
