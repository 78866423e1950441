/* archive_cleanup.h - libarchive handles released by attribute, beside the
 * cleanup_* helpers of util/cleanup.h (a header of its own: only the code
 * that reads or writes archives includes libarchive's header). */
#ifndef VOLT_UTIL_ARCHIVE_CLEANUP_H
#define VOLT_UTIL_ARCHIVE_CLEANUP_H

#include <archive.h>

static inline void volt_archive_read_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}
static inline void volt_archive_write_freep(struct archive **a)
{
	if (*a)
		archive_write_free(*a);
}

#define cleanup_archive_read __attribute__((cleanup(volt_archive_read_freep)))
#define cleanup_archive_write __attribute__((cleanup(volt_archive_write_freep)))

#endif
