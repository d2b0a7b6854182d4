// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl set: change a VE's parameters, live if it runs, and in its config
 * with --save.  Every value is checked before anything is changed.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "caps.h"
#include "devnodes.h"
#include "cmd.h"
#include "config.h"
#include "net.h"
#include "util.h"
#include "ve.h"

int parse_set(int argc, char **argv, void *opts)
{
	static const struct option longopts[] = {
		{ "ipadd",	required_argument, NULL, 'a' },
		{ "ipdel",	required_argument, NULL, 'd' },
		{ "hostname",	required_argument, NULL, 'h' },
		{ "nameserver",	required_argument, NULL, 'n' },
		{ "onboot",	required_argument, NULL, 'o' },
		{ "capability",	required_argument, NULL, 'c' },
		{ "devnodes",	required_argument, NULL, 'D' },
		{ "save",	no_argument,	   NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct set_opts *o = opts;
	struct ve_ip ip;
	int c, ret;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			ret = opt_ip(&o->ipadd, optarg);
			if (ret)
				return ret;
			break;
		case 'd':
			if (!strcmp(optarg, "all")) {
				o->ipdel_all = true;
				break;
			}
			ret = opt_ip(&o->ipdel, optarg);
			if (ret)
				return ret;
			break;
		case 'h':
			ret = opt_hostname(optarg);
			if (ret)
				return ret;
			o->hostname = optarg;
			break;
		case 'n':
			if (ip_parse(optarg, &ip) || ip.prefix >= 0) {
				vz_error("Invalid nameserver address: %s", optarg);
				return VZ_BADDNSSRV;
			}
			if (!strlist_has(&o->nameserver, optarg))
				strlist_add(&o->nameserver, optarg);
			break;
		case 'o':
			if (strcmp(optarg, "yes") && strcmp(optarg, "no")) {
				vz_error("Invalid value for --onboot: %s (use yes or no)",
					 optarg);
				return VZ_INVALID_PARAMETER_VALUE;
			}
			o->onboot = optarg;
			break;
		case 'c': {
			unsigned int cap;
			bool on;

			if (cap_setting_parse(optarg, &cap, &on)) {
				vz_error("Invalid capability setting: %s (use name:on or name:off)",
					 optarg);
				return VZ_INVALID_PARAMETER_VALUE;
			}
			strlist_add(&o->capability, optarg);
			break;
		}
		case 'D': {
			struct devnode d;

			ret = devnode_parse(optarg, &d);
			if (ret)
				return ret;
			strlist_add(&o->devnodes, optarg);
			break;
		}
		case 's':
			o->save = true;
			break;
		default:
			return bad_option(argv, c);
		}
	}
	/* Its value is checked last, after what was asked of it. */
	ret = check_last_arg(argc, argv, optind, "VE ID");
	if (ret)
		return ret;
	if (!o->ipadd.n && !o->ipdel.n && !o->ipdel_all && !o->hostname &&
	    !o->nameserver.n && !o->onboot && !o->capability.n &&
	    !o->devnodes.n) {
		vz_error("No parameters to set given");
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	for (size_t i = 0; i < o->ipadd.n; i++) {
		if (strlist_has(&o->ipdel, o->ipadd.v[i])) {
			vz_error("Address %s is both added and deleted",
				 o->ipadd.v[i]);
			return VZ_INVALID_PARAMETER_SYNTAX;
		}
	}
	return parse_veid_arg(argv[optind], &o->veid);
}

/* Same address, whatever prefix lengths were written with them. */
static bool same_ip(const char *a, const char *b)
{
	struct ve_ip x, y;

	return !ip_parse(a, &x) && !ip_parse(b, &y) &&
		x.addr.s_addr == y.addr.s_addr;
}

static ssize_t find_ip(const struct strlist *l, const char *ip)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_ip(l->v[i], ip))
			return (ssize_t)i;
	return -1;
}

void free_set_opts(void *opts)
{
	struct set_opts *o = opts;

	strlist_free(&o->ipadd);
	strlist_free(&o->ipdel);
	strlist_free(&o->nameserver);
	strlist_free(&o->capability);
	strlist_free(&o->devnodes);
}

/*
 * Device nodes on a running VE: the permission from the host, the node
 * (or its removal) in the VE's /dev, from inside.
 */
static int set_live_devnodes(unsigned int veid, const struct strlist *l)
{
	struct devnode *d = xmalloc(l->n * sizeof(*d));
	int fd, ret = 0, status;
	pid_t pid;

	for (size_t i = 0; i < l->n && !ret; i++)
		ret = devnode_parse(l->v[i], &d[i]);
	fd = ret ? -1 : vz_open();
	if (fd < 0 && !ret)
		ret = -fd;
	if (!ret)
		ret = devnodes_grant(fd, veid, d, l->n);
	if (!ret) {
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid == 0)
			_exit(ve_enter(fd, veid) || devnodes_make(d, l->n));
		if (pid < 0 || waitpid(pid, &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			vz_error("Unable to make the device nodes in VE %u", veid);
			ret = VZ_SYSTEM_ERROR;
		}
	}
	if (fd >= 0)
		close(fd);
	free(d);
	return ret;
}

/* A list setting (CAPABILITY, DEVNODES) with each of l applied. */
static void save_list(struct conf_file *cf, const char *key,
		      const struct strlist *l,
		      char *(*apply)(const char *cur, const char *s))
{
	const char *cur = conf_get(cf, key);
	char *val = xstrdup(cur ? cur : "");

	for (size_t i = 0; i < l->n; i++) {
		char *next = apply(val, l->v[i]);

		free(val);
		val = next;
	}
	conf_set(cf, key, val);
	free(val);
}

static int set_live_hostname(pid_t init_pid, const char *root,
			     const char *hostname)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		if (setns_pid(init_pid, "uts", CLONE_NEWUTS) ||
		    sethostname(hostname, strlen(hostname)))
			_exit(1);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		vz_error("Unable to set hostname in VE");
		return VZ_SYSTEM_ERROR;
	}
	return ve_write_hostname(root, hostname);
}

int cmd_set(struct cmd_ve *ve, void *opts)
{
	const struct set_opts *o = opts;
	struct strlist ips = { 0 }, removed = { 0 }, added = { 0 };
	char *cur, *bridge = ve_conf_get(&ve->vc, "VE_BRIDGE");
	pid_t pid = 0;
	int ret;

	/* Work out the new address list completely before touching the VE. */
	cur = ve_conf_get(&ve->vc, "IP_ADDRESS");
	strlist_split(&ips, cur);
	if (o->ipdel_all) {
		for (size_t i = 0; i < ips.n; i++)
			strlist_add(&removed, ips.v[i]);
		strlist_free(&ips);
	}
	for (size_t i = 0; i < o->ipdel.n; i++) {
		ssize_t at = find_ip(&ips, o->ipdel.v[i]);

		if (at < 0) {
			if (o->ipdel_all)
				continue;
			vz_error("IP address %s is not assigned to VE %u",
				 o->ipdel.v[i], o->veid);
			ret = VZ_INVALID_PARAMETER_VALUE;
			goto out;
		}
		char *gone = xstrdup(ips.v[at]);

		strlist_add(&removed, gone);
		strlist_del(&ips, gone);
		free(gone);
	}
	for (size_t i = 0; i < o->ipadd.n; i++) {
		if (find_ip(&ips, o->ipadd.v[i]) >= 0)
			continue;	/* already there */
		strlist_add(&ips, o->ipadd.v[i]);
		strlist_add(&added, o->ipadd.v[i]);
	}

	ret = ve_get_state(o->veid, &pid);
	if (ret)
		goto out;
	if (o->save && !ve->vc.ve_exists) {
		vz_error("VE config file %s does not exist", ve->vc.ve_conf_path);
		ret = VZ_NOVECONFIG;
		goto out;
	}
	if (pid == 0 && !o->save) {
		vz_error("Unable to apply new parameters: VE is not running (use --save to change its configuration)");
		ret = VZ_VE_NOT_RUNNING;
		goto out;
	}

	if (pid > 0) {
		if (removed.n) {
			char *l = strlist_join(&removed, " ");

			vz_msg("Deleting IP address(es): %s", l);
			free(l);
		}
		for (size_t i = 0; i < removed.n && !ret; i++)
			ret = ve_ip_change(pid, removed.v[i], bridge, false);
		if (!ret && added.n) {
			char *l = strlist_join(&added, " ");

			vz_msg("Adding IP address(es): %s", l);
			free(l);
		}
		for (size_t i = 0; i < added.n && !ret; i++)
			ret = ve_ip_change(pid, added.v[i], bridge, true);
		if (!ret && o->hostname) {
			ret = set_live_hostname(pid, ve->root, o->hostname);
			if (!ret)
				vz_msg("Set hostname: %s", o->hostname);
		}
		if (!ret && o->nameserver.n)
			ret = ve_write_resolv_conf(ve->root, &o->nameserver);
		if (!ret && o->devnodes.n)
			ret = set_live_devnodes(o->veid, &o->devnodes);
		/* As OpenVZ: the bounding set of running tasks stays. */
		if (!ret && o->capability.n)
			vz_msg("Capabilities are applied when the VE starts");
		if (ret)
			goto out;
	}

	if (o->save) {
		if (removed.n || added.n) {
			char *l = strlist_join(&ips, " ");

			conf_set(&ve->vc.ve, "IP_ADDRESS", l);
			free(l);
		}
		if (o->hostname)
			conf_set(&ve->vc.ve, "HOSTNAME", o->hostname);
		if (o->nameserver.n) {
			char *l = strlist_join(&o->nameserver, " ");

			conf_set(&ve->vc.ve, "NAMESERVER", l);
			free(l);
		}
		if (o->onboot)
			conf_set(&ve->vc.ve, "ONBOOT", o->onboot);
		if (o->capability.n)
			save_list(&ve->vc.ve, "CAPABILITY", &o->capability,
				  caps_setting_apply);
		if (o->devnodes.n)
			save_list(&ve->vc.ve, "DEVNODES", &o->devnodes,
				  devnodes_setting_apply);
		ret = conf_save(&ve->vc.ve);
		if (!ret)
			vz_msg("Saved parameters for VE %u", o->veid);
	} else {
		fprintf(stderr, "WARNING: Settings were not saved and will be reset to original values on next start (use --save flag)\n");
	}
out:
	strlist_free(&ips);
	strlist_free(&removed);
	strlist_free(&added);
	free(cur);
	free(bridge);
	return ret;
}
