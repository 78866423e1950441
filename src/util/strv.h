/* String vectors (NULL-terminated char **, freed with volt_strv_free from
 * util/cleanup.h), KEY=VALUE environments and signal names. */
#ifndef VOLT_UTIL_STRV_H
#define VOLT_UTIL_STRV_H

#include <stddef.h>

size_t volt_strv_len(char **v);
int volt_strv_push(char ***v, const char *s);
char **volt_strv_dup(char *const *v);
/* volt_env_set - set KEY=VALUE in an env vector, replacing an existing KEY. */
int volt_env_set(char ***env, const char *kv);
const char *volt_env_get(char **env, const char *key);

/* volt_signal_parse - "TERM", "SIGTERM", "15" -> 15; -1 if unknown. */
int volt_signal_parse(const char *s);
const char *volt_signal_name(int sig);

#endif
