/* The C echo server of bench/echo/run.sh ("c-epoll"): one thread, one level-triggered epoll set, every byte
 * written back as it came. It is the floor the other servers are measured against: nothing runs per request
 * but one read and one write (and, when a write falls short, a wait for the socket to drain).
 *
 *   gcc -O2 -Wall -o echo_server echo_server.c && ./echo_server [PORT]     (default 25000, 127.0.0.1 only)
 *
 * A connection whose write fell short stops reading until its buffer is written out: the client's sending is
 * held back by TCP itself, so no buffer grows without bound. SIGTERM or SIGINT ends the server.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { CHUNK = 64 * 1024, MAX_EVENTS = 512 };

struct peer {
    int fd;
    int draining;          /* 1 while buf[head..tail) waits for EPOLLOUT */
    size_t head, tail;     /* the bytes read and not yet written back */
    char buf[CHUNK];
};

static int epfd;
static volatile sig_atomic_t stopping;

static void fail(const char *what) {
    fprintf(stderr, "echo_server: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void on_signal(int sig) { (void)sig; stopping = 1; }

static void watch(struct peer *p, int op, unsigned events) {
    struct epoll_event ev = { .events = events, .data.ptr = p };
    if (epoll_ctl(epfd, op, p->fd, &ev) != 0) fail("epoll_ctl");
}

static void hang_up(struct peer *p) {
    close(p->fd);          /* closing the last descriptor also removes it from the epoll set */
    free(p);
}

/* Writes what is buffered; returns -1 if the connection is gone. */
static int flush_out(struct peer *p) {
    while (p->head < p->tail) {
        ssize_t n = write(p->fd, p->buf + p->head, p->tail - p->head);
        if (n > 0) { p->head += (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        return -1;
    }
    int rest = p->head < p->tail;
    if (rest != p->draining) {       /* switch between waiting to read and waiting to write */
        p->draining = rest;
        watch(p, EPOLL_CTL_MOD, rest ? EPOLLOUT : EPOLLIN);
    }
    if (!rest) p->head = p->tail = 0;
    return 0;
}

static void on_ready(struct peer *p) {
    if (!p->draining) {
        ssize_t n = read(p->fd, p->buf, CHUNK);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        if (n <= 0) { hang_up(p); return; }            /* end of stream, or reset */
        p->head = 0;
        p->tail = (size_t)n;
    }
    if (flush_out(p) != 0) hang_up(p);
}

static void accept_all(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN) perror("echo_server: accept4");
            return;
        }
        int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        struct peer *p = calloc(1, sizeof *p);
        if (!p) { close(fd); continue; }               /* out of memory: refuse this one, keep serving */
        p->fd = fd;
        watch(p, EPOLL_CTL_ADD, EPOLLIN);
    }
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 25000;
    if (argc > 2 || port <= 0 || port > 65535) {
        fprintf(stderr, "usage: echo_server [PORT]   (1-65535, default 25000)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction stop = { .sa_handler = on_signal };   /* no SA_RESTART: epoll_wait returns EINTR */
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGINT, &stop, NULL);

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0) fail("socket");
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0) fail("bind");
    if (listen(listener, 4096) != 0) fail("listen");
    if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) fail("epoll_create1");
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };   /* NULL marks the listener */
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &lev) != 0) fail("epoll_ctl");
    printf("c-epoll echo server on 127.0.0.1:%d\n", port);
    fflush(stdout);

    struct epoll_event ready[MAX_EVENTS];
    while (!stopping) {
        int n = epoll_wait(epfd, ready, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            if (ready[i].data.ptr == NULL) accept_all(listener);
            else on_ready(ready[i].data.ptr);
        }
    }
    return 0;
}
