/*
 * What an exec'd program inherits from the layer (how-it-works.md §5.8): the environment keeps
 * LD_PRELOAD (with this library) and the MIRRORD_* hand-off variables even when the caller
 * passes its own envp, and MIRRORD_SHARED_SOCKETS carries the tracked sockets that survive the
 * exec so the new image keeps managing them.
 */
#ifndef LAYER_EXEC_ENV_H
#define LAYER_EXEC_ENV_H

struct exec_env {
  char **envp;       /* NULL-terminated, for execve/posix_spawn */
  char **owned;      /* strings allocated here */
  int owned_count;
};

/** Builds the environment for a new program from envp (NULL = environ). Returns 0 or -1. */
int exec_env_prepare(char *const envp[], struct exec_env *out);

void exec_env_free(struct exec_env *env);

/** In a new image: adopt MIRRORD_SHARED_SOCKETS entries whose fds are still open. */
void exec_env_import_sockets(void);

/** Serialises the tracked sockets that survive exec (not close-on-exec); malloc'd or NULL. */
char *exec_env_export_sockets(void);

#endif
