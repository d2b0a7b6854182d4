// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl set: change a VE's parameters, live if it runs, and in its config
 * with --save.  Every value is checked before anything is changed.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vzctl.h"

int parse_set(int argc, char **argv, struct set_opts *o)
{
	static const struct option opts[] = {
		{ "ipadd",	required_argument, NULL, 'a' },
		{ "ipdel",	required_argument, NULL, 'd' },
		{ "hostname",	required_argument, NULL, 'h' },
		{ "nameserver",	required_argument, NULL, 'n' },
		{ "onboot",	required_argument, NULL, 'o' },
		{ "save",	no_argument,	   NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct ve_ip ip;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (ip_parse(optarg, &ip)) {
				vz_error("Invalid IP address: %s", optarg);
				return VZ_BADIP;
			}
			if (!strlist_has(&o->ipadd, optarg))
				strlist_add(&o->ipadd, optarg);
			break;
		case 'd':
			if (!strcmp(optarg, "all")) {
				o->ipdel_all = true;
				break;
			}
			if (ip_parse(optarg, &ip)) {
				vz_error("Invalid IP address: %s", optarg);
				return VZ_BADIP;
			}
			if (!strlist_has(&o->ipdel, optarg))
				strlist_add(&o->ipdel, optarg);
			break;
		case 'h':
			if (!valid_hostname(optarg)) {
				vz_error("Invalid hostname: %s", optarg);
				return VZ_BADHOSTNAME;
			}
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
		case 's':
			o->save = true;
			break;
		case ':':
			vz_error("Option %s requires an argument",
				 argv[optind - 1]);
			return VZ_INVALID_PARAMETER_SYNTAX;
		default:
			vz_error("Invalid option: %s", argv[optind - 1]);
			return VZ_INVALID_PARAMETER_SYNTAX;
		}
	}
	if (optind >= argc) {
		vz_error("VE ID is not given");
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	if (optind + 1 < argc) {
		vz_error("Unexpected argument: %s", argv[optind + 1]);
		return VZ_INVALID_PARAMETER_SYNTAX;
	}
	if (!o->ipadd.n && !o->ipdel.n && !o->ipdel_all && !o->hostname &&
	    !o->nameserver.n && !o->onboot) {
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

static int set_live_hostname(pid_t init_pid, const char *root,
			     const char *hostname)
{
	char *text = xasprintf("%s\n", hostname);
	int status, ret = 0;
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
		ret = VZ_SYSTEM_ERROR;
	} else if (ve_write_file(root, "etc", "hostname", text)) {
		vz_error("Unable to write %s/etc/hostname: %s", root,
			 strerror(errno));
		ret = VZ_SYSTEM_ERROR;
	}
	free(text);
	return ret;
}

int cmd_set(int argc, char **argv)
{
	struct set_opts o;
	struct ve_conf vc;
	struct strlist ips = { 0 }, removed = { 0 }, added = { 0 };
	char *lock = NULL, *root = NULL, *priv = NULL, *cur = NULL, *bridge;
	pid_t pid = 0;
	int ret;

	ret = parse_set(argc, argv, &o);
	if (ret)
		goto out_opts;
	ret = ve_load(o.veid, &vc, &root, &priv);
	if (ret)
		goto out_opts;
	bridge = ve_conf_get(&vc, "VE_BRIDGE");
	ret = ve_lock(&vc, &lock);
	if (ret)
		goto out_conf;

	/* Work out the new address list completely before touching the VE. */
	cur = ve_conf_get(&vc, "IP_ADDRESS");
	strlist_split(&ips, cur);
	if (o.ipdel_all) {
		for (size_t i = 0; i < ips.n; i++)
			strlist_add(&removed, ips.v[i]);
		strlist_free(&ips);
	}
	for (size_t i = 0; i < o.ipdel.n; i++) {
		ssize_t at = find_ip(&ips, o.ipdel.v[i]);

		if (at < 0) {
			if (o.ipdel_all)
				continue;
			vz_error("IP address %s is not assigned to VE %u",
				 o.ipdel.v[i], o.veid);
			ret = VZ_INVALID_PARAMETER_VALUE;
			goto out_unlock;
		}
		char *gone = xstrdup(ips.v[at]);

		strlist_add(&removed, gone);
		strlist_del(&ips, gone);
		free(gone);
	}
	for (size_t i = 0; i < o.ipadd.n; i++) {
		if (find_ip(&ips, o.ipadd.v[i]) >= 0)
			continue;	/* already there */
		strlist_add(&ips, o.ipadd.v[i]);
		strlist_add(&added, o.ipadd.v[i]);
	}

	ret = ve_get_state(o.veid, &pid);
	if (ret)
		goto out_unlock;
	if (o.save && !vc.ve_exists) {
		vz_error("VE config file %s does not exist", vc.ve_conf_path);
		ret = VZ_NOVECONFIG;
		goto out_unlock;
	}
	if (pid == 0 && !o.save) {
		vz_error("Unable to apply new parameters: VE is not running (use --save to change its configuration)");
		ret = VZ_VE_NOT_RUNNING;
		goto out_unlock;
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
		if (!ret && o.hostname) {
			ret = set_live_hostname(pid, root, o.hostname);
			if (!ret)
				vz_msg("Set hostname: %s", o.hostname);
		}
		if (!ret && o.nameserver.n) {
			char *text = resolv_conf_text(&o.nameserver);

			if (ve_write_file(root, "etc", "resolv.conf", text)) {
				vz_error("Unable to write %s/etc/resolv.conf: %s",
					 root, strerror(errno));
				ret = VZ_SYSTEM_ERROR;
			} else {
				vz_msg("File resolv.conf was modified");
			}
			free(text);
		}
		if (ret)
			goto out_unlock;
	}

	if (o.save) {
		if (removed.n || added.n) {
			char *l = strlist_join(&ips, " ");

			conf_set(&vc.ve, "IP_ADDRESS", l);
			free(l);
		}
		if (o.hostname)
			conf_set(&vc.ve, "HOSTNAME", o.hostname);
		if (o.nameserver.n) {
			char *l = strlist_join(&o.nameserver, " ");

			conf_set(&vc.ve, "NAMESERVER", l);
			free(l);
		}
		if (o.onboot)
			conf_set(&vc.ve, "ONBOOT", o.onboot);
		ret = conf_save(&vc.ve);
		if (!ret)
			vz_msg("Saved parameters for VE %u", o.veid);
	} else {
		fprintf(stderr, "WARNING: Settings were not saved and will be reset to original values on next start (use --save flag)\n");
	}
out_unlock:
	vz_unlock(lock);
out_conf:
	free(bridge);
	free(cur);
	free(root);
	free(priv);
	ve_conf_free(&vc);
out_opts:
	strlist_free(&ips);
	strlist_free(&removed);
	strlist_free(&added);
	strlist_free(&o.ipadd);
	strlist_free(&o.ipdel);
	strlist_free(&o.nameserver);
	return ret;
}
