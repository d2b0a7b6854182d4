// SPDX-License-Identifier: GPL-2.0
/*
 * vzctl create: unpack an OS template cache into a new private area and
 * write the VE's configuration.  The template is unpacked next to the
 * final place and renamed into it, so a failed create leaves nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "cmd.h"
#include "config.h"
#include "util.h"

int parse_create(int argc, char **argv, void *opts)
{
	static const struct option longopts[] = {
		{ "ostemplate",	required_argument, NULL, 't' },
		{ "config",	required_argument, NULL, 'c' },
		{ "ipadd",	required_argument, NULL, 'i' },
		{ "hostname",	required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct create_opts *o = opts;
	int c, ret;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
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
			ret = opt_ip(&o->ipadd, optarg);
			if (ret)
				return ret;
			break;
		case 'h':
			ret = opt_hostname(optarg);
			if (ret)
				return ret;
			o->hostname = optarg;
			break;
		default:
			return bad_option(argv, c);
		}
	}
	return parse_veid_at(argc, argv, optind, &o->veid);
}

void free_create_opts(void *opts)
{
	struct create_opts *o = opts;

	strlist_free(&o->ipadd);
	free(o->tmpl);
	free(o->tarball);
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

/*
 * Everything that can be refused before the lock is taken: the new
 * configuration is complete and valid, and its template exists.
 */
int check_create(struct cmd_ve *ve, void *opts)
{
	struct create_opts *o = opts;
	struct ve_conf *vc = &ve->vc;
	char *sample;
	const char *v;
	int ret = 0;

	if (vc->ve_exists) {
		vz_error("VE config file %s already exists", vc->ve_conf_path);
		return VZ_FS_PRVT_AREA_EXIST;
	}
	sample = o->config ? xstrdup(o->config) : ve_conf_get(vc, "CONFIGFILE");
	if (sample && *sample)
		ret = load_sample(vc, sample);
	free(sample);
	if (ret)
		return ret;
	/* Keep $VEID unexpanded, as OpenVZ configs do. */
	if (!conf_get(&vc->ve, "VE_ROOT") && (v = conf_get(&vc->global, "VE_ROOT")))
		conf_set(&vc->ve, "VE_ROOT", v);
	if (!conf_get(&vc->ve, "VE_PRIVATE") &&
	    (v = conf_get(&vc->global, "VE_PRIVATE")))
		conf_set(&vc->ve, "VE_PRIVATE", v);
	o->tmpl = o->ostemplate ? xstrdup(o->ostemplate) :
		ve_conf_get(vc, "DEF_OSTEMPLATE");
	if (!o->tmpl || !*o->tmpl) {
		vz_error("OS template is not specified (--ostemplate or DEF_OSTEMPLATE)");
		return VZ_VE_OSTEMPLATE_NOTSET;
	}
	conf_set(&vc->ve, "OSTEMPLATE", o->tmpl);
	if (o->ipadd.n) {
		char *ips = strlist_join(&o->ipadd, " ");

		conf_set(&vc->ve, "IP_ADDRESS", ips);
		free(ips);
	}
	if (o->hostname)
		conf_set(&vc->ve, "HOSTNAME", o->hostname);
	ret = ve_conf_validate(vc);
	if (!ret)
		ret = ve_conf_paths(vc, &ve->root, &ve->priv);
	if (ret)
		return ret;
	o->tarball = find_template_cache(vc, o->tmpl);
	if (!o->tarball) {
		char *dir = ve_conf_get(vc, "TEMPLATE");

		vz_error("Cached OS template %s/cache/%s.tar.gz not found",
			 dir ? dir : "/vz/template", o->tmpl);
		free(dir);
		return VZ_PKGSET_NOT_FOUND;
	}
	return 0;
}

int cmd_create(struct cmd_ve *ve, void *opts)
{
	const struct create_opts *o = opts;
	char *confdir;
	int ret;

	if (path_exists(ve->priv)) {
		vz_error("Private area already exists in %s", ve->priv);
		return VZ_FS_PRVT_AREA_EXIST;
	}
	vz_msg("Creating VE private area (%s)", o->tmpl);
	ret = unpack_template(o->tarball, ve->priv);
	if (ret)
		return ret;
	confdir = xasprintf("%s/conf", vz_confdir());
	if (mkdir_p(confdir, 0755)) {
		vz_error("Unable to create %s: %s", confdir, strerror(errno));
		ret = VZ_SYSTEM_ERROR;
	} else {
		free(ve->vc.ve.path);
		ve->vc.ve.path = xstrdup(ve->vc.ve_conf_path);
		ret = conf_save(&ve->vc.ve);
	}
	free(confdir);
	if (ret) {
		remove_tree(ve->priv);
		return ret;
	}
	vz_msg("VE private area was created");
	return 0;
}
