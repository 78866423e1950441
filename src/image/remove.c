/* Removing images: the name goes first; the image (its ref and checkout)
 * when no name and no container is left. Objects stay for `volt cas gc`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct rm_dirs {
	const char *checkout;
};

static int rm_checkout(void *arg, struct volt_err *err)
{
	struct rm_dirs *d = arg;
	return volt_rm_rf(d->checkout, err);
}

int volt_image_remove(struct volt_ctx *ctx, const struct volt_idmap *map, const char *ref, bool force, char *removed_id,
		      struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_image_row img;
	int r, users, names;
	cleanup_free char *checkout = NULL, *tree = NULL;

	if (!db)
		return -1;
	r = volt_db_image_find(db, ref, &img, err);
	if (r < 0)
		return -1;
	if (r > 0)
		return volt_err_said(err, ENOENT, "image %s: no such image", ref);
	memcpy(removed_id, img.id, 65);
	removed_id[64] = '\0';
	/* everything is decided before anything changes: a refused rmi
	 * leaves the image and its names as they were */
	users = volt_db_image_users(db, img.id, err);
	if (users < 0)
		goto fail;
	names = volt_db_image_name_count(db, img.id, err);
	if (names < 0)
		goto fail;
	bool by_name = img.repo && (strstr(ref, img.repo) != NULL);
	if (!by_name && names > 0 && !force) {
		volt_err_said(err, EBUSY, "image %.12s has %d names: remove them by name, or use -f", img.id, names);
		goto fail;
	}
	/* the last name of an image that containers use: docker's conflict;
	 * -f takes the name and the image stays (<none>) for them */
	if (users > 0 && !force && (!by_name || names <= 1)) {
		volt_err_set(err, 0,
			     "image %s (%.12s) is used by %d container(s): remove them first, or use -f to "
			     "remove %s only",
			     ref, img.id, users, by_name ? "the name" : "its names");
		goto fail;
	}
	if (by_name && (names > 1 || users > 0)) {
		/* by name: drop that name; the image goes with its last one */
		if (volt_db_image_untag(db, img.repo, img.tag, err) < 0)
			goto fail;
		volt_image_row_free(&img);
		removed_id[0] = '\0';
		return 0; /* only untagged */
	}
	if (users > 0) { /* by id, -f: its names go, the image stays for its containers */
		if (volt_db_image_untag_all(db, img.id, err) < 0)
			goto fail;
		volt_image_row_free(&img);
		removed_id[0] = '\0';
		return 0;
	}
	checkout = volt_image_checkout_path(ctx, img.id);
	tree = volt_path("%s/cas/refs/%s.tree", ctx->root, img.id);
	struct rm_dirs d = {checkout};
	if (volt_userns_run(map, rm_checkout, &d, err) < 0)
		goto fail;
	unlink(tree);
	if (volt_db_image_delete(db, img.id, err) < 0)
		goto fail;
	volt_image_row_free(&img);
	return 0;
fail:
	volt_image_row_free(&img);
	return -1;
}
