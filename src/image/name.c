/* Image names and store paths: small, and needed on the container start path
 * (kept apart from import.c so that volt need not link libarchive). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "util/fs.h"

int volt_image_parse_name(const char *name, char **repo, char **tag, struct volt_err *err)
{
	const char *slash = strrchr(name, '/');
	const char *colon = strrchr(name, ':');
	const char *at = strchr(name, '@');
	size_t rlen;

	if (!name[0])
		return volt_err_set(err, EINVAL, "image name is empty");
	if (at)
		return volt_err_set(err, EINVAL, "invalid image name \"%s\": digests are not names", name);
	if (colon && (!slash || colon > slash)) {
		rlen = (size_t)(colon - name);
		if (!colon[1] || strlen(colon + 1) > 128)
			return volt_err_set(err, EINVAL, "invalid image name \"%s\": bad tag", name);
		for (const char *p = colon + 1; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
				return volt_err_set(err, EINVAL, "invalid image name \"%s\": bad tag", name);
	} else {
		rlen = strlen(name);
	}
	if (rlen == 0 || rlen > 255)
		return volt_err_set(err, EINVAL, "invalid image name \"%s\"", name);
	for (size_t i = 0; i < rlen; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (!(islower(ch) || isdigit(ch) || ch == '.' || ch == '_' || ch == '-' || ch == '/' || ch == ':'))
			return volt_err_set(err, EINVAL,
					    "invalid image name \"%s\": use lowercase letters, digits, . _ - /", name);
	}
	if (name[0] == '/' || name[rlen - 1] == '/' || strstr(name, "//"))
		return volt_err_set(err, EINVAL, "invalid image name \"%s\"", name);
	*repo = strndup(name, rlen);
	*tag = strdup(colon && (!slash || colon > slash) ? colon + 1 : "latest");
	return 0;
}

char *volt_image_checkout_path(struct volt_ctx *ctx, const char *image_id)
{
	return volt_path("%s/cas/checkouts/%s", ctx->root, image_id);
}
