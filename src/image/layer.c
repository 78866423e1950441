#include "image/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/filepipe.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define DEFAULT_MAX_ENTRY (16LL << 30)

/* The raw blob passes through this reader: libarchive asks for bytes, we hash
 * them as they go by, so the digest check costs no second read. */
struct blob_reader {
	int fd;
	volt_layer_next_fn next; /* or bytes from a callback (registry pull) */
	void *next_arg;
	const unsigned char *mem;
	size_t mem_len, mem_off;
	struct volt_sha256 sha;
	int64_t total;
	unsigned char buf[1 << 17];
};

static la_ssize_t blob_read(struct archive *a, void *data, const void **out)
{
	struct blob_reader *r = data;
	ssize_t n;

	if (r->next) {
		n = r->next(r->next_arg, out);
		if (n < 0) {
			if (a)
				archive_set_error(a, EIO, "read");
			return -1;
		}
	} else if (r->mem) {
		n = (ssize_t)(r->mem_len - r->mem_off);
		if (n > (ssize_t)sizeof(r->buf))
			n = sizeof(r->buf);
		*out = r->mem + r->mem_off;
		r->mem_off += (size_t)n;
	} else {
		do
			n = read(r->fd, r->buf, sizeof(r->buf));
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			if (a)
				archive_set_error(a, errno, "read");
			return -1;
		}
		*out = r->buf;
	}
	volt_sha256_update(&r->sha, *out, (size_t)n);
	r->total += n;
	return n;
}

/* drain - hash whatever libarchive did not read (trailing padding). */
static void drain(struct blob_reader *r)
{
	struct archive *dummy = NULL;
	const void *p;
	while (blob_read(dummy, r, &p) > 0)
		;
}

static int entry_error(struct volt_err *err, const char *layer, const char *entry, int errnum, const char *why)
{
	return volt_err_set(err, errnum, "layer %s: entry \"%s\": %s", layer, entry, why);
}

/* pipe_failed - the file writer thread failed: its error (stops the thread). */
static int pipe_failed(struct volt_filepipe *fp, const char *lname, struct volt_err *err)
{
	if (volt_filepipe_finish(fp, err) == 0)
		volt_err_set(err, EIO, "file writer stopped");
	return volt_err_prefix(err, "layer %s", lname);
}

/* store_content - queue the entry's content for the file writer thread
 * (filepipe.c); e->digest gets a placeholder "#<job>" that fill_digests
 * replaces once the writer is done, e->size the size read. */
static int store_content(struct volt_filepipe *fp, struct archive *a, struct volt_tree_entry *e, const char *lname,
			 const char *ename, struct volt_err *err)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int64_t size = 0;
	uint32_t job;
	int r;

	if (volt_filepipe_begin(fp, (e->mode & 0111) != 0, &job) < 0)
		return pipe_failed(fp, lname, err);
	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		/* sparse tar entries come as blocks with holes: fill them */
		if (off > size) {
			static const char zeros[65536];
			while (size < off) {
				size_t z = (size_t)(off - size) < sizeof(zeros) ? (size_t)(off - size) : sizeof(zeros);
				if (volt_filepipe_data(fp, zeros, z) < 0)
					return pipe_failed(fp, lname, err);
				size += (int64_t)z;
			}
		}
		if (volt_filepipe_data(fp, buf, len) < 0)
			return pipe_failed(fp, lname, err);
		size += (int64_t)len;
	}
	if (r != ARCHIVE_EOF)
		return volt_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : EIO, "layer %s: entry \"%s\": %s",
				    lname, ename, archive_error_string(a));
	if (volt_filepipe_end(fp) < 0)
		return pipe_failed(fp, lname, err);
	e->size = size;
	snprintf(e->digest, sizeof(e->digest), "#%u", job);
	return 0;
}

/* fill_digests - after the file writer finished: every placeholder digest
 * in the tree (this layer's files, and hardlinks that copied them) gets the
 * stored file's digest and size. Return 0, -1 when a job has no result. */
static int fill_digests(struct volt_tree *tree, struct volt_filepipe *fp, const char *lname, struct volt_err *err)
{
	for (size_t i = 0; i < tree->n; i++) {
		struct volt_tree_entry *e = &tree->e[i];
		if (e->type != VOLT_T_FILE || e->digest[0] != '#')
			continue;
		uint32_t job = (uint32_t)strtoul(e->digest + 1, NULL, 10);
		if (volt_filepipe_result(fp, job, e->digest, &e->size) < 0)
			return volt_err_set(err, EIO, "layer %s: entry \"%s\": content was not stored", lname, e->path);
	}
	return 0;
}

static int apply_entry(struct volt_filepipe *fp, struct volt_tree *tree, struct archive *a, struct archive_entry *ae,
		       int index, const char *lname, const struct volt_layer_opts *opts, struct volt_layer_stats *st,
		       struct volt_err *err)
{
	const char *raw = archive_entry_pathname(ae);
	struct volt_err nerr;
	cleanup_free char *path = NULL;
	const char *base;
	mode_t ftype = archive_entry_filetype(ae);
	int64_t max = opts && opts->max_entry_size ? opts->max_entry_size : DEFAULT_MAX_ENTRY;

	if (!raw)
		return entry_error(err, lname, "?", EINVAL, "entry without a name");
	path = volt_tree_normalize(raw, &nerr);
	if (!path)
		return entry_error(err, lname, raw, EINVAL, "path contains \"..\"");
	base = strrchr(path, '/');
	base = base ? base + 1 : path;

	/* OCI whiteouts */
	if (!strncmp(base, ".wh.", 4)) {
		size_t dlen = (size_t)(base - path);
		cleanup_free char *dir = strndup(path, dlen ? dlen - 1 : 0);
		if (!strcmp(base, ".wh..wh..opq")) {
			if (opts && opts->on_whiteout)
				return opts->on_whiteout(opts->whiteout_arg, dir, 1) < 0 ?
					       entry_error(err, lname, raw, ENOMEM, "whiteout") :
					       0;
			volt_tree_opaque(tree, dir, index);
			return 0;
		}
		cleanup_free char *victim = dlen ? volt_path("%s/%s", dir, base + 4) : strdup(base + 4);
		if (!victim[0] || !strcmp(base + 4, ".") || !strcmp(base + 4, ".."))
			return entry_error(err, lname, raw, EINVAL, "malformed whiteout");
		if (opts && opts->on_whiteout)
			return opts->on_whiteout(opts->whiteout_arg, victim, 0) < 0 ?
				       entry_error(err, lname, raw, ENOMEM, "whiteout") :
				       0;
		volt_tree_remove(tree, victim);
		return 0;
	}

	struct volt_tree_entry e = {
		.mode = (uint32_t)archive_entry_perm(ae) & 07777,
		.uid = (uint32_t)archive_entry_uid(ae),
		.gid = (uint32_t)archive_entry_gid(ae),
		.mtime = archive_entry_mtime(ae),
		.mtime_nsec = archive_entry_mtime_is_set(ae) ? (uint32_t)archive_entry_mtime_nsec(ae) : 0,
		.layer = index,
	};
	const char *hl = archive_entry_hardlink(ae);
	if (hl) {
		cleanup_free char *t = volt_tree_normalize(hl, &nerr);
		if (!t)
			return entry_error(err, lname, raw, EINVAL, "hardlink target contains \"..\"");
		struct volt_tree_entry *te = volt_tree_find(tree, t);
		if (!te || te->type != VOLT_T_FILE)
			return entry_error(err, lname, raw, ENOENT,
					   "hardlink target is not a regular file of the image");
		e = *te;
		e.path = NULL;
		e.layer = index;
		/* link to the first of the chain, which is what the checkout creates */
		e.target = strdup(te->target ? te->target : te->path);
		e.path = steal_ptr(path);
		return volt_tree_put(tree, &e, err) < 0 ? volt_err_prefix(err, "layer %s", lname) : 0;
	}
	switch (ftype) {
	case AE_IFDIR: e.type = VOLT_T_DIR; break;
	case AE_IFREG:
		e.type = VOLT_T_FILE;
		if (archive_entry_size_is_set(ae) && archive_entry_size(ae) > max)
			return entry_error(err, lname, raw, EFBIG, "larger than the configured bound");
		if (store_content(fp, a, &e, lname, raw, err) < 0)
			return -1;
		st->files++;
		st->bytes += e.size;
		break;
	case AE_IFLNK:
		e.type = VOLT_T_SYMLINK;
		if (!archive_entry_symlink(ae))
			return entry_error(err, lname, raw, EINVAL, "symlink without a target");
		e.target = strdup(archive_entry_symlink(ae));
		break;
	case AE_IFIFO: e.type = VOLT_T_FIFO; break;
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFSOCK:
		/* device nodes cannot be created without privilege and have no place in
		 * an image layer; the container gets its /dev from volt */
		st->skipped_devices++;
		return 0;
	default: return entry_error(err, lname, raw, EINVAL, "unsupported entry type");
	}
	e.path = steal_ptr(path);
	if (volt_tree_put(tree, &e, err) < 0)
		return volt_err_prefix(err, "layer %s", lname);
	return 0;
}

static int apply(struct volt_cas *cas, struct volt_tree *tree, struct blob_reader *r, int index, const char *name,
		 const struct volt_layer_opts *opts, struct volt_layer_stats *st, struct volt_err *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct volt_filepipe *fp = NULL;
	int ret = -1, rr;

	memset(st, 0, sizeof(*st));
	if (!a || volt_sha256_init(&r->sha) < 0) {
		archive_read_free(a);
		return volt_err_set(err, ENOMEM, "layer %s", name);
	}
	if (volt_filepipe_start(&fp, cas, err) < 0) {
		volt_err_prefix(err, "layer %s", name);
		goto out;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_empty(a);
	if (archive_read_open(a, r, NULL, blob_read, NULL) != ARCHIVE_OK) {
		volt_err_set(err, EINVAL, "layer %s: %s", name, archive_error_string(a));
		goto out;
	}
	while ((rr = archive_read_next_header(a, &ae)) == ARCHIVE_OK || rr == ARCHIVE_WARN) {
		if (apply_entry(fp, tree, a, ae, index, name, opts, st, err) < 0)
			goto out;
	}
	if (rr != ARCHIVE_EOF) {
		volt_err_set(err, EINVAL, "layer %s: %s", name,
			     archive_error_string(a) ? archive_error_string(a) : "not a tar archive");
		goto out;
	}
	/* every file stored: the tree gets the real digests */
	if (volt_filepipe_finish(fp, err) < 0) {
		volt_err_prefix(err, "layer %s", name);
		goto out;
	}
	if (fill_digests(tree, fp, name, err) < 0)
		goto out;
	drain(r);
	st->compressed = r->total;
	volt_sha256_final(&r->sha, st->digest);
	if (opts && opts->expect_digest) {
		const char *want = opts->expect_digest;
		if (!strncmp(want, "sha256:", 7))
			want += 7;
		if (strcmp(want, st->digest)) {
			volt_err_set(err, EINVAL, "layer %s: digest mismatch: expected sha256:%s, got sha256:%s", name,
				     want, st->digest);
			goto out;
		}
	}
	ret = 0;
out:
	volt_filepipe_free(fp); /* on failure: stops the writer, drops what it was writing */
	if (r->sha.ctx)
		volt_sha256_abort(&r->sha);
	archive_read_free(a);
	return ret;
}

int volt_layer_apply(struct volt_cas *cas, struct volt_tree *tree, int fd, int index, const char *name,
		     const struct volt_layer_opts *opts, struct volt_layer_stats *stats, struct volt_err *err)
{
	cleanup_free struct blob_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return volt_err_set(err, ENOMEM, "layer %s", name);
	r->fd = fd;
	return apply(cas, tree, r, index, name, opts, stats, err);
}

int volt_layer_apply_mem(struct volt_cas *cas, struct volt_tree *tree, const void *buf, size_t len, int index,
			 const char *name, const struct volt_layer_opts *opts, struct volt_layer_stats *stats,
			 struct volt_err *err)
{
	cleanup_free struct blob_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return volt_err_set(err, ENOMEM, "layer %s", name);
	r->fd = -1;
	r->mem = buf;
	r->mem_len = len;
	return apply(cas, tree, r, index, name, opts, stats, err);
}

int volt_layer_apply_source(struct volt_cas *cas, struct volt_tree *tree, volt_layer_next_fn next, void *next_arg,
			    int index, const char *name, const struct volt_layer_opts *opts,
			    struct volt_layer_stats *stats, struct volt_err *err)
{
	cleanup_free struct blob_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return volt_err_set(err, ENOMEM, "layer %s", name);
	r->fd = -1;
	r->next = next;
	r->next_arg = next_arg;
	return apply(cas, tree, r, index, name, opts, stats, err);
}
