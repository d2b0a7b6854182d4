/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration files (config.c): the shell-style KEY="value" files, and
 * the merged global and per-VE view of one VE's configuration.
 */
#ifndef VZCTL_CONFIG_H
#define VZCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct conf_line {
	char *text;	/* the line as it will be written back */
	char *key;	/* NULL for comments and blank lines */
	char *value;	/* unquoted value */
};

struct conf_file {
	char *path;
	struct conf_line *lines;
	size_t n;
};

int conf_parse(struct conf_file *cf, const char *path, FILE *f);
int conf_load(struct conf_file *cf, const char *path, bool must_exist);
void conf_free(struct conf_file *cf);
const char *conf_get(const struct conf_file *cf, const char *key);
void conf_set(struct conf_file *cf, const char *key, const char *value);
int conf_save(const struct conf_file *cf);
char *conf_subst_veid(const char *value, unsigned int veid);
bool valid_conf_key(const char *key);

/* The merged view of global and per-VE configuration for one VE. */
struct ve_conf {
	unsigned int veid;
	struct conf_file global;
	struct conf_file ve;		/* per-VE file, maybe empty */
	bool ve_exists;			/* per-VE file was found */
	char *ve_conf_path;
};

int ve_conf_load(struct ve_conf *vc, unsigned int veid);
void ve_conf_free(struct ve_conf *vc);
/* Per-VE value, else global value, with $VEID substituted; malloc'ed. */
char *ve_conf_get(const struct ve_conf *vc, const char *key);
int ve_conf_validate(const struct ve_conf *vc);
int ve_conf_paths(const struct ve_conf *vc, char **root, char **priv);
/* All three: load, validate, VE_ROOT and VE_PRIVATE (malloc'ed). */
int ve_load(unsigned int veid, struct ve_conf *vc, char **root, char **priv);

#endif
