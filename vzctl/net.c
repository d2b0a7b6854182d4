// SPDX-License-Identifier: GPL-2.0
/*
 * VE networking: address validation, the veth pair joining the VE to the
 * host bridge, and addresses inside the VE, configured by running the
 * host's ip(8) in the VE's network namespace (the VE's own file system
 * need not contain any tools).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net.h"
#include "util.h"
#include "ve.h"

/*
 * "a.b.c.d" or "a.b.c.d/len".  Only unicast addresses a VE can own:
 * not 0.0.0.0, loopback, multicast or the reserved/broadcast range.
 */
int ip_parse(const char *s, struct ve_ip *ip)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t a;

	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, &ip->addr) != 1)
		return -1;
	ip->prefix = -1;
	if (slash) {
		const char *p = slash + 1;
		int len = 0;

		if (!*p || strlen(p) > 2)
			return -1;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			len = len * 10 + (*p - '0');
		}
		if (len < 1 || len > 32)
			return -1;
		ip->prefix = len;
	}
	a = ntohl(ip->addr.s_addr);
	if (a == 0 || (a >> 24) == 127 || (a >> 28) >= 14)
		return -1;
	return 0;
}

/*
 * A VE address without an explicit length gets the length of the host
 * bridge's subnet if it lies in it (so VEs on the bridge reach each other
 * and the host directly), otherwise /32 with an on-link default route.
 */
int choose_prefix(const struct ve_ip *ip, struct in_addr bridge_addr,
		  int bridge_prefix)
{
	uint32_t mask;

	if (ip->prefix >= 0)
		return ip->prefix;
	if (bridge_prefix < 1 || bridge_prefix > 32)
		return 32;
	mask = bridge_prefix == 32 ? 0xffffffffu :
		~(0xffffffffu >> bridge_prefix);
	if ((ntohl(ip->addr.s_addr) & mask) ==
	    (ntohl(bridge_addr.s_addr) & mask))
		return bridge_prefix;
	return 32;
}

/* The first IPv4 address of the bridge and its prefix length. */
int bridge_ipv4(const char *bridge, struct in_addr *addr, int *prefix)
{
	struct ifaddrs *ifa, *i;
	int ret = -1;

	if (!bridge || !*bridge || getifaddrs(&ifa))
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		uint32_t m;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, bridge) || !i->ifa_netmask)
			continue;
		*addr = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
		m = ntohl(((struct sockaddr_in *)(void *)i->ifa_netmask)->sin_addr.s_addr);
		*prefix = 0;
		while (m & 0x80000000u) {
			(*prefix)++;
			m <<= 1;
		}
		ret = 0;
		break;
	}
	freeifaddrs(ifa);
	return ret;
}

int ve_ip_prefix(const struct ve_ip *ip, const char *bridge)
{
	struct in_addr baddr;
	int bprefix;

	if (ip->prefix >= 0)
		return ip->prefix;
	if (bridge_ipv4(bridge, &baddr, &bprefix))
		return 32;
	return choose_prefix(ip, baddr, bprefix);
}

/*
 * OpenVZ named the host end veth<VEID>.0.  Interface names have at most
 * IFNAMSIZ-1 characters, so VEIDs of 10 digits use vz<hex VEID>.0, which
 * can not clash with the decimal form.
 */
void veth_host_name(unsigned int veid, char *buf, size_t len)
{
	int n = snprintf(buf, len, "veth%u.0", veid);

	if (n < 0 || n >= IFNAMSIZ)
		snprintf(buf, len, "vz%x.0", veid);
}

/* Locally administered, derived from the VEID only: survives migration. */
void ve_mac(unsigned int veid, char *buf, size_t len)
{
	snprintf(buf, len, "02:00:%02x:%02x:%02x:%02x", (veid >> 24) & 0xff,
		 (veid >> 16) & 0xff, (veid >> 8) & 0xff, veid & 0xff);
}

int run_in_netns(pid_t init_pid, char *const argv[], bool quiet)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setns_pid(init_pid, "net", CLONE_NEWNET)) {
			fprintf(stderr, "Error: Unable to enter network namespace of pid %d: %s\n",
				(int)init_pid, strerror(errno));
			_exit(126);
		}
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int veth_create(unsigned int veid, pid_t init_pid, const char *bridge)
{
	char name[IFNAMSIZ + 8], mac[32], pidstr[16];

	veth_host_name(veid, name, sizeof(name));
	ve_mac(veid, mac, sizeof(mac));
	snprintf(pidstr, sizeof(pidstr), "%d", (int)init_pid);
	{
		char *argv[] = { "ip", "link", "add", name, "type", "veth",
				 "peer", "name", "eth0", "address", mac,
				 "netns", pidstr, NULL };

		if (run_argv(argv, false)) {
			vz_error("Unable to create veth pair %s", name);
			return VZ_VETH_ERROR;
		}
	}
	if (bridge && *bridge) {
		char *argv[] = { "ip", "link", "set", name, "master",
				 (char *)bridge, NULL };
		/* Not /sys: it shows the netns of whoever mounted it. */
		if (!if_nametoindex(bridge)) {
			vz_error("Bridge %s (VE_BRIDGE) does not exist", bridge);
			veth_remove(veid);
			return VZ_VETH_ERROR;
		}
		if (run_argv(argv, false)) {
			vz_error("Unable to add %s to bridge %s", name, bridge);
			veth_remove(veid);
			return VZ_VETH_ERROR;
		}
	}
	{
		char *argv[] = { "ip", "link", "set", name, "up", NULL };

		if (run_argv(argv, false)) {
			vz_error("Unable to bring %s up", name);
			veth_remove(veid);
			return VZ_VETH_ERROR;
		}
	}
	return 0;
}

void veth_remove(unsigned int veid)
{
	char name[IFNAMSIZ + 8];

	veth_host_name(veid, name, sizeof(name));
	if (if_nametoindex(name)) {
		char *argv[] = { "ip", "link", "del", name, NULL };

		run_argv(argv, true);
	}
}

static int ip_addr_cmd(pid_t init_pid, const char *addr, const char *bridge,
		       bool add, bool quiet)
{
	struct ve_ip ip;
	char buf[INET_ADDRSTRLEN + 16], a[INET_ADDRSTRLEN];
	char *argv[] = { "ip", "addr", add ? "add" : "del", buf, "dev", "eth0",
			 NULL };

	if (ip_parse(addr, &ip))
		return -1;
	inet_ntop(AF_INET, &ip.addr, a, sizeof(a));
	snprintf(buf, sizeof(buf), "%s/%d", a, ve_ip_prefix(&ip, bridge));
	return run_in_netns(init_pid, argv, quiet);
}

int ve_net_setup(pid_t init_pid, const struct strlist *ips,
		 const char *bridge)
{
	char *lo_up[] = { "ip", "link", "set", "lo", "up", NULL };
	char *eth_up[] = { "ip", "link", "set", "eth0", "up", NULL };
	char *route[] = { "ip", "route", "replace", "default", "dev", "eth0",
			  NULL };

	if (run_in_netns(init_pid, lo_up, false) ||
	    run_in_netns(init_pid, eth_up, false)) {
		vz_error("Unable to bring up VE network interfaces");
		return VZ_VETH_ERROR;
	}
	for (size_t i = 0; i < ips->n; i++) {
		if (ip_addr_cmd(init_pid, ips->v[i], bridge, true, false)) {
			vz_error("Unable to add IP address %s", ips->v[i]);
			return VZ_CANT_ADDIP;
		}
	}
	if (ips->n && run_in_netns(init_pid, route, false)) {
		vz_error("Unable to add default route");
		return VZ_CANT_ADDIP;
	}
	return 0;
}

int ve_ip_change(pid_t init_pid, const char *ip, const char *bridge,
		 bool add)
{
	char *route[] = { "ip", "route", "replace", "default", "dev", "eth0",
			  NULL };

	if (ip_addr_cmd(init_pid, ip, bridge, add, false)) {
		vz_error("Unable to %s IP address %s", add ? "add" : "delete",
			 ip);
		return VZ_CANT_ADDIP;
	}
	/* Deleting the last address takes the route with it. */
	if (add && run_in_netns(init_pid, route, false)) {
		vz_error("Unable to add default route");
		return VZ_CANT_ADDIP;
	}
	return 0;
}

char *resolv_conf_text(const struct strlist *ns)
{
	size_t len = 1, i;
	char *s, *p;

	for (i = 0; i < ns->n; i++)
		len += strlen("nameserver \n") + strlen(ns->v[i]);
	p = s = xmalloc(len);
	*p = '\0';
	for (i = 0; i < ns->n; i++)
		p += sprintf(p, "nameserver %s\n", ns->v[i]);
	return s;
}

int ve_write_resolv_conf(const char *root, const struct strlist *ns)
{
	char *text = resolv_conf_text(ns);
	int ret = ve_write_etc(root, "resolv.conf", text);

	free(text);
	if (!ret)
		vz_msg("File resolv.conf was modified");
	return ret;
}
