/* The device list (devices.h). */
#include "devices.h"

int devices_init(const char **failed)
{
	static const struct { const char *name; int (*init)(void); } list[] = {
		{ "COM1", com1_init },
		{ "isa-debug-exit", debug_exit_init },
		{ "fw_cfg", fw_cfg_dev_init },
		{ "PIC", pic_dev_init },
		{ "PIT", pit_dev_init },
	};

	for (unsigned i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
		int rc = list[i].init();

		if (rc) {
			*failed = list[i].name;
			return rc;
		}
	}
	return 0;
}
