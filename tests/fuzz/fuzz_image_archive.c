/* libFuzzer target: oci-archive and docker-archive import on arbitrary bytes:
 * the archive unpacker, index.json / manifest.json parsing, blob lookup and
 * layer application. Whatever the input, the unpacked work directory must be
 * gone after close and nothing may appear beside the store.
 *
 * An input that starts with "@@ " is a text description of the archive, so
 * that the fuzzer reaches the readers behind the unpacker (and the seeds in
 * tests/fuzz/seeds/fuzz_image_archive stay text):
 *   @@ NAME\n CONTENT...   a regular file (up to the next "\n@@ ")
 *   @@> NAME TARGET\n      a symlink
 * Anything else is written as the archive itself. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cas/store.h"
#include "image/source.h"
#include "util/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct volt_cas cas;
static char root[64], input[96];
static int ready;

/* count - entries of a directory, "." and ".." aside. */
static int count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* write_described - build the tar the "@@" text describes. */
static void write_described(const char *path, const char *in, size_t len)
{
	struct archive *a = archive_write_new();
	const char *end = in + len, *p = in;

	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		abort();
	while (p + 3 <= end && !memcmp(p, "@@", 2)) {
		int link = p[2] == '>';
		const char *name = p + 3 + link, *nl;
		const char *body, *next;
		if (name >= end) /* "@@>" with nothing after it */
			break;
		nl = memchr(name, '\n', (size_t)(end - name));
		if (!nl)
			break;
		body = nl + 1;
		next = memmem(body, (size_t)(end - body), "\n@@", 4);
		next = next ? next + 1 : end;
		char *line = strndup(name, (size_t)(nl - name));
		struct archive_entry *e = archive_entry_new();
		if (link) {
			char *sp = strchr(line, ' ');
			if (sp)
				*sp++ = '\0';
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, sp ? sp : "");
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_size(e, (la_int64_t)(next - body - (next < end)));
		}
		archive_entry_set_pathname(e, line);
		archive_entry_set_perm(e, 0644);
		if (archive_write_header(a, e) == ARCHIVE_OK && !link)
			archive_write_data(a, body, (size_t)(next - body - (next < end)));
		archive_entry_free(e);
		free(line);
		p = next;
	}
	archive_write_close(a);
	archive_write_free(a);
}

/* cleanup - remove the scratch store when libFuzzer exits. */
static void cleanup(void)
{
	struct volt_err err;
	volt_cas_close(&cas);
	volt_rm_rf(root, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[] = {"oci-archive:", "docker-archive:"};
	struct volt_err err;

	if (!ready) {
		snprintf(root, sizeof(root), "/tmp/volt-fuzz-src-XXXXXX");
		if (!mkdtemp(root) || volt_cas_open(&cas, root, &err) < 0)
			abort();
		snprintf(input, sizeof(input), "%s/input.tar", root);
		atexit(cleanup);
		ready = 1;
	}
	if (size >= 3 && !memcmp(data, "@@", 2)) {
		write_described(input, (const char *)data, size);
	} else {
		int fd = open(input, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, data, size) != (ssize_t)size)
			abort();
		close(fd);
	}
	for (size_t k = 0; k < 2; k++) {
		struct volt_image_source src;
		char spec[160], tmp[96];
		snprintf(spec, sizeof(spec), "%s%s", kinds[k], input);
		if (volt_image_source_open(&src, cas.dir, spec, &err) == 0) {
			struct volt_tree tree;
			char *config = NULL;
			json_t *layers = NULL;
			volt_tree_init(&tree);
			volt_image_source_apply(&src, &cas, &tree, &config, &layers, &err);
			free(config);
			json_decref(layers);
			volt_tree_free(&tree);
			volt_image_source_close(&src);
		}
		snprintf(tmp, sizeof(tmp), "%s/tmp", cas.dir);
		/* no work directory (nor object being written) is left behind */
		if (count(tmp) != 0 || count(root) != 2)
			abort();
	}
	return 0;
}
