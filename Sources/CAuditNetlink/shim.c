#include "CAuditNetlink.h"
int auspex_netlink_placeholder(void) { return 0; }
