/* volt pull.
 *
 * Theory of operation: the manifest (via the index and the platform, when the
 * reference names an index) and the config are fetched first. Then every
 * layer is handled by a worker thread (at most PULL_WORKERS at once): a layer
 * the store already recorded (layercache.h) is loaded from its record and not
 * downloaded; otherwise curl streams the blob into an in-process channel
 * (blobchan.c) and a second thread unpacks the other end with layer.c
 * (libarchive: gzip/zstd/plain), which hashes the raw bytes on the way and
 * hands each file to a third thread that stores it (filepipe.c). So
 * download, decompression, hashing and writing overlap inside a layer, and
 * layers proceed in parallel across cores. See docs/pull-speed.md. Each layer goes into a tree of
 * its own (whiteouts recorded, not applied); when all are there they are
 * stacked in order into the image tree, and the image is committed inside
 * the user namespace (the checkout sets the image's owners).
 *
 * A shared flock on cas/gc.lock is held from the first object written until
 * the ref is saved, so that `volt cas gc` (exclusive) never removes objects
 * this pull is about to reference. A layer whose digest does not match fails
 * the pull: no record, no ref; the objects it wrote are unreferenced and gc
 * removes them. */
#include "image/pull.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cas/admin.h"
#include "cas/store.h"
#include "image/image.h"
#include "image/blobchan.h"
#include "image/layer.h"
#include "image/layercache.h"
#include "image/manifest.h"
#include "image/pull_partial.h"
#include "image/reference.h"
#include "image/registry.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define PULL_WORKERS 6
#define CONFIG_MAX (8 << 20)

int volt_platform_parse(const char *spec, char **os, char **arch, char **variant, struct volt_err *err)
{
	*os = *arch = *variant = NULL;
	if (!spec) {
		struct utsname u;
		const char *a = "amd64", *v = NULL;
		uname(&u);
		if (!strcmp(u.machine, "aarch64"))
			a = "arm64";
		else if (!strncmp(u.machine, "armv7", 5))
			a = "arm", v = "v7";
		else if (!strcmp(u.machine, "i686") || !strcmp(u.machine, "i386"))
			a = "386";
		else if (!strcmp(u.machine, "ppc64le") || !strcmp(u.machine, "s390x") || !strcmp(u.machine, "riscv64"))
			a = u.machine;
		*os = strdup("linux");
		*arch = strdup(a);
		*variant = v ? strdup(v) : NULL;
		return 0;
	}
	const char *s1 = strchr(spec, '/');
	if (!s1 || s1 == spec || !s1[1])
		return volt_err_set(err, EINVAL, "invalid platform \"%s\": use os/arch[/variant]", spec);
	const char *s2 = strchr(s1 + 1, '/');
	if (s2 && (!s2[1] || strchr(s2 + 1, '/') || s2 == s1 + 1))
		return volt_err_set(err, EINVAL, "invalid platform \"%s\": use os/arch[/variant]", spec);
	*os = strndup(spec, (size_t)(s1 - spec));
	*arch = s2 ? strndup(s1 + 1, (size_t)(s2 - s1 - 1)) : strdup(s1 + 1);
	*variant = s2 ? strdup(s2 + 1) : NULL;
	return 0;
}

struct pull_layer {
	struct volt_pull_layer_info info;
	const struct volt_descriptor *d;
	struct volt_tree tree;
	json_t *whiteouts;
	int index;
	int ret;
	int64_t kept; /* bytes kept in the partial file when the pull stopped */
	struct volt_err err;
};

struct pull_job {
	struct volt_ctx *ctx;
	struct volt_registry reg;
	struct volt_cas cas;
	const struct volt_pull_opts *opts;
	char repo_digest[80]; /* the manifest (or index) the reference named: docker's RepoDigest */
	struct pull_layer *layers;
	int n_layers;
	int next;	    /* next layer to take (atomic) */
	int finished;	    /* layers done or failed (under mu) */
	volatile int stop;  /* a layer failed: others give up early */
	pthread_mutex_t mu; /* with cv: the reporting thread waits for "finished" */
	pthread_cond_t cv;
	/* for the commit */
	struct volt_tree image;
	char *config;
	json_t *layer_digests;
	char *name, *source;
};

/* the unpacking half of one layer */
struct unpack_arg {
	struct pull_job *job;
	struct pull_layer *l;
	struct volt_blobchan ch;
	struct volt_layer_stats st;
	struct volt_err err;
	int ret;
	char lname[96];
};

/* record_whiteout - layer.c callback: keep a whiteout for the stacking step. */
static int record_whiteout(void *arg, const char *path, int opaque)
{
	struct pull_layer *l = arg;
	return json_array_append_new(l->whiteouts, json_pack("{s:s,s:b}", "path", path, "opaque", opaque));
}

/* chan_next - layer.c source: the next bytes from the download. */
static ssize_t chan_next(void *arg, const void **out)
{
	return volt_blobchan_read(arg, out);
}

/* unpack_thread - the reading end of one layer's channel through layer.c. */
static void *unpack_thread(void *arg)
{
	struct unpack_arg *u = arg;
	struct volt_layer_opts lo = {
		.max_entry_size = u->job->opts->max_entry_size,
		.expect_digest = u->l->d->digest,
		.on_whiteout = record_whiteout,
		.whiteout_arg = u->l,
	};
	u->ret = volt_layer_apply_source(&u->job->cas, &u->l->tree, chan_next, &u->ch, u->l->index, u->lname, &lo,
					 &u->st, &u->err);
	/* closing our end makes a still-running download stop */
	volt_blobchan_close_reader(&u->ch);
	return NULL;
}

/* The download side of one layer: bytes go to the unpacker and are kept
 * (in memory, pull_partial.h) when the layer is big enough to be worth
 * resuming. */
struct tee {
	struct volt_partial part;
	struct volt_blobchan *ch;
	bool reader_gone; /* the unpacker stopped: its error is the layer's */
};

/* tee_sink - blob bytes from curl into the kept copy and the unpacker's
 * channel (blocking: a slow unpacker slows the download). Return 0 / -1. */
static int tee_sink(void *arg, const void *buf, size_t len)
{
	struct tee *t = arg;
	volt_partial_write(&t->part, buf, len);
	if (volt_blobchan_write(t->ch, buf, len) < 0) {
		t->reader_gone = true;
		return -1;
	}
	return 0;
}

/* feed_partial - the bytes an interrupted pull kept, to the unpacker first.
 * Return 0, -1 (a read failed or the unpacker stopped: fetch in full). */
static int feed_partial(struct tee *t, volatile int64_t *done)
{
	cleanup_free unsigned char *buf = malloc(1 << 18);
	int64_t off = 0;

	if (!buf)
		return -1;
	while (off < t->part.have) {
		size_t want = t->part.have - off < (1 << 18) ? (size_t)(t->part.have - off) : (1 << 18);
		ssize_t n = pread(t->part.fd, buf, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (volt_blobchan_write(t->ch, buf, (size_t)n) < 0) {
			t->reader_gone = true;
			return -1;
		}
		off += n;
		__atomic_add_fetch(done, (int64_t)n, __ATOMIC_RELAXED);
	}
	return 0;
}

/* fetch_layer - download and unpack one layer into l->tree: this thread
 * runs curl, a second one unpacks, a 1 MiB channel between them. A layer of
 * VOLT_PARTIAL_MIN or more is also kept while it comes (pull_partial.h),
 * and resumed from its partial file when an earlier pull stopped. */
static int fetch_layer(struct pull_job *job, struct pull_layer *l, struct volt_err *err)
{
	struct unpack_arg u = {.job = job, .l = l};
	struct tee t = {.ch = &u.ch, .part = {.fd = -1, .dirfd = -1, .mfd = -1}};
	pthread_t th;
	int ret;

	snprintf(u.lname, sizeof(u.lname), "%d (%.19s)", l->index + 1, l->d->digest);
	if (volt_blobchan_init(&u.ch, 1 << 20) < 0)
		return volt_err_set(err, ENOMEM, "layer %s", u.lname);
	if (l->d->size >= VOLT_PARTIAL_MIN)
		volt_partial_open(&job->cas, l->d->digest, l->d->size, &t.part);
	if (pthread_create(&th, NULL, unpack_thread, &u) != 0) {
		volt_partial_keep(&t.part);
		volt_blobchan_free(&u.ch);
		return volt_err_set(err, EAGAIN, "start unpacker thread");
	}
	l->info.state = VOLT_PULL_FETCHING;
	if (t.part.have > 0) {
		l->info.resumed = t.part.have;
		ret = feed_partial(&t, &l->info.done);
	} else {
		ret = 0;
	}
	if (ret == 0)
		ret = volt_registry_fetch_blob(&job->reg, l->d->digest, t.part.have, tee_sink, &t, &l->info.done,
					       &l->info.range_ignored, err);
	else if (!t.reader_gone)
		volt_err_set(err, EIO, "layer %s: read the partial download", u.lname);
	volt_blobchan_close_writer(&u.ch);
	pthread_join(th, NULL);
	volt_blobchan_free(&u.ch);
	if (ret < 0 && !t.reader_gone) {
		/* the download stopped (signal, connection lost for good): what
		 * came is kept for the next pull, which asks for the rest */
		l->kept = volt_partial_keep(&t.part);
	} else {
		volt_partial_drop(&t.part);
	}
	if (u.ret < 0) {
		/* the unpacker's error (hostile entry, digest mismatch, truncated
		 * stream) says more than the download's aborted write */
		*err = u.err;
		if (t.part.have > 0 && !l->kept)
			strncat(err->msg,
				" (the layer was resumed from an interrupted pull's partial download; "
				"that is removed: the next pull downloads it in full)",
				sizeof(err->msg) - strlen(err->msg) - 1);
		return -1;
	}
	if (ret < 0)
		return -1;
	if (l->d->size >= 0 && u.st.compressed != l->d->size)
		return volt_err_set(err, EINVAL, "layer %s: size %lld, the manifest says %lld", u.lname,
				    (long long)u.st.compressed, (long long)l->d->size);
	char diff[80];
	snprintf(diff, sizeof(diff), "sha256:%s", u.st.diff_id[0] ? u.st.diff_id : u.st.digest);
	return volt_layercache_save(&job->cas, l->d->digest, diff, u.st.compressed, &l->tree, l->whiteouts, err);
}

/* worker - take layers one by one: from its record, or fetched; the first
 * failure makes the other workers stop taking new layers. */
static void *worker(void *arg)
{
	struct pull_job *job = arg;
	int i;

	while (!job->stop && (i = __atomic_fetch_add(&job->next, 1, __ATOMIC_SEQ_CST)) < job->n_layers) {
		struct pull_layer *l = &job->layers[i];
		int r = volt_layercache_load(&job->cas, l->d->digest, &l->tree, &l->whiteouts, &l->err);
		if (r == 1) {
			l->info.done = l->info.size;
			l->info.state = VOLT_PULL_CACHED;
		} else if (r == 0) {
			l->whiteouts = json_array();
			r = fetch_layer(job, l, &l->err);
			l->info.state = r < 0 ? VOLT_PULL_FAILED : VOLT_PULL_DONE;
		} else {
			l->info.state = VOLT_PULL_FAILED;
		}
		l->ret = r < 0 ? -1 : 0;
		if (r < 0)
			job->stop = 1;
		pthread_mutex_lock(&job->mu);
		job->finished++;
		pthread_cond_signal(&job->cv);
		pthread_mutex_unlock(&job->mu);
	}
	return NULL;
}

/* report - a snapshot of every layer's state to the progress callback. */
static void report(struct pull_job *job, const char *ref, const char *phase, long long t0, bool final)
{
	cleanup_free struct volt_pull_layer_info *info = NULL;
	if (!job->opts->progress)
		return;
	info = calloc((size_t)job->n_layers + 1, sizeof(*info));
	if (!info)
		return;
	for (int i = 0; i < job->n_layers; i++)
		info[i] = job->layers[i].info;
	struct volt_pull_progress p = {.ref = ref,
				       .phase = phase,
				       .layers = info,
				       .n_layers = job->n_layers,
				       .elapsed_ns = volt_now_ns() - t0,
				       .final = final};
	job->opts->progress(job->opts->progress_arg, &p);
}

/* run_layers - all layers through the workers; the calling thread reports
 * every 100 ms and wakes as soon as a layer finishes, so the pull goes on
 * to the commit the moment the last layer is in (a plain 100 ms sleep cost
 * 50 ms on average at the end of every pull). */
static int run_layers(struct pull_job *job, const char *ref, long long t0, struct volt_err *err)
{
	int nw = job->n_layers < PULL_WORKERS ? job->n_layers : PULL_WORKERS;
	pthread_t th[PULL_WORKERS];
	int started = 0;

	for (; started < nw; started++)
		if (pthread_create(&th[started], NULL, worker, job) != 0)
			break;
	if (started == 0 && job->n_layers > 0)
		worker(job);
	pthread_mutex_lock(&job->mu);
	while (job->finished < job->n_layers && !job->stop) {
		struct timespec ts;
		pthread_mutex_unlock(&job->mu);
		report(job, ref, "layers", t0, false);
		pthread_mutex_lock(&job->mu);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		int prev = job->finished;
		while (job->finished == prev && !job->stop)
			if (pthread_cond_timedwait(&job->cv, &job->mu, &ts) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&job->mu);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < job->n_layers; i++) {
		if (job->layers[i].ret < 0) {
			*err = job->layers[i].err;
			report(job, ref, "failed", t0, true);
			return -1;
		}
	}
	return 0;
}

/* commit_in_userns - the ref, the checkout and the database row */
static int commit_in_userns(void *arg, char id_out[65], struct volt_err *err)
{
	struct pull_job *job = arg;
	return volt_image_commit(job->ctx, &job->cas, &job->image, job->config, job->layer_digests, job->name,
				 job->source, id_out, err);
}

/* resolve_manifest - the image manifest for ref (through an index). */
static int resolve_manifest(struct pull_job *job, const struct volt_ref *r, struct volt_manifest *m,
			    struct volt_err *err)
{
	cleanup_free char *body = NULL, *mt = NULL;
	cleanup_free char *os = NULL, *arch = NULL, *variant = NULL;
	size_t len;
	char digest[80];

	if (volt_registry_get_manifest(&job->reg, r->digest ? r->digest : r->tag, &body, &len, &mt, digest, err) < 0)
		return -1;
	snprintf(job->repo_digest, sizeof(job->repo_digest), "%s", digest);
	if (volt_manifest_parse(body, len, mt, m, err) < 0)
		return volt_err_prefix(err, "registry %s: %s", r->domain, r->path);
	if (!m->is_index)
		return 0;
	if (volt_platform_parse(job->opts->platform, &os, &arch, &variant, err) < 0)
		return -1;
	const struct volt_descriptor *d = volt_manifest_select(m, os, arch, variant, err);
	if (!d)
		return volt_err_prefix(err, "%s/%s", r->domain, r->path);
	char want[80];
	snprintf(want, sizeof(want), "%s", d->digest);
	volt_manifest_free(m);
	free(body);
	free(mt);
	body = mt = NULL;
	if (volt_registry_get_manifest(&job->reg, want, &body, &len, &mt, digest, err) < 0)
		return -1;
	if (volt_manifest_parse(body, len, mt, m, err) < 0)
		return volt_err_prefix(err, "registry %s: %s@%s", r->domain, r->path, want);
	if (m->is_index)
		return volt_err_set(err, EINVAL, "registry %s: %s@%s: an index inside an index", r->domain, r->path,
				    want);
	return 0;
}

/* gc_lock_shared - hold cas/gc.lock shared (see the theory above). */
static int gc_lock_shared(struct volt_cas *cas, struct volt_err *err)
{
	cleanup_free char *p = volt_path("%s/gc.lock", cas->dir);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return volt_err_sys(err, "open %s", p);
	while (flock(fd, LOCK_SH) < 0) {
		if (errno != EINTR) {
			close(fd);
			return volt_err_sys(err, "lock %s", p);
		}
	}
	return fd;
}

/* SIGINT/SIGTERM during a pull: the transfers stop (registry.c), the pull
 * fails, and what it stored goes (interrupted below) */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
	volt_registry_cancel();
}

/* interrupted - the pull was stopped by a signal: remove the objects of
 * the layers it did not finish (finished ones have their record and stay, so
 * the next pull does not download them again), when no other writer is at
 * work; else say how to. err gets the one line to print. */
static void interrupted(struct pull_job *job, const char *full, int *lockfd, struct volt_err *err)
{
	size_t removed = 0;
	struct volt_err gerr = {0};
	int64_t kept = 0;
	char partial[96] = "";
	err->exit_code = 128 + got_signal;
	for (int i = 0; i < job->n_layers; i++)
		kept += job->layers[i].kept;
	if (kept > 0) {
		char h[32];
		volt_human_size(kept, h, sizeof(h));
		snprintf(partial, sizeof(partial), ", and %s of unfinished downloads to resume", h);
	}
	if (*lockfd < 0) { /* before the first object */
		volt_err_set(err, 0, "pull %s: interrupted (%s) before anything was stored", full,
			     strsignal(got_signal));
		return;
	}
	close(*lockfd); /* our shared hold: the exclusive one below needs it gone */
	*lockfd = -1;
	int r = volt_cas_gc_unrecorded(&job->cas, &removed, &gerr);
	if (r == 0)
		volt_err_set(err, 0,
			     "pull %s: interrupted (%s); removed the %zu unfinished object(s) it stored, "
			     "finished layers are kept for the next pull%s",
			     full, strsignal(got_signal), removed, partial);
	else
		volt_err_set(err, 0, "pull %s: interrupted (%s); `volt cas gc` removes what it stored%s%s", full,
			     strsignal(got_signal), r < 0 ? " (" : " (another pull is writing)", r < 0 ? gerr.msg : "");
	if (r < 0)
		strncat(err->msg, ")", sizeof(err->msg) - strlen(err->msg) - 1);
}

int volt_image_pull(struct volt_ctx *ctx, const struct volt_idmap *map, const char *refstr,
		    const struct volt_pull_opts *opts, char id_out[65], struct volt_err *err)
{
	struct volt_pull_opts dflt = {.tls_verify = -1};
	struct pull_job job = {.ctx = ctx, .opts = opts ? opts : &dflt};
	struct volt_registry_opts ro = {.tls_verify = job.opts->tls_verify};
	struct volt_manifest m = {0};
	struct volt_ref r;
	cleanup_free char *full = NULL;
	cleanup_close int lockfd = -1;
	long long t0 = volt_now_ns();
	int ret = -1;
	size_t clen;

	if (volt_ref_parse(refstr, &r, err) < 0)
		return -1;
	full = volt_ref_string(&r);
	pthread_mutex_init(&job.mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&job.cv, &ca);
	pthread_condattr_destroy(&ca);
	volt_tree_init(&job.image);
	signal(SIGPIPE, SIG_IGN); /* a connection closed under us must not kill us */
	struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, NULL, &old_int);
	sigaction(SIGTERM, NULL, &old_term);
	/* a signal ignored by whoever started us (nohup, `cmd &`) stays so */
	if (old_int.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	if (old_term.sa_handler != SIG_IGN)
		sigaction(SIGTERM, &sa, NULL);
	if (volt_cas_open(&job.cas, ctx->root, err) < 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		volt_ref_free(&r);
		pthread_cond_destroy(&job.cv);
		pthread_mutex_destroy(&job.mu);
		return -1;
	}
	if (volt_registry_open(&job.reg, r.domain, r.path, &ro, err) < 0)
		goto out;
	report(&job, full, "manifest", t0, false);
	if (resolve_manifest(&job, &r, &m, err) < 0)
		goto out;
	if (volt_registry_get_blob_mem(&job.reg, m.config.digest, CONFIG_MAX, &job.config, &clen, err) < 0)
		goto out;
	if (strlen(job.config) != clen) {
		volt_err_set(err, EINVAL, "registry %s: config %s holds a NUL byte", r.domain, m.config.digest);
		goto out;
	}
	job.n_layers = (int)m.n_layers;
	job.layers = calloc(m.n_layers ? m.n_layers : 1, sizeof(*job.layers));
	job.layer_digests = json_array();
	if (!job.layers || !job.layer_digests) {
		job.n_layers = 0; /* the cleanup at out walks job.layers */
		volt_err_set(err, ENOMEM, "pull %s", full);
		goto out;
	}
	for (size_t i = 0; i < m.n_layers; i++) {
		struct pull_layer *l = &job.layers[i];
		l->d = &m.layers[i];
		l->index = (int)i;
		l->info.digest = m.layers[i].digest;
		l->info.size = m.layers[i].size;
		volt_tree_init(&l->tree);
		json_array_append_new(job.layer_digests, json_string(m.layers[i].digest));
	}
	if ((lockfd = gc_lock_shared(&job.cas, err)) < 0)
		goto out;
	if (run_layers(&job, full, t0, err) < 0) {
		volt_err_prefix(err, "pull %s", full);
		goto out;
	}
	for (int i = 0; i < job.n_layers; i++)
		if (volt_layercache_stack(&job.image, &job.layers[i].tree, job.layers[i].whiteouts, i, err) < 0)
			goto out;
	report(&job, full, "commit", t0, false);
	/* the name: repo:tag; a digest-only reference stays untagged */
	if (r.tag)
		job.name = volt_path("%s/%s:%s", r.domain, r.path, r.tag);
	/* with the digest it resolved to (images --digests), unless named */
	job.source = strchr(full, '@') || !job.repo_digest[0] ? volt_path("docker://%s", full) :
								volt_path("docker://%s@%s", full, job.repo_digest);
	ret = volt_userns_run_id(map, commit_in_userns, &job, id_out, err);
	if (ret == 0) {
		report(&job, full, "done", t0, true);
	} else {
		volt_err_prefix(err, "pull %s", full);
	}
out:
	if (ret < 0 && got_signal)
		interrupted(&job, full, &lockfd, err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (int i = 0; i < job.n_layers; i++) {
		volt_tree_free(&job.layers[i].tree);
		json_decref(job.layers[i].whiteouts);
	}
	free(job.layers);
	json_decref(job.layer_digests);
	free(job.config);
	free(job.name);
	free(job.source);
	volt_tree_free(&job.image);
	volt_manifest_free(&m);
	volt_registry_close(&job.reg);
	volt_cas_close(&job.cas);
	volt_ref_free(&r);
	pthread_cond_destroy(&job.cv);
	pthread_mutex_destroy(&job.mu);
	return ret;
}
