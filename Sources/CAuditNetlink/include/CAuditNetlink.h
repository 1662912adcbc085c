#ifndef CAUDITNETLINK_H
#define CAUDITNETLINK_H
/* Placeholder: the netlink shim is written under issue #2. */
int auspex_netlink_placeholder(void);
#endif
