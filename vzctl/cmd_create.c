// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl create: unpack an OS template cache into a new private area and
 * write the VE's configuration.  The template is unpacked next to the
 * final place and renamed into it, so a failed create leaves nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vzctl.h"

int parse_create(int argc, char **argv, struct create_opts *o)
{
	static const struct option opts[] = {
		{ "ostemplate",	required_argument, NULL, 't' },
		{ "config",	required_argument, NULL, 'c' },
		{ "ipadd",	required_argument, NULL, 'i' },
		{ "hostname",	required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ve_ip ip;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!*optarg || strchr(optarg, '/') || optarg[0] == '.') {
				vz_error("Invalid OS template name: %s", optarg);
				return VZ_INVALID_PARAMETER_VALUE;
			}
			o->ostemplate = optarg;
			break;
		case 'c':
			if (!*optarg || strchr(optarg, '/')) {
				vz_error("Invalid config name: %s", optarg);
				return VZ_INVALID_PARAMETER_VALUE;
			}
			o->config = optarg;
			break;
		case 'i':
			if (ip_parse(optarg, &ip)) {
				vz_error("Invalid IP address: %s", optarg);
				return VZ_BADIP;
			}
			if (!strlist_has(&o->ipadd, optarg))
				strlist_add(&o->ipadd, optarg);
			break;
		case 'h':
			if (!valid_hostname(optarg)) {
				vz_error("Invalid hostname: %s", optarg);
				return VZ_BADHOSTNAME;
			}
			o->hostname = optarg;
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
	return parse_veid_arg(argv[optind], &o->veid);
}

/* TEMPLATE/cache/NAME.tar.gz, .tar.xz or .tar; NULL if none exists. */
static char *find_template_cache(const struct ve_conf *vc, const char *name)
{
	static const char *const suffixes[] = { ".tar.gz", ".tar.xz", ".tar" };
	char *dir = ve_conf_get(vc, "TEMPLATE");
	char *path = NULL;

	for (size_t i = 0; i < 3; i++) {
		path = xasprintf("%s/cache/%s%s", dir ? dir : "/vz/template",
				 name, suffixes[i]);
		if (path_exists(path))
			break;
		free(path);
		path = NULL;
	}
	free(dir);
	return path;
}

/* Start the new config from a sample (--config NAME or CONFIGFILE). */
static int load_sample(struct ve_conf *vc, const char *name)
{
	struct conf_file sample;
	char *path;
	int ret;

	path = xasprintf("%s/conf/ve-%s.conf-sample", vz_confdir(), name);
	ret = conf_load(&sample, path, true);
	free(path);
	if (ret)
		return ret;
	for (size_t i = 0; i < sample.n; i++)
		if (sample.lines[i].key)
			conf_set(&vc->ve, sample.lines[i].key,
				 sample.lines[i].value);
	conf_free(&sample);
	return 0;
}

static int unpack_template(const char *tarball, const char *priv)
{
	char *tmp = xasprintf("%s.create-tmp", priv);
	char *slash = strrchr(tmp, '/');
	char *argv[] = { "tar", "--numeric-owner", "-xpf", (char *)tarball,
			 "-C", tmp, NULL };
	int ret = VZ_FS_NEW_VE_PRVT;

	if (slash && slash != tmp) {
		*slash = '\0';
		if (mkdir_p(tmp, 0755)) {
			vz_error("Unable to create %s: %s", tmp, strerror(errno));
			goto out;
		}
		*slash = '/';
	}
	/* A leftover of an interrupted create: ours, as we hold the lock. */
	if (remove_tree(tmp) || mkdir(tmp, 0755)) {
		vz_error("Unable to create %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (run_argv(argv, false)) {
		vz_error("Unable to unpack template %s", tarball);
		remove_tree(tmp);
		goto out;
	}
	if (rename(tmp, priv)) {
		vz_error("Unable to rename %s to %s: %s", tmp, priv,
			 strerror(errno));
		remove_tree(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}

int cmd_create(int argc, char **argv)
{
	struct create_opts o;
	struct ve_conf vc;
	char *lock = NULL, *root = NULL, *priv = NULL, *tarball = NULL;
	char *tmpl = NULL, *confdir = NULL, *sample = NULL;
	const char *v;
	int ret;

	ret = parse_create(argc, argv, &o);
	if (ret)
		goto out_opts;
	ret = ve_conf_load(&vc, o.veid);
	if (ret)
		goto out_opts;
	if (vc.ve_exists) {
		vz_error("VE config file %s already exists", vc.ve_conf_path);
		ret = VZ_FS_PRVT_AREA_EXIST;
		goto out_conf;
	}
	sample = o.config ? xstrdup(o.config) : ve_conf_get(&vc, "CONFIGFILE");
	if (sample && *sample) {
		ret = load_sample(&vc, sample);
		if (ret)
			goto out_conf;
	}
	/* Keep $VEID unexpanded, as OpenVZ configs do. */
	if (!conf_get(&vc.ve, "VE_ROOT") && (v = conf_get(&vc.global, "VE_ROOT")))
		conf_set(&vc.ve, "VE_ROOT", v);
	if (!conf_get(&vc.ve, "VE_PRIVATE") &&
	    (v = conf_get(&vc.global, "VE_PRIVATE")))
		conf_set(&vc.ve, "VE_PRIVATE", v);
	tmpl = o.ostemplate ? xstrdup(o.ostemplate) :
		ve_conf_get(&vc, "DEF_OSTEMPLATE");
	if (!tmpl || !*tmpl) {
		vz_error("OS template is not specified (--ostemplate or DEF_OSTEMPLATE)");
		ret = VZ_VE_OSTEMPLATE_NOTSET;
		goto out_conf;
	}
	conf_set(&vc.ve, "OSTEMPLATE", tmpl);
	if (o.ipadd.n) {
		char *ips = strlist_join(&o.ipadd, " ");

		conf_set(&vc.ve, "IP_ADDRESS", ips);
		free(ips);
	}
	if (o.hostname)
		conf_set(&vc.ve, "HOSTNAME", o.hostname);
	ret = ve_conf_validate(&vc);
	if (!ret)
		ret = ve_conf_paths(&vc, &root, &priv);
	if (ret)
		goto out_conf;
	tarball = find_template_cache(&vc, tmpl);
	if (!tarball) {
		char *dir = ve_conf_get(&vc, "TEMPLATE");

		vz_error("Cached OS template %s/cache/%s.tar.gz not found",
			 dir ? dir : "/vz/template", tmpl);
		free(dir);
		ret = VZ_PKGSET_NOT_FOUND;
		goto out_paths;
	}
	ret = ve_lock(&vc, &lock);
	if (ret)
		goto out_paths;
	if (path_exists(priv)) {
		vz_error("Private area already exists in %s", priv);
		ret = VZ_FS_PRVT_AREA_EXIST;
		goto out_unlock;
	}
	vz_msg("Creating VE private area (%s)", tmpl);
	ret = unpack_template(tarball, priv);
	if (ret)
		goto out_unlock;
	confdir = xasprintf("%s/conf", vz_confdir());
	if (mkdir_p(confdir, 0755)) {
		vz_error("Unable to create %s: %s", confdir, strerror(errno));
		ret = VZ_SYSTEM_ERROR;
	} else {
		free(vc.ve.path);
		vc.ve.path = xstrdup(vc.ve_conf_path);
		ret = conf_save(&vc.ve);
	}
	if (ret) {
		remove_tree(priv);
		goto out_unlock;
	}
	vz_msg("VE private area was created");
out_unlock:
	vz_unlock(lock);
out_paths:
	free(root);
	free(priv);
out_conf:
	free(confdir);
	free(tarball);
	free(tmpl);
	free(sample);
	ve_conf_free(&vc);
out_opts:
	strlist_free(&o.ipadd);
	return ret;
}
