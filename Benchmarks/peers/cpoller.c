/* The peer of streamd's source polling: N URLs polled every INTERVAL ms on one libcurl multi
 * handle, with If-None-Match from the last ETag (so a 304 when nothing changed), bodies
 * counted and dropped (no parsing). What a station would otherwise write in C.
 *
 *   cc -O2 -o cpoller cpoller.c -lcurl
 *   cpoller URL_PREFIX N INTERVAL_MS SECONDS     polls URL_PREFIX0 .. URL_PREFIX(N-1)
 * Prints the number of polls completed. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct poll { CURL *easy; char url[512]; char etag[128]; struct curl_slist *headers; double due; size_t bytes; };

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static size_t body(char *data, size_t size, size_t n, void *user) { ((struct poll *)user)->bytes += size * n; return size * n; }

static size_t header(char *data, size_t size, size_t n, void *user) {
    struct poll *p = user;
    size_t len = size * n;
    if (len > 6 && strncasecmp(data, "ETag:", 5) == 0) {
        const char *v = data + 5;
        while (*v == ' ') v++;
        size_t vl = len - (v - data);
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) vl--;
        if (vl < sizeof p->etag) { memcpy(p->etag, v, vl); p->etag[vl] = 0; }
    }
    return len;
}

static void start(CURLM *multi, struct poll *p) {
    curl_easy_reset(p->easy);
    curl_easy_setopt(p->easy, CURLOPT_URL, p->url);
    curl_easy_setopt(p->easy, CURLOPT_WRITEFUNCTION, body);
    curl_easy_setopt(p->easy, CURLOPT_WRITEDATA, p);
    curl_easy_setopt(p->easy, CURLOPT_HEADERFUNCTION, header);
    curl_easy_setopt(p->easy, CURLOPT_HEADERDATA, p);
    curl_easy_setopt(p->easy, CURLOPT_PRIVATE, p);
    curl_slist_free_all(p->headers);
    p->headers = NULL;
    if (p->etag[0]) {
        char h[160];
        snprintf(h, sizeof h, "If-None-Match: %s", p->etag);
        p->headers = curl_slist_append(NULL, h);
    }
    curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, p->headers);
    curl_multi_add_handle(multi, p->easy);
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: cpoller URL_PREFIX N INTERVAL_MS SECONDS\n"); return 64; }
    int n = atoi(argv[2]);
    double interval = atoi(argv[3]) / 1000.0, end = now() + atof(argv[4]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    /* Keep one connection per URL between polls (the default cache shrinks with the handles
     * in the multi, which is few between polls). */
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)n);
    struct poll *polls = calloc(n, sizeof *polls);
    double t0 = now();
    for (int i = 0; i < n; i++) {
        polls[i].easy = curl_easy_init();
        snprintf(polls[i].url, sizeof polls[i].url, "%s%d", argv[1], i);
        polls[i].due = t0 + interval * i / n;
    }
    long done = 0;
    int running = 0;
    while (now() < end) {
        double t = now(), next = t + interval;
        for (int i = 0; i < n; i++) {
            if (polls[i].due > 0 && polls[i].due <= t) { polls[i].due = 0; start(multi, &polls[i]); }
            if (polls[i].due > 0 && polls[i].due < next) next = polls[i].due;
        }
        int wait = (int)((next - now()) * 1000 + 0.999);   /* round up: never spin */
        curl_multi_poll(multi, NULL, 0, wait < 0 ? 0 : (wait > 100 ? 100 : wait), NULL);
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            struct poll *p;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&p);
            curl_multi_remove_handle(multi, msg->easy_handle);
            if (msg->data.result == CURLE_OK) done++;
            p->due = now() + interval;
        }
    }
    printf("%ld\n", done);
    return 0;
}
