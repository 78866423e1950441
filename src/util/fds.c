/* Closing a child's inherited file descriptors (see fds.h). */
#include "util/fds.h"

#include <fcntl.h>
#include <unistd.h>

#include "util/syscalls.h"

void volt_fds_close_except(unsigned from, const int *keep, size_t n, unsigned flags)
{
	/* a handful of fds at most: an insertion sort into a small array,
	 * the rest (there are none) would merely stay open */
	int sorted[8];
	size_t k = 0;

	for (size_t i = 0; i < n && k < sizeof(sorted) / sizeof(sorted[0]); i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < from)
			continue;
		size_t j = k++;
		for (; j > 0 && sorted[j - 1] > keep[i]; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = keep[i];
	}
	for (size_t i = 0; i < k; i++) {
		if ((unsigned)sorted[i] < from)
			continue; /* a duplicate */
		if ((unsigned)sorted[i] > from)
			volt_close_range(from, (unsigned)sorted[i] - 1, flags);
		from = (unsigned)sorted[i] + 1;
	}
	volt_close_range(from, ~0U, flags);
}

void volt_fds_keep_only(unsigned null_mask, const int *keep, size_t n)
{
	if (null_mask) {
		/* not O_CLOEXEC: it may land on a closed 0-2 and be kept there */
		int null = open("/dev/null", O_RDWR);
		for (int i = 0; null >= 0 && i < 3; i++)
			if (null_mask & (1u << i))
				dup2(null, i);
		/* above 2 it goes with the rest below */
		if (null >= 0 && null <= 2 && !(null_mask & (1u << null)))
			close(null);
	}
	volt_fds_close_except(3, keep, n, 0);
}
