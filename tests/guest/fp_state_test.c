// SPDX-License-Identifier: GPL-2.0
/*
 * The FP and vector registers of a process inside UML: x87, MXCSR, SSE,
 * AVX and AVX-512 must survive what they survive natively (system calls,
 * switches between threads and processes, fork, signal handlers that
 * clobber them), and a tracer must read and write them.
 *
 * Each check loads the registers from a pattern and stores them again in
 * one asm block, with the system calls in between, so that no compiled
 * code can touch them.  A register class the CPU (or the kernel's XCR0)
 * does not enable is skipped with "not exercised", never passed.  With
 * FP_TEST_FXSAVE_ONLY=1 in the environment (UML booted with noxstate, or
 * a UML that moves only the FXSAVE area for another reason) the AVX
 * classes are not exercised: such a UML does not keep them.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include <elf.h>

/* The harness's TEST() wrappers have parameters they do not use. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <kselftest_harness.h>

#define LOOPS		200	/* system calls between load and store */

/* XCR0 bits: the state components the kernel enabled. */
#define XFEATURE_SSE	(1 << 1)
#define XFEATURE_AVX	(1 << 2)
#define XFEATURE_AVX512	(7 << 5)	/* opmask, ZMM_Hi256, Hi16_ZMM */

enum fp_class { X87_SSE, AVX, AVX512, NR_CLASSES };
static const char *const class_name[] = { "x87/SSE", "AVX", "AVX-512" };

/*
 * The registers of one class, as stored by its asm block.  X87_SSE: eight
 * x87 registers (80 bits, stored as doubles after fstpl), the x87 control
 * word, MXCSR and xmm0-15.  AVX: ymm0-15.  AVX512: zmm0-31 and k0-7.
 */
struct fp_regs {
	union {
		struct {
			double st[8];
			uint16_t fcw;
			uint16_t pad[3];
			uint32_t mxcsr;
			uint32_t pad2;
			uint8_t xmm[16][16];
		} sse;
		uint8_t ymm[16][32];
		struct {
			uint8_t zmm[32][64];
			uint64_t k[8];
		} avx512;
	};
} __attribute__((aligned(64)));

static uint64_t xcr0(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
		return XFEATURE_SSE | 1;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* Why a class cannot be exercised here, or NULL. */
static const char *unavailable(enum fp_class class)
{
	uint64_t x = xcr0();

	if (class == AVX && (x & (XFEATURE_SSE | XFEATURE_AVX)) !=
	    (XFEATURE_SSE | XFEATURE_AVX))
		return "not exercised: the CPU or the kernel has no AVX";
	if (class == AVX512 && (x & XFEATURE_AVX512) != XFEATURE_AVX512)
		return "not exercised: the CPU or the kernel has no AVX-512";
	if (class != X87_SSE && getenv("FP_TEST_FXSAVE_ONLY"))
		return "not exercised: FP_TEST_FXSAVE_ONLY (UML moves only the FXSAVE area)";
	return NULL;
}

/* A pattern that differs for each seed, register and byte. */
static void fill(struct fp_regs *r, enum fp_class class, unsigned int seed)
{
	uint8_t *p = (uint8_t *)r;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (class == X87_SSE) {
		for (i = 0; i < 8; i++)
			r->sse.st[i] = 1.0 + seed * 100 + i / 8.0;
		/* Round toward zero, precision 53 bits, all exceptions masked. */
		r->sse.fcw = 0x0e7f;
		/* Round up, flush to zero, all exceptions masked. */
		r->sse.mxcsr = 0x1f80 | 0x4000 | 0x8000;
		p = &r->sse.xmm[0][0];
		for (i = 0; i < sizeof(r->sse.xmm); i++)
			p[i] = (uint8_t)(seed * 31 + i * 7 + 1);
		return;
	}
	for (i = 0; i < (class == AVX ? sizeof(r->ymm) : sizeof(r->avx512.zmm)); i++)
		p[i] = (uint8_t)(seed * 37 + i * 11 + 3);
	if (class == AVX512)
		for (i = 0; i < 8; i++)
			r->avx512.k[i] = 0x0123456789abcdefULL * (seed + 1) + i;
}

/*
 * Load the registers of a class from in, make n system calls nr(a1, a2),
 * store them to out.  Returns what the last call returned.
 */
#define SYSCALL_LOOP				\
		"1:\n\t"				\
		"mov %[nr], %%rax\n\t"		\
		"mov %[a1], %%rdi\n\t"		\
		"mov %[a2], %%rsi\n\t"		\
		"syscall\n\t"			\
		"dec %[n]\n\t"			\
		"jnz 1b\n\t"			\
		"mov %%rax, %[ret]\n\t"
/* The operands of SYSCALL_LOOP, and what a system call clobbers. */
#define LOOP_OPERANDS							\
		[n] "+r"(n), [ret] "=&r"(ret)				\
		: [in] "r"(in), [out] "r"(out), [nr] "r"(nr), [a1] "r"(a1),	\
		  [a2] "r"(a2)						\
		: "rax", "rcx", "rdi", "rsi", "r11", "memory", "cc"
static long x87_sse_around(const struct fp_regs *in, struct fp_regs *out,
			   long n, long nr, long a1, long a2)
{
	long ret;

	asm volatile(
		"fninit\n\t"
		"fldcw 64(%[in])\n\t"
		"ldmxcsr 72(%[in])\n\t"
		"fldl 56(%[in])\n\t" "fldl 48(%[in])\n\t"
		"fldl 40(%[in])\n\t" "fldl 32(%[in])\n\t"
		"fldl 24(%[in])\n\t" "fldl 16(%[in])\n\t"
		"fldl 8(%[in])\n\t" "fldl 0(%[in])\n\t"
		"movdqu 80(%[in]), %%xmm0\n\t"   "movdqu 96(%[in]), %%xmm1\n\t"
		"movdqu 112(%[in]), %%xmm2\n\t"  "movdqu 128(%[in]), %%xmm3\n\t"
		"movdqu 144(%[in]), %%xmm4\n\t"  "movdqu 160(%[in]), %%xmm5\n\t"
		"movdqu 176(%[in]), %%xmm6\n\t"  "movdqu 192(%[in]), %%xmm7\n\t"
		"movdqu 208(%[in]), %%xmm8\n\t"  "movdqu 224(%[in]), %%xmm9\n\t"
		"movdqu 240(%[in]), %%xmm10\n\t" "movdqu 256(%[in]), %%xmm11\n\t"
		"movdqu 272(%[in]), %%xmm12\n\t" "movdqu 288(%[in]), %%xmm13\n\t"
		"movdqu 304(%[in]), %%xmm14\n\t" "movdqu 320(%[in]), %%xmm15\n\t"
		SYSCALL_LOOP
		"fstpl 0(%[out])\n\t" "fstpl 8(%[out])\n\t"
		"fstpl 16(%[out])\n\t" "fstpl 24(%[out])\n\t"
		"fstpl 32(%[out])\n\t" "fstpl 40(%[out])\n\t"
		"fstpl 48(%[out])\n\t" "fstpl 56(%[out])\n\t"
		"fnstcw 64(%[out])\n\t"
		"stmxcsr 72(%[out])\n\t"
		"movdqu %%xmm0, 80(%[out])\n\t"   "movdqu %%xmm1, 96(%[out])\n\t"
		"movdqu %%xmm2, 112(%[out])\n\t"  "movdqu %%xmm3, 128(%[out])\n\t"
		"movdqu %%xmm4, 144(%[out])\n\t"  "movdqu %%xmm5, 160(%[out])\n\t"
		"movdqu %%xmm6, 176(%[out])\n\t"  "movdqu %%xmm7, 192(%[out])\n\t"
		"movdqu %%xmm8, 208(%[out])\n\t"  "movdqu %%xmm9, 224(%[out])\n\t"
		"movdqu %%xmm10, 240(%[out])\n\t" "movdqu %%xmm11, 256(%[out])\n\t"
		"movdqu %%xmm12, 272(%[out])\n\t" "movdqu %%xmm13, 288(%[out])\n\t"
		"movdqu %%xmm14, 304(%[out])\n\t" "movdqu %%xmm15, 320(%[out])\n\t"
		"fninit\n\t"
		"mov $0x1f80, %%eax\n\t"
		"push %%rax\n\t"
		"ldmxcsr (%%rsp)\n\t"
		"pop %%rax\n\t"
		: LOOP_OPERANDS, "st", "st(1)", "st(2)", "st(3)", "st(4)",
		  "st(5)", "st(6)", "st(7)", "xmm0", "xmm1", "xmm2", "xmm3",
		  "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
		  "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	return ret;
}

__attribute__((target("avx")))
static long avx_around(const struct fp_regs *in, struct fp_regs *out,
		       long n, long nr, long a1, long a2)
{
	long ret;

	asm volatile(
		"vmovdqu 0(%[in]), %%ymm0\n\t"    "vmovdqu 32(%[in]), %%ymm1\n\t"
		"vmovdqu 64(%[in]), %%ymm2\n\t"   "vmovdqu 96(%[in]), %%ymm3\n\t"
		"vmovdqu 128(%[in]), %%ymm4\n\t"  "vmovdqu 160(%[in]), %%ymm5\n\t"
		"vmovdqu 192(%[in]), %%ymm6\n\t"  "vmovdqu 224(%[in]), %%ymm7\n\t"
		"vmovdqu 256(%[in]), %%ymm8\n\t"  "vmovdqu 288(%[in]), %%ymm9\n\t"
		"vmovdqu 320(%[in]), %%ymm10\n\t" "vmovdqu 352(%[in]), %%ymm11\n\t"
		"vmovdqu 384(%[in]), %%ymm12\n\t" "vmovdqu 416(%[in]), %%ymm13\n\t"
		"vmovdqu 448(%[in]), %%ymm14\n\t" "vmovdqu 480(%[in]), %%ymm15\n\t"
		SYSCALL_LOOP
		"vmovdqu %%ymm0, 0(%[out])\n\t"    "vmovdqu %%ymm1, 32(%[out])\n\t"
		"vmovdqu %%ymm2, 64(%[out])\n\t"   "vmovdqu %%ymm3, 96(%[out])\n\t"
		"vmovdqu %%ymm4, 128(%[out])\n\t"  "vmovdqu %%ymm5, 160(%[out])\n\t"
		"vmovdqu %%ymm6, 192(%[out])\n\t"  "vmovdqu %%ymm7, 224(%[out])\n\t"
		"vmovdqu %%ymm8, 256(%[out])\n\t"  "vmovdqu %%ymm9, 288(%[out])\n\t"
		"vmovdqu %%ymm10, 320(%[out])\n\t" "vmovdqu %%ymm11, 352(%[out])\n\t"
		"vmovdqu %%ymm12, 384(%[out])\n\t" "vmovdqu %%ymm13, 416(%[out])\n\t"
		"vmovdqu %%ymm14, 448(%[out])\n\t" "vmovdqu %%ymm15, 480(%[out])\n\t"
		"vzeroupper\n\t"
		: LOOP_OPERANDS, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		  "xmm13", "xmm14", "xmm15");
	return ret;
}

#define ZLOAD(i)  "vmovdqu64 " #i "*64(%[in]), %%zmm" #i "\n\t"
#define ZSTORE(i) "vmovdqu64 %%zmm" #i ", " #i "*64(%[out])\n\t"
#define Z8(op, a, b, c, d, e, f, g, h) \
	op(a) op(b) op(c) op(d) op(e) op(f) op(g) op(h)

__attribute__((target("avx512f")))
static long avx512_around(const struct fp_regs *in, struct fp_regs *out,
			  long n, long nr, long a1, long a2)
{
	long ret;

	asm volatile(
		Z8(ZLOAD, 0, 1, 2, 3, 4, 5, 6, 7)
		Z8(ZLOAD, 8, 9, 10, 11, 12, 13, 14, 15)
		Z8(ZLOAD, 16, 17, 18, 19, 20, 21, 22, 23)
		Z8(ZLOAD, 24, 25, 26, 27, 28, 29, 30, 31)
		"kmovw 2048(%[in]), %%k0\n\t"  "kmovw 2056(%[in]), %%k1\n\t"
		"kmovw 2064(%[in]), %%k2\n\t"  "kmovw 2072(%[in]), %%k3\n\t"
		"kmovw 2080(%[in]), %%k4\n\t"  "kmovw 2088(%[in]), %%k5\n\t"
		"kmovw 2096(%[in]), %%k6\n\t"  "kmovw 2104(%[in]), %%k7\n\t"
		SYSCALL_LOOP
		Z8(ZSTORE, 0, 1, 2, 3, 4, 5, 6, 7)
		Z8(ZSTORE, 8, 9, 10, 11, 12, 13, 14, 15)
		Z8(ZSTORE, 16, 17, 18, 19, 20, 21, 22, 23)
		Z8(ZSTORE, 24, 25, 26, 27, 28, 29, 30, 31)
		"kmovw %%k0, 2048(%[out])\n\t"  "kmovw %%k1, 2056(%[out])\n\t"
		"kmovw %%k2, 2064(%[out])\n\t"  "kmovw %%k3, 2072(%[out])\n\t"
		"kmovw %%k4, 2080(%[out])\n\t"  "kmovw %%k5, 2088(%[out])\n\t"
		"kmovw %%k6, 2096(%[out])\n\t"  "kmovw %%k7, 2104(%[out])\n\t"
		"vzeroupper\n\t"
		: LOOP_OPERANDS, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		  "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19",
		  "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26",
		  "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "k0", "k1", "k2",
		  "k3", "k4", "k5", "k6", "k7");
	return ret;
}

static long around(enum fp_class class, const struct fp_regs *in,
		   struct fp_regs *out, long n, long nr, long a1, long a2)
{
	switch (class) {
	case X87_SSE:
		return x87_sse_around(in, out, n, nr, a1, a2);
	case AVX:
		return avx_around(in, out, n, nr, a1, a2);
	default:
		return avx512_around(in, out, n, nr, a1, a2);
	}
}

/* kmovw stores 16 bits: compare only those of each mask register. */
static void normalise(struct fp_regs *r, enum fp_class class)
{
	int i;

	if (class == AVX512)
		for (i = 0; i < 8; i++)
			r->avx512.k[i] &= 0xffff;
}

/*
 * Where two register sets differ, as "name: byte offset, expected value,
 * got value", or "" when they are equal.
 */
static const char *difference(const struct fp_regs *want,
			      const struct fp_regs *got, enum fp_class class)
{
	static char why[160];
	struct fp_regs w = *want, g = *got;
	const uint8_t *a = (const uint8_t *)&w, *b = (const uint8_t *)&g;
	size_t i, size = sizeof(w);

	normalise(&w, class);
	normalise(&g, class);
	if (class == AVX)
		size = sizeof(w.ymm);
	if (class == X87_SSE)
		size = offsetof(struct fp_regs, sse.xmm) + sizeof(w.sse.xmm);
	for (i = 0; i < size; i++)
		if (a[i] != b[i])
			break;
	if (i == size)
		return "";
	snprintf(why, sizeof(why),
		 "%s registers differ at byte %zu of the dump: expected 0x%02x, got 0x%02x",
		 class_name[class], i, a[i], b[i]);
	return why;
}

#define SKIP_UNLESS_AVAILABLE(class)					\
	do {								\
		const char *why = unavailable(class);			\
		if (why)						\
			SKIP(return, "%s: %s", class_name[class], why);	\
	} while (0)

/* The registers survive LOOPS system calls (getppid). */
static void check_syscalls(struct __test_metadata *_metadata,
			   enum fp_class class)
{
	struct fp_regs in, out;

	SKIP_UNLESS_AVAILABLE(class);
	fill(&in, class, 1);
	around(class, &in, &out, LOOPS, SYS_getppid, 0, 0);
	ASSERT_STREQ("", difference(&in, &out, class));
}

TEST(x87_sse_survive_syscalls) { check_syscalls(_metadata, X87_SSE); }
TEST(avx_survives_syscalls) { check_syscalls(_metadata, AVX); }
TEST(avx512_survives_syscalls) { check_syscalls(_metadata, AVX512); }

/* Threads of one process: each keeps its own registers across yields. */
struct thread_arg {
	enum fp_class class;
	unsigned int seed;
	char why[160];
};

static void *yielding_thread(void *p)
{
	struct thread_arg *arg = p;
	struct fp_regs in, out;

	fill(&in, arg->class, arg->seed);
	around(arg->class, &in, &out, LOOPS, SYS_sched_yield, 0, 0);
	snprintf(arg->why, sizeof(arg->why), "%s",
		 difference(&in, &out, arg->class));
	return NULL;
}

static void check_threads(struct __test_metadata *_metadata,
			  enum fp_class class)
{
	struct thread_arg args[3];
	pthread_t threads[3];
	int i;

	SKIP_UNLESS_AVAILABLE(class);
	for (i = 0; i < 3; i++) {
		args[i].class = class;
		args[i].seed = 10 + i;
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, yielding_thread,
					    &args[i]));
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_join(threads[i], NULL));
	for (i = 0; i < 3; i++)
		EXPECT_STREQ("", args[i].why);
}

TEST(x87_sse_survive_thread_switches) { check_threads(_metadata, X87_SSE); }
TEST(avx_survives_thread_switches) { check_threads(_metadata, AVX); }
TEST(avx512_survives_thread_switches) { check_threads(_metadata, AVX512); }

/* Processes: a child and its parent yield to each other. */
static void check_processes(struct __test_metadata *_metadata,
			    enum fp_class class)
{
	struct fp_regs in, out;
	int status;
	pid_t pid;

	SKIP_UNLESS_AVAILABLE(class);
	pid = fork();
	ASSERT_LE(0, pid);
	fill(&in, class, pid == 0 ? 20 : 21);
	around(class, &in, &out, LOOPS, SYS_sched_yield, 0, 0);
	if (pid == 0)
		_exit(*difference(&in, &out, class) ? 1 : 0);
	EXPECT_STREQ("", difference(&in, &out, class));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("the child's registers changed");
}

TEST(x87_sse_survive_process_switches) { check_processes(_metadata, X87_SSE); }
TEST(avx_survives_process_switches) { check_processes(_metadata, AVX); }
TEST(avx512_survives_process_switches) { check_processes(_metadata, AVX512); }

/* fork: the child starts with its parent's registers. */
static void check_fork(struct __test_metadata *_metadata, enum fp_class class)
{
	struct fp_regs in, out;
	int status;
	long pid;

	SKIP_UNLESS_AVAILABLE(class);
	fill(&in, class, 30);
	pid = around(class, &in, &out, 1, SYS_fork, 0, 0);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(*difference(&in, &out, class) ? 1 : 0);
	EXPECT_STREQ("", difference(&in, &out, class));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status) TH_LOG("the child did not get its parent's registers");
}

TEST(x87_sse_inherited_by_fork) { check_fork(_metadata, X87_SSE); }
TEST(avx_inherited_by_fork) { check_fork(_metadata, AVX); }
TEST(avx512_inherited_by_fork) { check_fork(_metadata, AVX512); }

/* A signal handler that clobbers the registers: sigreturn restores them. */
static enum fp_class handler_class;
static volatile int handler_ran;

static void clobbering_handler(int sig)
{
	struct fp_regs junk, ignored;

	fill(&junk, handler_class, 99);
	/* Loads junk and keeps it there: the one call is a getppid. */
	around(handler_class, &junk, &ignored, 1, SYS_getppid, 0, 0);
	handler_ran = 1;
}

static void check_signal(struct __test_metadata *_metadata,
			 enum fp_class class)
{
	struct fp_regs in, out;

	SKIP_UNLESS_AVAILABLE(class);
	handler_class = class;
	ASSERT_NE(SIG_ERR, signal(SIGUSR1, clobbering_handler));
	fill(&in, class, 40);
	around(class, &in, &out, 1, SYS_kill, getpid(), SIGUSR1);
	ASSERT_EQ(1, handler_ran);
	ASSERT_STREQ("", difference(&in, &out, class));
}

TEST(x87_sse_restored_after_signal_handler) { check_signal(_metadata, X87_SSE); }
TEST(avx_restored_after_signal_handler) { check_signal(_metadata, AVX); }
TEST(avx512_restored_after_signal_handler) { check_signal(_metadata, AVX512); }

/*
 * A tracer reads the tracee's SSE registers with PTRACE_GETFPREGS (its own
 * hold other values) and changes xmm0 with PTRACE_SETFPREGS.
 */
TEST(tracer_reads_and_writes_fpregs_of_its_tracee)
{
	struct user_fpregs_struct fp;
	struct fp_regs in, out;
	int status, pipefd[2];
	pid_t pid;

	fill(&in, X87_SSE, 50);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(pipefd[0]);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(2);
		around(X87_SSE, &in, &out, 1, SYS_kill, getpid(), SIGSTOP);
		if (write(pipefd[1], &out, sizeof(out)) != sizeof(out))
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(SIGSTOP, WSTOPSIG(status));

	ASSERT_EQ(0, ptrace(PTRACE_GETFPREGS, pid, 0, &fp));
	EXPECT_EQ(0, memcmp(fp.xmm_space, in.sse.xmm, sizeof(in.sse.xmm)))
		TH_LOG("PTRACE_GETFPREGS did not give the tracee's xmm0-15");
	EXPECT_EQ(in.sse.mxcsr, fp.mxcsr);
	EXPECT_EQ(in.sse.fcw, fp.cwd);

	memset(fp.xmm_space, 0x5a, 16);
	ASSERT_EQ(0, ptrace(PTRACE_SETFPREGS, pid, 0, &fp));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, pid, 0, 0));
	ASSERT_EQ((ssize_t)sizeof(out), read(pipefd[0], &out, sizeof(out)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	memset(in.sse.xmm[0], 0x5a, 16);
	EXPECT_STREQ("", difference(&in, &out, X87_SSE))
		TH_LOG("PTRACE_SETFPREGS did not reach the tracee as written");
}

/* A handler on an alternate stack of AT_MINSIGSTKSZ bytes runs. */
TEST(signal_on_a_stack_of_at_minsigstksz)
{
	unsigned long min = getauxval(AT_MINSIGSTKSZ);
	stack_t ss = { 0 };

	ASSERT_NE(0UL, min) TH_LOG("the kernel gives no AT_MINSIGSTKSZ");
	/* The handler itself needs a little stack beyond the frame. */
	ss.ss_size = min + 4096;
	ss.ss_sp = malloc(ss.ss_size);
	ASSERT_NE(NULL, ss.ss_sp);
	ASSERT_EQ(0, sigaltstack(&ss, NULL));
	handler_class = X87_SSE;
	handler_ran = 0;
	struct sigaction sa = { .sa_handler = clobbering_handler,
				.sa_flags = SA_ONSTACK };
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, raise(SIGUSR1));
	ASSERT_EQ(1, handler_ran);
}

/* A child that is traced by its parent and stopped, its registers loaded. */
static pid_t stopped_tracee(enum fp_class class, const struct fp_regs *in,
			    int pipefd[2])
{
	struct fp_regs out;
	int status;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(2);
		around(class, in, &out, 1, SYS_kill, getpid(), SIGSTOP);
		if (write(pipefd[1], &out, sizeof(out)) != sizeof(out))
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGSTOP)
		return -1;
	return pid;
}

/* The offset of XSAVE component i in the standard format (CPUID 0xD). */
static unsigned int xsave_offset(unsigned int i)
{
	unsigned int a, b, c, d;

	__cpuid_count(0xd, i, a, b, c, d);
	return b;
}

#define XSTATE_BUF	(64 * 1024)	/* larger than any XSAVE area */

/*
 * NT_X86_XSTATE: a tracer reads the tracee's ymm0-15 (low halves in the
 * FXSAVE area, high halves in component 2) and writes ymm0's high half.
 */
TEST(tracer_reads_and_writes_xstate_regset)
{
	static uint8_t xsave[XSTATE_BUF] __attribute__((aligned(64)));
	struct iovec iov = { xsave, sizeof(xsave) };
	struct fp_regs in, out;
	unsigned int ymmh, i;
	int status, pipefd[2];
	pid_t pid;

	SKIP_UNLESS_AVAILABLE(AVX);
	ymmh = xsave_offset(2);
	fill(&in, AVX, 60);
	pid = stopped_tracee(AVX, &in, pipefd);
	ASSERT_LT(0, pid);

	ASSERT_EQ(0, ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov));
	ASSERT_LT(iov.iov_len, sizeof(xsave));
	ASSERT_LE(ymmh + 256, iov.iov_len);
	for (i = 0; i < 16; i++) {
		EXPECT_EQ(0, memcmp(xsave + 160 + 16 * i, &in.ymm[i][0], 16))
			TH_LOG("the low half of ymm%u in the XSTATE regset", i);
		EXPECT_EQ(0, memcmp(xsave + ymmh + 16 * i, &in.ymm[i][16], 16))
			TH_LOG("the high half of ymm%u in the XSTATE regset", i);
	}

	memset(xsave + ymmh, 0x5a, 16);
	ASSERT_EQ(0, ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &iov));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, pid, 0, 0));
	ASSERT_EQ((ssize_t)sizeof(out), read(pipefd[0], &out, sizeof(out)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	memset(&in.ymm[0][16], 0x5a, 16);
	EXPECT_STREQ("", difference(&in, &out, AVX))
		TH_LOG("PTRACE_SETREGSET did not reach the tracee as written");
}

/* NT_PRSTATUS and NT_PRFPREG give what PTRACE_GETREGS and GETFPREGS give. */
TEST(regsets_agree_with_getregs_and_getfpregs)
{
	struct user_regs_struct regs, regset_regs;
	struct user_fpregs_struct fp, regset_fp;
	struct iovec iov;
	struct fp_regs in;
	int pipefd[2];
	pid_t pid;

	fill(&in, X87_SSE, 61);
	pid = stopped_tracee(X87_SSE, &in, pipefd);
	ASSERT_LT(0, pid);

	ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, 0, &regs));
	iov = (struct iovec){ &regset_regs, sizeof(regset_regs) };
	ASSERT_EQ(0, ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov));
	ASSERT_EQ(sizeof(regset_regs), iov.iov_len);
	EXPECT_EQ(0, memcmp(&regs, &regset_regs, sizeof(regs)));

	ASSERT_EQ(0, ptrace(PTRACE_GETFPREGS, pid, 0, &fp));
	iov = (struct iovec){ &regset_fp, sizeof(regset_fp) };
	ASSERT_EQ(0, ptrace(PTRACE_GETREGSET, pid, NT_PRFPREG, &iov));
	ASSERT_EQ(sizeof(regset_fp), iov.iov_len);
	/* Up to the end of the xmm registers: the rest is padding. */
	EXPECT_EQ(0, memcmp(&fp, &regset_fp, offsetof(struct user_fpregs_struct, padding)));
	EXPECT_EQ(0, memcmp(fp.xmm_space, in.sse.xmm, sizeof(in.sse.xmm)));

	/* A register written through NT_PRSTATUS reads back through GETREGS. */
	regset_regs.r12 = 0x1234567890abcdefULL;
	iov = (struct iovec){ &regset_regs, sizeof(regset_regs) };
	ASSERT_EQ(0, ptrace(PTRACE_SETREGSET, pid, NT_PRSTATUS, &iov));
	ASSERT_EQ(0, ptrace(PTRACE_GETREGS, pid, 0, &regs));
	EXPECT_EQ(0x1234567890abcdefULL, regs.r12);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* An XSAVE area that the host would refuse is refused and changes nothing. */
TEST(xstate_regset_refuses_what_the_host_would)
{
	static uint8_t orig[XSTATE_BUF], bad[XSTATE_BUF], after[XSTATE_BUF];
	struct iovec iov = { orig, sizeof(orig) };
	struct fp_regs in;
	int pipefd[2];
	size_t size;
	pid_t pid;

	fill(&in, X87_SSE, 62);
	pid = stopped_tracee(X87_SSE, &in, pipefd);
	ASSERT_LT(0, pid);
	/* Without XSAVE there is no such regset: ENODEV, as native. */
	if (ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) && errno == ENODEV) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		SKIP(return, "not exercised: the kernel has no XSAVE area (FXSAVE only)");
	}
	ASSERT_EQ(0, ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov));
	size = iov.iov_len;

	/* The compacted format (xcomp_bv, at byte 520) is not for ptrace. */
	memcpy(bad, orig, size);
	bad[527] = 0x80;
	iov = (struct iovec){ bad, size };
	EXPECT_EQ(-1, ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &iov));
	EXPECT_EQ(EINVAL, errno);

	/* Reserved MXCSR bits (MXCSR is at byte 24). */
	memcpy(bad, orig, size);
	memset(bad + 24, 0xff, 4);
	EXPECT_EQ(-1, ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &iov));
	EXPECT_EQ(EINVAL, errno);

	/* AMX tile data (feature 18) needs a permission no tracee asked for. */
	if (xcr0() & (1ULL << 18)) {
		memcpy(bad, orig, size);
		bad[512 + 2] |= 1 << 2;
		EXPECT_EQ(-1, ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &iov));
		EXPECT_EQ(EINVAL, errno);
	}

	iov = (struct iovec){ after, sizeof(after) };
	ASSERT_EQ(0, ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov));
	ASSERT_EQ(size, iov.iov_len);
	EXPECT_EQ(0, memcmp(orig, after, size))
		TH_LOG("a refused PTRACE_SETREGSET changed the tracee's state");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* What a handler writes into its frame's FP state, sigreturn restores. */
static void frame_writing_handler(int sig, siginfo_t *si, void *p)
{
	ucontext_t *uc = p;

	/* x87 precision 53 bits, and MXCSR: round down. */
	uc->uc_mcontext.fpregs->cwd = 0x027f;
	uc->uc_mcontext.fpregs->mxcsr = 0x1f80 | 0x2000;
	handler_ran = 1;
}

TEST(handler_changes_to_the_frame_are_restored)
{
	struct sigaction sa = { .sa_sigaction = frame_writing_handler,
				.sa_flags = SA_SIGINFO };
	uint16_t cw = 0;
	uint32_t mxcsr = 0;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	handler_ran = 0;
	/* fninit leaves x87 in its init state, which XSAVE may skip. */
	asm volatile("fninit" ::: "memory");
	ASSERT_EQ(0, raise(SIGUSR1));
	asm volatile("fnstcw %0\n\tstmxcsr %1" : "=m"(cw), "=m"(mxcsr));
	ASSERT_EQ(1, handler_ran);
	EXPECT_EQ(0x027fU, cw) TH_LOG("the x87 control word the handler wrote was not restored");
	EXPECT_EQ(0x1f80U | 0x2000U, mxcsr) TH_LOG("the MXCSR the handler wrote was not restored");
	asm volatile("fninit" ::: "memory");
}

/* A frame without FP state (fpstate NULL) gives the init state, as native. */
static void fpstate_dropping_handler(int sig, siginfo_t *si, void *p)
{
	ucontext_t *uc = p;

	uc->uc_mcontext.fpregs = NULL;
	handler_ran = 1;
}

TEST(sigreturn_without_fpstate_gives_init_state)
{
	struct sigaction sa = { .sa_sigaction = fpstate_dropping_handler,
				.sa_flags = SA_SIGINFO };
	uint32_t mxcsr = 0x1f80 | 0x6000, after = 0;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	handler_ran = 0;
	asm volatile("ldmxcsr %0" : : "m"(mxcsr));
	ASSERT_EQ(0, raise(SIGUSR1));
	asm volatile("stmxcsr %0" : "=m"(after));
	ASSERT_EQ(1, handler_ran);
	EXPECT_EQ(0x1f80U, after) TH_LOG("MXCSR after a sigreturn without FP state");
}

/*
 * A signal stack too small for the frame: the process gets SIGSEGV, as
 * native, and nothing below the stack is written.
 */
static void noop_handler(int sig)
{
}

TEST(signal_stack_too_small_gives_sigsegv)
{
	/* MINSIGSTKSZ: the smallest signal stack that sigaltstack() takes. */
	const size_t page = 4096, small = 2048;
	unsigned char *map;
	int status;
	size_t i;
	pid_t pid;

	if (getauxval(AT_MINSIGSTKSZ) <= small)
		SKIP(return, "not exercised: the frame (AT_MINSIGSTKSZ %lu) fits in %zu bytes",
		     getauxval(AT_MINSIGSTKSZ), small);

	/* Three pages: the stack at the top of the middle one. */
	map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	memset(map, 0xa5, 3 * page);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		stack_t ss = { .ss_sp = map + 2 * page - small, .ss_size = small };
		struct sigaction sa = { .sa_handler = noop_handler,
					.sa_flags = SA_ONSTACK };

		if (sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL))
			_exit(2);
		raise(SIGUSR1);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		TH_LOG("a frame larger than its %zu-byte signal stack: status %#x, not SIGSEGV",
		       small, status);
	for (i = 0; i < 2 * page - small; i++)
		if (map[i] != 0xa5)
			break;
	EXPECT_EQ(2 * page - small, i) TH_LOG("memory below the signal stack was written at byte %zu", i);
	munmap(map, 3 * page);
}

TEST_HARNESS_MAIN
