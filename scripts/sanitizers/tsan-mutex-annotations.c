// Tells ThreadSanitizer that Synchronization.Mutex is a lock, on Linux.
//
// `Mutex.withLock` inlines a fast path (one compare-exchange, which TSan sees) into our
// code, but when the lock is contended it calls `_MutexHandle._lockSlow` /
// `_unlockSlow` in libswiftSynchronization.so, which is not instrumented and hands the
// lock over through a PI futex in the kernel. TSan then sees neither the release by the
// old owner nor the acquire by the new one, and reports every contended critical section
// as a data race (reproduced with four threads incrementing a Mutex-guarded counter: the
// count is exact, TSan reports races). Suppressing those reports would need patterns that
// match our own code and hide real races too, so instead this library, preloaded into the
// sanitizer test run only (LD_PRELOAD, see scripts/sanitizers.sh), wraps the three slow
// paths and adds the missing edges: release on the lock word before the slow unlock,
// acquire after a slow lock (or a successful slow try-lock). The lock word is the
// address TSan already uses for the fast path's atomics, so both paths meet.
//
// Processes without TSan (swift-test itself, python) load it too: the TSan hooks are
// weak and are skipped when absent, and the wrappers just forward.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>

extern void __tsan_acquire(void *addr) __attribute__((weak));
extern void __tsan_release(void *addr) __attribute__((weak));

#define SWIFTCALL __attribute__((swiftcall))
#define SWIFT_SELF __attribute__((swift_context))

#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define TRY_LOCK_SLOW "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"

// Swift passes `self` (the handle, i.e. the address of its atomic word) in the swiftself
// register and the thread id as the first argument.
typedef SWIFTCALL void (*LockSlow)(uint32_t selfId, void *SWIFT_SELF handle);
typedef SWIFTCALL bool (*TryLockSlow)(void *SWIFT_SELF handle);
typedef SWIFTCALL void (*UnlockSlow)(void *SWIFT_SELF handle);

static LockSlow realLockSlow;
static TryLockSlow realTryLockSlow;
static UnlockSlow realUnlockSlow;

__attribute__((constructor)) static void resolve(void) {
    realLockSlow = (LockSlow)dlsym(RTLD_NEXT, LOCK_SLOW);
    realTryLockSlow = (TryLockSlow)dlsym(RTLD_NEXT, TRY_LOCK_SLOW);
    realUnlockSlow = (UnlockSlow)dlsym(RTLD_NEXT, UNLOCK_SLOW);
}

SWIFTCALL void lockSlow(uint32_t selfId, void *SWIFT_SELF handle) __asm__(LOCK_SLOW);
SWIFTCALL void lockSlow(uint32_t selfId, void *SWIFT_SELF handle) {
    realLockSlow(selfId, handle);
    if (__tsan_acquire) __tsan_acquire(handle);
}

SWIFTCALL bool tryLockSlow(void *SWIFT_SELF handle) __asm__(TRY_LOCK_SLOW);
SWIFTCALL bool tryLockSlow(void *SWIFT_SELF handle) {
    bool locked = realTryLockSlow(handle);
    if (locked && __tsan_acquire) __tsan_acquire(handle);
    return locked;
}

SWIFTCALL void unlockSlow(void *SWIFT_SELF handle) __asm__(UNLOCK_SLOW);
SWIFTCALL void unlockSlow(void *SWIFT_SELF handle) {
    if (__tsan_release) __tsan_release(handle);
    realUnlockSlow(handle);
}
