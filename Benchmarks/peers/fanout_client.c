/* The subscribers of Benchmarks/fanout_vs_redis.py and fanout_vs_mosquitto.py: N connections
 * held on one epoll, for streamd's event stream, Redis pub/sub or an MQTT broker, and the time
 * at which one change reaches each.
 *
 *   cc -O2 -o fanout_client fanout_client.c
 *   fanout_client sse   SOCKET N PID        N x GET /v1/events on streamd's Unix socket;
 *                                           a change is triggered by SIGHUP to PID
 *   fanout_client sse   SOCKET N refresh    the same; a change is a POST /v1/refresh?station=s0
 *                                           on an own keep-alive connection (the script
 *                                           changed the source's answer before)
 *   fanout_client redis SOCKET N CHANNEL    N x SUBSCRIBE CHANNEL on redis-server's Unix
 *                                           socket; a change is a PUBLISH on an own connection
 *   fanout_client mqtt  PORT N TOPIC        N x MQTT 3.1.1 CONNECT (clean session, no keepalive)
 *                                           and SUBSCRIBE TOPIC at QoS 0 on 127.0.0.1:PORT; it
 *                                           triggers nothing (use "watch")
 *
 * It drains the initial data (the SSE snapshot, the subscribe confirmations; for MQTT the
 * topic's retained message, which must be there), prints "ready CONNECTED REFUSED", then
 * reads commands on standard input, one a line:
 *
 *   go MARKER SIZE [T0] t0 = T0 (ns of CLOCK_MONOTONIC) or now, then trigger the change (SIGHUP, a
 *                      refresh, or PUBLISH of MARKER padded with '.' to SIZE bytes); waits until
 *                      every subscriber has received bytes containing MARKER (or 5 s), prints
 *                      "round GOT CLOSED" and a line "times US US ..." (µs from t0 to each
 *                      subscriber's first bytes holding MARKER), then "ready ..." again
 *   watch MARKER T0    the same round without triggering anything: another process makes the
 *                      change (the same change reaching subscribers by another path)
 *   quit
 *
 * The script that drives it rewrites streamd's configuration (a station's new name is the
 * MARKER) or the source's answer (the song's title is the MARKER) before each "go". Heartbeat comments and other events hold no MARKER, so they are
 * read and ignored. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define TAIL 128   /* bytes kept from the previous read: a MARKER split across two reads */

struct sub {
    int fd, open, primed;   /* primed: got the snapshot / the subscribe confirmation */
    long long got;          /* ns from t0 to the marker this round, -1 not yet */
    size_t tail_len;
    char tail[TAIL];
};

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int connect_unix(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); exit(1); }
    return fd;
}

static int connect_tcp(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); exit(1); }
    return fd;
}

/* An MQTT 3.1.1 CONNECT (client id "fanout-I", clean session, keepalive off) followed by a
 * SUBSCRIBE to TOPIC at QoS 0, in `out`; the length. */
static int mqtt_hello(char *out, int i, const char *topic) {
    char id[32];
    int id_len = snprintf(id, sizeof id, "fanout-%d", i), t = strlen(topic), n = 0;
    out[n++] = 0x10;
    out[n++] = 10 + 2 + id_len;                      /* remaining length (< 128) */
    memcpy(out + n, "\0\4MQTT\4\2\0\0", 10), n += 10; /* protocol, level 4, clean, keepalive 0 */
    out[n++] = 0, out[n++] = id_len;
    memcpy(out + n, id, id_len), n += id_len;
    out[n++] = (char)0x82;
    out[n++] = 2 + 2 + t + 1;                         /* remaining length (< 128) */
    out[n++] = 0, out[n++] = 1;                       /* packet id */
    out[n++] = t >> 8, out[n++] = t & 0xff;
    memcpy(out + n, topic, t), n += t;
    out[n++] = 0;                                     /* QoS 0 */
    return n;
}

static void send_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; perror("write"); exit(1); }
        p += w; n -= w;
    }
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: fanout_client sse|redis|mqtt SOCKET|PORT N PID|CHANNEL|TOPIC\n"); return 64; }
    int redis = strcmp(argv[1], "redis") == 0, mqtt = strcmp(argv[1], "mqtt") == 0, n = atoi(argv[3]);
    const char *path = argv[2], *channel = argv[4];
    int refresh = !redis && !mqtt && strcmp(argv[4], "refresh") == 0;
    pid_t daemon = redis || refresh || mqtt ? 0 : atoi(argv[4]);
    if (mqtt && strlen(channel) > 100) { fprintf(stderr, "topic too long (at most 100 bytes)\n"); return 64; }
    int ep = epoll_create1(0);
    struct sub *subs = calloc(n, sizeof *subs);
    static char buf[1 << 16], request[256];
    int len = redis ? snprintf(request, sizeof request, "SUBSCRIBE %s\r\n", channel)
                    : snprintf(request, sizeof request, "GET /v1/events HTTP/1.1\r\nHost: streamd\r\n\r\n");
    /* MQTT: the topic's retained message (a station message) primes a subscriber. */
    const char *primer = redis ? "subscribe" : mqtt ? "\"sequence\"" : "event: snapshot";

    /* Blocking connects (a full listen backlog makes connect wait, not fail), then non-blocking. */
    for (int i = 0; i < n; i++) {
        subs[i].fd = mqtt ? connect_tcp(atoi(path)) : connect_unix(path);
        subs[i].open = 1;
        subs[i].got = -1;
        if (mqtt) len = mqtt_hello(request, i, channel);
        send_all(subs[i].fd, request, len);
        fcntl(subs[i].fd, F_SETFL, O_NONBLOCK);
        struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };
        epoll_ctl(ep, EPOLL_CTL_ADD, subs[i].fd, &e);
    }
    struct epoll_event in = { .events = EPOLLIN, .data.u32 = (unsigned)-1 };   /* standard input */
    epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in);
    int publisher = redis || refresh ? connect_unix(path) : -1;

    char marker[128] = "";
    size_t marker_len = 0;
    long long t0 = 0, quiet_since = now_ns();
    int refused = 0, closed = 0, primed = 0, round = 0, announced = 0, got = 0;
    char line[256];
    size_t line_len = 0;
    struct epoll_event events[512];
    for (;;) {
        /* Between rounds: "ready" once every open subscriber is primed and nothing has come
         * for 300 ms (the rest of the initial data, the trailing events of the last change). */
        if (!round && !announced && primed + refused + closed >= n && now_ns() - quiet_since > 300000000LL) {
            printf("ready %d %d\n", primed, refused);
            fflush(stdout);
            announced = 1;
        }
        /* A round ends when everyone open has the marker, or after 5 s. */
        if (round && (got >= n - refused - closed || now_ns() - t0 > 5000000000LL)) {
            printf("round %d %d\ntimes", got, closed);
            for (int i = 0; i < n; i++)
                if (subs[i].got >= 0) printf(" %.1f", subs[i].got / 1000.0);
            printf("\n");
            fflush(stdout);
            /* PUBLISH's reply (the receivers count), or the refresh's 202 */
            if (publisher >= 0) read(publisher, buf, sizeof buf);
            round = 0, announced = 0, quiet_since = now_ns();
        }
        int k = epoll_wait(ep, events, 512, 50);
        for (int j = 0; j < k; j++) {
            unsigned id = events[j].data.u32;
            if (id == (unsigned)-1) {   /* a command */
                ssize_t r = read(0, line + line_len, sizeof line - 1 - line_len);
                if (r <= 0) return 0;
                line_len += r;
                line[line_len] = 0;
                char *nl = strchr(line, '\n');
                if (!nl) continue;
                *nl = 0;
                int size = 0, watch = 0;
                long long given = 0;
                if (strncmp(line, "quit", 4) == 0) return 0;
                if (sscanf(line, "watch %100s %lld", marker, &given) == 2) {
                    watch = 1;
                } else if (sscanf(line, "go %100s %d %lld", marker, &size, &given) < 1) {
                    fprintf(stderr, "bad command %s\n", line);
                    return 64;
                }
                line_len = 0;
                marker_len = strlen(marker);
                got = 0;
                for (int i = 0; i < n; i++) subs[i].got = -1, subs[i].tail_len = 0;
                round = 1;
                t0 = given > 0 ? given : now_ns();
                if (watch || mqtt) {
                    /* the change comes from elsewhere */
                } else if (redis) {
                    if (size < (int)marker_len) size = marker_len;
                    char *payload = malloc(size + 1);
                    memset(payload, '.', size);
                    memcpy(payload, marker, marker_len);
                    char *cmd = malloc(size + 256);
                    int c = sprintf(cmd, "*3\r\n$7\r\nPUBLISH\r\n$%zu\r\n%s\r\n$%d\r\n", strlen(channel), channel, size);
                    memcpy(cmd + c, payload, size);
                    memcpy(cmd + c + size, "\r\n", 2);
                    send_all(publisher, cmd, c + size + 2);
                    free(cmd), free(payload);
                } else if (refresh) {
                    static const char post[] = "POST /v1/refresh?station=s0 HTTP/1.1\r\nHost: streamd\r\nContent-Length: 0\r\n\r\n";
                    send_all(publisher, post, sizeof post - 1);
                } else {
                    kill(daemon, SIGHUP);
                }
                continue;
            }
            struct sub *s = &subs[id];
            for (;;) {
                /* Keep the last TAIL bytes in front of the new ones, so a marker or primer
                 * cut in two by the reads is still found. */
                memcpy(buf, s->tail, s->tail_len);
                ssize_t r = read(s->fd, buf + s->tail_len, sizeof buf - s->tail_len);
                if (r < 0 && errno == EAGAIN) break;
                if (r <= 0) {   /* closed by the server */
                    epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
                    close(s->fd);
                    s->open = 0;
                    closed++;
                    if (s->primed) primed--;
                    break;
                }
                long long t = now_ns();
                quiet_since = t;
                size_t total = s->tail_len + r;
                if (!s->primed) {
                    if (!redis && memmem(buf, total, "HTTP/1.1 503", 12)) {
                        refused++;
                        epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
                        close(s->fd);
                        s->open = 0;
                        break;
                    }
                    if (memmem(buf, total, primer, strlen(primer))) s->primed = 1, primed++;
                }
                if (round && s->got < 0 && marker_len && memmem(buf, total, marker, marker_len)) {
                    s->got = t - t0;
                    got++;
                }
                s->tail_len = total < TAIL ? total : TAIL;
                memcpy(s->tail, buf + total - s->tail_len, s->tail_len);
            }
        }
    }
}
