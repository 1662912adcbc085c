#include "CSystemd.h"
int auspex_systemd_placeholder(void) { return 0; }
