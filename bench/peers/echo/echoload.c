/* echoload, the load client of bench/echo/run.sh: CONNS connections each send a SIZE-byte message ending in
 * '\n', wait until the whole message has come back, check it, and repeat NUM times. One thread and one epoll
 * set, so the client costs at most one core, and it prints its own CPU use: near 100% means the client, not
 * the server, set the pace.
 *
 *   gcc -O2 -Wall -o echoload echoload.c
 *   ./echoload [-a HOST:PORT] [-c CONNS] [-n NUM] [-s SIZE]      (127.0.0.1:25000, 3, 30000 per connection, 1000)
 *
 * Output: "<requests> requests in <seconds> s", "<rate> requests/sec", "client cpu <percent>% of one core".
 * Exits 1, naming the connection, if a server closes early or echoes a byte that was not sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_EVENTS = 512 };

struct conn {
    int fd, id;
    int want_write;        /* 1 while part of the message waits for EPOLLOUT */
    size_t sent, echoed;   /* bytes of the current message written, and read back */
    long left;             /* messages still to send, the current one included */
};

static int epfd;
static size_t size;
static char *message;
static char inbox[1 << 16];

static void fail(const char *what) {
    fprintf(stderr, "echoload: %s: %s\n", what, strerror(errno));
    exit(1);
}

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void interest(struct conn *c, int op, unsigned events) {
    struct epoll_event ev = { .events = events, .data.ptr = c };
    if (epoll_ctl(epfd, op, c->fd, &ev) != 0) fail("epoll_ctl");
}

/* Writes as much of the current message as the socket takes; waits for EPOLLOUT when it takes no more. */
static void push(struct conn *c) {
    while (c->sent < size) {
        ssize_t n = write(c->fd, message + c->sent, size - c->sent);
        if (n > 0) { c->sent += (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        fail("write");
    }
    int want = c->sent < size;
    if (want != c->want_write) {
        c->want_write = want;
        interest(c, EPOLL_CTL_MOD, want ? EPOLLIN | EPOLLOUT : EPOLLIN);
    }
}

/* Reads what has come back; returns 1 when this connection has finished all its messages. */
static int pull(struct conn *c) {
    ssize_t n = read(c->fd, inbox, sizeof inbox);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
    if (n <= 0) {
        fprintf(stderr, "echoload: connection %d: the server closed it with %ld messages left\n", c->id, c->left);
        exit(1);
    }
    if (c->echoed + (size_t)n > c->sent || memcmp(inbox, message + c->echoed, (size_t)n) != 0) {
        fprintf(stderr, "echoload: connection %d: the server sent back bytes that were not sent\n", c->id);
        exit(1);
    }
    c->echoed += (size_t)n;
    if (c->echoed < size) return 0;
    if (--c->left == 0) {
        close(c->fd);
        return 1;
    }
    c->sent = c->echoed = 0;
    push(c);
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: echoload [-a HOST:PORT] [-c CONNS] [-n NUM per connection] [-s SIZE bytes, >= 1]\n");
    exit(2);
}

int main(int argc, char **argv) {
    char host[256] = "127.0.0.1";
    int port = 25000, conns = 3;
    long num = 30000;
    size = 1000;
    for (int opt; (opt = getopt(argc, argv, "a:c:n:s:")) != -1;) {
        if (opt == 'a') {
            char *colon = strrchr(optarg, ':');
            if (!colon || colon == optarg || (size_t)(colon - optarg) >= sizeof host) usage();
            memcpy(host, optarg, (size_t)(colon - optarg));
            host[colon - optarg] = 0;
            port = atoi(colon + 1);
        } else if (opt == 'c') conns = atoi(optarg);
        else if (opt == 'n') num = atol(optarg);
        else if (opt == 's') size = (size_t)atol(optarg);
        else usage();
    }
    if (optind != argc || conns < 1 || num < 1 || size < 1 || port < 1 || port > 65535) usage();
    signal(SIGPIPE, SIG_IGN);

    /* A recognisable pattern (not all one byte), so that a server echoing the wrong bytes is caught. */
    if (!(message = malloc(size))) fail("malloc");
    for (size_t i = 0; i + 1 < size; i++) message[i] = (char)('a' + i % 26);
    message[size - 1] = '\n';

    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "echoload: %s is not an IPv4 address\n", host);
        return 2;
    }
    if ((epfd = epoll_create1(0)) < 0) fail("epoll_create1");
    struct conn *all = calloc((size_t)conns, sizeof *all);
    if (!all) fail("calloc");

    double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < conns; i++) {
        struct conn *c = &all[i];
        int on = 1;
        c->id = i;
        c->left = num;
        if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) fail("socket");
        if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) != 0) fail("connect");
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        if (fcntl(c->fd, F_SETFL, O_NONBLOCK) != 0) fail("fcntl");
        interest(c, EPOLL_CTL_ADD, EPOLLIN);
    }
    for (int i = 0; i < conns; i++) push(&all[i]);

    struct epoll_event ready[MAX_EVENTS];
    for (int running = conns; running > 0;) {
        int n = epoll_wait(epfd, ready, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = ready[i].data.ptr;
            if (ready[i].events & EPOLLOUT) push(c);
            if (ready[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) running -= pull(c);
        }
    }
    double wall = seconds(CLOCK_MONOTONIC) - wall0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    long total = num * conns;
    printf("%ld requests in %.3f s\n%.1f requests/sec\nclient cpu %.0f%% of one core\n",
           total, wall, (double)total / wall, 100 * cpu / wall);
    return 0;
}
