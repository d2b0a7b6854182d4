// SPDX-License-Identifier: GPL-2.0
/*
 * cr-regs: keep known values in registers across a checkpoint/restore.
 *
 * Two processes (the init and a forked child, with different values) run
 * an assembly loop that holds patterns in rbx, rbp, r8-r15, xmm0-xmm15
 * and, if the CPU and kernel have AVX, the upper halves of ymm0-ymm15,
 * and compares them with the reference in memory on every iteration.  A
 * checkpoint that hits the loop (it runs ~99% of the time) must give
 * every value back.  MXCSR (rounding mode) and the x87 control word are
 * set to non-default values and checked too.  Corruption is counted
 * continuously and reported on each "check" round; AVX is reported as
 * SKIP only when CPUID/XGETBV say there is no AVX.
 */
#include "crlib.h"
#include <cpuid.h>
#include <sys/mman.h>

struct regs_ref {
	uint64_t gpr[10];		/* rbx rbp r8 r9 r10 r11 r12 r13 r14 r15 */
	uint8_t xmm[16][16];
	uint8_t yhi[16][16];		/* upper 128 bits of ymm0-15 */
};

struct regs_snap {
	uint64_t gpr[10];
	uint8_t xmm[16][16];
	uint8_t yhi[16][16];
};

struct shared_stats {
	volatile uint64_t loops[2];
	volatile uint64_t bad_gpr[2], bad_sse[2], bad_avx[2], bad_ctl[2];
	volatile uint64_t first_bad_gpr[2];
};

static int have_avx;
static struct regs_ref ref __attribute__((aligned(64)));
static struct regs_snap snap __attribute__((aligned(64)));
static struct shared_stats *st;

static int detect_avx(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & bit_AVX) || !(c & bit_OSXSAVE))
		return 0;
	{
		unsigned int lo, hi;

		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		return (lo & 6) == 6;	/* XMM and YMM state enabled */
	}
}

/*
 * Load the patterns, spin, store all registers to snap, compare in C
 * afterwards.  Returns nothing: corruption shows as a snap != ref.
 * The registers are live for the whole spin (~N iterations).
 */
static __attribute__((noinline)) void spin_sse(unsigned long n)
{
	__asm__ volatile(
		"sub $128, %%rsp\n\t"
		"push %%rbp\n\t"
		"mov 0(%[r]), %%rbx\n\t"
		"mov 8(%[r]), %%rbp\n\t"
		"mov 16(%[r]), %%r8\n\t"
		"mov 24(%[r]), %%r9\n\t"
		"mov 32(%[r]), %%r10\n\t"
		"mov 40(%[r]), %%r11\n\t"
		"mov 48(%[r]), %%r12\n\t"
		"mov 56(%[r]), %%r13\n\t"
		"mov 64(%[r]), %%r14\n\t"
		"mov 72(%[r]), %%r15\n\t"
#define LX(i) "movdqu 80+16*" #i "(%[r]), %%xmm" #i "\n\t"
		LX(0) LX(1) LX(2) LX(3) LX(4) LX(5) LX(6) LX(7)
		LX(8) LX(9) LX(10) LX(11) LX(12) LX(13) LX(14) LX(15)
		"1:\n\t"
		"pause\n\t"
		"dec %[n]\n\t"
		"jnz 1b\n\t"
		"mov %%rbx, 0(%[s])\n\t"
		"mov %%rbp, 8(%[s])\n\t"
		"mov %%r8, 16(%[s])\n\t"
		"mov %%r9, 24(%[s])\n\t"
		"mov %%r10, 32(%[s])\n\t"
		"mov %%r11, 40(%[s])\n\t"
		"mov %%r12, 48(%[s])\n\t"
		"mov %%r13, 56(%[s])\n\t"
		"mov %%r14, 64(%[s])\n\t"
		"mov %%r15, 72(%[s])\n\t"
#define SX(i) "movdqu %%xmm" #i ", 80+16*" #i "(%[s])\n\t"
		SX(0) SX(1) SX(2) SX(3) SX(4) SX(5) SX(6) SX(7)
		SX(8) SX(9) SX(10) SX(11) SX(12) SX(13) SX(14) SX(15)
		"pop %%rbp\n\t"
		"add $128, %%rsp\n\t"
		: [n] "+c"(n)
		: [r] "S"(&ref), [s] "D"(&snap)
		: "rbx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
		  "memory", "cc");
}

/* The same with full ymm registers (low half = xmm pattern, high = yhi). */
static __attribute__((noinline, target("avx"))) void spin_avx(unsigned long n)
{
	__asm__ volatile(
		"sub $128, %%rsp\n\t"
		"push %%rbp\n\t"
		"mov 0(%[r]), %%rbx\n\t"
		"mov 8(%[r]), %%rbp\n\t"
		"mov 16(%[r]), %%r8\n\t"
		"mov 24(%[r]), %%r9\n\t"
		"mov 32(%[r]), %%r10\n\t"
		"mov 40(%[r]), %%r11\n\t"
		"mov 48(%[r]), %%r12\n\t"
		"mov 56(%[r]), %%r13\n\t"
		"mov 64(%[r]), %%r14\n\t"
		"mov 72(%[r]), %%r15\n\t"
#define LY(i) "vmovdqu 80+16*" #i "(%[r]), %%xmm" #i "\n\t" \
	      "vinsertf128 $1, 336+16*" #i "(%[r]), %%ymm" #i ", %%ymm" #i "\n\t"
		LY(0) LY(1) LY(2) LY(3) LY(4) LY(5) LY(6) LY(7)
		LY(8) LY(9) LY(10) LY(11) LY(12) LY(13) LY(14) LY(15)
		"1:\n\t"
		"pause\n\t"
		"dec %[n]\n\t"
		"jnz 1b\n\t"
		"mov %%rbx, 0(%[s])\n\t"
		"mov %%rbp, 8(%[s])\n\t"
		"mov %%r8, 16(%[s])\n\t"
		"mov %%r9, 24(%[s])\n\t"
		"mov %%r10, 32(%[s])\n\t"
		"mov %%r11, 40(%[s])\n\t"
		"mov %%r12, 48(%[s])\n\t"
		"mov %%r13, 56(%[s])\n\t"
		"mov %%r14, 64(%[s])\n\t"
		"mov %%r15, 72(%[s])\n\t"
#define SY(i) "vmovdqu %%xmm" #i ", 80+16*" #i "(%[s])\n\t" \
	      "vextractf128 $1, %%ymm" #i ", 336+16*" #i "(%[s])\n\t"
		SY(0) SY(1) SY(2) SY(3) SY(4) SY(5) SY(6) SY(7)
		SY(8) SY(9) SY(10) SY(11) SY(12) SY(13) SY(14) SY(15)
		"vzeroupper\n\t"
		"pop %%rbp\n\t"
		"add $128, %%rsp\n\t"
		: [n] "+c"(n)
		: [r] "S"(&ref), [s] "D"(&snap)
		: "rbx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
		  "memory", "cc");
}

/* Non-default MXCSR (round toward zero, FTZ, DAZ) and x87 control word. */
#define MY_MXCSR	(0x1f80 | 0x6000 | 0x8000 | 0x0040)
#define MY_FPUCW	0x0c7f		/* round toward zero, 64-bit precision */

static void set_ctl(void)
{
	unsigned int m = MY_MXCSR;
	unsigned short cw = MY_FPUCW;

	__asm__ volatile("ldmxcsr %0" : : "m"(m));
	__asm__ volatile("fldcw %0" : : "m"(cw));
}

static int ctl_ok(unsigned int *m, unsigned short *cw)
{
	__asm__ volatile("stmxcsr %0" : "=m"(*m));
	__asm__ volatile("fnstcw %0" : "=m"(*cw));
	return (*m & ~0x3fu) == (MY_MXCSR & ~0x3fu) && *cw == MY_FPUCW;
}

static void run(int who, unsigned long spin)
{
	char cmd[64];
	int round = 0, r;

	set_ctl();
	for (;;) {
		unsigned int m;
		unsigned short cw;

		if (have_avx)
			spin_avx(spin);
		else
			spin_sse(spin);
		st->loops[who]++;
		for (int i = 0; i < 10; i++)
			if (snap.gpr[i] != ref.gpr[i]) {
				if (!st->bad_gpr[who])
					st->first_bad_gpr[who] = i;
				st->bad_gpr[who]++;
			}
		if (memcmp(snap.xmm, ref.xmm, sizeof(ref.xmm)))
			st->bad_sse[who]++;
		if (have_avx && memcmp(snap.yhi, ref.yhi, sizeof(ref.yhi)))
			st->bad_avx[who]++;
		if (!ctl_ok(&m, &cw)) {
			st->bad_ctl[who]++;
			set_ctl();
		}
		if (who == 1)
			continue;	/* the init reports for both */
		r = cr_poll(round, cmd, sizeof(cmd));
		if (!r)
			continue;
		round = r;
		for (int w = 0; w < 2; w++) {
			const char *name = w ? "child" : "init";

			cr_check(round, st->loops[w] > 0, "progress", "%s: %llu loops", name,
				 (unsigned long long)st->loops[w]);
			cr_check(round, !st->bad_gpr[w], "gpr", "%s: %llu corrupt (first reg #%llu of rbx,rbp,r8-r15)",
				 name, (unsigned long long)st->bad_gpr[w],
				 (unsigned long long)st->first_bad_gpr[w]);
			cr_check(round, !st->bad_sse[w], "sse", "%s: xmm0-15 corrupt %llu times", name,
				 (unsigned long long)st->bad_sse[w]);
			if (have_avx)
				cr_check(round, !st->bad_avx[w], "avx", "%s: ymm upper halves corrupt %llu times",
					 name, (unsigned long long)st->bad_avx[w]);
			cr_check(round, !st->bad_ctl[w], "fpu-control", "%s: MXCSR/x87 CW corrupt %llu times",
				 name, (unsigned long long)st->bad_ctl[w]);
		}
		if (!have_avx)
			cr_line(round, "SKIP avx CPUID/XGETBV: no AVX on this CPU");
		cr_line(round, "DONE");
	}
}

int main(void)
{
	pid_t child;
	uint64_t seed = 0x0123456789abcdefULL;

	cr_init_signals();
	have_avx = detect_avx();
	st = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		cr_hang();
	for (int i = 0; i < 10; i++)
		ref.gpr[i] = seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	for (int i = 0; i < 16; i++)
		for (int k = 0; k < 16; k++) {
			ref.xmm[i][k] = (uint8_t)(i * 16 + k + 1);
			ref.yhi[i][k] = (uint8_t)(0xff - i * 16 - k);
		}
	child = fork();
	if (child == 0) {
		for (int i = 0; i < 10; i++)
			ref.gpr[i] = ~ref.gpr[i];
		for (int i = 0; i < 16; i++)
			for (int k = 0; k < 16; k++) {
				ref.xmm[i][k] ^= 0x5a;
				ref.yhi[i][k] ^= 0xa5;
			}
		cr_msleep(100);
		run(1, 200000);
	}
	cr_line(0, "READY cr-regs avx=%d pid %d child %d", have_avx, getpid(), child);
	run(0, 200000);
}
