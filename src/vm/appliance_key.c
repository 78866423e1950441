#include "vm/appliance_key.h"

#include <stdio.h>
#include <string.h>

#include "cas/sha256.h"
#include "util/cleanup.h"
#include "util/fs.h"

int volt_appliance_key(const char *image_id, const struct volt_kernel *k, const char *init, bool disk, char key[65],
		       char *agent_hex, char **inputs_out, struct volt_err *err)
{
	char agent[VOLT_SHA256_HEX];
	cleanup_free char *data = NULL;
	size_t len;
	if (volt_read_file(init, 256u << 20, &data, &len, err) < 0)
		return volt_err_prefix(err, "appliance: the agent");
	volt_sha256_buf(data, len, agent);
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

char *volt_appliance_path(const char *root, const char *key)
{
	return volt_path("%s/appliances/%s.cpio.zst", root, key);
}
