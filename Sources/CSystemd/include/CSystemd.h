#ifndef CSYSTEMD_H
#define CSYSTEMD_H
/* Placeholder: journald and sd_notify shims are written under issue #4. */
int auspex_systemd_placeholder(void);
#endif
