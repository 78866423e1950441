#include "vm/appliance_key.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cas/sha256.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* agent_digest - the agent's digest: from cache_dir/vm-agent when that file
 * was written for this very file (path, inode, size, mtime), else read and
 * hashed (~0.8 MB each VM start otherwise) and written there; no cache_dir:
 * always hashed */
static int agent_digest(const char *init, const char *cache_dir, char hex[VOLT_SHA256_HEX], struct volt_err *err)
{
	struct stat st;
	struct volt_err ignore;
	cleanup_free char *file = cache_dir ? volt_path("%s/vm-agent", cache_dir) : NULL;
	cleanup_free char *id =
		file && stat(init, &st) == 0 ?
			volt_path("%s %llu %lld %lld.%09ld", init, (unsigned long long)st.st_ino, (long long)st.st_size,
				  (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec) :
			NULL;
	cleanup_free char *cached = NULL;
	size_t n = id ? strlen(id) : 0;
	if (id && volt_read_file(file, 8192, &cached, NULL, &ignore) == 0 && !strncmp(cached, id, n) &&
	    cached[n] == '\n' && strspn(cached + n + 1, "0123456789abcdef") == VOLT_SHA256_HEX - 1) {
		memcpy(hex, cached + n + 1, VOLT_SHA256_HEX - 1);
		hex[VOLT_SHA256_HEX - 1] = '\0';
		return 0;
	}
	cleanup_free char *data = NULL;
	size_t len;
	if (volt_read_file(init, 256u << 20, &data, &len, err) < 0)
		return volt_err_prefix(err, "appliance: the agent");
	volt_sha256_buf(data, len, hex);
	if (id) {
		cleanup_free char *line = volt_path("%s\n%s\n", id, hex);
		volt_write_file_atomic(file, line, strlen(line), 0600, &ignore);
	}
	return 0;
}

static int key_of(const char *cache_dir, const char *image_id, const struct volt_kernel *k, const char *init, bool disk,
		  char key[65], char *agent_hex, char **inputs_out, struct volt_err *err)
{
	char agent[VOLT_SHA256_HEX];
	if (agent_digest(init, cache_dir, agent, err) < 0)
		return -1;
	/* the initramfs strategy's inputs are those of the format's first
	 * appliances (their keys stay); a disk says so */
	cleanup_free char *inputs =
		volt_path("volt-appliance %d\nimage %s\nkernel %s %s\nagent %s\n%s", VOLT_APPLIANCE_FORMAT, image_id,
			  k->version, k->image, agent, disk ? "strategy disk\n" : "");
	volt_sha256_buf(inputs, strlen(inputs), key);
	if (agent_hex)
		memcpy(agent_hex, agent, VOLT_SHA256_HEX);
	if (inputs_out)
		*inputs_out = volt_steal_ptr(&inputs);
	return 0;
}

int volt_appliance_key(const char *image_id, const struct volt_kernel *k, const char *init, bool disk, char key[65],
		       char *agent_hex, char **inputs_out, struct volt_err *err)
{
	return key_of(NULL, image_id, k, init, disk, key, agent_hex, inputs_out, err);
}

int volt_appliance_key_cached(const char *cache_dir, const char *image_id, const struct volt_kernel *k,
			      const char *init, bool disk, char key[65], struct volt_err *err)
{
	return key_of(cache_dir, image_id, k, init, disk, key, NULL, NULL, err);
}

char *volt_appliance_path(const char *root, const char *key)
{
	return volt_path("%s/appliances/%s.cpio.zst", root, key);
}

int volt_appliance_file_arg(const char *arg, char **src, char **dest, struct volt_err *err)
{
	*src = *dest = NULL;
	/* the last ":/": a source may hold colons, a destination is absolute */
	const char *sep = NULL;
	for (const char *p = strstr(arg, ":/"); p; p = strstr(p + 1, ":/"))
		sep = p;
	if (!sep || sep == arg)
		return volt_err_set(err, EINVAL, "%s: not SRC:DEST (DEST absolute)", arg);
	char *d = malloc(strlen(sep) + 1), *o = d;
	if (!d)
		return volt_err_set(err, ENOMEM, "appliance");
	for (const char *p = sep + 1; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (!n)
			break;
		if ((n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2))) {
			free(d);
			return volt_err_set(err, EINVAL, "%s: DEST has a \".\" or \"..\" part", arg);
		}
		*o++ = '/';
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	if (!*d) {
		free(d);
		return volt_err_set(err, EINVAL, "%s: DEST is /", arg);
	}
	if (!(*src = strndup(arg, (size_t)(sep - arg)))) {
		free(d);
		return volt_err_set(err, ENOMEM, "appliance");
	}
	*dest = d;
	return 0;
}
