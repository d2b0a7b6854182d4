// SPDX-License-Identifier: GPL-2.0
/*
 * A VE's capabilities (caps.h).  The defaults are OpenVZ's: a VE's root
 * may do what a machine's root does to its own files, processes and
 * network, but not load modules, set the clock, do raw I/O, account
 * processes, reconfigure ttys, or anything of the node's audit, MAC,
 * syslog, power and performance monitoring.  The kernel confines what
 * it keeps beyond that (CAP_SYS_ADMIN: mounts, devices, sysctls; see
 * Documentation/ve-api.rst, "Containment").
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>

#include <linux/capability.h>

#include "caps.h"
#include "util.h"

static const struct {
	const char *name;
	unsigned int cap;
	bool on;		/* OpenVZ's default */
} caps[] = {
	{ "CHOWN", CAP_CHOWN, true },
	{ "DAC_OVERRIDE", CAP_DAC_OVERRIDE, true },
	{ "DAC_READ_SEARCH", CAP_DAC_READ_SEARCH, true },
	{ "FOWNER", CAP_FOWNER, true },
	{ "FSETID", CAP_FSETID, true },
	{ "KILL", CAP_KILL, true },
	{ "SETGID", CAP_SETGID, true },
	{ "SETUID", CAP_SETUID, true },
	{ "SETPCAP", CAP_SETPCAP, true },
	{ "LINUX_IMMUTABLE", CAP_LINUX_IMMUTABLE, true },
	{ "NET_BIND_SERVICE", CAP_NET_BIND_SERVICE, true },
	{ "NET_BROADCAST", CAP_NET_BROADCAST, true },
	{ "NET_ADMIN", CAP_NET_ADMIN, true },
	{ "NET_RAW", CAP_NET_RAW, true },
	{ "IPC_LOCK", CAP_IPC_LOCK, true },
	{ "IPC_OWNER", CAP_IPC_OWNER, true },
	{ "SYS_MODULE", CAP_SYS_MODULE, false },
	{ "SYS_RAWIO", CAP_SYS_RAWIO, false },
	{ "SYS_CHROOT", CAP_SYS_CHROOT, true },
	{ "SYS_PTRACE", CAP_SYS_PTRACE, true },
	{ "SYS_PACCT", CAP_SYS_PACCT, false },
	{ "SYS_ADMIN", CAP_SYS_ADMIN, true },
	{ "SYS_BOOT", CAP_SYS_BOOT, true },
	{ "SYS_NICE", CAP_SYS_NICE, true },
	{ "SYS_RESOURCE", CAP_SYS_RESOURCE, true },
	{ "SYS_TIME", CAP_SYS_TIME, false },
	{ "SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG, false },
	{ "MKNOD", CAP_MKNOD, true },
	{ "LEASE", CAP_LEASE, true },
	{ "AUDIT_WRITE", CAP_AUDIT_WRITE, true },
	{ "AUDIT_CONTROL", CAP_AUDIT_CONTROL, false },
	{ "SETFCAP", CAP_SETFCAP, true },
	{ "MAC_OVERRIDE", CAP_MAC_OVERRIDE, false },
	{ "MAC_ADMIN", CAP_MAC_ADMIN, false },
	{ "SYSLOG", CAP_SYSLOG, false },
	{ "WAKE_ALARM", CAP_WAKE_ALARM, false },
	{ "BLOCK_SUSPEND", CAP_BLOCK_SUSPEND, false },
	{ "AUDIT_READ", CAP_AUDIT_READ, false },
	{ "PERFMON", CAP_PERFMON, false },
	{ "BPF", CAP_BPF, false },
	{ "CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE, false },
};

#define NR_CAPS	(sizeof(caps) / sizeof(caps[0]))

int cap_setting_parse(const char *s, unsigned int *cap, bool *on)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : 0;

	if (!colon)
		return -1;
	if (!strcasecmp(colon + 1, "on"))
		*on = true;
	else if (!strcasecmp(colon + 1, "off"))
		*on = false;
	else
		return -1;
	for (size_t i = 0; i < NR_CAPS; i++) {
		if (strlen(caps[i].name) == len &&
		    !strncasecmp(caps[i].name, s, len)) {
			*cap = caps[i].cap;
			return 0;
		}
	}
	return -1;
}

uint64_t ve_caps(const struct ve_conf *vc)
{
	char *setting = ve_conf_get(vc, "CAPABILITY");
	struct strlist l = { 0 };
	uint64_t mask = 0;

	for (size_t i = 0; i < NR_CAPS; i++)
		if (caps[i].on)
			mask |= 1ULL << caps[i].cap;
	strlist_split(&l, setting);
	for (size_t i = 0; i < l.n; i++) {
		unsigned int cap;
		bool on;

		if (cap_setting_parse(l.v[i], &cap, &on)) {
			vz_error("Unknown capability setting %s in CAPABILITY: ignored",
				 l.v[i]);
			continue;
		}
		if (on)
			mask |= 1ULL << cap;
		else
			mask &= ~(1ULL << cap);
	}
	strlist_free(&l);
	free(setting);
	return mask;
}

/* The config's spelling of a setting: NAME:on, upper case. */
static char *setting_canonical(const char *s)
{
	char *c = xstrdup(s);

	for (char *p = c; *p && *p != ':'; p++)
		*p = (char)toupper((unsigned char)*p);
	for (char *p = strchr(c, ':') + 1; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return c;
}

char *caps_setting_apply(const char *cur, const char *s)
{
	struct strlist l = { 0 };
	unsigned int cap, old;
	char *canon, *out;
	bool on;

	strlist_split(&l, cur);
	cap_setting_parse(s, &cap, &on);
	for (size_t i = 0; i < l.n;) {
		if (!cap_setting_parse(l.v[i], &old, &on) && old == cap) {
			char *gone = xstrdup(l.v[i]);

			strlist_del(&l, gone);
			free(gone);
			continue;
		}
		i++;
	}
	canon = setting_canonical(s);
	strlist_add(&l, canon);
	free(canon);
	out = strlist_join(&l, " ");
	strlist_free(&l);
	return out;
}

int caps_drop_bset(uint64_t keep)
{
	for (unsigned int cap = 0; cap < 64; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
			if (errno == EINVAL)
				break;	/* past the kernel's last capability */
			return -1;
		}
	}
	return 0;
}
