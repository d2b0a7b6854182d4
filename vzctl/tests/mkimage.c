// SPDX-License-Identifier: GPL-2.0
/*
 * mkimage: write a synthetic checkpoint image, valid or broken in one
 * named way, to feed image readers (vzctl dumpinfo, the kernel's
 * /proc/rst) hostile input.  Test tool, not installed.
 *
 *   mkimage [-o FILE] [CORRUPTION|SETTING]...
 *
 * Settings: veid=N pages=N.  Byte-level corruptions (applied to the
 * finished image): truncate=N (keep N bytes), flip=N[:MASK] (xor byte N
 * with MASK, default 0x01).  Semantic ones (CRCs kept valid): badversion
 * badarch badpagesize hugelen forwardref manyvmas manytasks unknowntype
 * badindex padding pagesearly droprecord trailing noend timernosignal
 * timerorder timerclock timernotify timersignal; "timers" adds a valid
 * SIGNAL record and two POSIX timers to init, "pipes" a pipe with data
 * and a FIFO, "mlock" locks the heap, the
 * stack on fault, and init's future maps (mlockall(MCL_FUTURE)), "sched"
 * gives init (and its thread, with "threads") SCHED records, "rseq"
 * RSEQ records, "locks"
 * gives init a flock, a POSIX and an OFD lock, "eventfd" an eventfd, a signalfd, a timerfd and an epoll instance,
 * "unix" unix sockets of every type and state with messages queued.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "imgwrite.h"

static int usage(void)
{
	fputs("Usage: mkimage [-o FILE] [veid=N] [pages=N] [truncate=N] [flip=N[:MASK]]\n"
	      "   [badversion|badarch|badpagesize|hugelen|forwardref|manyvmas|manytasks|\n"
	      "    unknowntype|badindex|padding|pagesearly|droprecord|trailing|noend|\n"
	      "    timers|pipes|timernosignal|timerorder|timerclock|timernotify|timersignal|\n"
	      "    mlock|sched|rseq|threads|locks|eventfd|unix]...\n",
	      stderr);
	return 2;
}

static bool parse_num(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && end != s && !*end;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t off;
	} flags[] = {
#define F(n, field) { n, offsetof(struct imgw_opts, field) }
		F("hugelen", huge_len), F("forwardref", forward_ref),
		F("manyvmas", too_many_vmas), F("manytasks", too_many_tasks),
		F("unknowntype", unknown_type), F("badindex", bad_index),
		F("padding", pad_garbage), F("pagesearly", pages_early),
		F("droprecord", drop_record), F("trailing", trailing),
		F("noend", no_end), F("timers", timers), F("pipes", pipes),
		F("mlock", mlock),
		F("sched", sched), F("rseq", rseq), F("threads", threads),
		F("locks", locks),
		F("eventfd", eventfd), F("unix", unix_socks),
#undef F
	};
	struct imgw_opts o = { 0 };
	const char *out = NULL;
	unsigned long long truncate_at = ~0ULL, flip_at = ~0ULL, v;
	unsigned int flip_mask = 1;
	unsigned char *img;
	size_t len;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool known = false;

		if (!strcmp(a, "-o") && i + 1 < argc) {
			out = argv[++i];
			continue;
		}
		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
			if (!strcmp(a, flags[k].name)) {
				*(bool *)((char *)&o + flags[k].off) = true;
				known = true;
			}
		}
		if (known)
			continue;
		if (!strcmp(a, "timernosignal")) {
			o.bad_timer = IMGW_TIMER_NO_SIGNAL;
		} else if (!strcmp(a, "timerorder")) {
			o.bad_timer = IMGW_TIMER_ORDER;
		} else if (!strcmp(a, "timerclock")) {
			o.bad_timer = IMGW_TIMER_CLOCK;
		} else if (!strcmp(a, "timernotify")) {
			o.bad_timer = IMGW_TIMER_NOTIFY;
		} else if (!strcmp(a, "timersignal")) {
			o.bad_timer = IMGW_TIMER_SIGNAL;
		} else if (!strcmp(a, "badversion")) {
			o.version = (CPT_IMAGE_VERSION_MAJOR + 1) << 16;
		} else if (!strcmp(a, "badarch")) {
			o.arch = ~0u;
		} else if (!strcmp(a, "badpagesize")) {
			o.page_size = 65536;
		} else if (!strncmp(a, "veid=", 5) && parse_num(a + 5, &v) &&
			   v && v <= 0x7fffffff) {
			o.veid = (unsigned int)v;
		} else if (!strncmp(a, "pages=", 6) && parse_num(a + 6, &v) &&
			   v && v <= 0x7ffffff) {
			o.nr_pages = (uint32_t)v;
		} else if (!strncmp(a, "truncate=", 9) &&
			   parse_num(a + 9, &v)) {
			truncate_at = v;
		} else if (!strncmp(a, "flip=", 5)) {
			char *colon = strchr(a + 5, ':');
			unsigned long long m = 1;

			if (colon) {
				*colon = '\0';
				if (!parse_num(colon + 1, &m) || !m || m > 255)
					return usage();
			}
			if (!parse_num(a + 5, &v))
				return usage();
			flip_at = v;
			flip_mask = (unsigned int)m;
		} else {
			fprintf(stderr, "mkimage: unknown argument %s\n", a);
			return usage();
		}
	}
	f = out ? fopen(out, "w") : stdout;
	if (!f) {
		perror(out);
		return 1;
	}
	if (truncate_at == ~0ULL && flip_at == ~0ULL) {
		/* Streamed: large images are not held in memory. */
		if (imgw_write_image(f, &o) || (out && fclose(f))) {
			perror("mkimage: write");
			return 1;
		}
		return 0;
	}
	img = imgw_image(&o, &len);
	if (!img) {
		perror("mkimage");
		return 1;
	}
	if (flip_at != ~0ULL) {
		if (flip_at >= len) {
			fprintf(stderr, "mkimage: flip offset %llu beyond the image (%zu bytes)\n",
				flip_at, len);
			return 1;
		}
		img[flip_at] ^= (unsigned char)flip_mask;
	}
	if (truncate_at < len)
		len = (size_t)truncate_at;
	if (fwrite(img, 1, len, f) != len || (out && fclose(f))) {
		perror("mkimage: write");
		return 1;
	}
	free(img);
	return 0;
}
