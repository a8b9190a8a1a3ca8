/*
 * A stand-in for Windows' bcryptprimitives.dll, for running renkei.exe under Wine 8.0 in the
 * smoke test (tools/windows-smoke.sh). Test-only: it is never shipped in a release archive.
 *
 * Why: Rust's standard library (1.78 and later) gets its random bytes (the seeds of HashMap) from
 * ProcessPrng in bcryptprimitives.dll, which every Windows since 10 has, but Wine gained only
 * after 8.0, the version Debian 12 packages. Without it the program cannot start under that
 * Wine. Placed next to the .exe, this DLL is found first and provides ProcessPrng through
 * advapi32's SystemFunction036 (RtlGenRandom), which Wine 8.0 has.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom; advapi32 exports it under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Fills `data` with `length` random bytes; always TRUE, as on Windows (ProcessPrng cannot fail
 * there, and Rust's std aborts when it returns FALSE, which is what we want if RtlGenRandom fails). */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
