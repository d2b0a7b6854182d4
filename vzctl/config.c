// SPDX-License-Identifier: GPL-2.0
/*
 * Shell-style configuration files: KEY="value" lines and # comments.
 *
 * The files are also sourced by shell scripts, so only the subset of sh
 * syntax whose meaning is obvious is accepted; anything else (a command,
 * an unterminated quote) is an error naming file:line rather than a value
 * silently read differently from the shell.  Lines are kept verbatim so
 * that rewriting a file (set --save) keeps comments and keys we do not
 * know.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "net.h"
#include "util.h"

bool valid_conf_key(const char *key)
{
	const char *p = key;

	if (!*p || isdigit((unsigned char)*p))
		return false;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

/* Characters that would make sh do something other than assign. */
static bool unquoted_ok(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("\"'\\`;&|<>()#", c);
}

/*
 * Parse the value part of a line (after '=').  Returns the unquoted value
 * or NULL with *why set.
 */
static char *parse_value(const char *p, const char **why)
{
	size_t cap = strlen(p) + 1, len = 0;
	char *out = xmalloc(cap);

	while (*p && !isspace((unsigned char)*p)) {
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (!*p)
					goto unterminated;
				if (*p == '`') {
					*why = "command substitution is not supported";
					goto bad;
				}
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				out[len++] = *p;
			}
			p++;
		} else if (*p == '\'') {
			for (p++; *p != '\''; p++) {
				if (!*p)
					goto unterminated;
				out[len++] = *p;
			}
			p++;
		} else if (*p == '#' && len == 0) {
			break;	/* "KEY=#x" is an empty value and a comment */
		} else if (unquoted_ok(*p)) {
			out[len++] = *p++;
		} else {
			*why = "bad quoting";
			goto bad;
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p && *p != '#') {
		*why = "unexpected text after value (missing quotes?)";
		goto bad;
	}
	out[len] = '\0';
	return out;
unterminated:
	*why = "unterminated quote";
bad:
	free(out);
	return NULL;
}

static void add_line(struct conf_file *cf, const char *text, const char *key,
		     const char *value)
{
	struct conf_line *l = realloc(cf->lines, (cf->n + 1) * sizeof(*l));

	if (!l) {
		fputs("Error: out of memory\n", stderr);
		exit(VZ_SYSTEM_ERROR);
	}
	cf->lines = l;
	l = &cf->lines[cf->n++];
	l->text = xstrdup(text);
	l->key = key ? xstrdup(key) : NULL;
	l->value = value ? xstrdup(value) : NULL;
}

int conf_parse(struct conf_file *cf, const char *path, FILE *f)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int ret = 0;

	cf->path = xstrdup(path);
	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *p = line, *why = NULL;
		char *eq, *key, *value;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#') {
			add_line(cf, line, NULL, NULL);
			continue;
		}
		eq = strchr(p, '=');
		if (!eq) {
			vz_error("%s:%zu: syntax error: no '=' in line", path,
				 lineno);
			ret = VZ_INVALID_CONFIG;
			break;
		}
		key = xmalloc((size_t)(eq - p) + 1);
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		if (!valid_conf_key(key)) {
			vz_error("%s:%zu: invalid parameter name '%s'", path,
				 lineno, key);
			free(key);
			ret = VZ_INVALID_CONFIG;
			break;
		}
		value = parse_value(eq + 1, &why);
		if (!value) {
			vz_error("%s:%zu: %s", path, lineno, why);
			free(key);
			ret = VZ_INVALID_CONFIG;
			break;
		}
		add_line(cf, line, key, value);
		free(key);
		free(value);
	}
	free(line);
	if (!ret && ferror(f)) {
		vz_error("Unable to read %s: %s", path, strerror(errno));
		ret = VZ_SYSTEM_ERROR;
	}
	return ret;
}

/* An absent optional file gives an empty configuration. */
int conf_load(struct conf_file *cf, const char *path, bool must_exist)
{
	FILE *f;
	int ret;

	memset(cf, 0, sizeof(*cf));
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !must_exist) {
			cf->path = xstrdup(path);
			return 0;
		}
		vz_error("Unable to open %s: %s", path, strerror(errno));
		return errno == ENOENT ? VZ_NOCONFIG : VZ_SYSTEM_ERROR;
	}
	ret = conf_parse(cf, path, f);
	fclose(f);
	return ret;
}

void conf_free(struct conf_file *cf)
{
	for (size_t i = 0; i < cf->n; i++) {
		free(cf->lines[i].text);
		free(cf->lines[i].key);
		free(cf->lines[i].value);
	}
	free(cf->lines);
	free(cf->path);
	memset(cf, 0, sizeof(*cf));
}

/* As in sh, the last assignment wins. */
const char *conf_get(const struct conf_file *cf, const char *key)
{
	for (size_t i = cf->n; i-- > 0;)
		if (cf->lines[i].key && !strcmp(cf->lines[i].key, key))
			return cf->lines[i].value;
	return NULL;
}

static char *quote_value(const char *key, const char *value)
{
	char *buf = xmalloc(strlen(key) + 2 * strlen(value) + 4), *q;

	q = buf + sprintf(buf, "%s=\"", key);
	for (; *value; value++) {
		if (strchr("\"\\$`", *value))
			*q++ = '\\';
		*q++ = *value;
	}
	strcpy(q, "\"");
	return buf;
}

void conf_set(struct conf_file *cf, const char *key, const char *value)
{
	char *text = quote_value(key, value);
	bool found = false;

	for (size_t i = 0; i < cf->n; i++) {
		struct conf_line *l = &cf->lines[i];

		if (!l->key || strcmp(l->key, key))
			continue;
		free(l->text);
		free(l->value);
		l->text = xstrdup(text);
		l->value = xstrdup(value);
		found = true;
	}
	if (!found)
		add_line(cf, text, key, value);
	free(text);
}

int conf_save(const struct conf_file *cf)
{
	size_t len = 0, i;
	char *buf, *p;
	int ret;

	for (i = 0; i < cf->n; i++)
		len += strlen(cf->lines[i].text) + 1;
	p = buf = xmalloc(len + 1);
	for (i = 0; i < cf->n; i++)
		p += sprintf(p, "%s\n", cf->lines[i].text);
	ret = write_file_atomic(cf->path, buf, len);
	if (ret)
		vz_error("Unable to write %s: %s", cf->path, strerror(errno));
	free(buf);
	return ret ? VZ_SYSTEM_ERROR : 0;
}

/* Expand $VEID and ${VEID}, the one variable OpenVZ configs rely on. */
char *conf_subst_veid(const char *value, unsigned int veid)
{
	char id[16], *out, *q;
	size_t n = 0;
	const char *p;

	snprintf(id, sizeof(id), "%u", veid);
	out = xmalloc(strlen(value) * (strlen(id) + 1) + 1);
	q = out;
	for (p = value; *p;) {
		if (!strncmp(p, "${VEID}", 7)) {
			n = 7;
		} else if (!strncmp(p, "$VEID", 5) &&
			   !isalnum((unsigned char)p[5]) && p[5] != '_') {
			n = 5;
		} else {
			*q++ = *p++;
			continue;
		}
		q = stpcpy(q, id);
		p += n;
	}
	*q = '\0';
	return out;
}

int ve_conf_load(struct ve_conf *vc, unsigned int veid)
{
	char *gpath = xasprintf("%s/vz.conf", vz_confdir());
	int ret;

	memset(vc, 0, sizeof(*vc));
	vc->veid = veid;
	vc->ve_conf_path = xasprintf("%s/conf/%u.conf", vz_confdir(), veid);
	ret = conf_load(&vc->global, gpath, true);
	free(gpath);
	if (ret)
		return ret;
	vc->ve_exists = path_exists(vc->ve_conf_path);
	return conf_load(&vc->ve, vc->ve_conf_path, false);
}

void ve_conf_free(struct ve_conf *vc)
{
	conf_free(&vc->global);
	conf_free(&vc->ve);
	free(vc->ve_conf_path);
	vc->ve_conf_path = NULL;
}

char *ve_conf_get(const struct ve_conf *vc, const char *key)
{
	const char *v = conf_get(&vc->ve, key);

	if (!v)
		v = conf_get(&vc->global, key);
	return v ? conf_subst_veid(v, vc->veid) : NULL;
}

/* On failure both are NULL. */
int ve_conf_paths(const struct ve_conf *vc, char **root, char **priv)
{
	int ret = 0;

	*root = ve_conf_get(vc, "VE_ROOT");
	*priv = ve_conf_get(vc, "VE_PRIVATE");
	if (!*root || **root != '/') {
		vz_error("VE_ROOT is not set (or not an absolute path)");
		ret = VZ_VE_ROOT_NOTSET;
	} else if (!*priv || **priv != '/') {
		vz_error("VE_PRIVATE is not set (or not an absolute path)");
		ret = VZ_VE_PRIVATE_NOTSET;
	}
	if (ret) {
		free(*root);
		free(*priv);
		*root = *priv = NULL;
	}
	return ret;
}

/* Check the values vzctl acts upon, before anything acts upon them. */
int ve_conf_validate(const struct ve_conf *vc)
{
	const struct conf_file *files[] = { &vc->global, &vc->ve };
	int ret = 0;

	for (size_t f = 0; f < 2 && !ret; f++) {
		const struct conf_file *cf = files[f];
		const char *v;
		struct strlist l = { 0 };
		struct ve_ip ip;

		v = conf_get(cf, "IP_ADDRESS");
		strlist_split(&l, v);
		for (size_t i = 0; i < l.n && !ret; i++) {
			if (ip_parse(l.v[i], &ip)) {
				vz_error("%s: invalid IP address in IP_ADDRESS: %s",
					 cf->path, l.v[i]);
				ret = VZ_BADIP;
			}
		}
		strlist_free(&l);
		v = conf_get(cf, "NAMESERVER");
		strlist_split(&l, v);
		for (size_t i = 0; i < l.n && !ret; i++) {
			if (ip_parse(l.v[i], &ip) || ip.prefix >= 0) {
				vz_error("%s: invalid NAMESERVER address: %s",
					 cf->path, l.v[i]);
				ret = VZ_BADDNSSRV;
			}
		}
		strlist_free(&l);
		v = conf_get(cf, "HOSTNAME");
		if (!ret && v && *v && !valid_hostname(v)) {
			vz_error("%s: invalid HOSTNAME: %s", cf->path, v);
			ret = VZ_BADHOSTNAME;
		}
		v = conf_get(cf, "ONBOOT");
		if (!ret && v && *v && strcmp(v, "yes") && strcmp(v, "no")) {
			vz_error("%s: invalid ONBOOT value '%s' (use yes or no)",
				 cf->path, v);
			ret = VZ_INVALID_PARAMETER_VALUE;
		}
	}
	return ret;
}

/* Load and check the VE's configuration; root and priv are malloc'ed. */
int ve_load(unsigned int veid, struct ve_conf *vc, char **root, char **priv)
{
	int ret = ve_conf_load(vc, veid);

	if (!ret)
		ret = ve_conf_validate(vc);
	if (!ret)
		ret = ve_conf_paths(vc, root, priv);
	if (ret)
		ve_conf_free(vc);
	return ret;
}
