/*
 * mcast-blast: sends small multicast UDP datagrams at a steady rate, for the live capture bench
 * (test/bench/live-bench.ts compiles it with gcc at bench time; no binary is committed).
 *
 *   mcast-blast SOURCE_ADDR GROUP PORT PPS SECONDS
 *
 * Datagrams go out of the interface holding SOURCE_ADDR, TTL 1, 18 bytes of payload (a 60-byte
 * Ethernet frame), in batches of up to BATCH through sendmmsg, paced against CLOCK_MONOTONIC.
 * Prints the number of datagrams sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PAYLOAD_LENGTH 18

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s SOURCE_ADDR GROUP PORT PPS SECONDS\n", argv[0]);
    return 2;
  }
  const double pps = atof(argv[4]);
  const double seconds = atof(argv[5]);
  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  if (sock < 0) { perror("socket"); return 1; }
  struct in_addr source;
  if (inet_pton(AF_INET, argv[1], &source) != 1) { fprintf(stderr, "bad source %s\n", argv[1]); return 2; }
  if (setsockopt(sock, IPPROTO_IP, IP_MULTICAST_IF, &source, sizeof source) < 0) { perror("IP_MULTICAST_IF"); return 1; }
  unsigned char ttl = 1;
  setsockopt(sock, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
  struct sockaddr_in group = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[3])) };
  if (inet_pton(AF_INET, argv[2], &group.sin_addr) != 1) { fprintf(stderr, "bad group %s\n", argv[2]); return 2; }

  unsigned char payload[BATCH][PAYLOAD_LENGTH];
  struct iovec iov[BATCH];
  struct mmsghdr messages[BATCH];
  memset(messages, 0, sizeof messages);
  for (int i = 0; i < BATCH; i++) {
    iov[i].iov_base = payload[i];
    iov[i].iov_len = PAYLOAD_LENGTH;
    messages[i].msg_hdr.msg_iov = &iov[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &group;
    messages[i].msg_hdr.msg_namelen = sizeof group;
  }

  unsigned long long sent = 0;
  const double start = now_seconds();
  for (;;) {
    const double elapsed = now_seconds() - start;
    if (elapsed >= seconds) break;
    const unsigned long long due = (unsigned long long)(elapsed * pps);
    if (sent >= due) {
      struct timespec pause = { 0, 200000 };
      nanosleep(&pause, NULL);
      continue;
    }
    unsigned long long want = due - sent;
    int count = want > BATCH ? BATCH : (int)want;
    for (int i = 0; i < count; i++) {
      unsigned long long sequence = sent + (unsigned long long)i;
      memcpy(payload[i], &sequence, sizeof sequence);
    }
    int done = sendmmsg(sock, messages, (unsigned int)count, 0);
    if (done > 0) sent += (unsigned long long)done;
  }
  printf("%llu\n", sent);
  close(sock);
  return 0;
}
