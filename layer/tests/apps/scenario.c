/* main() of every test app: see scenario.h. */
#define _GNU_SOURCE
#include "scenario.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int report_errno(FILE *out, const char *what) {
  fprintf(out, "error: %s %s\n", what, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
  return 1;
}

unsigned sockaddr_parse(const char *ip, int port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *in = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    return sizeof *in;
  }
  inet_pton(AF_INET6, ip, &in6->sin6_addr);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons((uint16_t)port);
  return sizeof *in6;
}

const char *sockaddr_show(const struct sockaddr_storage *ss, char *buf, unsigned long len) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss->ss_family == AF_INET) {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, ip, sizeof ip);
    port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
  } else if (ss->ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, ip, sizeof ip);
    port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
  }
  snprintf(buf, len, "%s:%d", ip, port);
  return buf;
}

struct job {
  int argc;
  char **argv;
  char *text;
  size_t len;
  int rc;
};

static void *thread_main(void *arg) {
  struct job *j = arg;
  FILE *out = open_memstream(&j->text, &j->len);
  j->rc = run_case(out, j->argc, j->argv);
  fclose(out);
  return NULL;
}

int main(int argc, char **argv) {
  const char *mode = getenv("SCENARIO_MODE");
  if (!mode || !strcmp(mode, "direct")) {
    int rc = run_case(stdout, argc - 1, argv + 1);
    fflush(stdout);
    return rc;
  }
  if (!strcmp(mode, "ctor")) {
    printf("the constructor of libscenario_ctor.so did not run the case\n");
    return 99;
  }
  if (!strcmp(mode, "threads")) {
    const char *n_text = getenv("SCENARIO_THREADS");
    int n = n_text ? atoi(n_text) : 8;
    struct job jobs[64];
    pthread_t threads[64];
    if (n > 64) n = 64;
    for (int i = 0; i < n; i++) {
      jobs[i] = (struct job){argc - 1, argv + 1, NULL, 0, 0};
      pthread_create(&threads[i], NULL, thread_main, &jobs[i]);
    }
    int failed = 0;
    for (int i = 0; i < n; i++) {
      pthread_join(threads[i], NULL);
      printf("[t%d rc=%d]\n%s", i, jobs[i].rc, jobs[i].text ? jobs[i].text : "");
      failed |= jobs[i].rc != 0;
      free(jobs[i].text);
    }
    return failed;
  }
  if (!strcmp(mode, "fork")) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return report_errno(stdout, "fork");
    if (pid == 0) {
      int rc = run_case(stdout, argc - 1, argv + 1);
      fflush(stdout);
      _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("[parent] child exit %d\n", code);
    return code;
  }
  if (!strcmp(mode, "exec")) {
    setenv("SCENARIO_MODE", "direct", 1);
    fflush(NULL);
    execv("/proc/self/exe", argv);
    return report_errno(stdout, "execv");
  }
  printf("unknown SCENARIO_MODE %s\n", mode);
  return 2;
}
