# Swaps two paths atomically over and over (renameat2 RENAME_EXCHANGE), for the root-escape race
# probe: Node has no binding for renameat2, so the test side uses this helper through ctypes.
# usage: python3 renameExchange.py <path-a> <path-b> <seconds>
# Prints "READY" once the first swap succeeded, then swaps until the time is up or stdin closes.
import ctypes, os, select, sys, time

AT_FDCWD = -100
RENAME_EXCHANGE = 2
libc = ctypes.CDLL(None, use_errno=True)
renameat2 = libc.renameat2
renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]

a, b, seconds = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + seconds
swaps = 0
while time.monotonic() < deadline:
    if renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
        sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
    swaps += 1
    if swaps == 1:
        print("READY", flush=True)
    if swaps % 256 == 0 and select.select([sys.stdin], [], [], 0)[0] and not sys.stdin.read(1):
        break
# An even number of swaps leaves the tree as it was.
if swaps % 2 == 1:
    renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
print("SWAPS", swaps, flush=True)
